package table

import (
	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/internal/rt"
)

// Delete removes key: delete(m, k). Deleting an absent key does nothing,
// though, like any write to a growing map, it advances the growth; deleting
// from a nil *Map does nothing, as for a nil builtin map.
func (m *Map[K, V]) Delete(key K) {
	if m == nil || m.count == 0 {
		rt.CheckHashable(key)
		return
	}
	if m.self != m {
		copied() // (a map with entries is initialised)
	}
	if m.flags&flagWriting != 0 {
		panic(errWrites)
	}
	h := m.hash(&key)
	m.beginWrite()
	idx := h & m.bucketMask()
	if m.growing() {
		m.growWork(idx)
	}
	head := bucketAt(m.buckets, idx)
	top := asm.Tophash(h)
	for b := head; b != nil; b = b.Overflow() {
		for s := asm.MatchBits(asm.Word(&b.Tophash), top); s != 0; s = s.RemoveFirst() {
			if i := s.First(); b.Keys[i] == key {
				m.clearSlot(head, b, int(i))
				goto done
			}
		}
	}
done:
	m.endWrite()
	if len(m.pending) != 0 {
		m.deliver()
	}
}

// clearSlot empties slot i of b, a bucket of the chain that starts at head,
// and keeps the chain's EmptyRest marks and the map's seed up to date.
func (m *Map[K, V]) clearSlot(head, b *bucket.Bucket[K, V], i int) {
	var (
		zk K
		ze V
	)
	b.Keys[i], b.Elems[i] = zk, ze
	b.Tophash[i] = bucket.EmptyOne
	bucket.MarkEmptyRest(head, b, i)
	m.count--
	if m.count == 0 {
		// A fresh seed makes it harder to build, by trial, a set of keys
		// that collide (Go issue 25237).
		m.reseed(false)
	}
}
