package bucket

import (
	"unsafe"

	"github.com/hmaplab/hmap/asm"
)

// Tophash values below asm.MinTopHash describe a slot rather than a key.
const (
	EmptyRest      = 0 // this slot and every later one in the chain are empty
	EmptyOne       = 1 // this slot is empty
	EvacuatedX     = 2 // the entry moved to the first half of the new array
	EvacuatedY     = 3 // the entry moved to the second half of the new array
	EvacuatedEmpty = 4 // the slot was empty when its bucket was evacuated
)

// Bucket is eight slots of a hash table and the link to the next bucket of
// its chain. Slot i is full when Tophash[i] >= asm.MinTopHash; its key is
// Keys[i] and its elem Elems[i].
type Bucket[K comparable, V any] struct {
	Tophash  [asm.SlotCount]uint8
	Keys     [asm.SlotCount]K
	Elems    [asm.SlotCount]V
	overflow uintptr // *Bucket[K, V]; see the package doc
}

// Overflow returns the next bucket of the chain, or nil.
func (b *Bucket[K, V]) Overflow() *Bucket[K, V] {
	// Reading the word as a pointer (rather than converting the uintptr)
	// keeps vet and checkptr quiet; the bucket it names is kept alive by
	// its table's overflow list.
	return *(**Bucket[K, V])(unsafe.Pointer(&b.overflow))
}

// SetOverflow links next behind b. The caller must keep next reachable.
func (b *Bucket[K, V]) SetOverflow(next *Bucket[K, V]) {
	b.overflow = uintptr(unsafe.Pointer(next))
}

// IsEmpty reports whether a slot with tophash top is empty (EmptyRest or
// EmptyOne).
//
// It is generic only so that it inlines in any package, as package asm's
// hot-path functions are: T is always uint8.
func IsEmpty[T ~uint8](top T) bool { return top <= EmptyOne }

// Evacuated reports whether b has been evacuated to a new array. Evacuation
// marks every slot, so the first one tells.
func (b *Bucket[K, V]) Evacuated() bool {
	h := b.Tophash[0]
	return h > EmptyOne && h < asm.MinTopHash
}

// Match returns the slots of b whose tophash is top, tested a word at a
// time. top must be a full slot's tophash (at least asm.MinTopHash), so no
// empty or evacuated slot is ever in the result.
func (b *Bucket[K, V]) Match(top uint8) asm.Bitset {
	return asm.MatchBits(asm.Word(&b.Tophash), top)
}

// Find returns the slot of b holding key, or -1. It stops at EmptyRest,
// and reports in rest whether it did, so a chain walk can stop too.
func (b *Bucket[K, V]) Find(top uint8, key K) (slot int, rest bool) {
	for i, h := range &b.Tophash {
		if h != top {
			if h == EmptyRest {
				return -1, true
			}
			continue
		}
		if b.Keys[i] == key {
			return i, false
		}
	}
	return -1, false
}

// Search looks for key along the chain that starts at b. It returns the
// bucket and slot holding it, or nil and -1.
func Search[K comparable, V any](b *Bucket[K, V], top uint8, key K) (*Bucket[K, V], int) {
	for ; b != nil; b = b.Overflow() {
		i, rest := b.Find(top, key)
		if i >= 0 {
			return b, i
		}
		if rest {
			break
		}
	}
	return nil, -1
}

// ChainLen returns the number of buckets in the chain that starts at b.
func ChainLen[K comparable, V any](b *Bucket[K, V]) int {
	n := 0
	for ; b != nil; b = b.Overflow() {
		n++
	}
	return n
}

// MarkEmptyRest is called after slot i of b, a bucket of the chain that
// starts at head, has become EmptyOne. If nothing full follows that slot in
// the chain, it turns the slot, and the run of EmptyOne slots before it
// (back through earlier buckets of the chain), into EmptyRest, so that
// later searches stop there.
func MarkEmptyRest[K comparable, V any](head, b *Bucket[K, V], i int) {
	if i == asm.SlotCount-1 {
		if next := b.Overflow(); next != nil && next.Tophash[0] != EmptyRest {
			return
		}
	} else if b.Tophash[i+1] != EmptyRest {
		return
	}
	for {
		b.Tophash[i] = EmptyRest
		if i == 0 {
			if b == head {
				return
			}
			prev := head
			for prev.Overflow() != b {
				prev = prev.Overflow()
			}
			b, i = prev, asm.SlotCount-1
		} else {
			i--
		}
		if b.Tophash[i] != EmptyOne {
			return
		}
	}
}
