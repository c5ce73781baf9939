package concurrent

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// tracked is a value whose collection is counted, so that a test can tell
// which values the map still keeps reachable.
type tracked struct {
	_ [1 << 10]byte
}

// trackedValues makes n values and returns them with the counter of those
// collected so far.
func trackedValues(n int) ([]*tracked, *atomic.Int64) {
	freed := new(atomic.Int64)
	vs := make([]*tracked, n)
	for i := range vs {
		vs[i] = new(tracked)
		runtime.SetFinalizer(vs[i], func(*tracked) { freed.Add(1) })
	}
	return vs, freed
}

// collectedAtLeast runs the collector until at least n values have been
// collected, and reports whether they were.
func collectedAtLeast(freed *atomic.Int64, n int64) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		runtime.GC()
		if freed.Load() >= n {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

// Deleted values are collectable once the snapshot that saw them closes,
// whether Close is called or the snapshot's finalizer does it.
func TestDeletedValuesFreedAfterSnapshot(t *testing.T) {
	for _, closeBy := range []string{"Close", "finalizer"} {
		t.Run(closeBy, func(t *testing.T) {
			const n = 20000
			m := New[int, *tracked](0)
			vs, freed := trackedValues(n)
			for i, v := range vs {
				m.Store(i, v)
			}
			vs = nil
			s := m.Snapshot()
			for i := range n {
				m.Delete(i)
			}
			_, ok := s.Get(1) // the snapshot still sees them
			require.True(t, ok)
			if closeBy == "Close" {
				s.Close()
			}
			s = nil
			require.True(t, collectedAtLeast(freed, n), "%d of %d deleted values collected", freed.Load(), n)
			require.Zero(t, m.Len())
			runtime.KeepAlive(m)
		})
	}
}

// With one snapshot open, Range and Store in turn keep only what the open
// snapshot sees and the map holds: the versions in between are cut.
func TestVersionsBoundedUnderOpenSnapshot(t *testing.T) {
	const keys, rounds = 64, 20000
	m := New[int, *tracked](0)
	first, freedFirst := trackedValues(keys)
	for k, v := range first {
		m.Store(k, v)
	}
	first = nil
	s := m.Snapshot() // sees the first values
	vs, freed := trackedValues(rounds)
	for i, v := range vs {
		m.Range(func(int, *tracked) bool { return true })
		m.Store(i%keys, v)
	}
	vs = nil
	// Live: the first 64 (the snapshot's) and the last 64 (the map's).
	require.True(t, collectedAtLeast(freed, rounds-keys), "%d of %d overwritten values collected", freed.Load(), rounds-keys)
	require.Zero(t, freedFirst.Load(), "the open snapshot's values stay")
	_, ok := s.Get(3)
	require.True(t, ok)
	s.Close()
	require.True(t, collectedAtLeast(freedFirst, keys), "the snapshot's values, once it closed")
	runtime.KeepAlive(m)
}

// growingTrackedN tracked values fill 1024 buckets to 6 each: a few more
// inserts start a growth.
const growingTrackedN = 6 << 10

// growingTracked returns a map of n tracked values under keys 0 to n-1,
// and more keys, with nil values, stored until a growth started, and the
// counter of the tracked values collected.
func growingTracked(n int) (*Map[int, *tracked], *atomic.Int64) {
	m := New[int, *tracked](0)
	vs, freed := trackedValues(n)
	for i, v := range vs {
		m.Store(i, v)
	}
	for k := n; !m.Stats().Growing; k++ {
		m.Store(k, nil)
	}
	return m, freed
}

// moveSome makes m, growing, move some of its old buckets, and returns the
// keys below n whose old bucket has moved.
func moveSome(t *testing.T, m *Map[int, *tracked], n int) []int {
	t.Helper()
	m.Store(-1, nil) // moves the old bucket of -1, and the next at nevacuate
	tb := m.root.Load()
	o := tb.old.Load()
	require.NotNil(t, o, "the growth ended")
	var moved []int
	for k := range n {
		if o.at(m.hash(&k, tb.lin.seed) & o.mask).body.Load().isMarker() {
			moved = append(moved, k)
		}
	}
	require.NotEmpty(t, moved)
	return moved
}

// Values deleted after a growth moved them, while a snapshot that saw the
// old bucket was open, are collectable once it closes, even though the
// growth has not ended: the evacuation marker's link to the old chain is
// cut by the snapshot's Close, as a copied chain's is.
func TestEvacuatedValuesFreedAfterSnapshot(t *testing.T) {
	m, freed := growingTracked(growingTrackedN)
	s := m.Snapshot()
	moved := moveSome(t, m, growingTrackedN)
	for _, k := range moved {
		m.Delete(k)
	}
	require.True(t, m.Stats().Growing, "the growth ended: the test needs it in progress")
	_, ok := s.Get(moved[0]) // the snapshot still sees them
	require.True(t, ok)
	s.Close()
	require.True(t, collectedAtLeast(freed, int64(len(moved))), "%d of %d deleted values collected", freed.Load(), len(moved))
	require.NoError(t, checkInvariants(m))
	runtime.KeepAlive(m)
}

// A chain emptied by deletes while two snapshots were open is dropped when
// the last of them closes, though no write copied a chain while that one
// was open.
func TestEmptiedChainDroppedAfterOverlappingSnapshots(t *testing.T) {
	m := New[int, int](0)
	m.Store(1, 1)
	s1 := m.Snapshot()
	m.Delete(1) // copies the chain: s1 reads the old one
	s2 := m.Snapshot()
	s1.Close() // sweeps, but s2 is open: the empty chain stays
	s2.Close()
	require.NoError(t, checkInvariants(m))
	tb := m.root.Load()
	for i := range tb.len() {
		require.Nil(t, tb.at(uintptr(i)).body.Load(), "bucket %d", i)
	}
}
