package concurrent

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/asm"
)

// bucketOf returns key's bucket in m's current table (as Locate finds it),
// and the body and slot that hold it (nil if it is absent).
func bucketOf(m *Map[int, int], key int) (*slot[int, int], *body[int, int], uint) {
	loc := m.Locate(key)
	b := m.root.Load().at(uintptr(loc.Bucket))
	if !loc.Found {
		return b, nil, 0
	}
	q := b.body.Load()
	for range loc.Chain {
		q = q.overflow.Load()
	}
	return b, q, uint(loc.Slot)
}

// A Delete or LoadAndDelete of an absent key is a read: it returns while
// another goroutine holds the key's bucket locked, and counts no
// contention. A LoadAndDelete of a present key returns its value.
func TestDeleteAbsentTakesNoLock(t *testing.T) {
	for _, name := range []string{"Delete", "LoadAndDelete"} {
		t.Run(name, func(t *testing.T) {
			m := New[int, int](0)
			for k := range 100 {
				m.Store(k, k+1)
			}
			before := m.Stats().Events
			var v int
			var loaded bool
			ok := withBucketLocked(t, m, 1000, 10*time.Second, func() {
				if name == "Delete" {
					m.Delete(1000)
				} else {
					v, loaded = m.LoadAndDelete(1000)
				}
			})
			require.True(t, ok, "%s of an absent key waited for its bucket's lock", name)
			require.False(t, loaded)
			require.Zero(t, v)
			require.Equal(t, before.LockContention, m.Stats().Events.LockContention)
			require.Equal(t, 100, m.Len())
			require.NoError(t, checkInvariants(m))

			v, loaded = m.LoadAndDelete(7)
			require.True(t, loaded)
			require.Equal(t, 8, v)
			_, loaded = m.Load(7)
			require.False(t, loaded)
			require.Equal(t, 99, m.Len())
			require.NoError(t, checkInvariants(m))
		})
	}
}

// A Delete that found its key without the lock deletes it in the slot
// where it found it only if, once the bucket is locked, the chain is the
// version it searched and the slot still holds the key; otherwise it looks
// again. Here the test holds the lock while the Delete of victim waits for
// it, and changes the bucket as other writes could have meanwhile.
func TestDeleteFoundRechecks(t *testing.T) {
	const n = 20
	const victim = 3
	for _, tc := range []struct {
		name string
		// edit changes victim's bucket b, whose chain p holds victim in
		// slot i of body q, and returns the keys it stored, which the
		// Delete must leave (but victim).
		edit func(m *Map[int, int], b *slot[int, int], p, q *body[int, int], i uint) map[int]int
	}{
		{
			// A Delete of victim and a Store of a key of the same bucket,
			// which takes the slot: the Delete must leave that key alone.
			name: "slot taken by another key",
			edit: func(m *Map[int, int], b *slot[int, int], p, q *body[int, int], i uint) map[int]int {
				other := n
				for ; ; other++ {
					if ob, _, _ := bucketOf(m, other); ob == b {
						break
					}
				}
				top := m.Locate(other).Tophash
				q.slots[i].Store(&entry[int, int]{other, -1})
				q.tophash.Store(q.tophash.Load()&^(0xff<<(8*i)) | uint64(top)<<(8*i))
				return map[int]int{other: -1}
			},
		},
		{
			// A Delete of victim and a Store of it back, in another free
			// slot: the Delete must find it there.
			name: "key stored again in another slot",
			edit: func(m *Map[int, int], b *slot[int, int], p, q *body[int, int], i uint) map[int]int {
				w := q.tophash.Load()
				j := asm.First(asm.EmptyBits(w))
				require.NotEqual(t, i, j)
				top := uint8(w >> (8 * i))
				q.slots[j].Store(&entry[int, int]{victim, 30})
				q.slots[i].Store(nil)
				q.tophash.Store(w&^(0xff<<(8*i)) | uint64(top)<<(8*j))
				return map[int]int{victim: 30}
			},
		},
		{
			// The chain replaced by a copy of it (as a write does while a
			// snapshot is alive): the old version, which still holds
			// victim, must not be the one the Delete changes.
			name: "chain replaced by a copy",
			edit: func(m *Map[int, int], b *slot[int, int], p, q *body[int, int], i uint) map[int]int {
				c, ovf := copyChain(p, nil, nil, 0, p.stamp.Load())
				require.Zero(t, ovf)
				b.body.Store(c)
				b.clearFirst() // as the snapshot's Close would, after
				return nil
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A fixed seed and room to spare: victim's chain is one body
			// with free slots.
			m := New[int, int](64, WithSeed(1))
			for k := range n {
				m.Store(k, k)
			}
			b, q, i := bucketOf(m, victim)
			require.NotNil(t, q)
			require.Nil(t, q.overflow.Load(), "victim's chain is one body")
			want := contents(t, m) // (a snapshot: it would wait for the Delete below)
			contention := m.Stats().Events.LockContention
			b.mu.Lock()
			deleted := make(chan struct{})
			go func() {
				defer close(deleted)
				m.Delete(victim)
			}()
			// The Delete has searched and found victim when it counts the
			// lock's contention: it then waits for the lock.
			for m.Stats().Events.LockContention == contention {
				runtime.Gosched()
			}
			for k, v := range tc.edit(m, b, b.body.Load(), q, i) {
				want[k] = v
			}
			b.mu.Unlock()
			<-deleted

			delete(want, victim)
			require.Equal(t, want, contents(t, m))
			require.Equal(t, len(want), m.Len())
			require.NoError(t, checkInvariants(m))
		})
	}
}
