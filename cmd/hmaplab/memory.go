package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"

	"github.com/hmaplab/hmap/table"
)

// footprint is what a map costs once built: live heap bytes and the part of
// them the garbage collector must scan.
type footprint struct {
	bytes, scannable uint64
}

// measure builds a map with build, and returns the heap it holds after a
// full collection (growth leaves old arrays behind as garbage).
func measure(build func() any) footprint {
	before := heapNow()
	m := build()
	after := heapNow()
	runtime.KeepAlive(m)
	return footprint{growth(before.bytes, after.bytes), growth(before.scannable, after.scannable)}
}

// growth is after - before, or 0 if the figure went down meanwhile (other
// objects were freed): the map added nothing measurable to it.
func growth(before, after uint64) uint64 {
	if after < before {
		return 0
	}
	return after - before
}

func heapNow() footprint {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := []metrics.Sample{{Name: "/gc/scan/heap:bytes"}}
	metrics.Read(s)
	return footprint{bytes: ms.HeapAlloc, scannable: s[0].Value.Uint64()}
}

func runMemory(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("memory", flag.ContinueOnError)
	fs.SetOutput(out)
	n := fs.Int("n", 1_000_000, "entries to insert, as int64 keys 0..n-1 with int64 elems")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 {
		return fmt.Errorf("-n %d out of range: want at least 1", *n)
	}
	hm := measure(func() any {
		m := table.New[int64, int64](0)
		for i := range int64(*n) {
			m.Put(i, i)
		}
		return m
	})
	bm := measure(func() any {
		m := map[int64]int64{}
		for i := range int64(*n) {
			m[i] = i
		}
		return m
	})
	fmt.Fprintf(out, "map[int64]int64 with %d entries, built by inserting into an empty map (%s)\n\n", *n, runtime.Version())
	fmt.Fprintf(out, "%-8s %14s %12s %16s %10s\n", "impl", "heap bytes", "bytes/entry", "scannable bytes", "scannable")
	for _, r := range []struct {
		name string
		f    footprint
	}{{"hmap", hm}, {"builtin", bm}} {
		fmt.Fprintf(out, "%-8s %14d %12.2f %16d %9.3f%%\n", r.name, r.f.bytes,
			float64(r.f.bytes)/float64(*n), r.f.scannable, 100*float64(r.f.scannable)/float64(r.f.bytes))
	}
	fmt.Fprintf(out, "\nhmap/builtin bytes per entry: %.3f\n", float64(hm.bytes)/float64(bm.bytes))
	return nil
}
