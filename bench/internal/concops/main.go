// Command concops runs concurrent.Map's hot operations from a package
// that imports, of the map's packages, only concurrent (bench/internal/visit
// imports none), as a user's program would: the generic
// code is compiled here. bench/hotcalls.sh disassembles it to check that
// the hot paths call no helper that failed to inline, and it serves for
// counting instructions per operation with callgrind:
//
//	concops -op load|store|delete-store -key int64|string -n N
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
	op := flag.String("op", "load", "load, store (update) or delete-store")
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
		keys := make([]int64, *size)
		for i := range keys {
			keys[i] = int64(i)*7919 + 1
		}
		sink = run(*op, keys, *n)
	case "string":
		keys := make([]string, *size)
		for i := range keys {
			keys[i] = fmt.Sprintf("key-%012d", i)
		}
		sink = run(*op, keys, *n)
	default:
		fmt.Fprintf(os.Stderr, "concops: -key %q: want int64 or string\n", *key)
		os.Exit(2)
	}
	fmt.Println(strconv.FormatInt(sink, 10))
}

func run[K comparable](op string, keys []K, n int) int64 {
	m := concurrent.New[K, int64](0)
	for i, k := range keys {
		m.Store(k, int64(i))
	}
	keys = visit.Shuffled(keys)
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
	default:
		fmt.Fprintf(os.Stderr, "concops: -op %q: want load, store or delete-store\n", op)
		os.Exit(2)
	}
	return sink + int64(m.Len())
}
