package explore

import (
	"fmt"
	"strings"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/table"
)

// Step is one part of the last op, in the order the table did it, for the
// page's step-through: for an insert or a delete during a growth, the old
// bucket it evacuated first (the one its key hashes to), then those at the
// mark nevacuate, then its walk along the key's chain and the slot it took
// or cleared; for a lookup, each bucket of the chain it read.
//
// The table runs a write whole and reports its events afterwards, so no
// state between two parts can be read from it: every part is drawn on the
// table as it is after the op, its place highlighted. The parts themselves
// come from what the table reports: the tracer's events, in order, which
// say which evacuations were paced; Locate before and after the op; and
// the chains before and after it, which show the slots the walk read.
type Step struct {
	// Kind is "probe" (a walk along a chain), "grow" (a growth started),
	// "evacuate" (an old bucket moved), "growDone", "overflow" (the chain
	// grew by a bucket), "place" (the insert took a slot or replaced an
	// elem), "remove" (the delete cleared a slot) or "result" (a lookup that did
	// not find its key).
	Kind string `json:"kind"`
	Text string `json:"text"`
	// Marks are the places this part touched, drawn highlighted.
	Marks []Mark `json:"marks"`
}

// Mark highlights a place of the drawing: a slot, or a whole chain when
// Slot is -1.
type Mark struct {
	Array  string `json:"array"` // "new" or "old"
	Bucket int    `json:"bucket"`
	Chain  int    `json:"chain"`
	Slot   int    `json:"slot"`
	// What is what the part did there: for a walk's slots "empty",
	// "tophash", "differs", "found" (as a lookup's probes) or "free" (the
	// first free slot, the one an insert takes); "took", "replaced",
	// "removed"; for chains "evacuated" (an old chain moved), "x" and "y"
	// (its destinations), "read" and "linked" (a new overflow bucket).
	What string `json:"what"`
}

// maxEvacSteps bounds the evacuation parts shown one by one: with pace 0 a
// growth moves every old bucket within one write.
const maxEvacSteps = 12

// writeSteps lays out the parts of an insert or a delete of k, from the
// table before the op (before, and was, k's location then) and after it.
func (r *run[K]) writeSteps(o Op, k K, before table.View[K, string], was table.Location) []Step {
	var steps []Step
	grew := r.grew()
	if grew && was.Bucket >= 0 && was.Bucket < len(before.Buckets) {
		// The insert looked for k in the old layout, did not find it, and
		// found the table due to grow.
		steps = append(steps, Step{Kind: "probe",
			Text:  fmt.Sprintf("The insert walked bucket %d's chain, as the table was before this write: the key is not there, so it is new, and one more entry is more than the table may hold (or it has too many overflow buckets). The table must grow first, and the insert starts again in the new layout.", was.Bucket),
			Marks: walkMarks("old", was.Bucket, before.Buckets[was.Bucket], was.Tophash, -1, -1, -1, true)})
	}
	oldChains := before.OldBuckets
	if grew {
		oldChains = before.Buckets
	}
	loc := r.m.Locate(k)
	evac, shown := 0, 0
	more := func() {
		if evac > shown {
			steps = append(steps, Step{Kind: "evacuate", Text: fmt.Sprintf("… and %d more old bucket%s moved the same way, in order, at the mark.", evac-shown, plural(evac-shown))})
			shown = evac
		}
	}
	for _, e := range r.events {
		switch e.Kind {
		case "GrowStart":
			steps = append(steps, Step{Kind: "grow", Text: e.Text})
		case "BucketEvacuated":
			evac++
			if shown < maxEvacSteps {
				shown++
				steps = append(steps, r.evacStep(e.Evacuate, oldChains, o))
			}
		case "GrowDone":
			more()
			steps = append(steps, Step{Kind: "growDone", Text: e.Text})
		}
	}
	more()

	// The walk along the key's chain, in the current array (every write
	// has evacuated the key's old bucket by now).
	chain := r.m.InspectBucket(loc.Bucket)
	var ovf *Event
	for i := range r.events {
		if r.events[i].Kind == "OverflowAllocated" {
			ovf = &r.events[i]
		}
	}
	switch o.Kind {
	case OpInsert:
		walked := chain
		if ovf != nil {
			walked = chain[:len(chain)-1] // the bucket linked after the walk
		}
		stopChain, stopSlot, free := -1, -1, -1
		if was.Found {
			stopChain, stopSlot = loc.Chain, loc.Slot
		} else if ovf == nil {
			free = loc.Chain*asm.SlotCount + loc.Slot
		}
		text := fmt.Sprintf("The insert walked bucket %d's chain in the current array (its key's tophash is 0x%02x): ", loc.Bucket, loc.Tophash)
		if was.Found {
			text += fmt.Sprintf("it compared the key in each slot whose tophash matched, and found it in %s, slot %d.", where("new", loc.Bucket, loc.Chain), loc.Slot)
		} else {
			text += "it compared the key in each slot whose tophash matched, up to where the chain can hold nothing more (its last bucket, or one whose last slot is EmptyRest): the key is new. It kept the first free slot it saw."
			if ovf != nil {
				text += " It saw none: every slot of the chain is full."
			}
		}
		steps = append(steps, Step{Kind: "probe", Text: text,
			Marks: walkMarks("new", loc.Bucket, walked, loc.Tophash, stopChain, stopSlot, free, !was.Found)})
		if ovf != nil {
			steps = append(steps, Step{Kind: "overflow", Text: ovf.Text,
				Marks: []Mark{{Array: "new", Bucket: loc.Bucket, Chain: len(chain) - 1, Slot: -1, What: "linked"}}})
		}
		what, text := "took", fmt.Sprintf("The key and its elem went into %s, slot %d, with tophash 0x%02x. The count is now %d.", where("new", loc.Bucket, loc.Chain), loc.Slot, loc.Tophash, r.m.Len())
		if was.Found {
			what, text = "replaced", fmt.Sprintf("The key was there already: only its elem was replaced, now %q.", o.Value)
		}
		steps = append(steps, Step{Kind: "place", Text: text,
			Marks: []Mark{{Array: "new", Bucket: loc.Bucket, Chain: loc.Chain, Slot: loc.Slot, What: what}}})
	case OpDelete:
		if !was.Found {
			steps = append(steps, Step{Kind: "probe",
				Text:  fmt.Sprintf("The delete walked bucket %d's chain, comparing the key in each slot whose tophash (0x%02x) matched, up to where the chain can hold nothing more: the key is not there, so nothing was deleted.", loc.Bucket, loc.Tophash),
				Marks: walkMarks("new", loc.Bucket, chain, loc.Tophash, -1, -1, -1, true)})
			break
		}
		// Where the key was in the current array: Locate said so before
		// the op, unless its old bucket had not been evacuated yet; then
		// this delete moved it first, and evacuation keeps the order of
		// the entries that go to one half, into a chain that was empty.
		c, s := was.Chain, was.Slot
		if was.Old && was.OldBucket < len(before.OldBuckets) {
			c, s = r.movedTo(before.OldBuckets[was.OldBucket], loc.Bucket, k)
		}
		steps = append(steps, Step{Kind: "probe",
			Text:  fmt.Sprintf("The delete walked bucket %d's chain, comparing the key in each slot whose tophash (0x%02x) matched, and found it in %s, slot %d.", loc.Bucket, loc.Tophash, where("new", loc.Bucket, c), s),
			Marks: walkMarks("new", loc.Bucket, chain, loc.Tophash, c, s, -1, false)})
		state := "gone"
		if c >= 0 && c < len(chain) {
			state = chain[c].State(s).String()
		}
		steps = append(steps, Step{Kind: "remove",
			Text:  fmt.Sprintf("It cleared the slot: key and elem zeroed, and the byte set to %s. The count is now %d.", state, r.m.Len()),
			Marks: []Mark{{Array: "new", Bucket: loc.Bucket, Chain: c, Slot: s, What: "removed"}}})
	}
	return steps
}

// movedTo returns where k landed in chain b of the current array when
// the old chain old was evacuated: its rank among the entries of old that
// went to b (each still found there by Locate, but k, now deleted), as
// chain position and slot.
func (r *run[K]) movedTo(old table.Chain[K, string], b int, k K) (int, int) {
	n := 0
	for _, bv := range old {
		for s := 0; s < asm.SlotCount; s++ {
			if bv.State(s) != bucket.StateFull {
				continue
			}
			if bv.Keys[s] == k {
				return n / asm.SlotCount, n % asm.SlotCount
			}
			if r.m.Locate(bv.Keys[s]).Bucket == b {
				n++
			}
		}
	}
	return -1, -1
}

// evacStep describes one evacuation; old are the old array's chains as
// they were before the op.
func (r *run[K]) evacStep(v *table.EvacuateEvent, old []table.Chain[K, string], o Op) Step {
	var sb strings.Builder
	if v.Paced {
		fmt.Fprintf(&sb, "Paced evacuation: old bucket %d, the one at the mark nevacuate, moved too, so that the growth ends after a bounded number of writes; the mark is now %d.", v.OldBucket, v.Nevacuate)
	} else {
		fmt.Fprintf(&sb, "First, old bucket %d, where the key's entries are in the old layout, was evacuated, so that the %s sees the key's whole chain in the new array.", v.OldBucket, o.Kind)
	}
	var toX, toY []string
	if v.OldBucket < len(old) {
		for _, bv := range old[v.OldBucket] {
			for s := 0; s < asm.SlotCount; s++ {
				if bv.State(s) != bucket.StateFull {
					continue
				}
				if r.m.Locate(bv.Keys[s]).Bucket == v.Y && v.Y >= 0 {
					toY = append(toY, r.kk.format(bv.Keys[s]))
				} else {
					toX = append(toX, r.kk.format(bv.Keys[s]))
				}
			}
		}
	}
	list := func(keys []string) string {
		if len(keys) == 0 {
			return "nothing"
		}
		if len(keys) > 10 {
			return strings.Join(keys[:8], ", ") + fmt.Sprintf(" and %d more", len(keys)-8)
		}
		return strings.Join(keys, ", ")
	}
	if v.Y < 0 {
		fmt.Fprintf(&sb, " A same-size growth keeps the index: %s went to bucket %d.", list(toX), v.X)
	} else {
		fmt.Fprintf(&sb, " The new bit of each key's hash chose its half: %s to X, bucket %d; %s to Y, bucket %d. Its old slots now hold evacuation marks.", list(toX), v.X, list(toY), v.Y)
	}
	marks := []Mark{{Array: "old", Bucket: v.OldBucket, Chain: 0, Slot: -1, What: "evacuated"}, {Array: "new", Bucket: v.X, Chain: 0, Slot: -1, What: "x"}}
	if v.Y >= 0 {
		marks = append(marks, Mark{Array: "new", Bucket: v.Y, Chain: 0, Slot: -1, What: "y"})
	}
	return Step{Kind: "evacuate", Text: sb.String(), Marks: marks}
}

// walkMarks marks the slots a write's walk along a chain read: when toEnd
// (a key that is not there), every slot up to where the chain can hold
// nothing more, the end of its last bucket or of the first one whose last
// slot is EmptyRest, as table's walks stop; else up to the one where it
// found the key (stopChain, stopSlot). free is the slot, as chain*8+slot,
// the walk kept as the first free one (-1: none).
func walkMarks[K comparable](array string, b int, chain table.Chain[K, string], top uint8, stopChain, stopSlot, free int, toEnd bool) []Mark {
	marks := []Mark{{Array: array, Bucket: b, Chain: 0, Slot: -1, What: "read"}}
	for j := range chain {
		for s := 0; s < asm.SlotCount; s++ {
			m := Mark{Array: array, Bucket: b, Chain: j, Slot: s}
			switch {
			case j*asm.SlotCount+s == free:
				m.What = "free"
			case j == stopChain && s == stopSlot:
				m.What = "found"
			case chain[j].State(s) != bucket.StateFull:
				m.What = "empty"
			case chain[j].Tophash[s] != top:
				m.What = "tophash"
			default:
				m.What = "differs"
			}
			marks = append(marks, m)
			if !toEnd && j == stopChain && s == stopSlot {
				return marks
			}
		}
		if toEnd && chain[j].Tophash[asm.SlotCount-1] == bucket.EmptyRest {
			break
		}
	}
	return marks
}

// lookupSteps lays a lookup out bucket by bucket along its chain.
func lookupSteps(v *LookupView) []Step {
	var steps []Step
	for i := 0; i < len(v.Probes); {
		j := v.Probes[i].Chain
		var marks []Mark
		counts := map[string]int{}
		for ; i < len(v.Probes) && v.Probes[i].Chain == j; i++ {
			p := v.Probes[i]
			marks = append(marks, Mark{Array: v.Array, Bucket: v.Bucket, Chain: j, Slot: p.Slot, What: p.Outcome})
			counts[p.Outcome]++
		}
		text := fmt.Sprintf("It read %s: %d slot%s, %d empty, %d skipped because the tophash differs (0x%02x wanted), %d key%s compared",
			where(v.Array, v.Bucket, j), len(marks), plural(len(marks)), counts["empty"], counts["tophash"], v.Tophash,
			counts["differs"]+counts["found"], plural(counts["differs"]+counts["found"]))
		switch {
		case counts["found"] > 0:
			text += fmt.Sprintf(": found, in slot %d.", v.Slot)
		case counts["differs"] > 0:
			text += fmt.Sprintf(", and %d of them differ%s from the key: a tophash collision.", counts["differs"], pick(counts["differs"] == 1, "s", ""))
		default:
			text += "."
		}
		steps = append(steps, Step{Kind: "probe", Text: text, Marks: marks})
	}
	if !v.Found && len(v.Probes) > 0 {
		steps = append(steps, Step{Kind: "result", Text: "Not found: the walk stopped after a bucket with an emptyRest slot, or at the end of the chain; nothing can follow."})
	}
	return steps
}
