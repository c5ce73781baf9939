package concurrent

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

// TestHashWordAvalanche: flipping any one bit of the key or of the seed
// flips half of hashWord's output bits on average (64, or 32 on 32-bit
// platforms, where the hash and the seed are 32 bits). (A multiply without
// the fold fails it: a product's low bits do not depend on the factors'
// high bits.)
func TestHashWordAvalanche(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const trials = 2000 // the average's deviation is 0.09 bits (0.06 for a 32-bit hash)
	for _, of := range []string{"key", "seed"} {
		n := 64
		if of == "seed" {
			n = hashBits
		}
		for bit := range n {
			flips := 0
			for range trials {
				k, s := r.Uint64(), uintptr(r.Uint64())
				h := hashWord(k, s)
				if of == "key" {
					k ^= 1 << bit
				} else {
					s ^= 1 << bit
				}
				flips += bits.OnesCount64(uint64(h ^ hashWord(k, s)))
			}
			require.InDelta(t, hashBits/2, float64(flips)/trials, 1, "%s bit %d", of, bit)
		}
	}
}

// TestHashWordSpreadsSequentialKeys: the keys 0..65535 under one seed
// fill the 256 values of each byte Map uses evenly: the low byte (bucket
// index), the byte at stripeShift (stripe: bits 32..39, or 16..23 of a
// 32-bit hash) and the top byte (tophash). Each value expects 256 keys,
// with a deviation of 16; the bound is six deviations.
func TestHashWordSpreadsSequentialKeys(t *testing.T) {
	seeds := []uintptr{0, 1, uintptr(0x9e3779b97f4a7c15 & (1<<hashBits - 1))} // the low half on 32-bit platforms
	for _, seed := range seeds {
		var counts [3][256]int
		for k := range uint64(1 << 16) {
			h := uint64(hashWord(k, seed))
			counts[0][h&0xff]++
			counts[1][h>>stripeShift&0xff]++
			counts[2][h>>(hashBits-8)]++
		}
		stripe := fmt.Sprintf("bits %d..%d", stripeShift, stripeShift+7)
		for i, name := range []string{"low byte", stripe, "top byte"} {
			for v, n := range counts[i] {
				require.InDelta(t, 256, n, 96, "seed %#x, %s = %#x", seed, name, v)
			}
		}
	}
}

// TestHashWordDefault: the default hasher of a map with 8-byte integer
// keys is hashWord (its own, reproducible with WithSeed); any other key,
// or a hasher set with WithHasher, goes through the hasher's function.
func TestHashWordDefault(t *testing.T) {
	type id uint64
	require.True(t, New[int64, int](0).wordHash)
	require.True(t, New[id, int](0).wordHash)
	require.Equal(t, hashBits == 64, New[uintptr, int](0).wordHash, "a uintptr is 8 bytes on 64-bit platforms only")
	require.False(t, New[float64, int](0).wordHash, "±0 are equal and differ in bits")
	require.False(t, New[int32, int](0).wordHash)
	require.False(t, New[string, int](0).wordHash)
	require.False(t, New[int64, int](0, WithHasher[int64](hash.NewRuntime[int64]())).wordHash)

	// The layout replays: two maps with the same seed place every key
	// alike, under the hash that Locate reports.
	a, b := New[int64, int](0, WithSeed(7)), New[int64, int](0, WithSeed(7))
	for k := range int64(5000) {
		a.Store(k, 0)
		b.Store(k, 0)
	}
	for k := range int64(5000) {
		la, lb := a.Locate(k), b.Locate(k)
		require.Equal(t, la, lb)
		require.Equal(t, hashWord(uint64(k), uintptr(a.Inspect().Seed)), la.Hash)
	}
}
