package concurrent

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

// withBucketLocked runs f in a goroutine while the test holds the lock of
// key's bucket, and reports whether f finished within d, that is, without
// waiting for the lock; it then releases the lock and waits for f.
func withBucketLocked(t *testing.T, m *Map[int, int], key int, d time.Duration, f func()) bool {
	t.Helper()
	tb := m.root.Load()
	b := tb.bucket(m.hash(&key, tb.seed))
	b.mu.Lock()
	ok, done := returnsWithin(d, f)
	b.mu.Unlock()
	done()
	return ok
}

// A LoadOrStore of a key that is present, and a CompareAndSwap or
// CompareAndDelete that cannot succeed, are decided as a Load would decide
// them, without the bucket's lock: callers that all find a warm key do not
// queue on it. The writes that change something still take it.
func TestReadsWithoutTheLock(t *testing.T) {
	m := New[int, int](0)
	for k := range 100 {
		m.Store(k, -k)
	}

	var v int
	var loaded bool
	require.True(t, withBucketLocked(t, m, 7, 10*time.Second, func() { v, loaded = m.LoadOrStore(7, 70) }),
		"LoadOrStore of a present key waited for the lock")
	require.True(t, loaded)
	require.Equal(t, -7, v)

	var swapped, deleted bool
	require.True(t, withBucketLocked(t, m, 8, 10*time.Second, func() { swapped = CompareAndSwap(m, 8, 1, 80) }),
		"a CompareAndSwap that fails waited for the lock")
	require.False(t, swapped)
	require.True(t, withBucketLocked(t, m, 1000, 10*time.Second, func() { swapped = CompareAndSwap(m, 1000, 0, 1) }),
		"a CompareAndSwap of an absent key waited for the lock")
	require.False(t, swapped)
	require.True(t, withBucketLocked(t, m, 9, 10*time.Second, func() { deleted = CompareAndDelete(m, 9, 1) }),
		"a CompareAndDelete that fails waited for the lock")
	require.False(t, deleted)

	// What changes the map waits, and then happens. (Those that must not
	// wait have 10 s to finish; those that must wait are given 100 ms.)
	require.False(t, withBucketLocked(t, m, 1000, 100*time.Millisecond, func() { v, loaded = m.LoadOrStore(1000, 1) }),
		"a LoadOrStore that inserts did not wait for the lock")
	require.False(t, loaded)
	require.False(t, withBucketLocked(t, m, 8, 100*time.Millisecond, func() { swapped = CompareAndSwap(m, 8, -8, 80) }),
		"a CompareAndSwap that succeeds did not wait for the lock")
	require.True(t, swapped)
	require.False(t, withBucketLocked(t, m, 9, 100*time.Millisecond, func() { deleted = CompareAndDelete(m, 9, -9) }),
		"a CompareAndDelete that succeeds did not wait for the lock")
	require.True(t, deleted)

	got, ok := m.Load(8)
	require.True(t, ok)
	require.Equal(t, 80, got)
	_, ok = m.Load(9)
	require.False(t, ok)
	got, _ = m.Load(1000)
	require.Equal(t, 1, got)
	require.NoError(t, checkInvariants(m))
}

// A Load that loaded the root before a growth replaced that table finds
// a marker in its bucket there, and must look again in the new table: a
// key present throughout is never missed. The hasher holds the Load
// between its reading of the root and of the bucket while the map grows.
func TestLoadFromReplacedTable(t *testing.T) {
	const probe = 7
	var armed atomic.Bool
	inHash, resume := make(chan struct{}), make(chan struct{})
	runtimeHash := hash.NewRuntime[int]()
	m := New[int, int](0, WithHasher(hash.Func[int](func(k int, seed uint64) uint64 {
		if k == probe && armed.CompareAndSwap(true, false) {
			close(inHash)
			<-resume
		}
		return runtimeHash.Hash(k, seed)
	})))
	for k := range 16 {
		m.Store(k, k)
	}
	stale := m.root.Load()
	armed.Store(true)
	type result struct{ v, ok any }
	got := make(chan result)
	go func() {
		v, ok := m.Load(probe)
		got <- result{v, ok}
	}()
	<-inHash
	for k := 16; m.root.Load() == stale || m.root.Load().old.Load() != nil; k++ {
		m.Store(k, k)
	}
	require.True(t, stale.bucket(0).body.Load().isMarker(), "the old table's buckets are markers")
	close(resume)
	require.Equal(t, result{probe, true}, <-got)
	require.NoError(t, checkInvariants(m))
}
