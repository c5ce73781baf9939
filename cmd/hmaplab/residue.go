package main

import (
	"fmt"
	"io"
	"math"
	"runtime"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

// The residue experiment fills a map[int64]int64 with n entries, deletes a
// share of them, and measures the memory the map still holds; then it puts
// the deleted entries back and measures again. Three maps: hmap, hmap
// after Shrink (which rebuilds the table at the size its remaining entries
// call for), and the builtin map.
//
// Memory is measured as memory.go does: a forced collection, then
// HeapAlloc, with the map alive, less HeapAlloc before the map was made.
// The key slice is made before that first reading and outlives the last,
// so the difference is the map's. For hmap, Stats().BytesAllocated counts
// its arrays and overflow buckets exactly; the heap figure adds its header
// and whatever the heap moved by meanwhile.

const residueQuestion = "How much memory does a map keep after deletes? " +
	"A map[int64]int64 of n entries, 0 to 100% of them deleted, for hmap, hmap after Shrink and the builtin map; " +
	"then the deleted entries put back: does the map reuse its buckets?"

// Limits of the residue flags.
const (
	minResidueN, maxResidueN       = 1_000, 20_000_000
	minResidueStep, maxResidueStep = 1, 100
)

type residueConfig struct {
	seed uint64
	n    int // entries
	step int // percent deleted, from one row to the next: divides 100
}

// Maps the experiment measures.
const (
	residueHmap    = "hmap"
	residueShrink  = "hmap+Shrink"
	residueBuiltin = "builtin"
)

// residueTolerance is how much the builtin map's heap may move, as a share
// of its full size, and still count as unchanged: the heap is measured,
// with a few kilobytes of noise from the runtime's own allocations.
const residueTolerance = 0.01

// residueRow is what one map measured.
type residueRow struct {
	full, deleted, reinserted uint64 // heap held, full, after the deletes (and Shrink), after re-inserting
	// hmap only (NaN for the builtin map): Stats().BytesAllocated at the
	// same three points, the regular buckets after the deletes, and the
	// growths (doubling or same-size) while re-inserting.
	statsFull, statsDeleted, statsReinserted float64
	buckets, growths                         float64
}

// residueMeasure builds a map with n keys, deletes the first del of them,
// calls Shrink if shrink, puts them back, and measures the heap it holds
// at each step.
func residueMeasure(impl string, keys []int64, del int, seed uint64) residueRow {
	nan := math.NaN()
	r := residueRow{statsFull: nan, statsDeleted: nan, statsReinserted: nan, buckets: nan, growths: nan}
	base := heapNow().bytes
	if impl == residueBuiltin {
		m := map[int64]int64{}
		for i, k := range keys {
			m[k] = int64(i)
		}
		r.full = growth(base, heapNow().bytes)
		for _, k := range keys[:del] {
			delete(m, k)
		}
		r.deleted = growth(base, heapNow().bytes)
		for i, k := range keys[:del] {
			m[k] = int64(i)
		}
		r.reinserted = growth(base, heapNow().bytes)
		runtime.KeepAlive(m)
		return r
	}
	m := table.New[int64, int64](0, table.WithHasher(hash.NewSeeded[int64]()), table.WithSeed(seed))
	for i, k := range keys {
		m.Put(k, int64(i))
	}
	r.full = growth(base, heapNow().bytes)
	r.statsFull = float64(m.Stats().BytesAllocated)
	for _, k := range keys[:del] {
		m.Delete(k)
	}
	if impl == residueShrink {
		m.Shrink()
	}
	r.deleted = growth(base, heapNow().bytes)
	s := m.Stats()
	r.statsDeleted, r.buckets = float64(s.BytesAllocated), float64(s.Buckets)
	for i, k := range keys[:del] {
		m.Put(k, int64(i))
	}
	s2 := m.Stats()
	ev := s2.Events.Sub(s.Events)
	r.growths = float64(ev.Growths + ev.SameSizeGrowths)
	r.reinserted = growth(base, heapNow().bytes)
	r.statsReinserted = float64(s2.BytesAllocated)
	runtime.KeepAlive(m)
	return r
}

// residueFresh is Stats().BytesAllocated of a map that holds count entries
// built by New(count): the size Shrink rebuilds to.
func residueFresh(count int) int {
	if count == 0 {
		return 0
	}
	return table.New[int64, int64](count).Stats().BytesAllocated
}

func residueRun(c residueConfig) *result {
	keys := hintKeys(c.n, c.seed)
	t := newTable(
		column{"deleted_pct", "%d"}, column{"impl", "%s"}, column{"live", "%d"},
		column{"bytes_full", "%d"}, column{"bytes_after_delete", "%d"}, column{"held_pct", "%.1f"},
		column{"bytes_per_live_entry", "%.1f"}, column{"bytes_after_reinsert", "%d"},
		column{"stats_bytes_full", "%.0f"}, column{"stats_bytes_after_delete", "%.0f"}, column{"stats_bytes_after_reinsert", "%.0f"},
		column{"fresh_bytes", "%d"}, column{"buckets_after_delete", "%.0f"}, column{"reinsert_growths", "%.0f"},
	)
	rows := map[residueKey]residueRow{}
	var pcts []int
	for pct := 0; pct <= 100; pct += c.step {
		pcts = append(pcts, pct)
		del := c.n * pct / 100
		live := c.n - del
		fresh := residueFresh(live)
		for _, impl := range []string{residueHmap, residueShrink, residueBuiltin} {
			r := residueMeasure(impl, keys, del, c.seed)
			rows[residueKey{pct, impl}] = r
			perLive := math.NaN()
			if live > 0 {
				perLive = float64(r.deleted) / float64(live)
			}
			t.add(pct, impl, live, int(r.full), int(r.deleted), 100*float64(r.deleted)/float64(r.full),
				perLive, int(r.reinserted),
				r.statsFull, r.statsDeleted, r.statsReinserted, fresh, r.buckets, r.growths)
		}
	}
	res := &result{
		Experiment: "residue",
		Question:   residueQuestion,
		Command:    fmt.Sprintf("hmaplab residue -seed %d -n %d -step %d", c.seed, c.n, c.step),
		Seed:       c.seed,
		Setup: []string{
			fmt.Sprintf("Each row fills a fresh map[int64]int64 with %d distinct keys (seeded; hmap with the seeded hasher), "+
				"deletes deleted_pct of them, for hmap+Shrink calls Shrink, then puts the deleted entries back. "+
				"The builtin map is %s's (%s).", c.n, runtime.Version(), hintBuiltinKind()),
			"bytes_* are the heap the map holds (HeapAlloc after a forced GC with the map alive, less before it was made): measured. " +
				"held_pct is bytes_after_delete against bytes_full; bytes_per_live_entry divides it by the entries left. " +
				"stats_bytes_* are hmap's Stats().BytesAllocated (arrays and overflow buckets, counted exactly); " +
				"fresh_bytes is that of New(live), the size Shrink rebuilds to; " +
				"reinsert_growths the growths (Stats().Events.Sub) while putting the deleted entries back.",
		},
		Table: t,
	}
	res.Claims = []claim{residueClaim(c, rows)}
	res.Notes = residueNotes(c, rows, pcts)

	ch := &chart{title: fmt.Sprintf("Memory a map[int64]int64 of %d entries holds after deletes", c.n),
		x: "entries deleted (%)", y: "heap held (MiB)", legendBottom: true}
	for _, impl := range []string{residueHmap, residueShrink, residueBuiltin} {
		xs, ys := make([]float64, len(pcts)), make([]float64, len(pcts))
		for i, p := range pcts {
			xs[i], ys[i] = float64(p), float64(rows[residueKey{p, impl}].deleted)/(1<<20)
		}
		ch.add(series{name: impl, xs: xs, ys: ys})
	}
	res.plot = ch
	return res
}

type residueKey struct {
	pct  int
	impl string
}

// residueClaim: the claim holds for a map if its heap after deleting every
// entry is within residueTolerance of its full size, or more.
func residueClaim(c residueConfig, rows map[residueKey]residueRow) claim {
	h, b, s := rows[residueKey{100, residueHmap}], rows[residueKey{100, residueBuiltin}], rows[residueKey{100, residueShrink}]
	keeps := func(r residueRow) bool { return float64(r.deleted) >= (1-residueTolerance)*float64(r.full) }
	v := partly
	switch {
	case keeps(h) && keeps(b):
		v = holds
	case !keeps(h) && !keeps(b):
		v = refuted
	}
	return claim{
		Source: "a blog post about Go maps",
		Claim:  "a map keeps its memory after deletes",
		Measured: fmt.Sprintf("after deleting all %d entries the builtin map holds %s of %s (%.1f%%), hmap %s of %s (%.1f%%; "+
			"Stats().BytesAllocated %.0f of %.0f). hmap's Shrink, which the builtin map has no equivalent of, leaves %s (%.1f%%)",
			c.n, hintBytes(float64(b.deleted)), hintBytes(float64(b.full)), 100*float64(b.deleted)/float64(b.full),
			hintBytes(float64(h.deleted)), hintBytes(float64(h.full)), 100*float64(h.deleted)/float64(h.full),
			h.statsDeleted, h.statsFull,
			hintBytes(float64(s.deleted)), 100*float64(s.deleted)/float64(s.full)),
		Verdict: v,
	}
}

// residueNotes says what Shrink releases at each fraction, and what
// re-inserting does to each map.
func residueNotes(c residueConfig, rows map[residueKey]residueRow, pcts []int) []string {
	var notes []string
	var shr string
	for i, p := range pcts {
		r := rows[residueKey{p, residueShrink}]
		if i > 0 {
			shr += "; "
		}
		shr += fmt.Sprintf("%d%%: %s → %s", p, hintBytes(float64(r.full)), hintBytes(float64(r.deleted)))
	}
	notes = append(notes, "Shrink releases what deletes leave: heap held by hmap+Shrink, full → after deletes and Shrink: "+shr+
		". The table halves only when the entries left fit half the buckets under the load factor, so it steps down in powers of two.")
	mid := pcts[len(pcts)/2]
	for _, p := range []int{mid, 100} {
		h, s, b := rows[residueKey{p, residueHmap}], rows[residueKey{p, residueShrink}], rows[residueKey{p, residueBuiltin}]
		reuse := ""
		if h.statsReinserted == h.statsDeleted {
			reuse = " (it reuses its buckets)"
		}
		notes = append(notes, fmt.Sprintf("Re-inserting the %d%% deleted: hmap goes from %s to %s with %s%s; "+
			"hmap+Shrink from %s to %s with %s; the builtin map from %s to %s.",
			p, hintBytes(float64(h.deleted)), hintBytes(float64(h.reinserted)), residueGrowths(h.growths), reuse,
			hintBytes(float64(s.deleted)), hintBytes(float64(s.reinserted)), residueGrowths(s.growths),
			hintBytes(float64(b.deleted)), hintBytes(float64(b.reinserted))))
		if h.statsReinserted > h.statsDeleted && h.growths == 0 {
			// Counted, not measured: say why the bytes grew without a growth.
			notes = append(notes, fmt.Sprintf("hmap's Stats().BytesAllocated went from %.0f to %.0f re-inserting the %d%% deleted, with no growth: "+
				"an emptied map draws a new hash seed, as the runtime's does, so the same keys land in other buckets; "+
				"the overflow buckets the old chains linked stay linked, and chains that now overflow link new ones.",
				h.statsDeleted, h.statsReinserted, p))
		}
	}
	return notes
}

func residueGrowths(g float64) string {
	switch g {
	case 0:
		return "no growth"
	case 1:
		return "1 growth"
	}
	return fmt.Sprintf("%.0f growths", g)
}

func runResidue(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("residue", residueQuestion, &l)
	n := fs.Int("n", 1_000_000, fmt.Sprintf("entries in the map, %d to %d", minResidueN, maxResidueN))
	step := fs.Int("step", 10, fmt.Sprintf("percent deleted from one row to the next, %d to %d, a divisor of 100", minResidueStep, maxResidueStep))
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	if *n < minResidueN || *n > maxResidueN {
		return usagef("-n %d out of range: want %d to %d", *n, minResidueN, maxResidueN)
	}
	if *step < minResidueStep || *step > maxResidueStep || 100%*step != 0 {
		return usagef("-step %d out of range: want %d to %d, a divisor of 100", *step, minResidueStep, maxResidueStep)
	}
	return residueRun(residueConfig{seed: l.seed, n: *n, step: *step}).emit(&l, out)
}
