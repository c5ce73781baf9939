package concurrent

import (
	"sync/atomic"
	"unsafe"
)

// A table's bucket array is allocated in segments, so that no write waits
// for a whole array to be allocated. The runtime zeroes an allocation
// before it returns it, and an array that reuses freed memory, as a
// growth's mostly does, is zeroed at memory speed: 2^18 buckets of 112
// bytes, the growth past 851,968 int64 entries, took 0.9 to 1 ms in one
// write. A growth allocates its new table with no segment at all; the
// first evacuation into a segment allocates it (even one that moves no
// entry: a Load that finds the old bucket moved reads the new one), a
// sixteenth of the array, and the writes of the growth share the cost, as
// they share the moving.
//
// Nothing reads a growing table's bucket before the evacuation of the old
// bucket that fills it: a Load reads the new table's bucket only once it
// finds the old one marked as moved, and a write evacuates its own key's
// old bucket before it locks the new one. So the hot paths load a segment
// without testing it; what walks every bucket of a growing table (a
// view, a sweep) tests for a missing segment with at.
//
// A table of fewer than 2^minSegmentedB buckets (112 KiB for int64 keys
// and values), whose zeroing takes microseconds, is one segment: a small
// map makes one allocation for its array, as it did before. A larger one
// has maxSegments, and bucket i is in segment i mod maxSegments, at
// position i/maxSegments: the bucket index's low bits pick the segment.
// So the two buckets an old bucket's entries go to in a growth, i and
// i+2^(B-1), are in one segment, which an evacuation reaches alone.
//
// One formula serves both (see bucket), with no test: the segment's
// address is loaded at an index one AND of the hash gives, while the
// position within it, an AND and a multiply, is formed at the same time.
// It costs a Load 2 instructions on a 1K map (106 where one array took
// 104) and none on a 1M map (105, with the same misses), and the load
// of the segment's address, from the table's second cache line, depends
// on the hash where the array's did not (callgrind, bench/internal/concops,
// alignment padding excluded). A multiple of maxSegments bytes per
// bucket is needed for the formula: a platform where the bucket is not
// gets one segment, whatever the size.
const (
	segmentBits   = 4
	maxSegments   = 1 << segmentBits
	minSegmentedB = 10
)

// segmentBitsFor returns the log2 of the number of segments of a table of
// 2^B buckets.
func segmentBitsFor(B uint8) uint8 {
	if B < minSegmentedB {
		return 0
	}
	return segmentBits
}

// bucket returns the bucket of hash h, whose segment must be allocated
// (see above): (h&kmask)*kmul bytes into segment h&jmask, which is
// bucket i = h&mask at position i>>segBits. No test, no bounds check
// (jmask is below maxSegments), no variable shift.
func (t *table[K, V]) bucket(h uintptr) *slot[K, V] {
	seg := *(*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(&t.segs), (h&t.jmask)*ptrBytes))
	return (*slot[K, V])(unsafe.Add(seg, (h&t.kmask)*t.kmul))
}

// at returns bucket i, or nil if its segment is not allocated yet: a
// growing table's, before the first evacuation into it.
func (t *table[K, V]) at(i uintptr) *slot[K, V] {
	seg := atomic.LoadPointer(&t.segs[i&t.jmask])
	if seg == nil {
		return nil
	}
	return (*slot[K, V])(unsafe.Add(seg, (i&t.kmask)*t.kmul)) // as bucket
}

// segLen returns the number of buckets in each of t's segments.
func (t *table[K, V]) segLen() uintptr { return (t.mask + 1) >> t.segBits }

// len returns the number of buckets.
func (t *table[K, V]) len() int { return int(t.mask) + 1 }

// reach allocates the segment of bucket i, unless it is allocated.
// Evacuations of different old buckets may need one at once: each that
// finds it missing allocates one, outside any lock, so that the zeroing
// of different segments is not serialized, and the first to take segMu
// publishes its own; the others' are garbage. A segment is stored once,
// atomically, and never changed: the hot paths read it plainly, having
// synchronized with its store through the marker of the evacuation that
// reached it, or through the growth's end.
func (t *table[K, V]) reach(i uintptr) {
	p := &t.segs[i&t.jmask]
	if atomic.LoadPointer(p) != nil {
		return
	}
	seg := make([]slot[K, V], t.segLen())
	t.segMu.Lock()
	if atomic.LoadPointer(p) == nil {
		atomic.StorePointer(p, unsafe.Pointer(&seg[0]))
	}
	t.segMu.Unlock()
}

// next returns the bucket k places after b in b's segment: bucket
// i+k*maxSegments of b's table, if b is bucket i and the table has
// segments, else bucket i+k.
func (b *slot[K, V]) next(k uintptr) *slot[K, V] {
	return (*slot[K, V])(unsafe.Add(unsafe.Pointer(b), k*unsafe.Sizeof(slot[K, V]{})))
}
