package table

import (
	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
)

// Clear removes every entry: clear(m). The table keeps its size, and the
// map draws a new hash seed. Iterations in progress end. Clearing a nil
// *Map does nothing, as for a nil builtin map.
func (m *Map[K, V]) Clear() {
	if m == nil || m.entries() == 0 {
		return
	}
	if m.self != m {
		copied()
	}
	if m.count < 0 {
		panic(m.misuse(errWrites))
	}
	m.beginWrite()
	defer endRegion(traceRegion("hmap.clear"))
	// Mark everything empty, overflow buckets included, so that
	// iterators still walking any of these buckets see nothing more.
	arr := m.array()
	markAllEmpty(arr[:uintptr(1)<<m.logB])
	if old := m.oldArray(); old != nil {
		markAllEmpty(old[:m.noldbuckets()])
	}
	m.flags &^= flagSameSizeGrow
	m.growth = nil
	m.x().nevacuate = 0
	m.noverflow = 0
	m.reseed(true)
	m.events().Clears++
	// Reuse the array, spares included, as if newly allocated, and its
	// overflow account, emptied: it stays the array's (see arrayOverflow).
	clear(arr)
	if o := m.overflow; o != nil {
		clear(o.list)
		o.spare, o.n, o.list = uintptr(1)<<m.logB, 0, o.list[:0]
	}
	m.endWrite(0)
	if m.flags&flagAfterWrite != 0 {
		m.afterWrite(nil)
	}
}

func markAllEmpty[K comparable, V any](heads []bucket.Bucket[K, V]) {
	for i := range heads {
		for b := &heads[i]; b != nil; b = b.Overflow() {
			b.Tophash = [asm.SlotCount]uint8{}
		}
	}
}
