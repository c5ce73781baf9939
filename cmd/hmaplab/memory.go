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

// measure builds copies maps with build, and returns the heap one of them
// holds after a full collection (growth leaves old arrays behind as
// garbage). A small map is measured as the mean of many: the heap's own
// movements between two collections, a few hundred bytes, would swamp it.
func measure(copies int, build func() any) footprint {
	maps := make([]any, copies) // allocated before the first reading
	before := heapNow()
	for i := range maps {
		maps[i] = build()
	}
	after := heapNow()
	runtime.KeepAlive(maps)
	c := uint64(copies)
	return footprint{growth(before.bytes, after.bytes) / c, growth(before.scannable, after.scannable) / c}
}

// copiesFor returns how many maps of n entries measure builds: enough for
// minMeasured entries in all.
func copiesFor(n int) int { return max(1, minMeasured/n) }

const (
	minMeasured = 1 << 20    // entries measured in all, at least
	maxMemoryN  = 50_000_000 // -n at most: two maps of 2 GB each at the peak of growth
)

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
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hmaplab memory [flags]\n\n"+
			"Bytes per entry and GC-scannable heap of a map[int64]int64 built by inserting\n"+
			"n entries into an empty map, hmap against the builtin map. Maps of fewer than\n"+
			"%d entries are measured as the mean of as many maps as make %d entries.\n\nFlags:\n",
			minMeasured, minMeasured)
		fs.PrintDefaults()
	}
	n := fs.Int("n", 1_000_000, fmt.Sprintf("entries to insert, as int64 keys 0..n-1 with int64 elems, 1 to %d", maxMemoryN))
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if *n < 1 || *n > maxMemoryN {
		return usagef("-n %d out of range: want 1 to %d", *n, maxMemoryN)
	}
	copies := copiesFor(*n)
	hm := measure(copies, func() any {
		m := table.New[int64, int64](0)
		for i := range int64(*n) {
			m.Put(i, i)
		}
		return m
	})
	bm := measure(copies, func() any {
		m := map[int64]int64{}
		for i := range int64(*n) {
			m[i] = i
		}
		return m
	})
	fmt.Fprintf(out, "map[int64]int64 with %d entries, built by inserting into an empty map (%s)\n", *n, runtime.Version())
	if copies > 1 {
		fmt.Fprintf(out, "per map: the mean of %d maps\n", copies)
	}
	fmt.Fprintln(out)
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
