package table

import (
	"unsafe"

	"github.com/hmaplab/hmap/bucket"
)

// Iteration is one iteration of a map, the very one All runs, stepped by
// the caller and showing where it is: the random start it drew, and for
// each entry it yields, the chain and slot it read the entry from. It is
// for teaching and for tests; a program ranges over All.
//
// The iterator's order is its whole story, and none of it is visible
// through All: it starts at a random bucket and, in every bucket, at a
// random slot; it walks the array it started with, which during a growth
// is the new one, reading a bucket's entries from the old array as long
// as they have not been evacuated (and keeping only the half that belongs
// to the bucket at hand); and when the table grows under it, it finds
// moved entries by key in the current table. Iteration reports each of
// these as it happens, read from the iterator's own state.
//
// Between steps the caller may read and write the map, as a loop body
// may: All's guarantees hold. An Iteration must be stopped, by Stop or by
// reaching its end, as a range loop is when it ends; until then the map is
// flagged as being iterated, which is what changes evacuation (old buckets
// keep their entries for the iterator).
type Iteration[K comparable, V any] struct {
	it    iterator[K, V]
	live  bool // started and neither ended nor stopped
	start IterStart
}

// IterStart is what an iteration drew when it started.
type IterStart struct {
	// Empty reports that the map was nil or empty: the iteration yields
	// nothing, and drew no random value. The other fields are then -1
	// or zero.
	Empty bool
	// B is the log2 of the size of the array the iteration walks, the
	// current array when it started.
	B uint8
	// StartBucket is the first bucket it walks; Offset the slot it starts
	// at within every bucket (slots are read from Offset round to
	// Offset-1). Both come from one draw of the map's random source.
	StartBucket, Offset int
	// Growing reports that a growth was in progress when it started.
	Growing bool
}

// IterEntry is one entry an iteration yielded, and where it read it.
type IterEntry[K comparable, V any] struct {
	Key  K
	Elem V
	// Bucket is the index of the bucket the iteration was walking, in the
	// array it walks (of 2^IterStart.B buckets).
	Bucket int
	// Old reports that the chain read belongs to the map's old array: a
	// growth is in progress and either the iteration started during it
	// and the bucket's entries had not been evacuated yet (it then keeps
	// only those that belong to Bucket), or it started before the growth
	// and walks what is now the old array. OldBucket is the chain's index
	// in the old array, and -1 when Old is false.
	Old       bool
	OldBucket int
	// Released reports that the chain read is in neither of the map's
	// arrays: the iteration started before a growth that has since
	// finished, and walks the array it started with, which the map has let
	// go of (the iteration keeps it alive). Every entry it yields from
	// there has moved.
	Released bool
	// Chain is the position in that chain of the bucket read (0 for the
	// regular bucket) and Slot the slot.
	Chain, Slot int
	// Moved reports that the slot read carries an evacuation mark: the
	// table grew after the iteration started and the entry had moved, so
	// the iterator looked its key up in the current table and yielded what
	// it holds there.
	Moved bool
}

// StartIteration starts an iteration of m, as a range over All would,
// drawing the same random start. Step it with Next; Stop it if it is left
// before its end. A nil or empty m gives an iteration that yields nothing.
func (m *Map[K, V]) StartIteration() *Iteration[K, V] {
	x := &Iteration[K, V]{}
	if !x.it.init(m) {
		x.start = IterStart{Empty: true, StartBucket: -1, Offset: -1}
		return x
	}
	x.live = true
	x.start = IterStart{
		B: x.it.B, StartBucket: int(x.it.startBucket), Offset: int(x.it.offset), Growing: m.growing(),
	}
	return x
}

// Start returns what the iteration drew when it started.
func (x *Iteration[K, V]) Start() IterStart { return x.start }

// Next advances to the next entry and returns it, with where it was read;
// at the end it reports false, and the iteration is stopped.
func (x *Iteration[K, V]) Next() (IterEntry[K, V], bool) {
	if !x.live {
		return IterEntry[K, V]{OldBucket: -1, Chain: -1, Slot: -1}, false
	}
	it := &x.it
	k, v := it.next()
	if k == nil {
		x.Stop()
		return IterEntry[K, V]{OldBucket: -1, Chain: -1, Slot: -1}, false
	}
	e := IterEntry[K, V]{Key: *k, Elem: *v, OldBucket: -1, Chain: -1}
	n := uintptr(1) << it.B
	idx := (it.bucket + n - 1) & (n - 1) // next moved it.bucket past the one read
	e.Bucket = int(idx)
	slot := it.slot
	e.Slot = int(slot)
	top := it.b.Tophash[slot]
	e.Moved = top == bucket.EvacuatedX || top == bucket.EvacuatedY
	m := it.m
	old := m.oldArray()
	if j := chainPos(&it.buckets[idx], it.b); j >= 0 {
		e.Chain = j
		switch walked := unsafe.SliceData(it.buckets); {
		case walked == m.buckets:
		case old != nil && walked == unsafe.SliceData(old):
			e.Old, e.OldBucket = true, int(idx)
		default:
			e.Released = true
		}
	} else if old != nil {
		ob := idx & m.oldbucketMask()
		e.Old, e.OldBucket, e.Chain = true, int(ob), chainPos(&old[ob], it.b)
	}
	return e, true
}

// Stop ends the iteration early, as breaking out of a range loop does.
// It may be called more than once, and after the end.
func (x *Iteration[K, V]) Stop() {
	if x.live {
		x.live = false
		x.it.done()
	}
}

// chainPos returns the position of b in the chain that starts at head, or
// -1 if it is not in it.
func chainPos[K comparable, V any](head, b *bucket.Bucket[K, V]) int {
	for j := 0; head != nil; j, head = j+1, head.Overflow() {
		if head == b {
			return j
		}
	}
	return -1
}
