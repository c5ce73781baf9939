package explore

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/table"
)

// The explanations are written from what the table reports (Locate,
// ExplainLookup, Stats, the tracer's events) before and after the op, so
// they describe what happened, not what the algorithm would be expected
// to do.

// applyExplained applies the last op and returns its explanation; for a
// lookup it also fills st.Lookup.
func (r *run[K]) applyExplained(o Op, k K, st *State, view table.View[K, string]) []string {
	var out []string
	before := r.m.Stats()
	switch o.Kind {
	case OpInsert:
		was := r.m.Locate(k)
		r.apply(o, k)
		out = append(out, r.insertText(o, k, was))
		st.Steps = r.writeSteps(o, k, view, was)
	case OpDelete:
		was := r.m.Locate(k)
		chain := r.m.InspectBucket(was.Bucket)
		r.apply(o, k)
		out = append(out, r.deleteText(o, k, was, chain))
		if before.Count > 0 {
			st.Steps = r.writeSteps(o, k, view, was)
		}
	case OpLookup:
		l := r.m.ExplainLookup(k)
		r.apply(o, k)
		st.Lookup = r.lookupView(o, k, l)
		out = append(out, r.lookupText(st.Lookup))
		st.Steps = lookupSteps(st.Lookup)
	case OpBatch:
		added := r.apply(o, k)
		out = append(out, r.batchText(added, before))
	case OpIterate:
		r.apply(o, k)
		out = append(out, r.iterateText(o)...)
	}
	return append(out, r.eventsText()...)
}

// where names a bucket of a chain: "bucket 5", or "overflow bucket 2 of
// bucket 5's chain".
func where(array string, b, chain int) string {
	prefix := ""
	if array == "old" {
		prefix = "old "
	}
	if chain == 0 {
		return fmt.Sprintf("%sbucket %d", prefix, b)
	}
	return fmt.Sprintf("overflow bucket %d of %sbucket %d's chain", chain, prefix, b)
}

func (r *run[K]) insertText(o Op, k K, was table.Location) string {
	if was.Found {
		return fmt.Sprintf("insert %s: the key was already there, in %s slot %d, so only its elem changed (now %q); nothing moved and the count stayed %d.",
			o.Key, where(arrayOf(was), bucketOf(was), was.Chain), was.Slot, o.Value, r.m.Len())
	}
	loc := r.m.Locate(k)
	var sb strings.Builder
	fmt.Fprintf(&sb, "insert %s: a new key. Its hash is 0x%0*x; ", o.Key, bits.UintSize/4, loc.Hash)
	if loc.B == 0 {
		sb.WriteString("with B = 0 the table is a single bucket, so every key goes to bucket 0")
	} else {
		fmt.Fprintf(&sb, "its low %d bits (B = %d) pick bucket %d", loc.B, loc.B, loc.Bucket)
	}
	top := uint8(loc.Hash >> (bits.UintSize - 8))
	if top < asm.MinTopHash {
		fmt.Fprintf(&sb, ", and its top byte, 0x%02x, is one of the reserved values below 5, so the slot stores it plus 5: tophash 0x%02x.", top, loc.Tophash)
	} else {
		fmt.Fprintf(&sb, ", and its top byte is the tophash, 0x%02x.", loc.Tophash)
	}
	if loc.Found {
		fmt.Fprintf(&sb, " It went into %s, slot %d (the first free slot of the chain).", where(arrayOf(loc), bucketOf(loc), loc.Chain), loc.Slot)
		if n := r.sharing(loc); n > 0 {
			fmt.Fprintf(&sb, " %d other key%s of this chain %s the same tophash: a tophash collision, so a lookup of any of them compares keys there instead of ruling them out by the byte.",
				n, plural(n), pick(n == 1, "has", "have"))
		}
	}
	return sb.String()
}

// sharing counts the other full slots of loc's chain with loc's tophash.
func (r *run[K]) sharing(loc table.Location) int {
	var c table.Chain[K, string]
	if loc.Old {
		c = r.m.InspectOldBucket(loc.OldBucket)
	} else {
		c = r.m.InspectBucket(loc.Bucket)
	}
	n := 0
	for j := range c {
		for s, t := range c[j].Tophash {
			if t == loc.Tophash && (j != loc.Chain || s != loc.Slot) {
				n++
			}
		}
	}
	return n
}

// deleteText explains a delete; chain is the key's chain in the current
// array before it.
func (r *run[K]) deleteText(o Op, k K, was table.Location, chain table.Chain[K, string]) string {
	if !was.Found {
		return fmt.Sprintf("delete %s: the key is not in the map, so nothing was deleted (a delete of a missing key is not an error). The count stays %d.", o.Key, r.m.Len())
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "delete %s: the key was in %s, slot %d.", o.Key, where(arrayOf(was), bucketOf(was), was.Chain), was.Slot)
	if was.Old {
		sb.WriteString(" Its old bucket had not been evacuated, so the delete evacuated it first and removed the key from its new place.")
	}
	if r.m.Len() == 0 {
		sb.WriteString(" That was the last entry: every slot is emptyRest again.")
		return sb.String()
	}
	loc := r.m.Locate(k)
	c := r.m.InspectBucket(loc.Bucket)
	if was.Old || loc.Old {
		return sb.String()
	}
	st := c[was.Chain].State(was.Slot)
	switch st {
	case bucket.StateEmptyOne:
		sb.WriteString(" Its slot is now emptyOne: a full slot follows it in the chain, so lookups must go on past it.")
	case bucket.StateEmptyRest:
		// Slots that were emptyOne before the delete and are emptyRest
		// now: the delete's backward walk turned them.
		turned := 0
		for j := range c {
			for s := range c[j].Tophash {
				if j < len(chain) && chain[j].State(s) == bucket.StateEmptyOne && c[j].State(s) == bucket.StateEmptyRest {
					turned++
				}
			}
		}
		sb.WriteString(" Nothing full follows it in the chain, so its slot is now emptyRest, where lookups stop")
		if turned > 0 {
			fmt.Fprintf(&sb, ", and the %d emptyOne slot%s just before it, back to the last full one, became emptyRest too", turned, plural(turned))
		}
		sb.WriteString(".")
	}
	return sb.String()
}

func (r *run[K]) lookupView(o Op, k K, l table.Lookup) *LookupView {
	v := &LookupView{
		Key: o.Key, Hash: fmt.Sprintf("0x%016x", uint64(l.Hash)), Tophash: l.Tophash, B: l.B,
		Array: "new", Bucket: l.Bucket, NewBucket: l.Bucket, OldBucket: l.OldBucket,
		Found: l.Found, Chain: l.Chain, Slot: l.Slot, Scan: l.Scan,
		Probes: []ProbeView{}, KeysCompared: l.KeysCompared, FalsePositives: l.FalsePositives,
	}
	if l.Old {
		v.Array, v.Bucket = "old", l.OldBucket
	}
	if l.Found {
		v.Elem, _ = r.m.Get(k)
	}
	for _, p := range l.Probes {
		v.Probes = append(v.Probes, ProbeView{
			Chain: p.Chain, Slot: p.Slot, Tophash: p.Tophash, State: p.State.String(),
			Outcome: [...]string{"empty", "tophash", "differs", "found"}[p.Outcome], Reason: p.Outcome.String(),
		})
	}
	return v
}

func (r *run[K]) lookupText(v *LookupView) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "lookup %s: hash %s, tophash 0x%02x, bucket %d.", v.Key, v.Hash, v.Tophash, v.NewBucket)
	if v.Array == "old" {
		fmt.Fprintf(&sb, " A growth is in progress and old bucket %d, where the key would be, has not been evacuated yet, so the lookup reads the old array.", v.OldBucket)
	}
	if r.m.Len() == 0 {
		sb.WriteString(" The map is empty: a lookup reads nothing.")
		return sb.String()
	}
	if v.Scan {
		sb.WriteString(" The table is one bucket of small keys: like the runtime's fast paths, the lookup compares the key with every full slot instead of hashing it.")
	}
	counts := map[string]int{}
	buckets := 0
	for _, p := range v.Probes {
		counts[p.Outcome]++
		buckets = max(buckets, p.Chain+1)
	}
	fmt.Fprintf(&sb, " It read %d slot%s in %d bucket%s: %d empty, %d skipped because their tophash differs, %d key%s compared",
		len(v.Probes), plural(len(v.Probes)), buckets, plural(buckets), counts["empty"], counts["tophash"], v.KeysCompared, plural(v.KeysCompared))
	if v.FalsePositives > 0 {
		fmt.Fprintf(&sb, " (%d tophash collision%s: the byte matched, the key did not)", v.FalsePositives, plural(v.FalsePositives))
	}
	if v.Found {
		fmt.Fprintf(&sb, ". Found in %s, slot %d: elem %q.", where(v.Array, v.Bucket, v.Chain), v.Slot, v.Elem)
	} else {
		last := "the end of the chain"
		if n := len(v.Probes); n > 0 && v.Probes[n-1].Chain+1 == buckets {
			for _, p := range v.Probes {
				if p.Chain == buckets-1 && p.State == "emptyRest" {
					last = "an emptyRest slot, after which the chain holds nothing"
					break
				}
			}
		}
		fmt.Fprintf(&sb, ". Not found: the search stopped at %s.", last)
	}
	return sb.String()
}

func (r *run[K]) batchText(added []K, before table.Stats) string {
	names := make([]string, len(added))
	for i, k := range added {
		names[i] = r.kk.format(k)
	}
	list := strings.Join(names, ", ")
	if len(names) > 12 {
		list = strings.Join(names[:5], ", ") + ", … " + strings.Join(names[len(names)-3:], ", ")
	}
	now := r.m.Stats()
	return fmt.Sprintf("batch %d: inserted %d new key%s (%s), each with its own text as elem. Count %d → %d, B %d → %d.",
		len(added), len(added), plural(len(added)), list, before.Count, now.Count, before.B, now.B)
}

// eventsText narrates the last op's events, evacuations grouped.
func (r *run[K]) eventsText() []string {
	var out, evac []string
	paced := 0
	flush := func() {
		if len(evac) == 0 {
			return
		}
		list := evac
		if len(list) > 6 {
			list = append(append([]string{}, evac[:4]...), fmt.Sprintf("… and %d more", len(evac)-4))
		}
		out = append(out, fmt.Sprintf("%d old bucket%s evacuated (%d because the write was about to use %s, %d paced at the mark nevacuate): %s.",
			len(evac), plural(len(evac)), len(evac)-paced, pick(len(evac)-paced == 1, "it", "them"), paced, strings.Join(list, "; ")))
		evac, paced = nil, 0
	}
	for _, e := range r.events {
		if e.Kind == "BucketEvacuated" {
			evac = append(evac, e.Text)
			if e.Evacuate.Paced {
				paced++
			}
			continue
		}
		flush()
		out = append(out, e.Text)
	}
	flush()
	return out
}

func (r *run[K]) eventText(e Event) string {
	switch {
	case e.Grow != nil && e.Kind == "GrowStart":
		g := e.Grow
		if g.SameSize {
			return fmt.Sprintf("This op started a same-size growth: noverflow reached %d, the limit 2^min(B, 15) for B = %d, the mark of chains left long by deletes. The table is rebuilt at %d buckets to pack its entries back into short chains; the old array is kept until every bucket has moved.",
				g.Overflow, g.OldB, 1<<g.NewB)
		}
		return fmt.Sprintf("This op started a growth: one more entry than %d would take the table over its load factor (%d/%d = %.4g per bucket, and never fewer than 8 in all), so B goes %d → %d: a new array of %d buckets (%d bytes), while the old array of %d stays until every old bucket has been evacuated.",
			g.Count, r.s.LoadNum, r.s.LoadDen, float64(r.s.LoadNum)/float64(r.s.LoadDen), g.OldB, g.NewB, 1<<g.NewB, g.BytesAllocated, 1<<g.OldB)
	case e.Evacuate != nil:
		v := e.Evacuate
		why := "touched"
		if v.Paced {
			why = "paced"
		}
		if v.Y < 0 {
			return fmt.Sprintf("old %d → bucket %d, %d entr%s (%s)", v.OldBucket, v.X, v.ToX, pick(v.ToX == 1, "y", "ies"), why)
		}
		return fmt.Sprintf("old %d → X %d: %d, Y %d: %d (%s)", v.OldBucket, v.X, v.ToX, v.Y, v.ToY, why)
	case e.Grow != nil:
		return fmt.Sprintf("The growth is done: the last old bucket moved, and the old array and its overflow buckets (%d bytes) were released. The table has %d buckets.",
			e.Grow.BytesReleased, 1<<e.Grow.NewB)
	case e.Overflow != nil:
		v := e.Overflow
		from := fmt.Sprintf("taken from the array's preallocated spares (%d left)", v.SparesLeft)
		if !v.Spare {
			from = "allocated on its own (arrays of fewer than 16 buckets have no spares, and larger ones run out)"
		}
		return fmt.Sprintf("Bucket %d's chain was full, so it grew to %d buckets with an overflow bucket %s. noverflow is now %d; a same-size growth starts when it reaches %d.",
			v.Bucket, v.ChainLen, from, v.Overflow, 1<<min(int(r.m.Stats().B), 15))
	case e.Reseed != nil:
		return fmt.Sprintf("The map became empty, so it drew a new hash seed, 0x%08x (it was 0x%08x): keys inserted from now on land in other buckets, so collisions found by trial do not last.",
			e.Reseed.New, e.Reseed.Old)
	}
	return e.Kind
}

// growthStatus says where a growth in progress stands.
func (r *run[K]) growthStatus(s table.Stats) string {
	moved := 0
	for _, c := range r.m.Inspect().OldBuckets {
		if st := c[0].State(0); st == bucket.StateEvacuatedX || st == bucket.StateEvacuatedY || st == bucket.StateEvacuatedEmpty {
			moved++
		}
	}
	kind := "doubling"
	if s.SameSizeGrow {
		kind = "same-size growth"
	}
	return fmt.Sprintf("A %s is in progress: %d of %d old buckets evacuated, and the mark nevacuate is at %d (every old bucket below it has moved). A lookup reads an old bucket until it moves; each insert or delete moves the old bucket it touches, then %d more at the mark.",
		kind, moved, s.OldBuckets, s.Nevacuate, r.s.Pace)
}

func arrayOf(l table.Location) string {
	if l.Old {
		return "old"
	}
	return "new"
}

func bucketOf(l table.Location) int {
	if l.Old {
		return l.OldBucket
	}
	return l.Bucket
}

func plural(n int) string { return pick(n == 1, "", "s") }

func pick(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

// iterateText explains an iterate op from what the iteration reported.
func (r *run[K]) iterateText(o Op) []string {
	v := r.iv
	var out []string
	if v.StartedAt == r.op {
		if v.Empty {
			return []string{"iterate: the map is empty, so the iteration yields nothing and ends at once; it drew no random value."}
		}
		s := fmt.Sprintf("iterate %d: a new iteration, as a range loop starts one. It drew one random value from the map's source: start at bucket %d of %d and, in every bucket, at slot %d, going round the slots from there; then the buckets in order, wrapping, back to bucket %d.",
			o.N, v.StartBucket, 1<<v.B, v.Offset, v.StartBucket)
		if v.Growing {
			s += " A growth is in progress: the iteration walks the new array, and for a bucket whose old bucket has not been evacuated it reads the old bucket instead, keeping only the entries that belong to the bucket at hand."
		}
		out = append(out, s)
	} else {
		out = append(out, fmt.Sprintf("iterate %d: the iteration started by op %d goes on (start bucket %d, slot offset %d).", o.N, v.StartedAt, v.StartBucket, v.Offset))
	}
	if v.New > 0 {
		from := map[string]int{}
		moved := 0
		for _, e := range v.Entries[len(v.Entries)-v.New:] {
			from[e.Array]++
			if e.Moved {
				moved++
			}
		}
		s := fmt.Sprintf("It yielded %d entr%s: %d read from the current array, %d from the old array", v.New, pick(v.New == 1, "y", "ies"), from["new"], from["old"])
		if from["released"] > 0 {
			s += fmt.Sprintf(", %d from the array it started with, which the map has since released", from["released"])
		}
		s += "."
		if moved > 0 {
			s += fmt.Sprintf(" %d of them had moved since the iteration started (an evacuation mark in the slot it read), so it looked their keys up in the current table.", moved)
		}
		out = append(out, s)
	}
	if !v.Open {
		out = append(out, fmt.Sprintf("The iteration is over: it came back round to bucket %d, having yielded %d entr%s in all. The next iterate starts a new one, at a new random place.",
			v.StartBucket, len(v.Entries), pick(len(v.Entries) == 1, "y", "ies")))
	}
	return out
}
