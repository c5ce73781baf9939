package explore

import "github.com/hmaplab/hmap/table"

// State is what the page draws: the table after a session's ops, read
// through its inspection API, and what the last op did. It is plain data
// for encoding/json.
type State struct {
	Settings Settings `json:"settings"` // as validated, mask written out
	Ops      []Op     `json:"ops"`
	// Session is the URL fragment that replays this state:
	// "s=" + EncodeSettings + "&o=" + EncodeOps.
	Session string `json:"session"`
	// Reproducible reports that the session replays identically in any
	// process (the hasher is not the runtime's).
	Reproducible bool `json:"reproducible"`

	Header Header `json:"header"`
	// Buckets are the current array's chains, one per regular bucket;
	// OldBuckets the old array's while a growth is in progress, else empty.
	Buckets    []ChainView `json:"buckets"`
	OldBuckets []ChainView `json:"oldBuckets"`
	// Nevacuate is the evacuation mark while growing (old buckets below it
	// have been moved), and -1 otherwise.
	Nevacuate int `json:"nevacuate"`

	// LastOp describes the last op ("" for none); Events are the tracer
	// events it caused, in order; Lookup explains it if it was a lookup;
	// Changed lists the slots it changed.
	LastOp  string      `json:"lastOp"`
	Events  []Event     `json:"events"`
	Lookup  *LookupView `json:"lookup,omitempty"`
	Changed []SlotRef   `json:"changed"`
	// Explanation is what the last op did and why, one paragraph a string.
	Explanation []string `json:"explanation"`
	// Steps are the parts of the last op in the order the table did them,
	// for an insert, a delete or a lookup; empty for other ops.
	Steps []Step `json:"steps"`
	// Iteration is the iteration the session has open, or the one the
	// last op advanced (and maybe ended); nil when there is neither.
	Iteration *IterView `json:"iteration,omitempty"`
}

// IterView is an iteration of the map, as table.Iteration reports it:
// the start it drew, and every entry it yielded so far.
type IterView struct {
	// StartedAt is the op (from 1) that started it.
	StartedAt int `json:"startedAt"`
	// Empty: the map was empty when it started, so it drew nothing and
	// yields nothing. B, StartBucket and Offset are its draw: the array
	// size it walks, the bucket it starts at and the slot it starts at in
	// every bucket. Growing: a growth was in progress when it started.
	Empty       bool  `json:"empty"`
	B           uint8 `json:"B"`
	StartBucket int   `json:"startBucket"`
	Offset      int   `json:"offset"`
	Growing     bool  `json:"growing"`
	// Entries are the entries it yielded, in order; the last New of them
	// were yielded by the last op.
	Entries []IterEntryView `json:"entries"`
	New     int             `json:"new"`
	// Open reports that it can go on; false once it has ended.
	Open bool `json:"open"`
}

// IterEntryView is one entry an iteration yielded, and where it read it.
type IterEntryView struct {
	Op   int    `json:"op"` // the op (from 1) that yielded it
	Key  string `json:"key"`
	Elem string `json:"elem"`
	// Bucket is the bucket being walked, in the iteration's array.
	Bucket int `json:"bucket"`
	// Array is where the chain read is: "new" (the current array), "old"
	// (the old array of a growth in progress: the bucket had not been
	// evacuated, or the iteration started before the growth) or
	// "released" (an array the map has let go of, kept by the iteration).
	// ArrayBucket is the chain's index there.
	Array       string `json:"array"`
	ArrayBucket int    `json:"arrayBucket"`
	Chain       int    `json:"chain"`
	Slot        int    `json:"slot"`
	// Moved: the slot held an evacuation mark, and the entry was read by
	// key from the current table.
	Moved bool `json:"moved"`
}

// Header is the map's header and its derived figures.
type Header struct {
	Count   int    `json:"count"`
	B       uint8  `json:"B"`
	Buckets int    `json:"buckets"` // 2^B, or 0 before the first insert
	Seed    uint32 `json:"seed"`    // the map's hash seed (not Settings.Seed)
	// Noverflow is the runtime's count of overflow buckets linked into the
	// current array, which decides a same-size growth; OverflowBuckets the
	// exact number in its chains, OldOverflowBuckets in the old array's.
	Noverflow          uint16 `json:"noverflow"`
	OverflowBuckets    int    `json:"overflowBuckets"`
	OldOverflowBuckets int    `json:"oldOverflowBuckets"`
	SpareBuckets       int    `json:"spareBuckets"` // preallocated, not yet used
	// Flags are the runtime's header flags that are set, by name
	// (iterator, oldIterator, sameSizeGrow), and "growing" while an old
	// array is kept.
	Flags      []string `json:"flags"`
	Growing    bool     `json:"growing"`
	SameSize   bool     `json:"sameSize"`
	OldBuckets int      `json:"oldBuckets"`
	Nevacuate  int      `json:"nevacuate"` // Stats.Nevacuate: keeps its last value after a growth
	// LoadFactor is Count per bucket; LoadLimit the configured maximum,
	// and Capacity the count an insert may reach before the table doubles.
	LoadFactor float64 `json:"loadFactor"`
	LoadLimit  float64 `json:"loadLimit"`
	Capacity   int     `json:"capacity"`
	// OverflowLimit is the noverflow that starts a same-size growth,
	// 2^min(B, 15).
	OverflowLimit int          `json:"overflowLimit"`
	Bytes         int          `json:"bytes"` // Stats.BytesAllocated
	Totals        table.Events `json:"totals"`
}

// ChainView is one chain: a regular bucket and its overflow buckets.
type ChainView struct {
	Index int `json:"index"`
	// Evacuated reports, for a chain of the old array, that it has been
	// moved: its first slot holds an evacuation mark.
	Evacuated bool         `json:"evacuated,omitempty"`
	Buckets   []BucketView `json:"buckets"`
}

// BucketView is one bucket of a chain.
type BucketView struct {
	// Kind is "regular" for a chain's head, "spare" for an overflow bucket
	// taken from the array's preallocated ones, "overflow" for one
	// allocated on its own.
	Kind  string     `json:"kind"`
	Slots []SlotView `json:"slots"`
}

// SlotView is one slot: its tophash byte, the state the byte encodes, and
// the entry when the slot is full.
type SlotView struct {
	Tophash uint8  `json:"tophash"`
	State   string `json:"state"` // bucket.SlotState's name: emptyRest, emptyOne, evacuatedX, evacuatedY, evacuatedEmpty, full
	Key     string `json:"key"`
	Elem    string `json:"elem"`
}

// SlotRef names a slot of the drawing.
type SlotRef struct {
	Array  string `json:"array"` // "new" (the current array) or "old"
	Bucket int    `json:"bucket"`
	Chain  int    `json:"chain"` // position in the chain, 0 for the regular bucket
	Slot   int    `json:"slot"`
}

// Event is one tracer event, with the payload of its kind.
type Event struct {
	Kind     string               `json:"kind"` // GrowStart, BucketEvacuated, GrowDone, OverflowAllocated, Reseed
	Grow     *table.GrowEvent     `json:"grow,omitempty"`
	Evacuate *table.EvacuateEvent `json:"evacuate,omitempty"`
	Overflow *table.OverflowEvent `json:"overflow,omitempty"`
	Reseed   *table.ReseedEvent   `json:"reseed,omitempty"`
	Text     string               `json:"text"`
}

// LookupView is table.Lookup for the page: where a lookup went and every
// slot it read.
type LookupView struct {
	Key     string `json:"key"`
	Hash    string `json:"hash"` // hex, all 64 bits
	Tophash uint8  `json:"tophash"`
	B       uint8  `json:"B"`
	// Array and Bucket are the chain read: the old array's OldBucket when
	// it has not been evacuated yet, else the current array's Bucket.
	Array          string      `json:"array"`
	Bucket         int         `json:"bucket"`
	NewBucket      int         `json:"newBucket"`
	OldBucket      int         `json:"oldBucket"`
	Found          bool        `json:"found"`
	Elem           string      `json:"elem"`
	Chain          int         `json:"chain"`
	Slot           int         `json:"slot"`
	Scan           bool        `json:"scan"`
	Probes         []ProbeView `json:"probes"`
	KeysCompared   int         `json:"keysCompared"`
	FalsePositives int         `json:"falsePositives"`
}

// ProbeView is one slot a lookup read.
type ProbeView struct {
	Chain   int    `json:"chain"`
	Slot    int    `json:"slot"`
	Tophash uint8  `json:"tophash"`
	State   string `json:"state"`
	// Outcome is "empty", "tophash", "differs" or "found"; Reason says it
	// in words (table.ProbeOutcome's String).
	Outcome string `json:"outcome"`
	Reason  string `json:"reason"`
}
