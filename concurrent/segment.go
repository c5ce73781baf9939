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
// has maxSegments.
//
// What it costs is on the way to a bucket. In a table of segments, the
// segment's pointer, which the table holds in line, is loaded in place of
// the array's, at an index the hash gives, so the chain of dependent
// loads from the table to the bucket is as long as with one array, but
// the address takes a few instructions more (a 1M map's Load, 4). A table
// of one segment that is not growing has it in array, tested first: a
// Load or a plain write then skips the growth's test too, and costs what
// it cost with one array (see bucket for why the test is not folded into
// the index).
const (
	segmentBits   = 4
	maxSegments   = 1 << segmentBits
	minSegmentedB = 10
)

// segmentShift returns the log2 of the buckets in each segment of a table
// of 2^B buckets.
func segmentShift(B uint8) uint8 {
	if B < minSegmentedB {
		return B
	}
	return B - segmentBits
}

// bucket returns the bucket of hash h, whose segment must be allocated
// (see above). In a table of one segment, the segment's address does not
// depend on h: the processor loads it while the hash is computed, and the
// bucket's address is as quick to form as in one array. In a larger
// table, the segment's index is the bucket index's top segmentBits bits:
// h*segMul shifts them to the top of the word and drops the bits above
// the index, with no bounds check, nor a variable shift, which on amd64
// ties up a register; on a large map the bucket is a cache miss, and the
// few cycles more to its address are a small part of its wait.
func (t *table[K, V]) bucket(h uintptr) *slot[K, V] {
	if t.segMul == 0 {
		return (*slot[K, V])(unsafe.Add(t.segs[0], (h&t.mask)*unsafe.Sizeof(slot[K, V]{})))
	}
	seg := t.segs[h*t.segMul>>(ptrBits-segmentBits)]
	return (*slot[K, V])(unsafe.Add(seg, (h&t.segMask)*unsafe.Sizeof(slot[K, V]{})))
}

// ptrBits is the width of a uintptr.
const ptrBits = 8 * ptrBytes

// at returns bucket i, or nil if its segment is not allocated yet: a
// growing table's, before the first evacuation into it.
func (t *table[K, V]) at(i uintptr) *slot[K, V] {
	seg := atomic.LoadPointer(&t.segs[i>>t.segShift])
	if seg == nil {
		return nil
	}
	return (*slot[K, V])(unsafe.Add(seg, (i&t.segMask)*unsafe.Sizeof(slot[K, V]{})))
}

// publishArray sets t.array if t is one segment, for a table with every
// segment allocated and no growth under way.
func (t *table[K, V]) publishArray() {
	if t.segMul == 0 {
		atomic.StorePointer(&t.array, t.segs[0])
	}
}

// inArray returns the bucket of hash h in a, t.array loaded (not nil).
func (t *table[K, V]) inArray(a unsafe.Pointer, h uintptr) *slot[K, V] {
	return (*slot[K, V])(unsafe.Add(a, (h&t.mask)*unsafe.Sizeof(slot[K, V]{})))
}

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
	p := &t.segs[i>>t.segShift]
	if atomic.LoadPointer(p) != nil {
		return
	}
	seg := make([]slot[K, V], t.segMask+1)
	t.segMu.Lock()
	if atomic.LoadPointer(p) == nil {
		atomic.StorePointer(p, unsafe.Pointer(&seg[0]))
	}
	t.segMu.Unlock()
}

// next returns the bucket k after b in b's segment.
func (b *slot[K, V]) next(k uintptr) *slot[K, V] {
	return (*slot[K, V])(unsafe.Add(unsafe.Pointer(b), k*unsafe.Sizeof(slot[K, V]{})))
}
