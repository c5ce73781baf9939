// Command concops runs concurrent.Map's hot operations from a package
// that imports, of the map's packages, only concurrent (bench/internal/visit
// imports none), as a user's program would: the generic
// code is compiled here. bench/hotcalls.sh disassembles it to check that
// the hot paths call no helper that failed to inline, and it serves for
// counting instructions per operation with callgrind:
//
//	concops -op load|store|swap|delete-store|delete-loadorstore|delete-miss|fill -key int64|string -n N
//
// fill is not an operation on the map of -size keys but -n new maps, each
// filled from empty with those keys, growth included: divide by -size for
// a figure per Store.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/hmaplab/hmap/bench/internal/visit"
	"github.com/hmaplab/hmap/concurrent"
)

func main() {
	op := flag.String("op", "load", "load, store (update), swap (a Swap of a present key), delete-store, delete-loadorstore (a Delete and a LoadOrStore back), delete-miss (a Delete of an absent key) or fill (a new map filled with the -size keys)")
	key := flag.String("key", "int64", "int64 or string")
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
		keys, misses := make([]int64, *size), make([]int64, *size)
		for i := range keys {
			keys[i], misses[i] = int64(i)*7919+1, -int64(i)*7919-1
		}
		sink = run(*op, keys, misses, *n)
	case "string":
		keys, misses := make([]string, *size), make([]string, *size)
		for i := range keys {
			keys[i], misses[i] = fmt.Sprintf("key-%012d", i), fmt.Sprintf("miss-%011d", i)
		}
		sink = run(*op, keys, misses, *n)
	default:
		fmt.Fprintf(os.Stderr, "concops: -key %q: want int64 or string\n", *key)
		os.Exit(2)
	}
	fmt.Println(strconv.FormatInt(sink, 10))
}

func run[K comparable](op string, keys, misses []K, n int) int64 {
	m := concurrent.New[K, int64](0)
	for i, k := range keys {
		m.Store(k, int64(i))
	}
	keys = visit.Shuffled(keys)
	if op == "delete-miss" {
		keys = visit.Shuffled(misses)
	}
	var sink int64
	j := 0
	next := func() K {
		k := keys[j]
		if j++; j == len(keys) {
			j = 0
		}
		return k
	}
	switch op {
	case "load":
		for range n {
			v, _ := m.Load(next())
			sink += v
		}
	case "store":
		for i := range n {
			m.Store(next(), int64(i))
		}
	case "delete-store":
		for i := range n {
			k := next()
			m.Delete(k)
			m.Store(k, int64(i))
		}
	case "delete-loadorstore":
		for i := range n {
			k := next()
			m.Delete(k)
			m.LoadOrStore(k, int64(i))
		}
	case "delete-miss":
		for range n {
			m.Delete(next())
		}
	case "swap":
		for i := range n {
			v, _ := m.Swap(next(), int64(i))
			sink += v
		}
	case "fill":
		for range n {
			f := concurrent.New[K, int64](0)
			for i, k := range keys {
				f.Store(k, int64(i))
			}
			sink += int64(f.Len())
		}
	default:
		fmt.Fprintf(os.Stderr, "concops: -op %q: want load, store, swap, delete-store, delete-loadorstore, delete-miss or fill\n", op)
		os.Exit(2)
	}
	return sink + int64(m.Len())
}
