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
	if m == nil || m.count <= 0 {
		m.deleteSlow(key) // nil, empty, or being written
		return
	}
	if m.self != m {
		copied() // (a map with entries is initialised)
	}
	h := m.hash(&key)
	n := m.beginWrite()
	idx := h & m.bucketMask()
	if m.growing() {
		m.growWork(idx)
		n = m.entries() // (not kept across the call: see beginWrite)
	}
	head := m.at(idx)
	top := asm.Tophash(h)
	for b := head; b != nil; b = b.Overflow() {
		for s := asm.MatchCandidates(asm.Word(&b.Tophash), top); s != 0; s = asm.RemoveFirst(s) {
			if i := asm.First(s); b.Keys[i] == key {
				n--
				m.clearSlot(head, b, int(i), n)
				goto done
			}
		}
		if b.Tophash[asm.SlotCount-1] == bucket.EmptyRest {
			break // the chain holds nothing more (see lookup)
		}
	}
done:
	m.endWrite(n)
	if m.flags&flagAfterWrite != 0 {
		m.afterWrite(nil)
	}
}

// deleteSlow is the path of a delete that finds m nil, empty or being
// written: as for the runtime's map, deleting from an empty map does
// nothing, but rejects an unhashable key.
//
//go:noinline
func (m *Map[K, V]) deleteSlow(key K) {
	if m != nil && m.count != writing && m.count < 0 {
		panic(m.misuse(errWrites))
	}
	rt.CheckHashable(key)
}

// clearSlot empties slot i of b, a bucket of the chain that starts at head,
// and keeps the chain's EmptyRest marks and the map's seed up to date;
// left is the number of entries without this one.
func (m *Map[K, V]) clearSlot(head, b *bucket.Bucket[K, V], i, left int) {
	var (
		zk K
		ze V
	)
	b.Keys[i], b.Elems[i] = zk, ze
	b.Tophash[i] = bucket.EmptyOne
	bucket.MarkEmptyRest(head, b, i)
	if left == 0 {
		// A fresh seed makes it harder to build, by trial, a set of keys
		// that collide (Go issue 25237).
		m.reseed(false)
	}
}
