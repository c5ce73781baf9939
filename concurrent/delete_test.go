package concurrent

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/asm"
)

// bucketOf returns key's bucket in m's current table, and the body and
// slot that hold it (nil if it is absent).
func bucketOf[K comparable, V any](m *Map[K, V], key K) (*slot[K, V], *body[K, V], uint) {
	t := m.root.Load()
	h := m.hash(&key, t.seed)
	b := t.bucket(h)
	for q := b.body.Load(); q != nil; q = q.overflow.Load() {
		for s := asm.MatchBits(q.tophash.Load(), asm.Tophash(h)); s != 0; s = asm.RemoveFirst(s) {
			if i := asm.First(s); q.slots[i].Load() != nil && q.slots[i].Load().key == key {
				return b, q, i
			}
		}
	}
	return b, nil, 0
}

// A Delete or LoadAndDelete of an absent key is a read: it returns while
// another goroutine holds the key's bucket locked, and counts no
// contention. A LoadAndDelete of a present key returns its value.
func TestDeleteAbsentTakesNoLock(t *testing.T) {
	for _, op := range []struct {
		name string
		del  func(m *Map[int64, int64], k int64)
	}{
		{"Delete", func(m *Map[int64, int64], k int64) { m.Delete(k) }},
		{"LoadAndDelete", func(m *Map[int64, int64], k int64) {
			if v, ok := m.LoadAndDelete(k); ok || v != 0 {
				panic("LoadAndDelete of an absent key found it")
			}
		}},
	} {
		t.Run(op.name, func(t *testing.T) {
			m := New[int64, int64](0)
			for k := range int64(100) {
				m.Store(k, k+1)
			}
			before := m.Stats().Events
			absent := int64(1000)
			b, _, _ := bucketOf(m, absent)
			b.mu.Lock()
			ok, done := returnsWithin(10*time.Second, func() { op.del(m, absent) })
			b.mu.Unlock()
			done()
			require.True(t, ok, "%s of an absent key waited for its bucket's lock", op.name)
			require.Equal(t, before.LockContention, m.Stats().Events.LockContention)
			require.Equal(t, 100, m.Len())
			require.NoError(t, checkInvariants(m))

			v, loaded := m.LoadAndDelete(7)
			require.True(t, loaded)
			require.Equal(t, int64(8), v)
			_, loaded = m.Load(7)
			require.False(t, loaded)
			require.Equal(t, 99, m.Len())
			require.NoError(t, checkInvariants(m))
		})
	}
}

// A Delete that found its key without the lock deletes it where it found
// it only if the slot still holds that entry once the bucket is locked:
// here, while the Delete waits for the lock, the key is deleted and
// another key of the same bucket takes its slot, which the Delete must
// leave alone.
func TestDeleteFoundRechecksSlot(t *testing.T) {
	m := New[int64, int64](0)
	const n = 20
	for k := range int64(n) {
		m.Store(k, k)
	}
	const victim = int64(3)
	b, q, i := bucketOf(m, victim)
	require.NotNil(t, q)
	// A new key of the same bucket.
	other := int64(n)
	for ; ; other++ {
		if ob, _, _ := bucketOf(m, other); ob == b {
			break
		}
	}
	contention := m.Stats().Events.LockContention
	b.mu.Lock()
	deleted := make(chan struct{})
	go func() {
		defer close(deleted)
		m.Delete(victim)
	}()
	// The Delete has searched and found victim when it counts the lock's
	// contention: it then waits for the lock.
	for m.Stats().Events.LockContention == contention {
		runtime.Gosched()
	}
	// What a Delete of victim and a Store of other would do under the
	// lock: other takes victim's slot, the count does not change.
	t0 := m.root.Load()
	top := asm.Tophash(m.hash(&other, t0.seed))
	q.slots[i].Store(&entry[int64, int64]{other, -1})
	q.tophash.Store(q.tophash.Load()&^(0xff<<(8*i)) | uint64(top)<<(8*i))
	b.mu.Unlock()
	<-deleted

	v, ok := m.Load(other)
	require.True(t, ok, "the Delete of %d removed %d, which took its slot", victim, other)
	require.Equal(t, int64(-1), v)
	_, ok = m.Load(victim)
	require.False(t, ok)
	require.Equal(t, n, m.Len())
	require.NoError(t, checkInvariants(m))
}
