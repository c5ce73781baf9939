package table

import (
	"sync/atomic"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/internal/rt"
)

// Get returns the elem stored for key and whether it was present: the
// two-value form v, ok := m[k]. Like every read, it treats a nil *Map as
// empty.
//
// Get, At and Has are small enough to be inlined where they are called,
// around lookup, which returns a pointer to the elem as the runtime's
// mapaccess does: a caller that discards the elem (_, ok := m.Get(k))
// never loads it, nor its cache line.
func (m *Map[K, V]) Get(key K) (elem V, ok bool) {
	if e := m.lookup(key); e != nil {
		return *e, true
	}
	return elem, false
}

// At returns the elem stored for key, or the zero V: the one-value form
// v := m[k].
func (m *Map[K, V]) At(key K) V {
	if e := m.lookup(key); e != nil {
		return *e
	}
	var zero V
	return zero
}

// Has reports whether key is present: _, ok := m[k].
func (m *Map[K, V]) Has(key K) bool {
	return m.lookup(key) != nil
}

// lookup returns a pointer to the elem stored for key, or nil: the hot path
// of every read, written as one function. The tophash bytes are tested a
// word at a time (asm.MatchCandidates). A miss stops at a bucket with an
// EmptyRest slot, as the runtime's does: the overflow word sits at the
// bucket's end, on another cache line than the tophash bytes in every
// layout but the smallest, and not reading it saves a miss of a large
// table one cache miss in two.
func (m *Map[K, V]) lookup(key K) *V {
	if m == nil || m.count <= 0 {
		m.readSlow(key) // nil, empty, or being written
		return nil
	}
	if probesEnabled {
		_, e := m.findProbed(key)
		return e
	}
	if atomic.LoadUint32(&m.flags)&flagScan != 0 {
		return m.scan(key)
	}
	h := m.hash(&key)
	mask := m.bucketMask()
	b := m.at(h & mask)
	if g := m.growth; g != nil {
		// (Iterations set other bits of flags as they start: atomically.)
		if atomic.LoadUint32(&m.flags)&flagSameSizeGrow == 0 {
			mask >>= 1 // the old array had half as many buckets
		}
		if ob := bucketAt(g.old, h&mask); !ob.Evacuated() {
			b = ob
		}
	}
	top := asm.Tophash(h)
	for ; b != nil; b = b.Overflow() {
		w := asm.Word(&b.Tophash)
		for s := asm.MatchCandidates(w, top); s != 0; s = asm.RemoveFirst(s) {
			if i := asm.First(s); b.Keys[i] == key {
				return &b.Elems[i]
			}
		}
		if chainEnds(w) {
			break // the chain holds nothing more
		}
	}
	return nil
}

// chainEnds reports whether w, the tophash word of a bucket, ends with an
// EmptyRest slot: then no later slot of the chain holds an entry. Slots
// after an EmptyRest are EmptyRest too (checkInvariants), so the last
// byte tells for the whole word, in one shift and compare where matching
// all eight bytes against EmptyRest takes eight instructions. (assign and
// Delete load the byte instead: there the word is not kept in a register
// past the match, and keeping it costs a spill.)
func chainEnds(w uint64) bool {
	return uint8(w>>(8*(asm.SlotCount-1))) == bucket.EmptyRest
}

// scan is lookup for a table of one bucket whose keys compare more cheaply
// than they hash: it compares key with every full slot's. (The chain is
// one bucket long but for a table over its load factor, such as the clone
// of one, and the runtime's own fast path also follows it.)
func (m *Map[K, V]) scan(key K) *V {
	for b := m.at(0); b != nil; b = b.Overflow() {
		for i := range asm.SlotCount {
			if b.Keys[i] == key && b.Tophash[i] >= asm.MinTopHash {
				return &b.Elems[i]
			}
		}
	}
	return nil
}

// find returns pointers to the stored key and elem for key, or nils. It is
// the lookup for the paths that need the stored key (an iterator catching
// up with a growth) and for tests; it checks what Get checks.
func (m *Map[K, V]) find(key K) (*K, *V) {
	if m == nil || m.count <= 0 {
		m.readSlow(key)
		return nil, nil
	}
	return m.search(key, atomic.LoadUint32(&m.flags))
}

// readSlow is the path of a read that finds m nil, empty or being
// written. An empty map still rejects unhashable keys, as the runtime's
// does, and, like the runtime's, does not look for a write in progress;
// one with entries does.
//
//go:noinline
func (m *Map[K, V]) readSlow(key K) {
	if m != nil && m.count != writing && m.count < 0 {
		panic(m.misuse(errReadWrite))
	}
	rt.CheckHashable(key)
}

// search is the classic lookup, a byte at a time and stopping at EmptyRest,
// without checks or counting: find's, and the invariant checker's, which
// should not share the hot path's code.
func (m *Map[K, V]) search(key K, flags uint32) (*K, *V) {
	h := m.hash(&key)
	if b, i := bucket.Search(m.readBucket(h, flags), asm.Tophash(h), key); b != nil {
		return &b.Keys[i], &b.Elems[i]
	}
	return nil, nil
}

// readBucket returns the head of the chain that holds hash: in the old array
// if a growth is in progress and that bucket has not been evacuated yet.
func (m *Map[K, V]) readBucket(hash uintptr, flags uint32) *bucket.Bucket[K, V] {
	b := &m.array()[hash&m.bucketMask()]
	if old := m.oldArray(); old != nil {
		if ob := &old[m.oldIndex(hash, flags)]; !ob.Evacuated() {
			b = ob
		}
	}
	return b
}

// oldIndex returns the chain of the old array that holds hash during a
// growth; flags is m.flags, read by the caller.
func (m *Map[K, V]) oldIndex(hash uintptr, flags uint32) uintptr {
	mask := m.bucketMask()
	if flags&flagSameSizeGrow == 0 {
		mask >>= 1 // the old array had half as many buckets
	}
	return hash & mask
}
