package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

// The tradeoff experiment sets the load factor as a user's decision: what
// a map[uint64]uint64 pays in memory per entry, and what its lookups pay in
// entries examined, for load factors 2.0 to 8.0. A real map does not live
// at its maximum load: after each doubling its load is half the maximum,
// and it climbs back to the maximum before the next. So each figure is
// averaged over a growth cycle: real hmap tables are grown by inserts from
// 2^(B-1) to 2^B buckets and sampled at 16 evenly spaced counts, from just
// after the doubling (old array still held, evacuation under way) to just
// before the next; the peak, just before growth, is reported beside it. The
// lookup counts are read off Inspect's copy of the table, exactly, for every
// stored key (hits) and every bucket a missing key can hash to (misses),
// following a lookup's path into the old array for chains not evacuated.
// Hit lookups are also timed on each table at its capacity.

const tradeoffQuestion = "Which load factor should a map use? Memory per entry against entries examined per lookup, " +
	"for load factors 2.0 to 8.0, averaged over a growth cycle of real hmap tables, " +
	"as a Pareto curve, with a recommendation for each mix of hits and misses."

// Limits of the tradeoff flags.
const (
	minTradeoffB, maxTradeoffB             = 4, 16
	minTradeoffTables, maxTradeoffTables   = 1, 100
	minTradeoffLookups, maxTradeoffLookups = 0, 100_000_000
)

// tradeoffFills is the number of samples over a growth cycle.
const tradeoffFills = 16

// tradeoffLoads are the load factors measured, in halves: 2.0 to 8.0.
var tradeoffLoads = func() []int {
	var l []int
	for n := 4; n <= 16; n++ {
		l = append(l, n)
	}
	return l
}()

type tradeoffConfig struct {
	seed    uint64
	b       int // the cycle measured grows the table from 2^(b-1) to 2^b buckets
	tables  int // tables (seeds) per load factor
	lookups int // timed hit lookups per load factor and repetition; 0 times nothing
}

// fillSample is what one sample of a table measures.
type fillSample struct {
	entries, bytes int // Len and Stats().BytesAllocated
	growing        bool
	// Per hit, averaged over every stored key: the entries examined (the
	// full slots a lookup reads, up to and including the key's), the keys
	// compared (those examined whose tophash matched) and the buckets read.
	hitProbes, hitKeys, hitBuckets float64
	// Per miss, averaged over every bucket a missing key's hash can pick
	// (the hash's low bits are uniform): the entries examined, every one
	// of the chain, and the chain's buckets.
	missProbes, missBuckets float64
	p99Chain                int // the 99th percentile of those chains' lengths, in buckets
}

func (s fillSample) bytesPerEntry() float64 { return float64(s.bytes) / float64(s.entries) }

// evacuatedChain reports whether the old chain c has been evacuated:
// evacuation marks every slot of its buckets, so the first slot tells.
func evacuatedChain(c table.Chain[uint64, uint64]) bool {
	switch c[0].State(0) {
	case bucket.StateEvacuatedX, bucket.StateEvacuatedY, bucket.StateEvacuatedEmpty:
		return true
	}
	return false
}

// sampleTable measures m as lookups find it. A lookup goes to the chain
// its hash picks in the current array, or, while a growth is in progress
// and the old chain it came from is not evacuated yet, to that old chain.
// No entry was ever deleted, so every chain's entries are packed at its
// front and a miss reads them all.
func sampleTable(m *table.Map[uint64, uint64]) fillSample {
	v := m.Inspect()
	s := fillSample{entries: m.Len(), bytes: v.BytesAllocated, growing: v.OldBuckets != nil}
	n := len(v.Buckets)
	oldMask := len(v.OldBuckets) - 1
	chainOf := func(i int) table.Chain[uint64, uint64] {
		if s.growing {
			if c := v.OldBuckets[i&oldMask]; !evacuatedChain(c) {
				return c
			}
		}
		return v.Buckets[i]
	}
	// Hits: every chain a lookup can reach, once. The old chains not
	// evacuated, and the current chains whose old chain is.
	var hitProbes, hitKeys, hitBuckets, found int
	hit := func(c table.Chain[uint64, uint64]) {
		pos := 0
		var seen [256]int // tophashes examined so far
		for j := range c {
			for slot := range asm.SlotCount {
				if c[j].State(slot) != bucket.StateFull {
					continue
				}
				top := c[j].Tophash[slot]
				pos++
				found++
				hitProbes += pos
				hitKeys += 1 + seen[top]
				hitBuckets += j + 1
				seen[top]++
			}
		}
	}
	for i := range v.OldBuckets {
		if c := v.OldBuckets[i]; !evacuatedChain(c) {
			hit(c)
		}
	}
	lengths := make([]int, 0, 4)
	var missProbes, missBuckets int
	for i := range n {
		c := chainOf(i)
		if !s.growing || evacuatedChain(v.OldBuckets[i&oldMask]) {
			hit(c)
		}
		for j := range c {
			missProbes += c[j].Full()
		}
		missBuckets += len(c)
		for len(lengths) <= len(c) {
			lengths = append(lengths, 0)
		}
		lengths[len(c)]++
	}
	if found != s.entries {
		panic(fmt.Sprintf("hmaplab tradeoff: lookups reach %d entries of %d", found, s.entries))
	}
	s.hitProbes = float64(hitProbes) / float64(found)
	s.hitKeys = float64(hitKeys) / float64(found)
	s.hitBuckets = float64(hitBuckets) / float64(found)
	s.missProbes = float64(missProbes) / float64(n)
	s.missBuckets = float64(missBuckets) / float64(n)
	// The 99th percentile: the shortest length that 99% of chains do not
	// exceed.
	cum := 0
	for l, k := range lengths {
		cum += k
		if 100*cum >= 99*n {
			s.p99Chain = l
			break
		}
	}
	return s
}

// newTradeoffMap returns an empty map at load factor num/2, seeded.
func newTradeoffMap(num int, seed uint64) *table.Map[uint64, uint64] {
	return table.New[uint64, uint64](0, table.WithLoadFactor(num, 2),
		table.WithHasher(hash.NewSeeded[uint64]()), table.WithSeed(seed))
}

// tradeoffCycle grows a map at load factor num/2 by inserts until it
// doubles to 2^b buckets, then samples it at tradeoffFills counts evenly
// spaced from just after that doubling to its capacity, the last count
// before the next. It returns the samples, the map at its capacity and
// its keys. The keys' stream depends on seed only, so every load factor
// sees the same keys.
func tradeoffCycle(num, b int, seed uint64) ([]fillSample, *table.Map[uint64, uint64], []uint64) {
	m := newTradeoffMap(num, seed)
	r := rand.New(rand.NewPCG(seed, 0x74726164656f6666))
	var keys []uint64
	put := func() {
		k := r.Uint64()
		keys = append(keys, k)
		m.Put(k, k)
	}
	for m.Stats().B < uint8(b) {
		put()
	}
	n0, n1 := m.Len(), m.Capacity()
	samples := make([]fillSample, 0, tradeoffFills)
	for k := range tradeoffFills {
		target := n0 + (k*(n1-n0)+(tradeoffFills-1)/2)/(tradeoffFills-1)
		for m.Len() < target {
			put()
		}
		samples = append(samples, sampleTable(m))
	}
	if s := m.Stats(); s.B != uint8(b) || m.Len() != m.Capacity() {
		panic(fmt.Sprintf("hmaplab tradeoff: cycle ended at B=%d, %d of %d entries", s.B, m.Len(), m.Capacity()))
	}
	return samples, m, keys
}

// tradeoffFigures are one load factor's figures: means over the cycle's
// samples and the tables, and the same at the peak.
type tradeoffFigures struct {
	bytes, hit, miss, hitKeys, hitBuckets, p99 float64
}

func (f *tradeoffFigures) add(s fillSample, w float64) {
	f.bytes += w * s.bytesPerEntry()
	f.hit += w * s.hitProbes
	f.miss += w * s.missProbes
	f.hitKeys += w * s.hitKeys
	f.hitBuckets += w * s.hitBuckets
	f.p99 += w * float64(s.p99Chain)
}

// timeHits returns the nanoseconds per hit lookup of m, the best of three
// runs of n lookups of its keys in a shuffled order.
func timeHits(m *table.Map[uint64, uint64], keys []uint64, n int, seed uint64) float64 {
	if n == 0 {
		return math.NaN()
	}
	order := append([]uint64(nil), keys...)
	rand.New(rand.NewPCG(seed, 0x74696d65)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	best := math.Inf(1)
	var sink uint64
	for range 3 {
		start := time.Now()
		for done := 0; done < n; {
			for _, k := range order[:min(len(order), n-done)] {
				v, _ := m.Get(k)
				sink += v
			}
			done += min(len(order), n-done)
		}
		best = math.Min(best, float64(time.Since(start).Nanoseconds())/float64(n))
	}
	if sink == 1 { // keeps the lookups from being optimized away; practically never true
		fmt.Fprint(io.Discard, sink)
	}
	return best
}

// paretoFront reports, for each point (x, y), whether no other point is at
// least as good in both and better in one: lower x and lower y are better.
func paretoFront(x, y []float64) []bool {
	on := make([]bool, len(x))
	for i := range x {
		on[i] = true
		for j := range x {
			if j != i && x[j] <= x[i] && y[j] <= y[i] && (x[j] < x[i] || y[j] < y[i]) {
				on[i] = false
				break
			}
		}
	}
	return on
}

// tradeoffMixes are the hit shares a load factor is recommended for.
var tradeoffMixes = []float64{1, 0.9, 0.5, 0}

// tradeoffRec is the load factor chosen for one hit/miss mix.
type tradeoffRec struct {
	hitShare    float64
	load        float64 // the load factor minimising bytes × probes
	cost        float64 // bytes per entry × entries examined per lookup, there
	near        []float64
	defaultCost float64 // at 6.5
}

// nearBand is how much more than the best a load factor's cost may be and
// still count as as good: the figures of a neighbouring load factor differ
// by several percent, the cost curve's minimum is shallow.
const nearBand = 0.05

// tradeoffRecommend chooses a load factor for each mix of hits and misses
// by the cycle averages: the one with the least memory-probe product,
// bytes per entry × (share·hit probes + (1-share)·miss probes). The product
// is the rule because it needs no exchange rate between bytes and probes:
// its minimum is where 1% less memory costs exactly 1% more probes, the
// point of slope -1 of the Pareto curve on log-log axes, whatever the
// units and whatever the range swept.
func tradeoffRecommend(t *dataTable) []tradeoffRec {
	lf, bytes, hit, miss := t.col("load_factor"), t.col("bytes_per_entry"), t.col("hit_probes"), t.col("miss_probes")
	var recs []tradeoffRec
	for _, w := range tradeoffMixes {
		rec := tradeoffRec{hitShare: w, cost: math.Inf(1), defaultCost: math.NaN()}
		cost := make([]float64, len(lf))
		for i := range lf {
			cost[i] = bytes[i] * (w*hit[i] + (1-w)*miss[i])
			if cost[i] < rec.cost {
				rec.cost, rec.load = cost[i], lf[i]
			}
			if lf[i] == 6.5 {
				rec.defaultCost = cost[i]
			}
		}
		for i := range lf {
			if cost[i] <= rec.cost*(1+nearBand) {
				rec.near = append(rec.near, lf[i])
			}
		}
		recs = append(recs, rec)
	}
	return recs
}

// The claim tested, and how far below it a count must fall to refute it.
const (
	blogLookupClaim = "lookups get 22% slower past 6.2, so keep maps under 6.2"
	blogLookupPct   = 22.0
)

// tradeoffRun measures every load factor.
func tradeoffRun(c tradeoffConfig) *result {
	t := newTable(
		column{"load_factor", "%.1f"},
		column{"bytes_per_entry", "%.2f"}, column{"hit_probes", "%.3f"}, column{"miss_probes", "%.3f"},
		column{"hit_keys_compared", "%.4f"}, column{"hit_buckets", "%.4f"}, column{"p99_chain", "%.2f"},
		column{"peak_bytes_per_entry", "%.2f"}, column{"peak_hit_probes", "%.3f"}, column{"peak_miss_probes", "%.3f"},
		column{"peak_hit_keys_compared", "%.4f"}, column{"peak_hit_buckets", "%.4f"}, column{"peak_p99_chain", "%.2f"},
		column{"hit_ns", "%.1f"},
		column{"frontier_hit", "%v"}, column{"frontier_miss", "%v"},
	)
	type row struct {
		lf          float64
		cycle, peak tradeoffFigures
		ns          float64
	}
	var rows []row
	sameSize := 0
	for _, num := range tradeoffLoads {
		rw := row{lf: float64(num) / 2}
		var last *table.Map[uint64, uint64]
		var lastKeys []uint64
		for i := range c.tables {
			samples, m, keys := tradeoffCycle(num, c.b, c.seed*1_000_003+uint64(i))
			for _, s := range samples {
				rw.cycle.add(s, 1/float64(len(samples)*c.tables))
			}
			rw.peak.add(samples[len(samples)-1], 1/float64(c.tables))
			sameSize += m.Stats().Events.SameSizeGrowths
			last, lastKeys = m, keys
		}
		rw.ns = timeHits(last, lastKeys, c.lookups, c.seed)
		rows = append(rows, rw)
	}
	xs, hs, ms := make([]float64, len(rows)), make([]float64, len(rows)), make([]float64, len(rows))
	for i, rw := range rows {
		xs[i], hs[i], ms[i] = rw.cycle.bytes, rw.cycle.hit, rw.cycle.miss
	}
	fh, fm := paretoFront(xs, hs), paretoFront(xs, ms)
	for i, rw := range rows {
		cy, pk := rw.cycle, rw.peak
		t.add(rw.lf, cy.bytes, cy.hit, cy.miss, cy.hitKeys, cy.hitBuckets, cy.p99,
			pk.bytes, pk.hit, pk.miss, pk.hitKeys, pk.hitBuckets, pk.p99, rw.ns, fh[i], fm[i])
	}

	r := &result{
		Experiment: "tradeoff",
		Question:   tradeoffQuestion,
		Command:    fmt.Sprintf("hmaplab tradeoff -seed %d -B %d -tables %d -lookups %d", c.seed, c.b, c.tables, c.lookups),
		Seed:       c.seed,
		Setup: []string{
			fmt.Sprintf("For each load factor, %d map[uint64]uint64 tables (seeded hasher, random keys, the same keys at every load factor) "+
				"grown by inserts from 2^%d to 2^%d buckets, each sampled at %d counts evenly spaced from just after that doubling "+
				"to its capacity, the last count before the next. Unprefixed columns are means over those samples, the life of a real map; "+
				"peak_* columns are the last sample, a full table as Go's load-factor table measures it.",
				c.tables, c.b-1, c.b, tradeoffFills),
			"bytes_per_entry is Stats().BytesAllocated / Len: every bucket allocated, preallocated spares and allocator rounding included, " +
				"and the old array while a growth is under way (Go's incremental growth keeps it until the last old bucket is evacuated). " +
				"Probes are entries examined, as Go's table counts them: a hit examines the full slots of its chain up to its own, " +
				"a miss every entry of its chain; hit_keys_compared counts those whose tophash matched (keys actually compared); " +
				"hit_buckets the buckets read. They are exact, read off the table for every key and every bucket. " +
				"p99_chain is the 99th percentile of chain length over buckets, in buckets.",
			fmt.Sprintf("hit_ns is the time of one hit lookup (Get) on the last table at its capacity, keys in a shuffled order, "+
				"the best of 3 runs of %d lookups: as measured, and on a shared machine it moves by ±30%%. "+
				"frontier_*: the load factor is on the Pareto frontier of bytes_per_entry against hit (miss) probes.", c.lookups),
		},
		Table: t,
	}

	// The claim: 6.0 against 6.5, hits.
	var i60, i65 int
	for i, rw := range rows {
		switch rw.lf {
		case 6.0:
			i60 = i
		case 6.5:
			i65 = i
		}
	}
	pct := func(a, b float64) float64 { return 100 * (b - a) / a }
	a, b := rows[i60], rows[i65]
	counts := []struct {
		name string
		d    float64
	}{
		{"entries examined at capacity", pct(a.peak.hit, b.peak.hit)},
		{"keys compared at capacity", pct(a.peak.hitKeys, b.peak.hitKeys)},
		{"buckets read at capacity", pct(a.peak.hitBuckets, b.peak.hitBuckets)},
		{"entries examined over the cycle", pct(a.cycle.hit, b.cycle.hit)},
		{"keys compared over the cycle", pct(a.cycle.hitKeys, b.cycle.hitKeys)},
		{"buckets read over the cycle", pct(a.cycle.hitBuckets, b.cycle.hitBuckets)},
	}
	largest := math.Inf(-1)
	for _, x := range counts {
		largest = math.Max(largest, x.d)
	}
	// Refuted if no count grows by half the claimed 22%; holds if one
	// grows by at least 22%; partly between.
	v := partly
	switch {
	case largest < blogLookupPct/2:
		v = refuted
	case largest >= blogLookupPct:
		v = holds
	}
	measured := fmt.Sprintf("hit lookups at 6.5 against 6.0: entries examined %.3f → %.3f (%+.1f%%), keys compared %.4f → %.4f (%+.2f%%), "+
		"buckets read %.4f → %.4f (%+.1f%%) at capacity; over the growth cycle %+.1f%%, %+.2f%%, %+.1f%%",
		a.peak.hit, b.peak.hit, counts[0].d, a.peak.hitKeys, b.peak.hitKeys, counts[1].d, a.peak.hitBuckets, b.peak.hitBuckets, counts[2].d,
		counts[3].d, counts[4].d, counts[5].d)
	if !math.IsNaN(a.ns) {
		measured += fmt.Sprintf("; time %.1f → %.1f ns (%+.0f%%, as measured: timings here move ±30%%, the verdict rests on the counts)",
			a.ns, b.ns, pct(a.ns, b.ns))
	}
	r.Claims = []claim{{Source: goMapsBlog, Claim: blogLookupClaim, Measured: measured, Verdict: v}}

	// Recommendations and the default.
	recs := tradeoffRecommend(t)
	var lines []string
	for _, rec := range recs {
		lines = append(lines, fmt.Sprintf("%.0f/%.0f: %.1f (cost %.1f; within %.0f%%: %s; 6.5 costs %+.1f%%)",
			100*rec.hitShare, 100*(1-rec.hitShare), rec.load, rec.cost, 100*nearBand, loadList(rec.near), pct(rec.cost, rec.defaultCost)))
	}
	r.Notes = append(r.Notes,
		"Recommended load factor for each hit/miss mix, chosen as the least memory-probe product over the cycle averages, "+
			"bytes_per_entry × (hits·hit_probes + misses·miss_probes): the point where 1% less memory costs 1% more probes, "+
			"a rule that needs no exchange rate between bytes and probes and does not depend on the range swept. "+
			"The band lists the load factors within 5% of the best: "+strings.Join(lines, "; ")+".",
		frontierNote(fh, fm, i65),
	)
	d := rows[i65]
	first, last := rows[0], rows[len(rows)-1]
	r.Notes = append(r.Notes,
		fmt.Sprintf("A map is at its peak only just before it grows. Over its cycle a map at 6.5 holds %.1f bytes per entry, "+
			"%.0f%% more than the %.1f of its peak (where Go's table measures), and its hits examine %.2f entries, not %.2f: "+
			"the peak flatters memory and overstates probes.",
			d.cycle.bytes, pct(d.peak.bytes, d.cycle.bytes), d.peak.bytes, d.cycle.hit, d.peak.hit),
		fmt.Sprintf("Entries examined is the Go 1.23 runtime's count: it tests tophash bytes one at a time. hmap tests a bucket's 8 at once, "+
			"so its work per hit follows the buckets read and the keys compared, which grow far less from %.1f to %.1f "+
			"(%.3f → %.3f buckets, %.4f → %.4f keys) than entries examined (%.2f → %.2f).",
			first.lf, last.lf, first.cycle.hitBuckets, last.cycle.hitBuckets, first.cycle.hitKeys, last.cycle.hitKeys, first.cycle.hit, last.cycle.hit),
	)
	if sameSize > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d same-size growths happened (too many overflow buckets): their tables were rebuilt in place.", sameSize))
	}

	r.plot = (&chart{title: "Memory against probes, averaged over a growth cycle", x: "bytes per entry (allocated)", y: "entries examined per lookup", legendRight: true}).
		add(series{name: "hits", xs: xs, ys: hs}).
		add(series{name: "misses", xs: xs, ys: ms}).
		add(series{name: "default 6.5", xs: []float64{xs[i65], xs[i65]}, ys: []float64{hs[i65], ms[i65]}, pointsOnly: true})
	return r
}

// frontierNote says whether the default is on the Pareto frontiers, and
// how many of the load factors are.
func frontierNote(fh, fm []bool, i65 int) string {
	count := func(f []bool) int {
		n := 0
		for _, on := range f {
			if on {
				n++
			}
		}
		return n
	}
	onOff := func(on bool) string {
		if on {
			return "on"
		}
		return "off"
	}
	s := fmt.Sprintf("The default 6.5 is %s the hit frontier and %s the miss frontier (%d and %d of the %d load factors are on them).",
		onOff(fh[i65]), onOff(fm[i65]), count(fh), count(fm), len(fh))
	if count(fh) == len(fh) && count(fm) == len(fm) {
		s += " Every load factor is: more load always saves memory and always costs probes, so the frontier alone chooses nothing; the rule above does."
	}
	return s
}

// loadList writes load factors as a range when they are consecutive steps.
func loadList(l []float64) string {
	if len(l) == 0 {
		return "none"
	}
	consecutive := true
	for i := 1; i < len(l); i++ {
		consecutive = consecutive && math.Abs(l[i]-l[i-1]-0.5) < 1e-9
	}
	if consecutive && len(l) > 1 {
		return fmt.Sprintf("%.1f to %.1f", l[0], l[len(l)-1])
	}
	s := make([]string, len(l))
	for i, x := range l {
		s[i] = fmt.Sprintf("%.1f", x)
	}
	return strings.Join(s, ", ")
}

func runTradeoff(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("tradeoff", tradeoffQuestion, &l)
	b := fs.Int("B", 13, fmt.Sprintf("log2 of the buckets at the end of the growth cycle measured, %d to %d", minTradeoffB, maxTradeoffB))
	tables := fs.Int("tables", 4, fmt.Sprintf("tables grown per load factor, %d to %d", minTradeoffTables, maxTradeoffTables))
	lookups := fs.Int("lookups", 1_000_000, fmt.Sprintf("hit lookups timed per load factor, %d (no timing) to %d", minTradeoffLookups, maxTradeoffLookups))
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	if *b < minTradeoffB || *b > maxTradeoffB {
		return usagef("-B %d out of range: want %d to %d", *b, minTradeoffB, maxTradeoffB)
	}
	if *tables < minTradeoffTables || *tables > maxTradeoffTables {
		return usagef("-tables %d out of range: want %d to %d", *tables, minTradeoffTables, maxTradeoffTables)
	}
	if *lookups < minTradeoffLookups || *lookups > maxTradeoffLookups {
		return usagef("-lookups %d out of range: want %d to %d", *lookups, minTradeoffLookups, maxTradeoffLookups)
	}
	return tradeoffRun(tradeoffConfig{seed: l.seed, b: *b, tables: *tables, lookups: *lookups}).emit(&l, out)
}
