package table_test

import (
	"maps"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/table"
)

// The probe loops take asm.MatchCandidates's slots, which may include a
// slot whose tophash is the key's with the low bit flipped, right above a
// slot that matches. Keys of bucket 0 of 16, hashed by identity, with
// tophashes 9, 8, 9, 8: for a key of tophash 9, every slot is a candidate
// (slots 1 and 3 false ones), and the keys decide.
func TestProbeFalseCandidates(t *testing.T) {
	m := table.New[int64, int](64, table.WithHasher(identity))
	key := func(top, i int64) int64 { return top<<56 | 16*i }
	stored := []int64{key(9, 1), key(8, 2), key(9, 3), key(8, 4)}
	for i, k := range stored {
		m.Put(k, i)
	}
	for i, k := range stored {
		loc := m.Locate(k)
		require.Equal(t, []int{0, 0, i}, []int{loc.Bucket, loc.Chain, loc.Slot}, "key %d", i)
		require.Equal(t, uint8(k>>56), loc.Tophash, "key %d", i)
	}
	for i, k := range stored {
		v, ok := m.Get(k)
		require.True(t, ok, "key %d", i)
		require.Equal(t, i, v, "key %d", i)
	}
	absent := key(9, 5)
	_, ok := m.Get(absent)
	require.False(t, ok, "a key whose candidates are all other keys")

	m.Put(key(9, 3), 30) // an update past a false candidate
	m.Put(absent, 50)    // an insert past three
	m.Delete(key(8, 4))  // a delete of the last slot
	m.Delete(key(9, 6))  // of a key that is absent
	require.Equal(t, map[int64]int{key(9, 1): 0, key(8, 2): 1, key(9, 3): 30, absent: 50}, maps.Collect(m.All()))
	require.NoError(t, table.CheckInvariants(m))
}
