package table

import (
	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
)

// Shrink rebuilds the table at the smallest size that holds its entries
// under the load factor — the size a new map filled with them would have —
// something the builtin map never does: it only grows. It returns the bytes
// the table held before and after (as Stats.BytesAllocated counts them).
//
// A growth in progress is completed first. The rebuild keeps the hash seed,
// so every key keeps its hash; it is a write, and costs O(entries + old
// size) at once. An iteration in progress remains correct: the entries it
// has not reached are marked as moved in the array it walks, so it looks
// them up in the new table (seeing their latest elems, skipping deleted
// ones) and yields each at most once; entries added after Shrink may or
// may not be yielded, as with any insert during iteration.
//
// If the table is already at that size and no chain could be shorter (every
// bucket but a chain's last is full), Shrink does nothing.
func (m *Map[K, V]) Shrink() (before, after int) {
	if m == nil {
		return 0, 0
	}
	before = m.bytesAllocated()
	if m.buckets == nil {
		return before, before
	}
	if m.self != m {
		copied()
	}
	if m.count < 0 {
		panic(m.misuse(errWrites))
	}
	n := m.beginWrite()
	defer endRegion(traceRegion("hmap.shrink"))
	for m.growing() {
		m.evacuate(m.evacMark(), true)
	}
	newB := m.policy().BForHint(m.entries())
	if newB < m.logB || m.overflowBuckets() > 0 && m.chainsHaveHoles() {
		m.rebuild(newB)
	}
	m.endWrite(n)
	if m.flags&flagAfterWrite != 0 {
		m.afterWrite(nil)
	}
	return before, m.bytesAllocated()
}

// chainsHaveHoles reports whether some chain of the current array has a
// free slot before its last bucket, so that rebuilding would shorten it.
func (m *Map[K, V]) chainsHaveHoles() bool {
	for i := range uintptr(1) << m.logB {
		for b := m.at(i); b.Overflow() != nil; b = b.Overflow() {
			for _, t := range b.Tophash {
				if bucket.IsEmpty(t) {
					return true
				}
			}
		}
	}
	return false
}

// rebuild moves every entry into a new array of 2^newB buckets. The map
// must not be growing. Every key is hashed before anything changes, so a
// hasher that panics leaves the table as it was.
func (m *Map[K, V]) rebuild(newB uint8) {
	old, oldN := m.array(), uintptr(1)<<m.logB
	hashes := make([]uintptr, 0, m.entries())
	for i := range oldN {
		hashes = m.hashChain(&old[i], hashes)
	}
	mark := m.iterating() // an iterator may be walking old

	m.events().Shrinks++
	if m.entries() == 0 {
		m.buckets, m.overflow = nil, nil
	} else {
		m.newArray(newB) // an iterator keeps the old account if it needs it
	}
	m.setB(newB)
	m.noverflow = 0
	// Iterators started so far walk what is no longer the current array.
	m.flags &^= flagIterator | flagOldIterator
	if mark {
		m.flags |= flagOldIterator
	}

	if m.entries() == 0 {
		return
	}
	dst := make([]evacDst[K, V], uintptr(1)<<newB)
	for i := range dst {
		dst[i] = m.evacDstAt(uintptr(i))
	}
	mask := uintptr(1)<<newB - 1
	j := 0
	for i := range oldN {
		for b := &old[i]; b != nil; b = b.Overflow() {
			for s, top := range b.Tophash {
				if top < asm.MinTopHash {
					continue
				}
				idx := hashes[j] & mask
				j++
				dst[idx].room(m)
				dst[idx].put(top, &b.Keys[s], &b.Elems[s])
				if mark {
					b.Tophash[s] = bucket.EvacuatedX
				}
			}
		}
	}
}
