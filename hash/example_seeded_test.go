package hash_test

import (
	"fmt"
	"math"

	"github.com/hmaplab/hmap/hash"
)

// A Seeded hasher gives the same hashes in every run and on every
// platform, for any comparable key: a struct here, floats below.
func ExampleSeeded() {
	type point struct {
		X, Y int32
		Tag  string
	}
	h := hash.NewSeeded[point]()
	v := h.Hash(point{X: 1, Y: -2, Tag: "a"}, 42)
	fmt.Printf("hash %#016x: bucket %d of 8, top byte %#02x\n", v, v&7, v>>56)

	f := hash.NewSeeded[float64]()
	fmt.Println("±0 alike:", f.Hash(0, 42) == f.Hash(math.Copysign(0, -1), 42))
	// Output:
	// hash 0xdbe07d2ba84ac066: bucket 6 of 8, top byte 0xdb
	// ±0 alike: true
}
