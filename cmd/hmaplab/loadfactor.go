package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

// The loadfactor experiment rebuilds the table at the top of Go 1.23's
// runtime/map.go, which gives, for load factors 4 to 8, the share of
// buckets with an overflow bucket, the overhead bytes per entry, and the
// entries compared by a lookup that hits and one that misses, all measured
// just before the table grows. hmap builds real tables at each load factor,
// fills each to its capacity and reads the figures from Inspect.

const loadFactorQuestion = "How do overflow, memory and probe lengths depend on the load factor? " +
	"The table at the top of Go 1.23's runtime/map.go answers for a map[int64]int64 just before it grows; " +
	"this experiment rebuilds it with real hmap tables, beside the Go table and a Poisson model."

// goMapTable is the table of Go 1.23 runtime/map.go, by row: load factor,
// %overflow, bytes/entry, hitprobe, missprobe.
var goMapTable = [][5]float64{
	{4.00, 2.13, 20.77, 3.00, 4.00},
	{4.50, 4.05, 17.30, 3.25, 4.50},
	{5.00, 6.85, 14.77, 3.50, 5.00},
	{5.50, 10.55, 12.94, 3.75, 5.50},
	{6.00, 15.27, 11.67, 4.00, 6.00},
	{6.50, 20.90, 10.79, 4.25, 6.50},
	{7.00, 27.14, 10.15, 4.50, 7.00},
	{7.50, 34.03, 9.73, 4.75, 7.50},
	{8.00, 41.10, 9.38, 5.00, 8.00},
}

// goBucketSize is the size of the Go table's bucket: 8 tophash bytes, 8
// int64 keys and elems, and an 8-byte overflow pointer, on a 64-bit
// platform.
const goBucketSize = 144

// goBytesHere returns a row's overhead bytes per entry for this platform's
// bucket: the Go table's figure counts every bucket in use (1 + the
// overflow share per regular bucket, λ entries each) at goBucketSize
// bytes, and a bucket here may be smaller (4 bytes, with 32-bit pointers).
func goBytesHere(g [5]float64, l bucket.Layout) float64 {
	lambda, ovf := g[0], g[1]/100
	return g[2] - float64(goBucketSize-l.Size)*(1+ovf)/lambda
}

// Tolerances of the comparison with the Go table.
const (
	tolOverflow = 0.5 // percentage points
	tolBytes    = 0.2 // bytes per entry
	tolProbe    = 0.1 // entries compared
)

// Limits of the loadfactor flags.
const (
	minLoadB, maxLoadB           = 4, 20
	minLoadTables, maxLoadTables = 1, 1000
)

type loadFactorConfig struct {
	seed   uint64
	b      int // log2 of each table's buckets
	tables int // tables per load factor
}

// tableShape is what loadfactor measures of one or more full tables.
type tableShape struct {
	buckets, overflowed, bucketsUsed, entries int
	hitProbes                                 int // sum over entries of their position in their chain
	bytesAllocated                            int // Stats.BytesAllocated: spare buckets included
}

func (s *tableShape) addTable(m *table.Map[uint64, uint64]) {
	for _, c := range m.Inspect().Buckets {
		s.buckets++
		if len(c) > 1 {
			s.overflowed++
		}
		s.bucketsUsed += len(c)
		pos := 0
		for i := range c {
			for slot := range asm.SlotCount {
				if c[i].State(slot) == bucket.StateFull {
					pos++
					s.hitProbes += pos
				}
			}
		}
		s.entries += pos
	}
	s.bytesAllocated += m.Stats().BytesAllocated
}

// overflowPct is the percentage of regular buckets with an overflow bucket.
func (s *tableShape) overflowPct() float64 { return 100 * float64(s.overflowed) / float64(s.buckets) }

// overheadBytes is what the Go table calls bytes/entry: the buckets in use
// per entry, less the entry's own key and elem.
func (s *tableShape) overheadBytes(l bucket.Layout) float64 {
	return float64(s.bucketsUsed)*float64(l.Size)/float64(s.entries) - float64(l.KeySize+l.ElemSize)
}

// hitProbe is the mean number of entries a hit compares: its position in
// its chain, counting the entries before it.
func (s *tableShape) hitProbe() float64 { return float64(s.hitProbes) / float64(s.entries) }

// missProbe is the mean number of entries a miss compares: all of its
// chain's, over a uniformly chosen bucket.
func (s *tableShape) missProbe() float64 { return float64(s.entries) / float64(s.buckets) }

// fillTable builds a map[uint64]uint64 of 2^b buckets at load factor
// num/den, seeded, and fills it with random keys up to its capacity: the
// last insert before the table would double.
func fillTable(num, den, b int, seed uint64) *table.Map[uint64, uint64] {
	lf := float64(num) / float64(den)
	hint := int(math.Ldexp(lf, b)) // BForHint(hint) is b: hint entries fit 2^b buckets, not 2^(b-1)
	m := table.New[uint64, uint64](hint, table.WithLoadFactor(num, den),
		table.WithHasher(hash.NewSeeded[uint64]()), table.WithSeed(seed))
	r := rand.New(rand.NewPCG(seed, 0x6c6f6164))
	for m.Len() < m.Capacity() {
		m.Put(r.Uint64(), 0)
	}
	return m
}

// Poisson model: with λ entries per bucket on average and keys spread
// uniformly, a bucket holds k entries with probability e^-λ λ^k / k!.
func poissonPMF(lambda float64, k int) float64 {
	lg, _ := math.Lgamma(float64(k + 1))
	return math.Exp(-lambda + float64(k)*math.Log(lambda) - lg)
}

// poissonTail returns P(X > k), summed upward so that small tails keep
// their precision (1 minus the head would round them to noise).
func poissonTail(lambda float64, k int) float64 {
	p := 0.0
	for i := k + 1; ; i++ {
		f := poissonPMF(lambda, i)
		p += f
		if float64(i) > lambda && f < 1e-18*p {
			return p
		}
	}
}

// poissonRow returns the model's %overflow, bytes/entry, hitprobe and
// missprobe for load factor λ and bucket layout l: a chain of a bucket
// with k entries has max(1, ceil(k/8)) buckets, a hit compares on average
// 1+λ/2 entries (an entry's mean position, weighted by chain size), a
// miss λ.
func poissonRow(lambda float64, l bucket.Layout) (ovf, bytes, hit, miss float64) {
	extra := 0.0 // mean overflow buckets per chain
	for k := 1; ; k++ {
		t := poissonTail(lambda, k*asm.SlotCount)
		if t < 1e-12 {
			break
		}
		extra += t
	}
	ovf = 100 * poissonTail(lambda, asm.SlotCount)
	bytes = (1+extra)*float64(l.Size)/lambda - float64(l.KeySize+l.ElemSize)
	return ovf, bytes, 1 + lambda/2, lambda
}

// loadFactorRun measures every row of the Go table.
func loadFactorRun(c loadFactorConfig) *result {
	layout := bucket.LayoutOf[uint64, uint64]()
	t := newTable(
		column{"load_factor", "%.2f"},
		column{"overflow_pct", "%.2f"}, column{"go_overflow_pct", "%.2f"}, column{"poisson_overflow_pct", "%.2f"},
		column{"bytes_per_entry", "%.2f"}, column{"go_bytes_per_entry", "%.2f"}, column{"poisson_bytes_per_entry", "%.2f"},
		column{"hitprobe", "%.3f"}, column{"go_hitprobe", "%.2f"},
		column{"missprobe", "%.3f"}, column{"go_missprobe", "%.2f"},
		column{"allocated_bytes_per_entry", "%.2f"},
		column{"within_tolerance", "%v"},
	)
	worst := [3]float64{}
	allOK := true
	var at65 tableShape
	var bytes65 float64 // the Go table's bytes per entry at 6.5, for this platform's bucket
	for _, g := range goMapTable {
		num, den := int(g[0]*2), 2
		var s tableShape
		for i := range c.tables {
			s.addTable(fillTable(num, den, c.b, c.seed*1_000_003+uint64(i)))
		}
		gb := goBytesHere(g, layout)
		if g[0] == 6.5 {
			at65, bytes65 = s, gb
		}
		po, pb, _, _ := poissonRow(g[0], layout)
		ovf, bytes, hit, miss := s.overflowPct(), s.overheadBytes(layout), s.hitProbe(), s.missProbe()
		dOvf, dBytes, dProbe := math.Abs(ovf-g[1]), math.Abs(bytes-gb), math.Max(math.Abs(hit-g[3]), math.Abs(miss-g[4]))
		ok := dOvf <= tolOverflow && dBytes <= tolBytes && dProbe <= tolProbe
		allOK = allOK && ok
		worst = [3]float64{math.Max(worst[0], dOvf), math.Max(worst[1], dBytes), math.Max(worst[2], dProbe)}
		t.add(g[0], ovf, g[1], po, bytes, gb, pb, hit, g[3], miss, g[4],
			float64(s.bytesAllocated)/float64(s.entries)-float64(layout.KeySize+layout.ElemSize), ok)
	}
	r := &result{
		Experiment: "loadfactor",
		Question:   loadFactorQuestion,
		Command:    fmt.Sprintf("hmaplab loadfactor -seed %d -B %d -tables %d", c.seed, c.b, c.tables),
		Seed:       c.seed,
		Setup: []string{fmt.Sprintf("For each load factor, %d map[uint64]uint64 tables of 2^%d buckets (%d buckets in all), "+
			"seeded hasher, random keys, each filled to its capacity: the last insert before it would double. "+
			"go_* columns are Go 1.23's table; poisson_* the closed-form model with λ = load factor and 8-slot buckets. "+
			"bytes_per_entry counts the buckets in use, less the 16 bytes of key and elem, as the Go table does; "+
			"allocated_bytes_per_entry counts every allocated bucket, preallocated spares included.",
			c.tables, c.b, c.tables<<c.b)},
		Table: t,
	}
	bytesNote := ""
	if layout.Size != goBucketSize {
		bytesNote = fmt.Sprintf(" (Go's 10.79, less the %d bytes a bucket is smaller here)", goBucketSize-layout.Size)
	}
	r.Claims = []claim{{
		Source: "Go 1.23 runtime/map.go, the table at the top",
		Claim: fmt.Sprintf("at load factor 6.5, 20.90%% of buckets overflow, %.2f overhead bytes per entry%s, "+
			"4.25 entries compared per hit and 6.50 per miss", bytes65, bytesNote),
		Measured: fmt.Sprintf("%.2f%%, %.2f bytes, %.3f and %.3f", at65.overflowPct(), at65.overheadBytes(layout), at65.hitProbe(), at65.missProbe()),
		Verdict:  verdict(math.Abs(at65.overflowPct()-20.90) <= tolOverflow && math.Abs(at65.overheadBytes(layout)-bytes65) <= tolBytes),
	}, {
		Source: "Go 1.23 runtime/map.go, the table at the top",
		Claim:  "the whole table, 4.0 to 8.0",
		Measured: fmt.Sprintf("largest differences: %.2f points of %%overflow (tolerance %.1f), %.2f bytes/entry (%.1f), %.3f probes (%.1f)",
			worst[0], tolOverflow, worst[1], tolBytes, worst[2], tolProbe),
		Verdict: verdict(allOK),
	}}
	lf, ovf, gov, pov := t.col("load_factor"), t.col("overflow_pct"), t.col("go_overflow_pct"), t.col("poisson_overflow_pct")
	r.plot = (&chart{title: "Buckets with an overflow bucket, just before growth", x: "load factor (entries per bucket)", y: "% of buckets"}).
		add(series{name: "hmap, measured", xs: lf, ys: ovf}).
		add(series{name: "Go 1.23 table", xs: lf, ys: gov, pointsOnly: true}).
		add(series{name: "Poisson model", xs: lf, ys: pov, reference: true})
	return r
}

func runLoadFactor(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("loadfactor", loadFactorQuestion, &l)
	b := fs.Int("B", 13, fmt.Sprintf("log2 of each table's buckets, %d to %d", minLoadB, maxLoadB))
	tables := fs.Int("tables", 8, fmt.Sprintf("tables measured per load factor, %d to %d", minLoadTables, maxLoadTables))
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	if *b < minLoadB || *b > maxLoadB {
		return usagef("-B %d out of range: want %d to %d", *b, minLoadB, maxLoadB)
	}
	if *tables < minLoadTables || *tables > maxLoadTables {
		return usagef("-tables %d out of range: want %d to %d", *tables, minLoadTables, maxLoadTables)
	}
	return loadFactorRun(loadFactorConfig{seed: l.seed, b: *b, tables: *tables}).emit(&l, out)
}
