package table

import (
	"unsafe"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/internal/rt"
)

// Put stores elem for key: m[k] = v. If key is present its elem is
// replaced, and so is the stored key (equal keys can differ: +0 and -0).
// Like writing to a nil builtin map, Put on a nil *Map panics.
func (m *Map[K, V]) Put(key K, elem V) {
	m.assign(key, &elem)
}

// Ptr returns a pointer to key's elem, inserting key with the zero V first
// if it is absent: the left-hand side of m[k] op= x, as in *m.Ptr(k) += x.
// The pointer is valid until the next write to the map (which may move
// entries); reading or writing through it later is undefined. Ptr delivers
// its tracer events before it returns, so if a tracer panics, key is
// present but the caller's update through the pointer does not happen.
func (m *Map[K, V]) Ptr(key K) *V {
	return m.assign(key, nil)
}

// assign finds or makes the slot for key, stores *elem in it unless elem is
// nil, and returns a pointer to the slot's elem: the runtime's mapassign.
//
// Put is a one-call wrapper that the compiler inlines, so assign is the
// write path of every update and of most inserts, with the chain walk
// written out: tophash bytes are matched a word at a time. An insert then finds the first free slot the
// same way, in a second walk of the chain (in cache by then), so that the
// search, which an update ends early, carries no free-slot state for the
// compiler to keep in registers or spill around it. The search
// stops at a bucket with an EmptyRest slot, as lookup's does, without
// loading the overflow word: on a large table, that word's cache line is
// one the insert would not otherwise touch. The second walk then finds
// its free slot at or before that bucket.
//
// An insert that needs more than a free slot (the array itself, a growth
// that is due, an overflow bucket) leaves by a tail call to insertSlow.
// Nothing assign has computed lives across a call then, and the Go
// compiler keeps a value live across a call on any path in memory on all
// of them, from where it is made: calling newOverflow or startGrowth from
// here made every update store and reload its bucket, slot, tophash, index
// and count (callgrind, 1K entries: an update of a string key took 159.6
// instructions, now 155.6; a delete and reinsert of one 380.7, now
// 367.9). growWork, before the search, is the one call left on the way.
func (m *Map[K, V]) assign(key K, elem *V) *V {
	if m == nil {
		panic(errNilAssign)
	}
	if m.self != m {
		m.firstWrite() // a zero Map, or a copy
	}
	h := m.hash(&key)
	// beginWrite, written out so as to test the count it loads: one load
	// of the word where the test before hashing made two.
	n := m.count
	if n < 0 {
		panic(m.misuse(errWrites))
	}
	m.count = n | writing
	if m.buckets == nil {
		return m.insertSlow(key, elem, h, n) // nothing to search
	}
	idx := h & m.bucketMask()
	if m.growing() {
		m.growWork(idx)
		n = m.entries() // (not kept across the call: see beginWrite)
	}
	top := asm.Tophash(h)
	var e *V
	for b := m.at(idx); ; {
		w := asm.Word(&b.Tophash)
		for s := asm.MatchCandidates(w, top); s != 0; s = asm.RemoveFirst(s) {
			i := asm.First(s)
			if unsafe.Sizeof(key) == unsafe.Sizeof("") && rt.SameWords(&b.Keys[i], &key) &&
				m.flags&(flagStringKey|flagSmallKeys) != 0 {
				// The stored key's two words are the key's: for a string,
				// the same bytes at the same address, as an update often
				// passes; for regular memory, equality itself. Nothing to
				// compare further, nor to rewrite (the runtime's
				// mapassign_faststr takes the same shortcut). The size
				// test is constant in the compiled code: keys of another
				// size than a string's carry no test at all.
				e = &b.Elems[i]
				goto done
			}
			if b.Keys[i] == key {
				if m.flags&flagKeyUpdate != 0 {
					b.Keys[i] = key
				}
				e = &b.Elems[i]
				goto done
			}
		}
		if b.Tophash[asm.SlotCount-1] == bucket.EmptyRest {
			break // the chain holds nothing more (see lookup)
		}
		if b = b.Overflow(); b == nil {
			break
		}
	}

	// key is new.
	if !m.growing() && (n+1 > m.maxLoad || m.noverflow >= m.ovfLimit) {
		return m.insertSlow(key, elem, h, n) // a growth is due
	}
	// The first free slot of the chain in chain order, in a second walk
	// (see the doc comment).
	for b := m.at(idx); ; {
		if s := asm.EmptyBits(asm.Word(&b.Tophash)); s != 0 {
			i := asm.First(s)
			b.Tophash[i] = top
			b.Keys[i] = key
			n++
			e = &b.Elems[i]
			break
		}
		if b = b.Overflow(); b == nil {
			return m.insertSlow(key, elem, h, n) // the chain is full
		}
	}

done:
	if elem != nil {
		*e = *elem
	}
	m.endWrite(n)
	if m.flags&flagAfterWrite != 0 {
		m.afterWrite(&key)
	}
	return e
}

// insertSlow is assign's insert of key, absent, when the table has no
// array yet, is due to grow, or has no free slot in key's chain: it
// allocates the array, starts the growth (once: with a tuned policy a
// growth can end within this write and leave the table still over a
// threshold, and starting another would never end; with the runtime's
// policy that cannot happen), links an overflow bucket if key's chain
// is then full, and inserts.
// The write is marked, and n is the count assign kept.
func (m *Map[K, V]) insertSlow(key K, elem *V, h uintptr, n int) *V {
	if m.buckets == nil {
		m.newArray(0)
		n = m.entries()
	}
	idx := h & m.bucketMask()
	if !m.growing() && (n+1 > m.maxLoad || m.noverflow >= m.ovfLimit) {
		m.startGrowth()
		n = m.entries()
		idx = h & m.bucketMask()
		if m.growing() {
			m.growWork(idx) // key's chain, whole in the new layout
			n = m.entries()
		}
	}
	b := m.at(idx)
	var i uint
	for {
		if s := asm.EmptyBits(asm.Word(&b.Tophash)); s != 0 {
			i = asm.First(s)
			break
		}
		next := b.Overflow()
		if next == nil {
			b, i = m.newOverflow(b, idx), 0 // b was the chain's last bucket
			n = m.entries()
			break
		}
		b = next
	}
	b.Tophash[i] = asm.Tophash(h)
	b.Keys[i] = key
	n++
	e := &b.Elems[i]
	if elem != nil {
		*e = *elem
	}
	m.endWrite(n)
	if m.flags&flagAfterWrite != 0 {
		m.afterWrite(&key)
	}
	return e
}

// newOverflow links a new overflow bucket behind b, the last bucket of chain
// idx of the current array: the next spare bucket of the array if one is
// left, a newly allocated one otherwise.
func (m *Map[K, V]) newOverflow(b *bucket.Bucket[K, V], idx uintptr) *bucket.Bucket[K, V] {
	n := m.arrayLen(m.logB)
	o := m.overflow
	if o == nil {
		// Only a one-bucket array has no account, and it never overflows
		// (its ninth entry doubles it); but never lose a bucket.
		o = &arrayOverflow[K, V]{spare: n}
		m.overflow = o
	}
	var ovf *bucket.Bucket[K, V]
	spare := o.spare < n
	if spare {
		ovf = m.at(o.spare)
		o.spare++
		m.events().OverflowFromSpare++
	} else {
		m.events().OverflowAllocated++
		ovf = new(bucket.Bucket[K, V])
		o.list = append(o.list, ovf)
	}
	var r uint32
	if m.logB >= 16 {
		r = uint32(m.draw())
	}
	m.noverflow = grow.CountOverflow(m.noverflow, m.logB, r)
	o.n++
	b.SetOverflow(ovf)
	if m.traces(evOverflow) {
		m.emit(event{kind: evOverflow, ovf: OverflowEvent{
			Bucket: int(idx), ChainLen: bucket.ChainLen(m.at(idx)), Spare: spare,
			SparesLeft: int(n - o.spare), Overflow: m.noverflow,
		}})
	}
	return ovf
}
