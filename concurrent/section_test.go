package concurrent

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSectionWord: a stripe's section word counts the writers inside
// sections of its parity and, above them, the entry count changes that
// landed in its parity; sectionEnd ends a section and counts a change in
// one addition, or in two when the change landed in the other parity.
func TestSectionWord(t *testing.T) {
	var st stripe
	writers := func(par int) int64 { return st.sect[par].Load() & sectWriters }
	change := func(par int) int64 { return st.sect[par].Load() >> sectBits }

	// Three writers of epoch 4 (parity 0) inside their sections.
	for range 3 {
		st.sect[0].Add(1)
	}
	require.EqualValues(t, 3, writers(0))
	require.EqualValues(t, 0, st.entries())

	sectionEnd(&st, 4, 4, 1) // an insert
	require.EqualValues(t, 2, writers(0))
	require.EqualValues(t, 1, change(0))
	require.EqualValues(t, 1, st.entries())

	sectionEnd(&st, 4, 5, -1) // a delete in a version stamped 5: parity 1
	require.EqualValues(t, 1, writers(0))
	require.EqualValues(t, 0, writers(1))
	require.EqualValues(t, 1, change(0))
	require.EqualValues(t, -1, change(1))
	require.EqualValues(t, 0, st.entries())

	// Negative changes keep their sign while writers are inside: the
	// shift drops the writers, which never borrow from the change.
	for range 5 {
		st.sect[1].Add(1)
		sectionEnd(&st, 5, 5, -1)
	}
	st.sect[1].Add(1)
	require.EqualValues(t, 1, writers(1))
	require.EqualValues(t, -6, change(1))
	require.EqualValues(t, -5, st.entries())
	sectionEnd(&st, 5, 5, 0) // an update: the section ends, no count
	require.EqualValues(t, 0, writers(1))
	require.EqualValues(t, -6, change(1))

	sectionEnd(&st, 4, 4, 0)
	require.EqualValues(t, 0, writers(0))
	require.EqualValues(t, 1, change(0))

	// A change as large as the field holds, either way.
	st = stripe{}
	st.sect[0].Add(1)
	big := int64(1)<<(63-sectBits) - 1
	st.sect[0].Add(big << sectBits)
	require.EqualValues(t, 1, writers(0))
	require.Equal(t, big, change(0))
	st.sect[0].Add(-2 * big << sectBits)
	require.EqualValues(t, 1, writers(0))
	require.Equal(t, -big, change(0))
}

// TestSnapshotFoldsChanges: a Snapshot folds the changes of the parity it
// ends into the stripes' bases, so that its Len and the map's stay exact
// across epochs whose writes landed in both parities.
func TestSnapshotFoldsChanges(t *testing.T) {
	m := New[int, int](0)
	for k := range 100 {
		m.Store(k, k)
	}
	for round := range 6 {
		s := m.Snapshot()
		for k := range 10 {
			m.Delete(round*10 + k)
		}
		require.Equal(t, 100-10*round, s.Len())
		require.Equal(t, 90-10*round, m.Len())
		s.Close()
		lin := m.root.Load().lin
		var base int64
		for i := range lin.stripes {
			st := &lin.stripes[i]
			require.Zero(t, st.sect[0].Load()&sectWriters, "writers left in parity 0")
			require.Zero(t, st.sect[1].Load()&sectWriters, "writers left in parity 1")
			base += st.base.Load()
		}
		require.EqualValues(t, 100-10*round, base, "bases after snapshot %d", round)
	}
}
