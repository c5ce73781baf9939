package concurrent

import (
	"fmt"
	"math/bits"
	"unsafe"

	"github.com/hmaplab/hmap/asm"
)

// hashBits is the width of a map's hash, a uintptr: 64, or 32 on 32-bit
// platforms, where its top byte, the tophash, is bits 24..31.
const hashBits = bits.UintSize

// checkInvariants checks the structure of a map no goroutine is using:
//
//   - every entry sits in the chain its hash chooses, under its tophash
//     byte, and a slot is empty exactly when its byte is 0;
//   - no key is stored twice, and the entries number Len;
//   - the overflow bodies number Stats.OverflowBuckets;
//   - a first body that is not its bucket's chain holds nothing, but an
//     old table's, moved, if the entries hold no pointer (see evacuate);
//   - the current table holds no marker; during a growth the old buckets
//     marked number Stats.Evacuated, and a new bucket whose old one has
//     not moved is empty;
//   - with no snapshot alive no chain links an older version, and none is
//     empty (a chain emptied by deletes is dropped).
func checkInvariants[K comparable, V any](m *Map[K, V]) error {
	t := m.root.Load()
	if t == nil {
		return nil
	}
	st := m.Stats()
	quiet := st.SnapshotsAlive == 0
	seen := make(map[K]bool)
	entries, ovf := 0, 0
	o := t.old.Load()
	walk := func(name string, tb *table[K, V], i int) error {
		b := tb.at(uintptr(i))
		if b == nil {
			if tb != t || o == nil {
				return fmt.Errorf("%s bucket %d: its segment is not allocated, and no growth is under way", name, i)
			}
			if oi := uintptr(i) & o.mask; o.at(oi).body.Load().isMarker() {
				return fmt.Errorf("%s bucket %d: its segment is not allocated, yet old bucket %d moved", name, i, oi)
			}
			return nil
		}
		p := b.body.Load()
		if b.first.prev.Load() != nil {
			return fmt.Errorf("%s bucket %d: its first body links a version (it is never a copy)", name, i)
		}
		unpublished := p == nil && tb == t && o != nil && !o.at(uintptr(i)&o.mask).body.Load().isMarker()
		keeps := m.plainEntries && tb == o && p.isMarker() // evacuate leaves it as it was
		if p != &b.first && !unpublished && !keeps && (quiet || p == nil) && !firstClear(&b.first) {
			// A growth whose hasher panicked may have left the first body
			// of a bucket it had not moved yet half filled: unpublished.
			return fmt.Errorf("%s bucket %d: its first body, not its chain (%v), holds slots or an overflow link", name, i, p == nil)
		}
		if p.isMarker() && (p.tophash.Load() != 0 || p.overflow.Load() != nil) {
			// Load searches a marker as a chain, and tests for one after a miss.
			return fmt.Errorf("%s bucket %d: an evacuation marker holds slots or an overflow link", name, i)
		}
		if quiet && p != nil && p.prev.Load() != nil {
			return fmt.Errorf("%s bucket %d links an older version with no snapshot alive", name, i)
		}
		if quiet && p != nil && !p.isMarker() && chainEmpty(p) {
			return fmt.Errorf("%s bucket %d keeps an empty chain with no snapshot alive", name, i)
		}
		for q, depth := p, 0; q != nil && !q.isMarker(); q, depth = q.overflow.Load(), depth+1 {
			if depth > 0 {
				ovf++
			}
			w := q.tophash.Load()
			for s := range asm.SlotCount {
				x, top := q.slots[s].Load(), uint8(w>>(8*s))
				if (x == nil) != (top == 0) {
					return fmt.Errorf("%s bucket %d body %d slot %d: entry %v under tophash %#x", name, i, depth, s, x != nil, top)
				}
				if x == nil {
					continue
				}
				entries++
				if x.key != x.key {
					continue // NaN: stored anywhere, never found
				}
				if seen[x.key] {
					return fmt.Errorf("key %v stored twice", x.key)
				}
				seen[x.key] = true
				h := m.hash(&x.key, tb.lin.seed)
				if int(h&tb.mask) != i || asm.Tophash(h) != top {
					return fmt.Errorf("%s bucket %d body %d slot %d: key %v (hash %#x) under tophash %#x", name, i, depth, s, x.key, h, top)
				}
			}
		}
		return nil
	}
	for _, tb := range []*table[K, V]{t, o} {
		if tb != nil && (tb.seed != tb.lin.seed || tb.wseed != uint64(tb.seed)^hashWordSeedMix) {
			return fmt.Errorf("table of B=%d: seed %#x, wseed %#x, lineage seed %#x", tb.B, tb.seed, tb.wseed, tb.lin.seed)
		}
		if tb != nil && (tb.maxCount != m.policy.MaxCount(tb.B) || tb.stripeMax != int64(tb.maxCount/len(tb.lin.stripes))) {
			return fmt.Errorf("table of B=%d: maxCount %d, stripeMax %d, %d stripes; the policy's MaxCount %d",
				tb.B, tb.maxCount, tb.stripeMax, len(tb.lin.stripes), m.policy.MaxCount(tb.B))
		}
	}
	for _, tb := range []*table[K, V]{t, o} {
		if err := checkSegments(tb); err != nil {
			return err
		}
	}
	marked := 0
	for i := range t.len() {
		b := t.at(uintptr(i))
		if b == nil {
			if err := walk("current", t, i); err != nil {
				return err
			}
			continue
		}
		if b.body.Load().isMarker() {
			return fmt.Errorf("current bucket %d is an evacuation marker", i)
		}
		if o != nil && !o.at(uintptr(i)&o.mask).body.Load().isMarker() && b.body.Load() != nil {
			return fmt.Errorf("new bucket %d has a chain before its old bucket %d moved", i, uintptr(i)&o.mask)
		}
		if err := walk("current", t, i); err != nil {
			return err
		}
	}
	if o != nil {
		for i := range o.len() {
			if o.at(uintptr(i)).body.Load().isMarker() {
				marked++
			}
			if err := walk("old", o, i); err != nil {
				return err
			}
		}
		if marked != st.Evacuated {
			return fmt.Errorf("%d old buckets marked, Stats.Evacuated %d", marked, st.Evacuated)
		}
	}
	if entries != st.Count || entries != m.Len() {
		return fmt.Errorf("%d entries stored, Stats.Count %d, Len %d", entries, st.Count, m.Len())
	}
	if ovf != st.OverflowBuckets {
		return fmt.Errorf("%d overflow bodies, Stats.OverflowBuckets %d", ovf, st.OverflowBuckets)
	}
	return nil
}

// firstClear reports whether a bucket's first body holds nothing: no
// tophash byte, slot or overflow link.
func firstClear[K comparable, V any](q *body[K, V]) bool {
	if q.tophash.Load() != 0 || q.overflow.Load() != nil {
		return false
	}
	for i := range q.slots {
		if q.slots[i].Load() != nil {
			return false
		}
	}
	return true
}

// checkSegments checks a table's segment fields against its B: one
// segment below minSegmentedB (or where a bucket's size is no multiple
// of maxSegments), else maxSegments, the entries past them nil.
func checkSegments[K comparable, V any](tb *table[K, V]) error {
	if tb == nil {
		return nil
	}
	size := unsafe.Sizeof(slot[K, V]{})
	nsegs := uintptr(1)
	if tb.B >= minSegmentedB && size%maxSegments == 0 {
		nsegs = maxSegments
	}
	if tb.mask != 1<<tb.B-1 || 1<<tb.segBits != nsegs || tb.jmask != nsegs-1 ||
		tb.kmask != tb.mask&^(nsegs-1) || tb.kmul*nsegs != size {
		return fmt.Errorf("table of B=%d: mask %#x, segBits %d, jmask %#x, kmask %#x, kmul %d (a bucket %d bytes)",
			tb.B, tb.mask, tb.segBits, tb.jmask, tb.kmask, tb.kmul, size)
	}
	for j := nsegs; j < maxSegments; j++ {
		if tb.segs[j] != nil {
			return fmt.Errorf("table of B=%d: segment %d of %d allocated", tb.B, j, nsegs)
		}
	}
	return nil
}
