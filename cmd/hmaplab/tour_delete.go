package main

import (
	"fmt"
	"strings"

	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

// The last chapters: deletes (emptyOne, emptyRest) and a same-size
// growth provoked on a side map with a weak hasher.

func (t *tour) chDeletes(m *table.Map[string, int]) {
	t.title("Deletes: emptyOne and emptyRest")
	// The chain with the most entries, the first of them if several.
	v := m.Inspect()
	best, most := 0, -1
	for i, c := range v.Buckets {
		n := 0
		for _, b := range c {
			n += b.Full()
		}
		if n > most {
			best, most = i, n
		}
	}
	type entry struct {
		key string
		at  slotRef
	}
	var entries []entry
	for j, b := range v.Buckets[best] {
		for s := range b.Tophash {
			if b.State(s) == bucket.StateFull {
				entries = append(entries, entry{b.Keys[s], slotRef{j, s}})
			}
		}
	}
	var plan []int
	switch n := len(entries); {
	case n >= 3:
		plan = []int{0, n - 2, n - 1}
	case n == 2:
		plan = []int{0, 1}
	default:
		plan = []int{0}
	}
	t.say("A delete clears its slot and marks it emptyOne (__): empty, but keep looking, "+
		"for the key sought may be further on. If nothing full follows in the chain, the "+
		"slot becomes emptyRest (..) instead, and so does the run of emptyOne slots just "+
		"before it: lookups and inserts stop at the first emptyRest. We delete from "+
		"bucket %d, the fullest (%s):", best, plural(most, "entry", "entries"))
	r := &t.res.Deletes
	r.Bucket = best
	for _, p := range plan {
		e := entries[p]
		m.Delete(e.key)
		c := m.InspectBucket(best)
		st := c[e.at.J].State(e.at.S)
		r.Keys = append(r.Keys, e.key)
		r.Slots = append(r.Slots, e.at)
		r.After = append(r.After, st)
		t.inList = false
		t.line("  delete %s (bucket %d %s): %s", e.key, best, e.at, st)
		label := fmt.Sprintf("    bucket %d: ", best)
		t.line("%s%s", label, chainCells(c, len(label)-2))
		t.flush()
		t.pause()
	}
	c := m.InspectBucket(best)
	for _, at := range r.Slots {
		r.Final = append(r.Final, c[at.J].State(at.S))
	}
	if len(plan) == 3 && r.Final[0] == bucket.StateEmptyOne {
		t.say("The first delete left emptyOne: full slots follow it. The last one found " +
			"nothing full after it, so it became emptyRest and turned the emptyOne before " +
			"it to emptyRest too; the first stays emptyOne until its followers go, or an " +
			"insert reuses it. M now:")
	} else {
		t.say("The last delete found nothing full after its slot, so it became emptyRest, " +
			"and so did every emptyOne slot before it, back to a full one. M now:")
	}
	t.draw(m, true, false)
	t.say("(A map that becomes empty by deletes also draws a new hash seed, so that " +
		"keys found to collide by trial stop colliding.)")
}

// chainCells draws a chain's tophash cells, buckets joined by >, two
// buckets per line as Render does, continuation lines indented by indent.
func chainCells(c table.Chain[string, int], indent int) string {
	var sb strings.Builder
	for j, b := range c {
		switch {
		case j == 0:
		case j%2 == 0:
			sb.WriteString("\n" + strings.Repeat(" ", indent) + "> ")
		default:
			sb.WriteString(" > ")
		}
		for s, th := range b.Tophash {
			if s > 0 {
				sb.WriteByte(' ')
			}
			switch b.State(s) {
			case bucket.StateFull:
				fmt.Fprintf(&sb, "%02x", th)
			case bucket.StateEmptyRest:
				sb.WriteString("..")
			case bucket.StateEmptyOne:
				sb.WriteString("__")
			case bucket.StateEvacuatedX:
				sb.WriteString("X>")
			case bucket.StateEvacuatedY:
				sb.WriteString("Y>")
			default:
				sb.WriteString("-.")
			}
		}
	}
	return sb.String()
}

func (t *tour) chSameSize() {
	t.title("Same-size growth: too many overflow buckets")
	weak := hash.Masked[string]{Inner: t.o.hasher, Mask: weakMask}
	w, err := table.TryNew[string, int](weakHint, table.WithHasher[string](weak), table.WithSeed(t.o.seed),
		table.WithTracer(t.tracer()))
	if err != nil {
		t.err = fmt.Errorf("map W: %w", err)
		return
	}
	s := w.Stats()
	threshold := 1 << min(s.B, 15)
	r := &t.res.SameSize
	r.B = s.B
	t.say("Deletes never shorten a chain, and an insert reuses a hole only in its own " +
		"chain: a map whose keys come and go can pile up overflow buckets at a modest " +
		"load. The map counts the overflow buckets linked into its array (noverflow); " +
		"when that count reaches 2^min(B, 15), as many as there are buckets, the next " +
		"insert of a new key rebuilds the table at the same size, packing the chains.")
	lf := ""
	if t.o.loadNum*2 != t.o.loadDen*13 {
		lf = ", at the default load factor 6.5"
	}
	t.say("To provoke it, map W gets a weak hasher: %s masked to its top byte and its "+
		"low 2 bits, so keys land in buckets 0 to 3 at most. W has %d buckets (B = %d%s), so "+
		"the threshold is %d. We fill it with %d keys, then use it as a queue: delete the "+
		"oldest key, insert a new one, again and again; each chain's share of the keys "+
		"drifts, and every time one outgrows its buckets it gets another.",
		t.o.hasherName, s.Buckets, s.B, lf, threshold, weakHint)
	next, oldest := 0, 0
	wkey := func(i int) string { return fmt.Sprintf("w%03d", i) }
	for ; next < weakHint; next++ {
		w.Put(wkey(next), next)
	}
	t.line("  put %s to %s", wkey(0), wkey(next-1))
	t.flush()
	t.draw(w, false, false)
	used := 0
	for _, c := range w.Inspect().Buckets {
		if c[0].Full() > 0 {
			used++
		}
	}
	r.Possible = used >= 2

	// churn deletes the oldest key and inserts a new one.
	pairs := 0
	churn := func(always bool) {
		dk, ik := wkey(oldest), wkey(next)
		w.Delete(dk)
		w.Put(ik, next)
		oldest++
		next++
		pairs++
		if always || len(t.pending) > 0 {
			t.line("  pair %d: delete %s, put %s", pairs, dk, ik)
			t.flush()
		}
	}
	for pairs < churnLimit && w.Stats().Events.SameSizeGrowths == 0 {
		if st := w.Stats(); int(st.Noverflow) >= threshold && r.OverflowBefore == 0 {
			r.OverflowBefore = st.OverflowBuckets
			t.say("After %d pairs noverflow is %d: the threshold. W before its next insert "+
				"of a new key, %s in %s and %s:", pairs, st.Noverflow,
				nEntries(st.Count), plural(st.Buckets, "bucket", "buckets"),
				plural(st.OverflowBuckets, "overflow bucket", "overflow buckets"))
			t.draw(w, false, false)
		}
		churn(false)
	}
	r.Pairs = pairs
	s = w.Stats()
	r.Happened = s.Events.SameSizeGrowths > 0
	if !r.Happened {
		p := grow.Default()
		limit := p.MaxCount(s.B)
		if used == 1 {
			t.say("After %d pairs there is still no same-size growth, and there never "+
				"will be: with this hasher every key is in one chain, and the %d entries W "+
				"takes before it doubles fill %d buckets, %s. Deleting and inserting only "+
				"reuses that chain's slots.", pairs, limit, (limit+7)/8,
				plural((limit+7)/8-1, "overflow bucket", "overflow buckets, short of the threshold"))
		} else {
			t.say("After %d pairs there is still no same-size growth: noverflow is %d, short "+
				"of %d. The chains did not drift far enough from their share.",
				pairs, s.Noverflow, threshold)
			t.draw(w, false, false)
		}
		r.Growths, r.SameSizeGrowths = s.Events.Growths, s.Events.SameSizeGrowths
		return
	}
	if s.Growing {
		t.draw(w, false, false)
		t.say("The growth is under way: B stays %d, and each write evacuates as in a "+
			"doubling, but every entry goes to X, its own index, packed in order. We go on "+
			"with the queue until it is done.", s.B)
		for w.Stats().Growing && pairs < churnLimit {
			churn(true)
		}
	}
	s = w.Stats()
	r.OverflowAfter = s.OverflowBuckets
	r.Growths, r.SameSizeGrowths = s.Events.Growths, s.Events.SameSizeGrowths
	t.draw(w, false, false)
	t.say("Same %d buckets, about the same entries, but %s instead of %d: evacuation "+
		"packed each chain and left the holes behind (a __ now is from a delete made "+
		"since). The hasher is still weak, though: the queue will lengthen the chains "+
		"again, and in time trigger another same-size growth.",
		s.Buckets, plural(s.OverflowBuckets, "overflow bucket", "overflow buckets"), r.OverflowBefore)
}

func (t *tour) outro(m *table.Map[string, int]) {
	t.inList = false
	t.printf("\n\n%s\n", t.bold("The end"))
	s := m.Stats()
	t.say("M ends with %d entries in %d buckets, after %s, %s evacuated and %s "+
		"(plus %s). Try another -seed, -hasher masked or constant, -load-factor 4, "+
		"-keys 60, or -step 1s to take it slowly.",
		s.Count, s.Buckets, plural(s.Events.Growths, "doubling", "doublings"),
		plural(s.Events.BucketsEvacuated, "old bucket", "old buckets"),
		plural(s.Events.OverflowAllocated, "overflow bucket allocated", "overflow buckets allocated"),
		plural(s.Events.OverflowFromSpare, "spare taken", "spares taken"))
	t.say("Every drawing above is m.Render(os.Stdout, table.RenderOptions{Keys: true, Legend: true}) " +
		"on the tour's maps; it draws any table.Map of yours the same way. (Printing a map with fmt " +
		"shows its entries instead, as for a builtin map.)")
}
