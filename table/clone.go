package table

import (
	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
)

// Clone returns a copy of m with the same entries, hasher, policy and seed
// (so the same layout of keys, sized for its count), as maps.Clone does.
// A deterministic map's clone is deterministic too, with a sequence of its
// own drawn from m's. The clone of a nil *Map is nil, as maps.Clone of a
// nil map is. The clone has no tracer, counts its events from zero, and is
// not watched by package watch, whether m is or not.
func (m *Map[K, V]) Clone() *Map[K, V] {
	if m == nil {
		return nil
	}
	dst := new(Map[K, V])
	if m.hashfn == nil {
		return dst
	}
	// Only during a same-size growth can a table be over its load; never
	// make the copy bigger than the source.
	hint := min(m.entries(), m.maxLoad)
	dst.self = dst
	dst.hashfn = m.hashfn
	dst.flags = m.flags & (flagPointers | flagSmallKeys | flagKeyUpdate | flagUserHasher | flagStringKey)
	if x := m.extra; x != nil && (x.policy != defaultPolicy || x.source.Deterministic()) {
		dx := dst.x()
		dx.policy, dx.source = x.policy, x.source.Fork()
	}
	if probesEnabled {
		dst.x()
	}
	dst.seed = m.seed
	dst.setB(dst.policy().BForHint(hint))
	if dst.logB != 0 {
		dst.newArray(dst.logB)
	}
	if m.entries() == 0 {
		return dst // the runtime does not check the write mark then either
	}
	if m.count < 0 {
		panic(m.misuse(errCloneWrite))
	}
	if m.logB == 0 && !m.growing() && m.buckets.Overflow() == nil {
		// One bucket: copy it whole.
		dst.buckets = &[]bucket.Bucket[K, V]{*m.buckets}[0]
		dst.count = m.entries()
		return dst
	}
	if dst.logB == 0 {
		dst.newArray(0)
	}

	// Entries keep their hash (same seed), so a source chain goes to the
	// destination bucket its index reduces to: the copy has at most as
	// many buckets as the source. Destination-major, as the runtime does:
	// bucket i is filled from source buckets i, i+dstN, i+2*dstN, ...
	// before bucket i+1, which decides which chains get the preallocated
	// overflow buckets. One destination chain is open at a time, unless m
	// is growing: the chains of its old array not yet evacuated are copied
	// last, each entry appended to the end of the chain it belongs to, so
	// then every chain's end is kept (ends). When the old array is smaller
	// than the copy, an old chain's entries spread over several buckets and
	// are rehashed.
	dstN := uintptr(1) << dst.logB
	srcN := uintptr(1) << m.logB
	old := m.oldArray()
	var ends []evacDst[K, V]
	if old != nil {
		ends = make([]evacDst[K, V], dstN)
	}
	for i := range dstN {
		d := dst.evacDstAt(i)
		n := -1
		if srcN == dstN {
			n = packed(m.at(i))
		}
		if n >= 0 {
			// The chain's entries fill its first n slots and no overflow
			// follows: packing would rebuild the bucket as it is, so copy
			// it whole (a deleted slot holds zeros).
			*d.b = *m.at(i)
			d.i, d.n = n, n
		} else {
			for j := i; j < srcN; j += dstN {
				for s := m.at(j); s != nil; s = s.Overflow() {
					d.appendLive(dst, s)
				}
			}
		}
		if ends != nil {
			ends[i] = d
		}
	}
	if old != nil {
		oldN := m.noldbuckets()
		for i := range oldN {
			s := &old[i]
			if s.Evacuated() {
				continue
			}
			if oldN >= dstN {
				for d := &ends[i&(dstN-1)]; s != nil; s = s.Overflow() {
					d.appendLive(dst, s)
				}
				continue
			}
			for ; s != nil; s = s.Overflow() {
				for k, top := range &s.Tophash {
					if top >= asm.MinTopHash {
						d := &ends[m.hash(&s.Keys[k])&(dstN-1)]
						d.room(dst)
						d.put(top, &s.Keys[k], &s.Elems[k])
					}
				}
			}
		}
	}
	// Every live entry of m was copied.
	dst.count = m.entries()
	return dst
}

// packed returns how many entries b holds if they fill its first slots,
// every later slot is EmptyRest and no overflow bucket follows; else -1.
// Such a bucket is its own packed copy.
func packed[K comparable, V any](b *bucket.Bucket[K, V]) int {
	if b.Overflow() != nil {
		return -1
	}
	n := 0
	for n < asm.SlotCount && b.Tophash[n] >= asm.MinTopHash {
		n++
	}
	for _, top := range b.Tophash[n:] {
		if top != bucket.EmptyRest {
			return -1
		}
	}
	return n
}
