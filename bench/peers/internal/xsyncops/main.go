// Command xsyncops is bench/internal/concops for xsync v4's Map: the same
// operations on the same int64 keys, visited in the same order, so that
// callgrind's counts per operation of the two maps compare (package
// concurrent's documentation quotes them, under "Costs"):
//
//	xsyncops -op load|store|delete-store|fill -size N -n N
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/puzpuzpuz/xsync/v4"

	"github.com/hmaplab/hmap/bench/internal/visit"
)

func main() {
	op := flag.String("op", "load", "load, store (update), delete-store or fill (a new map filled with the -size keys)")
	size := flag.Int("size", 1000, "entries in the map")
	n := flag.Int("n", 1_000_000, "operations to run after the setup (0: setup only)")
	flag.Parse()
	if flag.NArg() > 0 || *size < 1 || *n < 0 {
		flag.Usage()
		os.Exit(2)
	}
	m := xsync.NewMap[int64, int64]()
	keys := make([]int64, *size)
	for i := range keys {
		keys[i] = int64(i)*7919 + 1 // concops's keys
		m.Store(keys[i], int64(i))
	}
	keys = visit.Shuffled(keys)
	var sink int64
	j := 0
	next := func() int64 {
		k := keys[j]
		if j++; j == len(keys) {
			j = 0
		}
		return k
	}
	switch *op {
	case "load":
		for range *n {
			v, _ := m.Load(next())
			sink += v
		}
	case "store":
		for i := range *n {
			m.Store(next(), int64(i))
		}
	case "delete-store":
		for i := range *n {
			k := next()
			m.Delete(k)
			m.Store(k, int64(i))
		}
	case "fill":
		for range *n {
			f := xsync.NewMap[int64, int64]()
			for i, k := range keys {
				f.Store(k, int64(i))
			}
			sink += int64(f.Size())
		}
	default:
		fmt.Fprintf(os.Stderr, "xsyncops: -op %q: want load, store, delete-store or fill\n", *op)
		os.Exit(2)
	}
	fmt.Println(sink + int64(m.Size()))
}
