// Package visit orders the keys that bench's instruction-counting programs
// (bench/internal/opcount and bench/internal/concops) operate on. It
// imports no package of hmap's, so those programs still compile the maps'
// generic code as a program importing only table or concurrent would.
package visit

import "math/rand/v2"

// Shuffled returns keys in a fixed random order (the same for the same
// number of keys), the order the operations visit them in after the map
// was filled in keys' order. A run of fewer operations than the map has
// entries (200K in a 1M map) then samples every part of the map, where
// visiting keys in insertion order would take the keys inserted first,
// which sit in their buckets' first slots: a map that scans a bucket slot
// by slot (the builtin map's fast paths) would look cheaper than it is.
func Shuffled[K any](keys []K) []K {
	r := rand.New(rand.NewPCG(uint64(len(keys)), 2))
	out := make([]K, len(keys))
	for i, j := range r.Perm(len(keys)) {
		out[i] = keys[j]
	}
	return out
}
