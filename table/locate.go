package table

import (
	"sync/atomic"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/grow"
)

// Location is where a map keeps a key, or would look for it: what its hash
// function made of the key, which chain that chose, and the bucket and slot
// of the entry if it is present. It describes the table as Locate found it;
// any write may move the entry.
type Location struct {
	// Hash is the key's hash under the map's seed, and Tophash the byte a
	// slot holding the key stores: the hash's top byte, raised to at
	// least asm.MinTopHash. (On 32-bit platforms the hash of a Hasher's
	// 64 bits is their top byte and low 24 bits: see package hash.)
	Hash    uintptr
	Tophash uint8
	// B is the log2 of the current array's size, and Bucket the chain the
	// key belongs to there: Hash's low B bits.
	B      uint8
	Bucket int
	// Old reports that a growth is in progress and the key's chain in the
	// old array, OldBucket, has not been evacuated yet: the key is looked
	// for there, and InspectOldBucket(OldBucket) shows it. OldBucket is the
	// chain Hash chooses in the old array whenever a growth is in
	// progress, and -1 otherwise.
	Old       bool
	OldBucket int
	// Found reports whether the key is present. If it is, its entry is in
	// slot Slot of the bucket at position Chain of the chain it was looked
	// for in (0 for the regular bucket, 1 for the first overflow bucket,
	// and so on); otherwise both are -1.
	Found       bool
	Chain, Slot int
}

// Locate reports where the map keeps key, or would look for it, without
// changing the table. It hashes key even where a lookup would not (a table
// of one bucket with small keys compares them directly). A nil *Map, and a
// zero Map before its first write, have no seed yet: their Location has
// Bucket, OldBucket, Chain and Slot -1 and nothing else set. Like a read,
// Locate panics if a write is in progress, or if key is not hashable.
func (m *Map[K, V]) Locate(key K) Location {
	loc, _ := m.locate(key)
	return loc
}

// locate is Locate, which also returns the head of the chain the key is
// looked for in (nil where Location has no Bucket or the table no array).
func (m *Map[K, V]) locate(key K) (Location, *bucket.Bucket[K, V]) {
	loc := Location{Bucket: -1, OldBucket: -1, Chain: -1, Slot: -1}
	if m == nil || m.count <= 0 {
		m.readSlow(key) // nil, empty, or being written: panics as Get would
	}
	if m == nil || m.self == nil || m.count < 0 {
		return loc, nil
	}
	flags := atomic.LoadUint32(&m.flags)
	h := m.hash(&key)
	loc.Hash, loc.Tophash, loc.B = h, asm.Tophash(h), m.logB
	loc.Bucket = int(h & m.bucketMask())
	if m.buckets == nil {
		return loc, nil // no array yet: nothing stored
	}
	head := m.readBucket(h, flags)
	if m.growing() {
		loc.OldBucket = int(m.oldIndex(h, flags))
		loc.Old = head != m.at(uintptr(loc.Bucket))
	}
	for j, b := 0, head; b != nil; j, b = j+1, b.Overflow() {
		for s, top := range &b.Tophash {
			if top == loc.Tophash && b.Keys[s] == key {
				loc.Found, loc.Chain, loc.Slot = true, j, s
				return loc, head
			}
		}
	}
	return loc, head
}

// Capacity returns how many entries the table holds before an insert
// starts a doubling: the load-factor limit of its current size, 2^B * 6.5
// by default, and at least 8. A same-size growth, started by overflow
// buckets, can come sooner; an insert made while a growth is in progress
// starts no other. A nil *Map holds nothing and reports 0.
func (m *Map[K, V]) Capacity() int {
	if m == nil {
		return 0
	}
	if m.self == nil {
		p := grow.Default() // a zero Map, before its first write
		return p.MaxCount(0)
	}
	return m.maxLoad
}

// A Probe is one slot a lookup read, and what it made of the slot.
type Probe struct {
	Chain, Slot int // the bucket's position in the chain, and the slot
	// Tophash is the slot's byte, and State the state it encodes.
	Tophash uint8
	State   bucket.SlotState
	// Outcome is what the lookup did with the slot.
	Outcome ProbeOutcome
}

// ProbeOutcome is what a lookup did with one slot.
type ProbeOutcome uint8

// The outcomes of a probe.
const (
	SkippedEmpty   ProbeOutcome = iota // an empty slot: no byte to match
	SkippedTophash                     // a full slot whose tophash differs: no key compared
	KeyDiffers                         // tophash matched (or the table compares keys directly), the key did not
	KeyFound                           // the key compared equal: the lookup ends here
)

var outcomeNames = [...]string{"empty, skipped", "tophash differs, skipped", "key compared, differs", "key compared, found"}

func (o ProbeOutcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "ProbeOutcome(?)"
}

// Lookup explains one lookup: where it went (Location) and every slot it
// read, in order.
type Lookup struct {
	Location
	// Scan reports that the table compares the key with every full slot's
	// instead of hashing it: a table of one bucket with small keys, as the
	// runtime's fast paths do. Location's hash is then computed for the
	// explanation only.
	Scan bool
	// Probes are the slots the lookup read, bucket by bucket along the
	// chain. It reads a bucket's eight tophash bytes at once, compares the
	// keys of the slots whose byte matches, and stops at the key, at the
	// end of the chain, or after a bucket with an EmptyRest slot.
	Probes []Probe
	// KeysCompared counts the probes that compared a key; FalsePositives
	// those whose tophash matched but whose key differed.
	KeysCompared, FalsePositives int
}

// ExplainLookup looks key up as Get does and reports every slot it read
// and why it went on, without changing the table. Its panics are Locate's.
func (m *Map[K, V]) ExplainLookup(key K) Lookup {
	loc, head := m.locate(key)
	l := Lookup{Location: loc}
	if head == nil || m.count <= 0 {
		return l // nil, zero, empty: Get reads nothing
	}
	l.Scan = atomic.LoadUint32(&m.flags)&flagScan != 0
	for j, b := 0, head; b != nil; j, b = j+1, b.Overflow() {
		rest := false
		for s, top := range &b.Tophash {
			p := Probe{Chain: j, Slot: s, Tophash: top, State: bucket.StateOf(top)}
			switch {
			case p.State != bucket.StateFull:
				p.Outcome = SkippedEmpty
				rest = rest || p.State == bucket.StateEmptyRest
			case !l.Scan && top != l.Tophash:
				p.Outcome = SkippedTophash
			case b.Keys[s] == key:
				p.Outcome = KeyFound
			default:
				p.Outcome = KeyDiffers
			}
			l.Probes = append(l.Probes, p)
			switch p.Outcome {
			case KeyFound:
				l.KeysCompared++
				return l
			case KeyDiffers:
				l.KeysCompared++
				if !l.Scan {
					l.FalsePositives++
				}
			}
		}
		if rest && !l.Scan {
			break // the chain holds nothing more
		}
	}
	return l
}
