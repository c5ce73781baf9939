package table

import (
	"iter"
	"sync/atomic"
	"unsafe"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
)

// All returns an iterator over the entries: for k, v := range m. A nil
// *Map yields nothing.
//
// The order is unspecified and differs from one iteration to the next: each
// starts at a random bucket, and within every bucket at a random slot. The
// loop body may read and write the map. An entry present for the whole loop
// is yielded exactly once, with its latest elem; an entry deleted before it
// is reached is not yielded; an entry added during the loop may or may not
// be. This holds while the table grows, during the loop or before it.
func (m *Map[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		var it iterator[K, V]
		if !it.init(m) {
			return
		}
		defer it.done()
		for k, e := it.next(); k != nil; k, e = it.next() {
			if !yield(*k, *e) {
				return
			}
		}
	}
}

// Keys returns an iterator over the keys: for k := range m.
func (m *Map[K, V]) Keys() iter.Seq[K] {
	return func(yield func(K) bool) {
		var it iterator[K, V]
		if !it.init(m) {
			return
		}
		defer it.done()
		for k, _ := it.next(); k != nil; k, _ = it.next() {
			if !yield(*k) {
				return
			}
		}
	}
}

// Values returns an iterator over the elems.
func (m *Map[K, V]) Values() iter.Seq[V] {
	return func(yield func(V) bool) {
		var it iterator[K, V]
		if !it.init(m) {
			return
		}
		defer it.done()
		for k, e := it.next(); k != nil; k, e = it.next() {
			if !yield(*e) {
				return
			}
		}
	}
}

// iterator is the state of one iteration: the runtime's hiter.
type iterator[K comparable, V any] struct {
	m       *Map[K, V]            // nil once the iteration is over
	owner   *Map[K, V]            // the map, for done
	buckets []bucket.Bucket[K, V] // the array when the iteration started
	// Keep the overflow buckets of buckets (and of the old array, if a
	// growth was in progress) alive, whatever the map does meanwhile.
	overflow *arrayOverflow[K, V]
	growth   *growth[K, V]

	b           *bucket.Bucket[K, V] // bucket being walked, or nil
	startBucket uintptr              // first bucket, chosen at random
	bucket      uintptr              // next bucket index to walk
	checkBucket uintptr              // see next; noCheck if not filtering
	rest        asm.Bitset           // slots of b still to look at, rotated
	offset      uint8                // slot rotation, chosen at random
	slot        uint8                // slot of b that next last returned
	B           uint8                // m.logB when the iteration started
	wrapped     bool                 // bucket has wrapped past the end
	seed        uint32               // m's hash seed when it started

}

const noCheck = ^uintptr(0) // not a bucket index

// init starts an iteration of m and reports whether there is anything to
// iterate; if so, the caller must call done when the iteration ends. An
// empty map yields nothing and draws no random value.
func (it *iterator[K, V]) init(m *Map[K, V]) bool {
	if m == nil || m.entries() == 0 {
		return false
	}
	atomic.AddUint32(&m.flags, iterOne)
	it.owner = m
	it.seed = m.seed
	it.m = m
	it.B = m.logB
	it.buckets = m.array()
	it.overflow, it.growth = m.overflow, m.growth

	r := uintptr(m.draw())
	it.startBucket = r & m.bucketMask()
	it.offset = uint8(r >> m.logB & (asm.SlotCount - 1))
	it.bucket = it.startBucket
	it.checkBucket = noCheck

	// Several iterations may start at once (they are reads).
	if f := atomic.LoadUint32(&m.flags); f&(flagIterator|flagOldIterator) != flagIterator|flagOldIterator {
		atomic.OrUint32(&m.flags, flagIterator|flagOldIterator)
	}
	return true
}

// done ends an iteration begun by a successful init.
func (it *iterator[K, V]) done() {
	atomic.AddUint32(&it.owner.flags, ^uint32(iterOne-1)) // minus iterOne
}

// next advances to the next entry and returns where its key and elem
// lie, good until the map is next written; at the end it returns nils.
//
// Arriving at a bucket, it takes the set of its slots that hold something
// (one word of tophash, see asm.FullBits), rotated by the offset, and then
// walks that set, not every slot. Each slot's tophash is read again when
// it is reached, since the loop body may have deleted the entry or a
// growth evacuated it; a slot filled after the set was taken is an entry
// added during the loop, which may or may not be yielded.
func (it *iterator[K, V]) next() (*K, *V) {
	m := it.m
	if m == nil {
		return nil, nil
	}
	if m.count < 0 {
		panic(m.misuse(errIterWrite))
	}
	if m.seed != it.seed {
		// The map was emptied, by Clear or by deletes, and drew a new
		// seed (reseed makes sure it differs): nothing present at the
		// start is left, and the arrays an iteration may still hold are
		// no longer marked by Clear.
		it.m = nil
		return nil, nil
	}
	b, rest, checkBucket := it.b, it.rest, it.checkBucket
	for {
		for rest == 0 {
			if b != nil {
				b = b.Overflow()
			}
			if b == nil {
				if it.bucket == it.startBucket && it.wrapped {
					it.m = nil
					return nil, nil
				}
				b, checkBucket = it.headFor(it.bucket)
				it.bucket++
				if it.bucket == uintptr(1)<<it.B {
					it.bucket = 0
					it.wrapped = true
				}
			}
			rest = asm.Rotate(asm.FullBits(asm.Word(&b.Tophash)), it.offset)
		}
		slot := (asm.First(rest) + uint(it.offset)) & (asm.SlotCount - 1)
		rest = asm.RemoveFirst(rest)
		top := b.Tophash[slot]
		if bucket.IsEmpty(top) || top == bucket.EvacuatedEmpty {
			continue
		}
		k := &b.Keys[slot]
		if checkBucket != noCheck {
			// b is an old bucket of a doubling that had not been
			// evacuated when we reached it; it holds the entries of
			// two new buckets. Yield only those of the one we are at.
			// (Decided once per bucket: the runtime re-checks the
			// growth kind at each slot, so a same-size growth starting
			// in the loop body makes it yield the sibling's entries
			// too, which are yielded again at the sibling.)
			if *k == *k {
				if m.hash(k)&(uintptr(1)<<it.B-1) != checkBucket {
					continue
				}
			} else if checkBucket>>(it.B-1) != uintptr(top&1) {
				// A NaN goes where the low bit of its tophash
				// sends it, as evacuate decides.
				continue
			}
		}
		e := &b.Elems[slot]
		if (top == bucket.EvacuatedX || top == bucket.EvacuatedY) && *k == *k {
			// The table grew since the iteration started and this
			// entry has moved: the live copy, if any, is in the
			// current table (the key too may have been rewritten).
			// (A NaN cannot have been updated or deleted since.)
			if k, e = m.find(*k); k == nil {
				continue // deleted
			}
		}
		it.b, it.rest, it.checkBucket, it.slot = b, rest, checkBucket, uint8(slot)
		return k, e
	}
}

// headFor returns the chain to walk for bucket index idx of the iteration's
// array, and the bucket to filter for (or noCheck).
func (it *iterator[K, V]) headFor(idx uintptr) (*bucket.Bucket[K, V], uintptr) {
	m := it.m
	if m.growing() && unsafe.SliceData(it.buckets) == m.buckets {
		// The iteration started during this growth: its array is the
		// growth's new one. (Not told by B: after Shrink, a later growth
		// can be at the B the iteration started with, on other arrays.)
		// If this bucket's entries are still in the old array, walk them
		// there, keeping only those that belong here.
		ob := &m.oldArray()[idx&m.oldbucketMask()]
		if !ob.Evacuated() {
			if m.sameSizeGrow() {
				return ob, noCheck // all of its entries belong here
			}
			return ob, idx
		}
	}
	return &it.buckets[idx], noCheck
}

// iterating reports whether an iteration may be reading the table: one
// started since the last growth began (the runtime's flag), or one still
// in progress.
func (m *Map[K, V]) iterating() bool {
	return atomic.LoadUint32(&m.flags)&(flagIterator|iterMask) != 0
}
