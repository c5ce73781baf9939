package table

import (
	"sync/atomic"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
)

// evacDst is where entries are appended: a bucket of a new array (or of its
// chain) and its next free slot. Evacuation, Shrink's rebuild and Clone all
// fill empty chains this way, in order.
type evacDst[K comparable, V any] struct {
	b   *bucket.Bucket[K, V]
	idx uintptr // the chain's bucket in the array
	i   int     // next slot of b
	n   int     // entries appended
}

// evacDstAt returns an empty evacDst for the chain of bucket idx of the
// current array.
func (m *Map[K, V]) evacDstAt(idx uintptr) evacDst[K, V] {
	return evacDst[K, V]{b: m.at(idx), idx: idx}
}

// room makes sure the chain has a free slot at its end, linking an
// overflow bucket if the last one is full. It and put are apart, and link
// out of line, so that both inline into the loops that move entries.
func (d *evacDst[K, V]) room(m *Map[K, V]) {
	if d.i == asm.SlotCount {
		d.link(m)
	}
}

// put appends an entry with tophash top to the chain, which must have room.
func (d *evacDst[K, V]) put(top uint8, k *K, e *V) {
	i := d.i & (asm.SlotCount - 1) // (d.i < 8: no bounds check)
	d.b.Tophash[i] = top
	d.b.Keys[i] = *k
	d.b.Elems[i] = *e
	d.i++
	d.n++
}

// appendLive appends the live entries of bucket s, in slot order.
func (d *evacDst[K, V]) appendLive(m *Map[K, V], s *bucket.Bucket[K, V]) {
	for i, top := range &s.Tophash {
		if top >= asm.MinTopHash {
			d.room(m)
			d.put(top, &s.Keys[i], &s.Elems[i])
		}
	}
}

// link continues the chain with an overflow bucket.
//
//go:noinline
func (d *evacDst[K, V]) link(m *Map[K, V]) {
	d.b = m.newOverflow(d.b, d.idx)
	d.i = 0
}

// evacuate moves the entries of old bucket oldIdx and its chain to the new
// array. Doubling splits them in two: X, the same index, and Y, the index
// plus the old size, as the new bit of each hash says; a same-size growth
// sends them all to X. Order is kept within each half. Every old slot is
// then marked with where its entry went, which is how readers and
// iterators know the bucket moved.
//
// With a user's hasher, every key of the chain is hashed before anything
// changes, so a hasher that panics leaves the table as it was: the write
// in progress is abandoned, and the map stays usable (see hashChain).
//
// paced tells whether the bucket is evacuated to advance the growth rather
// than because a write is about to touch it; it only informs the tracer.
func (m *Map[K, V]) evacuate(oldIdx uintptr, paced bool) {
	g := m.growth
	b := &g.old[oldIdx]
	newbit := m.noldbuckets()
	if b.Evacuated() {
		if oldIdx == g.nevacuate {
			m.advanceEvacuationMark(newbit)
			if m.traces(evGrowDone) && !m.growing() {
				m.emitGrowDone(newbit, g)
			}
		}
		return
	}
	same := m.sameSizeGrow()
	// A user's hasher may panic: hash the whole chain first. The
	// runtime's cannot, and each key is hashed where it is moved.
	prehashed := !same && m.flags&flagUserHasher != 0
	var hashes []uintptr
	if prehashed {
		var buf [4 * asm.SlotCount]uintptr
		hashes = m.hashChain(b, buf[:0])
	}
	var xy [2]evacDst[K, V]
	xy[0] = m.evacDstAt(oldIdx)
	if !same {
		xy[1] = m.evacDstAt(oldIdx + newbit)
	}
	overflow, j := -1, 0
	for ob := b; ob != nil; ob = ob.Overflow() {
		overflow++
		for i := range ob.Tophash {
			top := ob.Tophash[i]
			if bucket.IsEmpty(top) {
				ob.Tophash[i] = bucket.EvacuatedEmpty
				continue
			}
			if top < asm.MinTopHash {
				panic("hmap: bad map state: evacuating an evacuated slot")
			}
			k := &ob.Keys[i]
			var useY uint8
			if !same {
				var h uintptr
				if prehashed {
					h = hashes[j]
					j++
				} else {
					h = m.hash(k)
				}
				if *k != *k && m.iterating() {
					// A NaN's hash is not reproducible, but an iterator
					// must agree with this choice: let the low bit of the
					// old tophash decide, and take a fresh tophash so NaNs
					// spread over later growths.
					useY = top & 1
					top = asm.Tophash(h)
				} else if h&newbit != 0 {
					useY = 1
				}
			}
			ob.Tophash[i] = bucket.EvacuatedX + useY
			d := &xy[useY]
			d.room(m)
			d.put(top, k, &ob.Elems[i])
		}
	}
	// Drop the old references so the collector can free what they point
	// to, unless an iterator may still read them. The tophash bytes stay:
	// they carry the evacuation marks. Unlinking the chain's overflow
	// buckets takes them out of the old array's chains (its list keeps
	// them until the growth ends).
	if m.flags&flagPointers != 0 && atomic.LoadUint32(&m.flags)&(flagOldIterator|iterMask) == 0 {
		b.Keys = [asm.SlotCount]K{}
		b.Elems = [asm.SlotCount]V{}
		b.SetOverflow(nil)
		if o := g.oldOverflow; o != nil {
			o.n -= overflow
		}
	}
	ev := m.events()
	ev.BucketsEvacuated++
	ev.MovedX += xy[0].n
	ev.MovedY += xy[1].n
	if probesEnabled {
		m.extra.probes.evacuation(paced)
	}
	if oldIdx == g.nevacuate {
		m.advanceEvacuationMark(newbit)
	}
	if m.traces(evEvacuated) {
		y := -1
		if !same {
			y = int(oldIdx + newbit)
		}
		m.emit(event{kind: evEvacuated, evac: EvacuateEvent{
			OldBucket: int(oldIdx), X: int(oldIdx), Y: y, ToX: xy[0].n, ToY: xy[1].n,
			Paced: paced, Nevacuate: int(m.evacMark()),
		}})
	}
	if m.traces(evGrowDone) && !m.growing() {
		m.emitGrowDone(newbit, g)
	}
}

// hashChain appends to hashes the hash of every full slot's key in the
// chain that starts at b, in chain and slot order. It changes nothing, so
// if the hasher panics the table is intact; the write in progress is then
// abandoned (its mark cleared) before the panic goes on, and the map stays
// usable. A write calls a user's hasher after its mark is set only here
// (Shrink's rebuild goes through it too); the runtime's hasher, which
// cannot panic on a key it has hashed before, evacuate calls directly.
func (m *Map[K, V]) hashChain(b *bucket.Bucket[K, V], hashes []uintptr) []uintptr {
	done := false
	defer func() {
		if !done {
			m.count &^= writing
		}
	}()
	for ; b != nil; b = b.Overflow() {
		for i, top := range &b.Tophash {
			if top >= asm.MinTopHash {
				hashes = append(hashes, m.hash(&b.Keys[i]))
			}
		}
	}
	done = true
	return hashes
}

// emitGrowDone queues the end of growth g, from an array of oldN buckets.
func (m *Map[K, V]) emitGrowDone(oldN uintptr, g *growth[K, V]) {
	oldB := uint8(0)
	for uintptr(1)<<oldB < oldN {
		oldB++
	}
	m.emit(event{kind: evGrowDone, grow: GrowEvent{
		OldB: oldB, NewB: m.logB, SameSize: oldB == m.logB, Count: m.entries(),
		BytesReleased: m.arrayBytes(g.old, g.oldOverflow), BytesHeld: m.bytesAllocated(),
	}})
}

// advanceEvacuationMark moves nevacuate past oldbucket nevacuate and past
// any run of buckets already evacuated out of order (at most 1024, so a
// write stays O(1)), and ends the growth when every old bucket has moved.
func (m *Map[K, V]) advanceEvacuationMark(newbit uintptr) {
	g := m.growth
	g.nevacuate++
	stop := min(g.nevacuate+1024, newbit)
	for g.nevacuate != stop && g.old[g.nevacuate].Evacuated() {
		g.nevacuate++
	}
	if g.nevacuate == newbit {
		// The growth is over. Iterators and stale copies that hold g keep
		// the old array and its overflow account; the map lets them go.
		m.x().nevacuate = g.nevacuate
		m.growth = nil
		m.flags &^= flagSameSizeGrow
		traceGrowDone(m.logB, m.entries())
	}
}
