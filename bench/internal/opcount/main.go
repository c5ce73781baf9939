// Command opcount runs one map operation many times, so that a run under
// callgrind counts its instructions and simulated cache misses per
// operation: run it with -n N and with -n 0 (the setup alone), and divide
// the difference by N. bench/opcount.sh does that for each cell.
//
// Of the map's packages it imports only table (and watch, for the watched
// cells), as a user's program would (bench/internal/visit imports none):
// generic code is compiled in its caller's package, so where the caller
// stands decides what the compiler inlines.
//
//	opcount -impl IMPL -key int64|string -op OP -size 1000 -n 1000000
//
// IMPL is builtin, hmap, or hmap watched as package watch watches maps:
// hmap-named (WithName), hmap-sampled (picked by sampling at rate 1) or
// hmap-traced (an EventLog tracer); all four hmap cells run the same
// compiled loops, so they differ only in what the map does at run time.
//
// OP is get-hit, get-miss, set-update, delete-reinsert (a delete and the
// insert that restores the key), iterate (-n full iterations; divide by
// -size too for a per-entry figure), or new-fill (-n new maps, each filled
// with the -size keys and kept reachable, as a map that escapes is).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"

	"github.com/hmaplab/hmap/bench/internal/visit"
	"github.com/hmaplab/hmap/table"
	"github.com/hmaplab/hmap/watch"
)

func main() {
	impl := flag.String("impl", "hmap", "hmap, hmap-named, hmap-sampled, hmap-traced or builtin")
	key := flag.String("key", "int64", "int64, string or struct16")
	op := flag.String("op", "get-hit", "get-hit, get-miss, set-update, delete-reinsert, iterate or new-fill")
	size := flag.Int("size", 1000, "entries in the map")
	n := flag.Int("n", 1_000_000, "operations to run after the setup (0: setup only)")
	flag.Parse()
	if flag.NArg() > 0 || *size < 1 || *n < 0 {
		flag.Usage()
		os.Exit(2)
	}
	var sink int64
	switch *key {
	case "int64":
		hits, misses := make([]int64, *size), make([]int64, *size)
		for i := range hits {
			hits[i], misses[i] = int64(i)*7919+1, -int64(i)*7919-1
		}
		sink = run(*impl, *op, hits, misses, *n)
	case "string":
		hits, misses := make([]string, *size), make([]string, *size)
		for i := range hits {
			hits[i], misses[i] = fmt.Sprintf("key-%012d", i), fmt.Sprintf("miss-%011d", i)
		}
		sink = run(*impl, *op, hits, misses, *n)
	case "struct16":
		hits, misses := make([]struct16, *size), make([]struct16, *size)
		for i := range hits {
			hits[i], misses[i] = struct16{int64(i) * 7919, 1}, struct16{-int64(i) * 7919, 2}
		}
		sink = run(*impl, *op, hits, misses, *n)
	default:
		fmt.Fprintf(os.Stderr, "opcount: -key %q: want int64, string or struct16\n", *key)
		os.Exit(2)
	}
	fmt.Println(strconv.FormatInt(sink, 10))
	runtime.KeepAlive(hmapSink)
	runtime.KeepAlive(builtinSink)
}

// struct16 is a 16-byte key of two words, as bench's matrix has.
type struct16 struct{ a, b int64 }

func run[K comparable](impl, op string, hits, misses []K, n int) int64 {
	var opts []table.Option
	switch impl {
	case "hmap":
	case "hmap-named":
		opts = append(opts, table.WithName("opcount"))
	case "hmap-sampled":
		if err := watch.SetSampleRate(1); err != nil {
			panic(err)
		}
	case "hmap-traced":
		opts = append(opts, table.WithTracer(table.NewEventLog(1024).Tracer("opcount")))
	case "builtin":
		m := make(map[K]int64)
		for i, k := range hits {
			m[k] = int64(i)
		}
		return builtinOps(m, op, visit.Shuffled(hits), visit.Shuffled(misses), n)
	default:
		fmt.Fprintf(os.Stderr, "opcount: -impl %q: want hmap, hmap-named, hmap-sampled, hmap-traced or builtin\n", impl)
		os.Exit(2)
	}
	m := table.New[K, int64](0, append(opts, table.WithSeed(1))...)
	for i, k := range hits {
		m.Put(k, int64(i))
	}
	return hmapOps(m, op, visit.Shuffled(hits), visit.Shuffled(misses), n, opts)
}

// hmapOps and builtinOps are the same loops over the two maps. The index
// wraps with a compare rather than a division, so the loop's own cost is
// a few instructions per operation, the same for both.

//go:noinline
func hmapOps[K comparable](m *table.Map[K, int64], op string, hits, misses []K, n int, opts []table.Option) int64 {
	var sink int64
	j := 0
	next := func() int {
		i := j
		if j++; j == len(hits) {
			j = 0
		}
		return i
	}
	switch op {
	case "get-hit":
		for range n {
			v, _ := m.Get(hits[next()])
			sink += v
		}
	case "get-miss":
		for range n {
			if _, ok := m.Get(misses[next()]); ok {
				sink++
			}
		}
	case "set-update":
		for i := range n {
			m.Put(hits[next()], int64(i))
		}
	case "delete-reinsert":
		for i := range n {
			k := hits[next()]
			m.Delete(k)
			m.Put(k, int64(i))
		}
	case "iterate":
		for range n {
			for _, v := range m.All() {
				sink += v
			}
		}
	case "new-fill":
		for range n {
			f := table.New[K, int64](0, opts...)
			for i, k := range hits {
				f.Put(k, int64(i))
			}
			hmapSink = f
		}
	default:
		badOp(op)
	}
	return sink + int64(m.Len())
}

// Maps made by new-fill escape through these, as a map kept by its
// program does.
var (
	hmapSink    any
	builtinSink any
)

//go:noinline
func builtinOps[K comparable](m map[K]int64, op string, hits, misses []K, n int) int64 {
	var sink int64
	j := 0
	next := func() int {
		i := j
		if j++; j == len(hits) {
			j = 0
		}
		return i
	}
	switch op {
	case "get-hit":
		for range n {
			v, _ := m[hits[next()]]
			sink += v
		}
	case "get-miss":
		for range n {
			if _, ok := m[misses[next()]]; ok {
				sink++
			}
		}
	case "set-update":
		for i := range n {
			m[hits[next()]] = int64(i)
		}
	case "delete-reinsert":
		for i := range n {
			k := hits[next()]
			delete(m, k)
			m[k] = int64(i)
		}
	case "iterate":
		for range n {
			for _, v := range m {
				sink += v
			}
		}
	case "new-fill":
		for range n {
			f := make(map[K]int64)
			for i, k := range hits {
				f[k] = int64(i)
			}
			builtinSink = f
		}
	default:
		badOp(op)
	}
	return sink + int64(len(m))
}

func badOp(op string) {
	fmt.Fprintf(os.Stderr, "opcount: -op %q: want get-hit, get-miss, set-update, delete-reinsert, iterate or new-fill\n", op)
	os.Exit(2)
}
