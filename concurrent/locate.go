package concurrent

import (
	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/internal/rt"
)

// Location is where a map keeps a key, or would look for it: what its hash
// function made of the key, which chain that chose, and the body and slot
// of the entry if it is present. Its fields are package table's, with the
// same meanings. It describes the map at one instant during Locate; any
// write may move the entry afterwards.
type Location struct {
	// Hash is the key's hash under the map's seed, and Tophash the byte a
	// slot holding the key stores: the hash's top byte, raised to at
	// least asm.MinTopHash. (On 32-bit platforms the hash of a Hasher's
	// 64 bits is their top byte and low 24 bits: see package hash.)
	Hash    uintptr
	Tophash uint8
	// B is the log2 of the current table's size, and Bucket the chain the
	// key belongs to there: Hash's low B bits.
	B      uint8
	Bucket int
	// Old reports that a growth is in progress and the key's chain in the
	// old table, OldBucket, has not been evacuated yet (it is not the
	// evacuation marker): the key is looked for there, and
	// InspectOldBucket(OldBucket) shows it. OldBucket is the chain Hash
	// chooses in the old table whenever a growth is in progress, and -1
	// otherwise.
	Old       bool
	OldBucket int
	// Found reports whether the key is present. If it is, its entry is in
	// slot Slot of the body at position Chain of the chain it was looked
	// for in (0 for the head, 1 for the first overflow body, and so on);
	// otherwise both are -1.
	Found       bool
	Chain, Slot int
}

// Locate reports where the map keeps key, or would look for it. It reads
// what Load reads, in the same order, and like Load takes no lock and
// writes nothing: the answer is what a Load running at the same time would
// have found. A nil *Map, and a zero Map before its first use, have no
// table and no seed yet: their Location has Bucket, OldBucket, Chain and
// Slot -1 and nothing else set. Like Load, Locate panics if key is not
// hashable.
func (m *Map[K, V]) Locate(key K) Location {
	loc := Location{Bucket: -1, OldBucket: -1, Chain: -1, Slot: -1}
	if m == nil {
		rt.CheckHashable(key)
		return loc
	}
	t := m.root.Load()
	if t == nil {
		rt.CheckHashable(key)
		return loc
	}
	for {
		h, tb, o, b, p, inOld := m.lookupChain(t, key)
		loc.Hash, loc.Tophash, loc.B, loc.Bucket = h, asm.Tophash(h), tb.B, int(h&tb.mask)
		loc.Old, loc.OldBucket = false, -1
		if o != nil {
			loc.Old, loc.OldBucket = inOld, int(h&o.mask)
		}
		for j, q := 0, p; q != nil; j, q = j+1, q.overflow.Load() {
			for s := asm.MatchBits(q.tophash.Load(), loc.Tophash); s != 0; s = asm.RemoveFirst(s) {
				i := asm.First(s)
				if e := q.slots[i].Load(); e != nil && e.key == key {
					loc.Found, loc.Chain, loc.Slot = true, j, int(i)
					return loc
				}
			}
		}
		if !b.stale(p) {
			return loc
		}
		t = m.root.Load() // the chain changed under the search (see slot)
	}
}
