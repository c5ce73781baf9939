package table

import "github.com/hmaplab/hmap/bucket"

// Clear removes every entry: clear(m). The table keeps its size, and the
// map draws a new hash seed. Iterations in progress end.
func (m *Map[K, V]) Clear() {
	if m.count == 0 {
		return
	}
	if m.flags&flagWriting != 0 {
		panic(errWrites)
	}
	m.beginWrite()
	// Mark everything empty, overflow buckets included, so that
	// iterators still walking any of these buckets see nothing more.
	markAllEmpty(m.buckets[:uintptr(1)<<m.logB])
	if m.oldbuckets != nil {
		markAllEmpty(m.oldbuckets[:m.noldbuckets()])
	}
	m.flags &^= flagSameSizeGrow
	m.oldbuckets = nil
	m.nevacuate = 0
	m.noverflow = 0
	m.count = 0
	m.reseed(true)
	m.overflow.Store(nil)
	m.oldoverflow = nil
	m.nOverflow, m.nOldOverflow = 0, 0
	m.events.Clears++
	// Reuse the array, spares included, as if newly allocated.
	clear(m.buckets)
	m.nextSpare = uintptr(1) << m.logB
	m.endWrite()
	if len(m.pending) != 0 {
		m.deliver()
	}
}

func markAllEmpty[K comparable, V any](heads []bucket.Bucket[K, V]) {
	for i := range heads {
		for b := &heads[i]; b != nil; b = b.Overflow() {
			b.Tophash = [bucket.SlotCount]uint8{}
		}
	}
}

// Clone returns a copy of m with the same entries, hasher, policy and seed
// (so the same layout of keys, sized for its count), as maps.Clone does.
// A deterministic map's clone is deterministic too, with a sequence of its
// own drawn from m's.
func (m *Map[K, V]) Clone() *Map[K, V] {
	dst := new(Map[K, V])
	if m.hashfn == nil {
		return dst
	}
	hint := m.count
	if m.policy.OverLoad(hint, m.logB) {
		// Only during a same-size growth can a table be over its load;
		// never make the copy bigger than the source.
		hint = m.maxCount(m.logB)
	}
	dst.hasher, dst.hashfn = m.hasher, m.hashfn
	dst.policy, dst.hasPointers = m.policy, m.hasPointers
	dst.source = m.source.Fork()
	dst.seed = m.seed
	dst.logB = dst.policy.BForHint(hint)
	if dst.logB != 0 {
		dst.buckets, dst.nextSpare = dst.newArray(dst.logB)
	}
	if m.count == 0 {
		return dst
	}
	if m.flags&flagWriting != 0 {
		panic(errCloneWrite)
	}
	if m.logB == 0 && m.oldbuckets == nil && m.buckets[0].Overflow() == nil {
		// One bucket: copy it whole.
		dst.buckets = []bucket.Bucket[K, V]{m.buckets[0]}
		dst.nextSpare = 1
		dst.count = m.count
		return dst
	}
	if dst.logB == 0 {
		dst.buckets, dst.nextSpare = make([]bucket.Bucket[K, V], 1), 1
	}

	// Entries keep their hash (same seed), so a source chain can be
	// appended to the destination bucket its index reduces to.
	dstN, srcN := uintptr(1)<<dst.logB, uintptr(1)<<m.logB
	for i := uintptr(0); i < dstN; i++ {
		d, pos := &dst.buckets[i], 0
		for j := uintptr(0); j < srcN; j += dstN {
			for s := &m.buckets[i+j]; s != nil; s = s.Overflow() {
				d, pos = dst.appendBucket(d, i, pos, s)
			}
		}
	}
	if m.oldbuckets == nil {
		return dst
	}

	// Old buckets not yet evacuated hold the rest.
	oldN := m.noldbuckets()
	for i := uintptr(0); i < oldN; i++ {
		s := &m.oldbuckets[i]
		if s.Evacuated() {
			continue
		}
		if oldN >= dstN {
			// The whole chain belongs to one destination bucket.
			di := i & (dstN - 1)
			d := &dst.buckets[di]
			for d.Overflow() != nil {
				d = d.Overflow()
			}
			pos := 0
			for ; s != nil; s = s.Overflow() {
				d, pos = dst.appendBucket(d, di, pos, s)
			}
			continue
		}
		// The chain spreads over several destination buckets.
		for ; s != nil; s = s.Overflow() {
			for k := range s.Tophash {
				if !bucket.IsEmpty(s.Tophash[k]) {
					dst.assign(s.Keys[k], &s.Elems[k])
				}
			}
		}
	}
	return dst
}

// appendBucket copies the full slots of src into the free slots of d from
// pos on, extending d's chain as needed; it returns where it stopped.
func (m *Map[K, V]) appendBucket(d *bucket.Bucket[K, V], idx uintptr, pos int, src *bucket.Bucket[K, V]) (*bucket.Bucket[K, V], int) {
	for i, top := range &src.Tophash {
		if bucket.IsEmpty(top) {
			continue
		}
		for pos < bucket.SlotCount && !bucket.IsEmpty(d.Tophash[pos]) {
			pos++
		}
		if pos == bucket.SlotCount {
			d, pos = m.newOverflow(d, idx), 0
		}
		d.Tophash[pos] = top
		d.Keys[pos] = src.Keys[i]
		d.Elems[pos] = src.Elems[i]
		pos++
		m.count++
	}
	return d, pos
}

// maxCount returns the largest count a table of 2^B buckets holds without
// growing.
func (m *Map[K, V]) maxCount(B uint8) int {
	lo, hi := 0, int(uintptr(1)<<B)*bucket.SlotCount
	for lo < hi { // largest n with !OverLoad(n, B)
		mid := (lo + hi + 1) / 2
		if m.policy.OverLoad(mid, B) {
			hi = mid - 1
		} else {
			lo = mid
		}
	}
	return lo
}
