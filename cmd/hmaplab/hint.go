package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

// The hint experiment builds maps of n entries with and without a size
// hint — table.New(0) against table.New(n), make(map[K]V) against
// make(map[K]V, n) — and reads what the building cost the allocator and the
// garbage collector, and what the finished map leaves for the collector to
// scan. It does so for pointer-free elems (map[int64]int64), whose buckets
// the runtime allocates noscan, and for pointer elems (map[int64]*int64),
// at two GOGC settings, set in-process with debug.SetGCPercent and
// restored afterwards.
//
// Allocations and bytes come from runtime.MemStats (Mallocs, TotalAlloc)
// read around the building: they are counts, the same from run to run for
// hmap with a seeded hasher, nearly so for the builtin map, whose hash seed
// is random. GC cycles (NumGC) and stop-the-world pauses (a runtime/metrics
// histogram) are measured: they depend on what else the heap holds and on
// the machine. The scannable heap is runtime/metrics' /gc/scan/heap:bytes,
// which the collector sets at the end of a cycle: it is read after a forced
// collection with the maps alive, less the same figure before, as memory.go
// does for its footprint.

const hintQuestion = "What does a size hint change for the allocator and the garbage collector? " +
	"Maps of n entries built from table.New(0) and table.New(n), make(map[K]V) and make(map[K]V, n), " +
	"for pointer-free (int64) and pointer (*int64) elems at two GOGC settings: " +
	"allocations, bytes allocated, GC cycles and pauses while building, and the GC-scannable heap of the finished map."

// Limits of the hint flags.
const (
	minHintN, maxHintN               = 1, 10_000_000
	minHintGOGC, maxHintGOGC         = 1, 10_000
	minHintMeasured, maxHintMeasured = 1_000, 1 << 24
)

type hintConfig struct {
	seed     uint64
	ns       []int // map sizes
	gogcs    []int // GOGC settings, in percent
	measured int   // entries built per row at least: small maps are built many times
}

// Elem kinds the experiment builds.
const (
	hintScalar  = "int64"
	hintPointer = "*int64"
)

// hintTargets are what the pointer elems point to: globals, so that the
// elems cost no allocation of their own and the counts are the map's alone,
// while the buckets still hold pointers the collector must follow.
var hintTargets [64]int64

// hintRow is what one configuration measured, per map built except for the
// GC figures, which are the whole row's.
type hintRow struct {
	maps             int     // maps built
	allocs, bytes    float64 // per map: Mallocs and TotalAlloc
	gcs              uint32  // GC cycles while building all of them
	pauses           uint64  // stop-the-world GC pauses meanwhile
	p50, pauseMax    float64 // seconds: upper bounds of the histogram buckets
	heap, scannable  float64 // per map: live heap and its scannable part
	statsBytes, mapB float64 // hmap only: Stats().BytesAllocated and B of the last map (NaN for builtin)
}

// hintPauseMetric is the histogram of GC stop-the-world pauses: Go 1.22
// added /sched/pauses/total/gc:seconds and deprecated /gc/pauses:seconds,
// which Go 1.23 and 1.26 still both have; take the new one where it is.
func hintPauseMetric() string {
	for _, d := range metrics.All() {
		if d.Name == "/sched/pauses/total/gc:seconds" {
			return d.Name
		}
	}
	return "/gc/pauses:seconds"
}

func hintPauses(name string) *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	return s[0].Value.Float64Histogram()
}

// hintQuantile returns the upper bound of the bucket holding quantile q of
// the counts of after less before (the lower bound if that is infinite),
// and the number of pauses; NaN with no pause.
func hintQuantile(before, after *metrics.Float64Histogram, q float64) (float64, uint64) {
	if before == nil || after == nil || len(before.Counts) != len(after.Counts) {
		return math.NaN(), 0
	}
	var total uint64
	for i := range after.Counts {
		total += after.Counts[i] - before.Counts[i]
	}
	if total == 0 {
		return math.NaN(), 0
	}
	want := uint64(math.Ceil(q * float64(total)))
	want = max(want, 1)
	var cum uint64
	for i := range after.Counts {
		cum += after.Counts[i] - before.Counts[i]
		if cum >= want {
			if b := after.Buckets[i+1]; !math.IsInf(b, 1) {
				return b, total
			}
			return after.Buckets[i], total
		}
	}
	return math.NaN(), total
}

// hintMeasure builds copies maps with build and measures the building and
// the heap they hold once built. The pause histogram is read before the
// first MemStats and after the second, so that its own allocations are not
// counted.
func hintMeasure(copies int, build func() any, pauseMetric string) hintRow {
	maps := make([]any, copies) // allocated before the first reading
	before := heapNow()
	h0 := hintPauses(pauseMetric)
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for i := range maps {
		maps[i] = build()
	}
	runtime.ReadMemStats(&m1)
	h1 := hintPauses(pauseMetric)
	after := heapNow()
	runtime.KeepAlive(maps)
	c := float64(copies)
	p50, pauses := hintQuantile(h0, h1, 0.5)
	pmax, _ := hintQuantile(h0, h1, 1)
	r := hintRow{
		maps:       copies,
		allocs:     float64(m1.Mallocs-m0.Mallocs) / c,
		bytes:      float64(m1.TotalAlloc-m0.TotalAlloc) / c,
		gcs:        m1.NumGC - m0.NumGC,
		pauses:     pauses,
		p50:        p50,
		pauseMax:   pmax,
		heap:       float64(growth(before.bytes, after.bytes)) / c,
		scannable:  float64(growth(before.scannable, after.scannable)) / c,
		statsBytes: math.NaN(),
		mapB:       math.NaN(),
	}
	if m, ok := maps[len(maps)-1].(interface{ Stats() table.Stats }); ok {
		s := m.Stats()
		r.statsBytes, r.mapB = float64(s.BytesAllocated), float64(s.B)
	}
	return r
}

// hintKeys returns n distinct int64 keys that depend on seed: the
// splitmix64 finalizer, a bijection, of i plus a seeded offset.
func hintKeys(n int, seed uint64) []int64 {
	keys := make([]int64, n)
	off := rand.New(rand.NewPCG(seed, 0x68696e74)).Uint64()
	for i := range keys {
		z := uint64(i) + off
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		keys[i] = int64(z ^ z>>31)
	}
	return keys
}

// hintBuilder returns a function building a map of the first n keys with
// elems elem(i), hmap (seeded hasher and seed, so that every copy is the
// same table) or builtin, with hint n or 0.
func hintBuilder[V any](impl string, hinted bool, n int, keys []int64, seed uint64, elem func(int) V) func() any {
	hint := 0
	if hinted {
		hint = n
	}
	if impl == "hmap" {
		return func() any {
			m := table.New[int64, V](hint, table.WithHasher(hash.NewSeeded[int64]()), table.WithSeed(seed))
			for i, k := range keys[:n] {
				m.Put(k, elem(i))
			}
			return m
		}
	}
	return func() any {
		m := make(map[int64]V, hint)
		for i, k := range keys[:n] {
			m[k] = elem(i)
		}
		return m
	}
}

// hintCopies is how many maps of n entries a row builds: enough for
// measured entries in all.
func hintCopies(n, measured int) int { return max(1, measured/n) }

func hintRun(c hintConfig) *result {
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	pauseMetric := hintPauseMetric()

	t := newTable(
		column{"n", "%d"}, column{"elem", "%s"}, column{"impl", "%s"}, column{"hinted", "%v"}, column{"gogc", "%d"},
		column{"maps", "%d"},
		column{"allocs_per_map", "%.1f"}, column{"bytes_per_map", "%.0f"}, column{"bytes_per_entry", "%.1f"},
		column{"gc_cycles", "%d"}, column{"gc_pauses", "%d"}, column{"pause_p50_us", "%.0f"}, column{"pause_max_us", "%.0f"},
		column{"heap_bytes_per_map", "%.0f"}, column{"scannable_bytes_per_map", "%.0f"}, column{"scannable_pct", "%.1f"},
		column{"stats_bytes", "%.0f"},
	)
	maxN := 0
	for _, n := range c.ns {
		maxN = max(maxN, n)
	}
	keys := hintKeys(maxN, c.seed)
	rows := map[hintKey]hintRow{}
	for _, n := range c.ns {
		copies := hintCopies(n, c.measured)
		for _, elem := range []string{hintScalar, hintPointer} {
			for _, impl := range []string{"hmap", "builtin"} {
				for _, hinted := range []bool{false, true} {
					var build func() any
					if elem == hintScalar {
						build = hintBuilder(impl, hinted, n, keys, c.seed, func(i int) int64 { return int64(i) })
					} else {
						build = hintBuilder(impl, hinted, n, keys, c.seed, func(i int) *int64 { return &hintTargets[i%len(hintTargets)] })
					}
					for _, g := range c.gogcs {
						debug.SetGCPercent(g)
						r := hintMeasure(copies, build, pauseMetric)
						debug.SetGCPercent(100)
						rows[hintKey{n, elem, impl, hinted, g}] = r
						t.add(n, elem, impl, hinted, g, r.maps,
							r.allocs, r.bytes, r.bytes/float64(n),
							int(r.gcs), int(r.pauses), r.p50*1e6, r.pauseMax*1e6,
							r.heap, r.scannable, 100*r.scannable/r.heap, r.statsBytes)
					}
				}
			}
		}
	}

	r := &result{
		Experiment: "hint",
		Question:   hintQuestion,
		Command: fmt.Sprintf("hmaplab hint -seed %d -n %s -gogc %s -measured %d",
			c.seed, hintJoin(c.ns), hintJoin(c.gogcs), c.measured),
		Seed: c.seed,
		Setup: []string{
			fmt.Sprintf("Each row builds maps of n distinct int64 keys (seeded), as many as make %d entries in all, "+
				"into a map made with hint 0 (hinted=false) or n (hinted=true), at GOGC=gogc set with debug.SetGCPercent "+
				"(restored after the run). hmap uses the seeded hasher and seed, so its counts repeat exactly; "+
				"the builtin map (%s, %s) draws its own seed. Pointer elems point to globals: they allocate nothing themselves.",
				c.measured, runtime.Version(), hintBuiltinKind()),
			"allocs_per_map and bytes_per_map are the differences of runtime.MemStats Mallocs and TotalAlloc around the building, per map: counts. " +
				"gc_cycles (NumGC) and gc_pauses, with their median and maximum (upper bounds of " + pauseMetric + " histogram buckets), " +
				"are the whole row's and measured: they vary from run to run. " +
				"heap_bytes_per_map and scannable_bytes_per_map are HeapAlloc and /gc/scan/heap:bytes after a forced GC " +
				"with the maps alive, less the same before, per map; /gc/scan/heap:bytes is the heap found scannable at that last GC. " +
				"stats_bytes is hmap's Stats().BytesAllocated: its bucket arrays and overflow buckets.",
		},
		Table: t,
	}
	r.Claims = []claim{hintClaim(c, rows)}
	r.Notes = hintNotes(c, rows)

	ns := make([]float64, len(c.ns))
	for i, n := range c.ns {
		ns[i] = float64(n)
	}
	ch := &chart{title: "Bytes allocated building a map[int64]int64, GOGC=" + strconv.Itoa(c.gogcs[0]),
		x: "entries (n)", y: "bytes allocated per map", logX: true, logY: true}
	for _, impl := range []string{"hmap", "builtin"} {
		for _, hinted := range []bool{false, true} {
			ys := make([]float64, len(c.ns))
			for i, n := range c.ns {
				ys[i] = rows[hintKey{n, hintScalar, impl, hinted, c.gogcs[0]}].bytes
			}
			name := impl + ", hint 0"
			if hinted {
				name = impl + ", hint n"
			}
			ch.add(series{name: name, xs: ns, ys: ys})
		}
	}
	r.plot = ch
	return r
}

type hintKey struct {
	n      int
	elem   string
	impl   string
	hinted bool
	gogc   int
}

// hintBuiltinKind names the builtin map's implementation in the running
// toolchain: Go 1.24 replaced the bucket map with Swiss tables.
func hintBuiltinKind() string {
	v := runtime.Version()
	for _, old := range []string{"go1.21", "go1.22", "go1.23"} {
		if strings.HasPrefix(v, old) {
			return "bucket map"
		}
	}
	return "Swiss-table map"
}

// hintScanPct is the share of a map's heap above which the collector
// scans its bucket array: a map whose buckets are pointer-free still has a
// scanned header (hmap's Map and mapExtra, the builtin map's header and,
// for Swiss tables, its directory of tables), which at 100 entries is a
// tenth of it, but never half.
const hintScanPct = 50.0

// hintClaim sets the blog's claim beside the scannable heap. The claim
// says a hinted map's buckets are scanned where an unhinted map's are
// skipped: it holds for a configuration if the hinted map's bucket array
// is scanned and the unhinted one's is not. Its verdict counts the
// configurations where that is seen: none refutes it, all confirm it.
func hintClaim(c hintConfig, rows map[hintKey]hintRow) claim {
	pattern, pairs := 0, 0
	var freeHinted, freeUnhinted, freeBytes float64 // pointer-free: largest scannable share, and bytes per map
	ptrHinted, ptrUnhinted := math.Inf(1), math.Inf(1)
	ratioMax := 0.0 // hinted scannable / unhinted scannable, pointer elems
	for k, h := range rows {
		if !k.hinted {
			continue
		}
		k0 := k
		k0.hinted = false
		u := rows[k0]
		pairs++
		hp, up := 100*h.scannable/h.heap, 100*u.scannable/u.heap
		if hp >= hintScanPct && up < hintScanPct {
			pattern++
		}
		if k.elem == hintScalar {
			freeHinted, freeUnhinted = math.Max(freeHinted, hp), math.Max(freeUnhinted, up)
			freeBytes = math.Max(freeBytes, math.Max(h.scannable, u.scannable))
		} else {
			ptrHinted, ptrUnhinted = math.Min(ptrHinted, hp), math.Min(ptrUnhinted, up)
			if u.scannable > 0 {
				ratioMax = math.Max(ratioMax, h.scannable/u.scannable)
			}
		}
	}
	v := partly
	switch pattern {
	case 0:
		v = refuted
	case pairs:
		v = holds
	}
	return claim{
		Source: "a blog post about Go maps",
		Claim:  "`make(map, 100)` makes the GC scan the whole bucket array, where `make(map, 0)` lets it skip",
		Measured: fmt.Sprintf("hinted map scanned (≥ %.0f%% of its heap scannable) and unhinted not in %d of %d configurations "+
			"(n %s, hmap and builtin, int64 and *int64 elems, GOGC %s). "+
			"Pointer-free elems: at most %.1f%% of a hinted map's heap is scannable, %.1f%% of an unhinted one's "+
			"(at most %.0f bytes per map: headers and bookkeeping — hmap's Map and mapExtra, the builtin's header, overflow list or Swiss directory — not buckets) — neither's buckets are scanned; "+
			"pointer elems: at least %.1f%% hinted, %.1f%% unhinted — both are, "+
			"a hinted map's scannable bytes at most %.3f times an unhinted one's",
			hintScanPct, pattern, pairs, hintJoin(c.ns), hintJoin(c.gogcs),
			freeHinted, freeUnhinted, freeBytes, ptrHinted, ptrUnhinted, ratioMax),
		Verdict: v,
	}
}

// hintNotes says what a hint saves: allocations and bytes, since the map
// never grows and copies nothing; and GC cycles, measured.
func hintNotes(c hintConfig, rows map[hintKey]hintRow) []string {
	var notes []string
	g := c.gogcs[0]
	for _, impl := range []string{"hmap", "builtin"} {
		var parts []string
		for _, n := range c.ns {
			u, h := rows[hintKey{n, hintScalar, impl, false, g}], rows[hintKey{n, hintScalar, impl, true, g}]
			parts = append(parts, fmt.Sprintf("n=%d: %.1f allocations and %s per map unhinted, %.1f and %s hinted (%.0f%% fewer bytes)",
				n, u.allocs, hintBytes(u.bytes), h.allocs, hintBytes(h.bytes), 100*(1-h.bytes/u.bytes)))
		}
		notes = append(notes, fmt.Sprintf("What a hint saves, %s map[int64]int64 at GOGC=%d: %s. "+
			"An unhinted map doubles its way up, allocating each array and copying its entries into the next; the old arrays become garbage.",
			impl, g, strings.Join(parts, "; ")))
	}
	largest := c.ns[len(c.ns)-1]
	for _, n := range c.ns {
		largest = max(largest, n)
	}
	var gcs []string
	for _, gg := range c.gogcs {
		for _, impl := range []string{"hmap", "builtin"} {
			for _, elem := range []string{hintScalar, hintPointer} {
				u, h := rows[hintKey{largest, elem, impl, false, gg}], rows[hintKey{largest, elem, impl, true, gg}]
				gcs = append(gcs, fmt.Sprintf("%s %s GOGC=%d: %d unhinted, %d hinted", impl, elem, gg, u.gcs, h.gcs))
			}
		}
	}
	notes = append(notes, fmt.Sprintf("GC cycles while building the maps of %d entries (measured, not counted): %s.",
		largest, strings.Join(gcs, "; ")))
	return notes
}

func hintBytes(b float64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}

func hintJoin(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// hintParseList parses flag name's comma-separated integers, each from lo
// to hi.
func hintParseList(name, s string, lo, hi int) ([]int, error) {
	var xs []int
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, usagef("-%s %q: want comma-separated integers, each %d to %d", name, s, lo, hi)
		}
		if x < lo || x > hi {
			return nil, usagef("-%s %d out of range: want %d to %d", name, x, lo, hi)
		}
		xs = append(xs, x)
	}
	return xs, nil
}

func runHint(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("hint", hintQuestion, &l)
	ns := fs.String("n", "100,10000,1000000", fmt.Sprintf("map sizes, comma-separated, each %d to %d", minHintN, maxHintN))
	gogcs := fs.String("gogc", "10,100", fmt.Sprintf("GOGC settings (percent), comma-separated, each %d to %d", minHintGOGC, maxHintGOGC))
	measured := fs.Int("measured", minMeasured, fmt.Sprintf("entries built per row at least: smaller maps are built that many times over, %d to %d",
		minHintMeasured, maxHintMeasured))
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	c := hintConfig{seed: l.seed, measured: *measured}
	var err error
	if c.ns, err = hintParseList("n", *ns, minHintN, maxHintN); err != nil {
		return err
	}
	if c.gogcs, err = hintParseList("gogc", *gogcs, minHintGOGC, maxHintGOGC); err != nil {
		return err
	}
	if c.measured < minHintMeasured || c.measured > maxHintMeasured {
		return usagef("-measured %d out of range: want %d to %d", c.measured, minHintMeasured, maxHintMeasured)
	}
	return hintRun(c).emit(&l, out)
}
