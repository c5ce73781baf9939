package concurrent_test

import (
	"maps"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/concurrent"
	"github.com/hmaplab/hmap/hash"
)

// The probe loops of Load and the writes take asm.MatchCandidates's slots,
// which may include a slot whose tophash is the key's with the low bit
// flipped, right above a slot that matches. Keys of bucket 0, hashed by
// identity, with tophashes 9, 8, 9, 8: for a key of tophash 9, every slot
// is a candidate (slots 1 and 3 false ones), and the keys decide.
func TestProbeFalseCandidates(t *testing.T) {
	identity := hash.Func[int64](func(k int64, _ uint64) uint64 { return uint64(k) })
	m := concurrent.New[int64, int](64, concurrent.WithHasher(identity))
	key := func(top, i int64) int64 { return top<<56 | 256*i }
	stored := []int64{key(9, 1), key(8, 2), key(9, 3), key(8, 4)}
	for i, k := range stored {
		m.Store(k, i)
	}
	for i, k := range stored {
		loc := m.Locate(k)
		require.Equal(t, []int{0, 0, i}, []int{loc.Bucket, loc.Chain, loc.Slot}, "key %d", i)
		require.Equal(t, uint8(k>>56), loc.Tophash, "key %d", i)
	}
	for i, k := range stored {
		v, ok := m.Load(k)
		require.True(t, ok, "key %d", i)
		require.Equal(t, i, v, "key %d", i)
	}
	absent := key(9, 5)
	_, ok := m.Load(absent)
	require.False(t, ok, "a key whose candidates are all other keys")

	m.Store(key(9, 3), 30) // an update past a false candidate
	m.Store(absent, 50)    // an insert past three
	m.Delete(key(8, 4))    // a delete of the last slot
	m.Delete(key(9, 6))    // of a key that is absent
	v, loaded := m.LoadOrStore(key(9, 3), 99)
	require.True(t, loaded)
	require.Equal(t, 30, v)
	require.Equal(t, map[int64]int{key(9, 1): 0, key(8, 2): 1, key(9, 3): 30, absent: 50}, maps.Collect(m.All()))

	// With a snapshot alive, writes take the general way (apply) and the
	// snapshot reads its version with search: both past the same false
	// candidates.
	s := m.Snapshot()
	defer s.Close()
	m.Store(key(9, 3), 31)
	m.Delete(key(9, 1))
	m.Store(key(9, 7), 70)
	for k, want := range map[int64]int{key(9, 1): 0, key(9, 3): 30, absent: 50} {
		v, ok := s.Get(k)
		require.True(t, ok, "the snapshot's %#x", k)
		require.Equal(t, want, v, "the snapshot's %#x", k)
	}
	_, ok = s.Get(key(9, 7))
	require.False(t, ok, "stored after the snapshot")
	require.Equal(t, map[int64]int{key(8, 2): 1, key(9, 3): 31, absent: 50, key(9, 7): 70}, maps.Collect(m.All()))
	require.Equal(t, 4, m.Len(), "an update that missed its key would have added it twice")
}
