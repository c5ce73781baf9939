package hash

import "github.com/zeebo/xxh3"

// XXH3 hashes string-like keys with XXH3-64. For a given seed the result is
// the same in every process and on every platform, so runs replay exactly.
type XXH3[K ~string] struct{}

// Hash returns the seeded XXH3-64 hash of key.
func (XXH3[K]) Hash(key K, seed uint64) uint64 {
	return xxh3.HashStringSeed(string(key), seed)
}
