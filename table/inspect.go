package table

import (
	"unsafe"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
)

// View is a read-only copy of a map's structure: header and every bucket
// of the current and old arrays, chains in order.
type View[K comparable, V any] struct {
	Stats
	Buckets    []Chain[K, V] // 2^B chains, one per regular bucket
	OldBuckets []Chain[K, V] // the old array's chains while growing, else nil
}

// Chain is a regular bucket followed by its overflow buckets.
type Chain[K comparable, V any] []BucketView[K, V]

// BucketView is a copy of one bucket. Keys and Elems hold the entries of
// full slots; other slots read as zero values.
type BucketView[K comparable, V any] struct {
	Tophash [asm.SlotCount]uint8
	Keys    [asm.SlotCount]K
	Elems   [asm.SlotCount]V
	// Spare reports that the bucket is one of its array's preallocated
	// overflow buckets rather than a separately allocated one. Always
	// false for the regular bucket heading a chain.
	Spare bool
}

// State returns the state of slot i.
func (b *BucketView[K, V]) State(i int) bucket.SlotState {
	return bucket.StateOf(b.Tophash[i])
}

// Full returns the number of full slots.
func (b *BucketView[K, V]) Full() int {
	n := 0
	for _, t := range b.Tophash {
		if t >= asm.MinTopHash {
			n++
		}
	}
	return n
}

// Inspect returns a copy of the map's structure. It is O(size of the
// table); for large maps, read Stats, InspectBucket or InspectOldBucket instead.
func (m *Map[K, V]) Inspect() View[K, V] {
	if m == nil {
		return View[K, V]{}
	}
	v := View[K, V]{Stats: m.Stats()}
	if m.buckets != nil {
		v.Buckets = viewArray(m.array(), 1<<m.logB)
	}
	if m.oldArray() != nil {
		v.OldBuckets = viewArray(m.oldArray(), int(m.noldbuckets()))
	}
	return v
}

// InspectBucket returns a copy of chain i of the current array, or nil if
// there is no such chain.
func (m *Map[K, V]) InspectBucket(i int) Chain[K, V] {
	if m == nil || m.buckets == nil {
		return nil
	}
	return inspectChain(m.array(), 1<<m.logB, i)
}

// InspectOldBucket returns a copy of chain i of the old array during a
// growth, or nil if there is no such chain.
func (m *Map[K, V]) InspectOldBucket(i int) Chain[K, V] {
	if m == nil || m.oldArray() == nil {
		return nil
	}
	return inspectChain(m.oldArray(), int(m.noldbuckets()), i)
}

func inspectChain[K comparable, V any](arr []bucket.Bucket[K, V], n, i int) Chain[K, V] {
	if i < 0 || i >= n {
		return nil
	}
	return viewChain(arr, n, i)
}

func viewArray[K comparable, V any](arr []bucket.Bucket[K, V], n int) []Chain[K, V] {
	chains := make([]Chain[K, V], n)
	for i := range chains {
		chains[i] = viewChain(arr, n, i)
	}
	return chains
}

func viewChain[K comparable, V any](arr []bucket.Bucket[K, V], n, i int) Chain[K, V] {
	var c Chain[K, V]
	for b := &arr[i]; b != nil; b = b.Overflow() {
		bv := BucketView[K, V]{Tophash: b.Tophash, Spare: isSpare(arr, n, b)}
		for s, t := range b.Tophash {
			if t >= asm.MinTopHash {
				bv.Keys[s], bv.Elems[s] = b.Keys[s], b.Elems[s]
			}
		}
		c = append(c, bv)
	}
	return c
}

// isSpare reports whether b lies in the spare part of arr (after its n
// regular buckets).
func isSpare[K comparable, V any](arr []bucket.Bucket[K, V], n int, b *bucket.Bucket[K, V]) bool {
	if len(arr) == n {
		return false
	}
	p := uintptr(unsafe.Pointer(b))
	lo := uintptr(unsafe.Pointer(&arr[n]))
	hi := uintptr(unsafe.Pointer(&arr[len(arr)-1]))
	return p >= lo && p <= hi
}
