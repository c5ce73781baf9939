package table

import (
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/hash"
)

// Delete removes key: delete(m, k). Deleting an absent key does nothing,
// though, like any write to a growing map, it advances the growth.
func (m *Map[K, V]) Delete(key K) {
	if m.count == 0 {
		hash.CheckHashable(key)
		return
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
	head := &m.buckets[idx]
	if b, i := bucket.Search(head, bucket.Tophash(h), key); b != nil {
		var (
			zk K
			ze V
		)
		b.Keys[i], b.Elems[i] = zk, ze
		b.Tophash[i] = bucket.EmptyOne
		bucket.MarkEmptyRest(head, b, i)
		m.count--
		if m.count == 0 {
			// A fresh seed makes it harder to build, by trial, a set of
			// keys that collide (Go issue 25237).
			m.reseed(false)
		}
	}
	m.endWrite()
	if len(m.pending) != 0 {
		m.deliver()
	}
}
