package table

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/hash"
)

var junk [][]bucket.Bucket[uint64, uint64]

// TestIteratorKeepsOverflowBucketsAlive: overflow links are uintptrs, so an
// iterator must keep alive the overflow buckets of the array it walks, even
// those allocated after it started and after the map has moved on to a new
// array. If they were freed, the collector would reuse their memory, and the
// iteration would yield the junk written over it.
func TestIteratorKeepsOverflowBucketsAlive(t *testing.T) {
	m := New[uint64, uint64](9, WithHasher(hash.Identity[uint64]{}), WithSeed(1))
	require.Equal(t, uint8(1), m.logB) // two buckets, no spares: overflow is allocated
	inserted := map[uint64]bool{}
	put := func(k uint64) { m.Put(k, k); inserted[k] = true }
	for k := uint64(0); k < 16; k += 2 {
		put(k) // bucket 0, full
	}
	put(1)

	first := true
	for k, v := range m.All() {
		require.True(t, inserted[k], "yielded key %#x was never inserted", k)
		require.Equal(t, k, v)
		if !first {
			continue
		}
		first = false
		put(16) // bucket 0 is full: an overflow bucket is allocated
		put(18)
		require.Equal(t, 2, bucket.ChainLen(&m.array()[0]))
		// Grow until the array the iteration walks is long gone.
		for k := uint64(1001); k < 3001; k += 2 {
			put(k)
		}
		require.Greater(t, m.logB, uint8(4))
		require.False(t, m.growing())
		for range 3 {
			runtime.GC()
			junk = nil
			for range 4096 {
				b := make([]bucket.Bucket[uint64, uint64], 1)
				b[0].Tophash = [8]uint8{0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab}
				for i := range b[0].Keys {
					b[0].Keys[i] = 0xabababab_abababab
				}
				junk = append(junk, b)
			}
		}
	}
	junk = nil
	require.NoError(t, m.checkInvariants())
}
