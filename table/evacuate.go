package table

import "github.com/hmaplab/hmap/bucket"

// evacDst is where an evacuation writes: a bucket of the new array (or of
// its chain) and the next slot.
type evacDst[K comparable, V any] struct {
	b *bucket.Bucket[K, V]
	i int // next slot of b
	n int // entries moved here
}

// evacuate moves the entries of old bucket oldIdx and its chain to the new
// array. Doubling splits them in two: X, the same index, and Y, the index
// plus the old size, as the new bit of each hash says; a same-size growth
// sends them all to X. Order is kept within each half. Every old slot is
// then marked with where its entry went, which is how readers and
// iterators know the bucket moved.
//
// paced tells whether the bucket is evacuated to advance the growth rather
// than because a write is about to touch it; it only informs the tracer.
func (m *Map[K, V]) evacuate(oldIdx uintptr, paced bool) {
	b := &m.oldbuckets[oldIdx]
	newbit := m.noldbuckets()
	if !b.Evacuated() {
		same := m.sameSizeGrow()
		var xy [2]evacDst[K, V]
		xy[0].b = &m.buckets[oldIdx]
		if !same {
			xy[1].b = &m.buckets[oldIdx+newbit]
		}
		for ob := b; ob != nil; ob = ob.Overflow() {
			for i := range ob.Tophash {
				top := ob.Tophash[i]
				if bucket.IsEmpty(top) {
					ob.Tophash[i] = bucket.EvacuatedEmpty
					continue
				}
				if top < bucket.MinTopHash {
					panic("hmap: bad map state: evacuating an evacuated slot")
				}
				k := &ob.Keys[i]
				var useY uint8
				if !same {
					h := m.hash(k)
					if *k != *k && m.iterating() {
						// A NaN's hash is not reproducible, but an
						// iterator must agree with this choice: let the
						// low bit of the old tophash decide, and take a
						// fresh tophash so NaNs spread over later growths.
						useY = top & 1
						top = bucket.Tophash(h)
					} else if h&newbit != 0 {
						useY = 1
					}
				}
				ob.Tophash[i] = bucket.EvacuatedX + useY
				d := &xy[useY]
				if d.i == bucket.SlotCount {
					d.b = m.newOverflow(d.b, oldIdx+uintptr(useY)*newbit)
					d.i = 0
				}
				d.n++
				d.b.Tophash[d.i] = top
				d.b.Keys[d.i] = *k
				d.b.Elems[d.i] = ob.Elems[i]
				d.i++
			}
		}
		// Drop the old references so the collector can free what they
		// point to, unless an iterator may still read them. The tophash
		// bytes stay: they carry the evacuation marks.
		if m.hasPointers && m.flags&flagOldIterator == 0 && m.iterators.Load() == 0 {
			b.Keys = [bucket.SlotCount]K{}
			b.Elems = [bucket.SlotCount]V{}
			b.SetOverflow(nil)
		}
		m.events.BucketsEvacuated++
		if probesEnabled {
			m.probes.evacuation(paced)
		}
		m.events.MovedX += xy[0].n
		m.events.MovedY += xy[1].n
		if oldIdx == m.nevacuate {
			m.advanceEvacuationMark(newbit)
		}
		if m.tracer != nil {
			y := -1
			if !same {
				y = int(oldIdx + newbit)
			}
			m.emit(event{kind: evEvacuated, evac: EvacuateEvent{
				OldBucket: int(oldIdx), X: int(oldIdx), Y: y, ToX: xy[0].n, ToY: xy[1].n,
				Paced: paced, Nevacuate: int(m.nevacuate),
			}})
			if !m.growing() {
				m.emitGrowDone(newbit)
			}
		}
		return
	}
	if oldIdx == m.nevacuate {
		m.advanceEvacuationMark(newbit)
		if m.tracer != nil && !m.growing() {
			m.emitGrowDone(newbit)
		}
	}
}

// emitGrowDone queues the end of the growth from an array of oldN buckets.
func (m *Map[K, V]) emitGrowDone(oldN uintptr) {
	oldB := uint8(0)
	for uintptr(1)<<oldB < oldN {
		oldB++
	}
	m.emit(event{kind: evGrowDone, grow: GrowEvent{
		OldB: oldB, NewB: m.logB, SameSize: oldB == m.logB, Count: m.count,
	}})
}

// advanceEvacuationMark moves nevacuate past oldbucket nevacuate and past
// any run of buckets already evacuated out of order (at most 1024, so a
// write stays O(1)), and ends the growth when every old bucket has moved.
func (m *Map[K, V]) advanceEvacuationMark(newbit uintptr) {
	m.nevacuate++
	stop := min(m.nevacuate+1024, newbit)
	for m.nevacuate != stop && m.oldbuckets[m.nevacuate].Evacuated() {
		m.nevacuate++
	}
	if m.nevacuate == newbit {
		m.oldbuckets = nil
		m.oldoverflow = nil
		m.nOldOverflow = 0
		m.flags &^= flagSameSizeGrow
	}
}
