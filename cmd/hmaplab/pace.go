package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

// The pace experiment measures what incremental evacuation buys. A growth
// allocates an array twice the size; its entries then move old bucket by
// old bucket, each write to the growing map evacuating the bucket it is
// about to touch and Pace more at the evacuation mark (table/growth.go;
// Go's runtime has Pace 1, and Pace 0 here moves everything when the
// growth starts). For each pace it builds a map[uint64]uint64 one random
// key at a time, several times over with the same keys:
//
//   - counted, once: with a Tracer, recording for each insert whether it
//     started a growth, the old buckets it evacuated, the entries it moved
//     and how far the evacuation mark went; these counts are deterministic;
//   - timed, -reps times: each Put alone between two clock readings, less
//     the readings' own cost measured on empty pairs, and each insert's
//     median over the builds kept; no tracer, so that the queue of events
//     (one per bucket) is not timed with the pace-0 insert;
//   - total, -reps times: all the Puts under one clock, the fastest kept.
//
// The same seed gives the same table, so the counted build's record of
// each insert tells what the same insert of the timed build did; the two
// builds' final counters are compared to make sure.

const paceQuestion = "What does incremental evacuation buy? " +
	"A map[uint64]uint64 is built one random key at a time at each evacuation pace (old buckets moved per write, " +
	"beyond the one the write touches; 0 moves all of them when the growth starts; Go's runtime has 1), " +
	"and every insert is timed: how slow is the worst insert, and how much of it is allocating the new array " +
	"rather than moving entries? How many writes does a growth take, and what memory does it hold at its peak?"

// Limits of the pace flags.
const (
	minPaceN, maxPaceN = 1 << 6, 1 << 24
	minPaceReps        = 1
	maxPaceReps        = 20
	maxPace            = 1 << 16
	maxPaces           = 16
	defaultPaces       = "0,1,2,4,8,64"
)

// paceMuchSlower is how many times slower the worst insert at pace 0 must
// be than at pace 1 for the second claim to hold outright: an order of
// magnitude, what "pays for the whole table" against "pays for two
// buckets" should show at any size worth growing incrementally.
const paceMuchSlower = 10

// paceZeroX is where pace 0 is drawn on the plot's log x axis.
const paceZeroX = 0.5

type paceConfig struct {
	seed  uint64
	n     int   // keys inserted
	paces []int // evacuation paces, ascending
	reps  int   // timed builds per pace; each insert's median latency is kept
}

// Classes of an insert.
const (
	paceSteady  = iota // no growth in progress
	paceGrowing        // a growth was in progress when it began
	paceStart          // it started a growth
)

// paceCounts is what the counted build records: deterministic.
type paceCounts struct {
	class []uint8 // of each insert
	evac  []int32 // old buckets each insert evacuated

	growths, sameSize int
	evacMax           int     // most old buckets one insert evacuated
	evacMean          float64 // mean over the inserts made during a growth
	movedMax          int     // most entries one insert moved
	markMax           int     // most old buckets the mark passed in one insert
	largestOldB       uint8   // log2 of the old array of the largest growth
	writesLargest     int     // writes from its GrowStart to its GrowDone, both included
	peakBytes         int     // most BytesHeld at a GrowStart
	allocLargest      int     // BytesAllocated of the largest growth's new array
	events            table.Events
}

// newPaceMap returns the map every build of the experiment fills.
func newPaceMap(seed uint64, pace int, tr *table.Tracer) *table.Map[uint64, uint64] {
	return table.New[uint64, uint64](0, table.WithHasher(hash.NewSeeded[uint64]()), table.WithSeed(seed),
		table.WithEvacuationPace(pace), table.WithTracer(tr))
}

// paceKeys returns the n keys every build inserts, in order.
func paceKeys(seed uint64, n int) []uint64 {
	r := rand.New(rand.NewPCG(seed, 0x70616365))
	keys := make([]uint64, n)
	for i := range keys {
		keys[i] = r.Uint64()
	}
	return keys
}

// paceCount builds the map with a tracer and records each insert.
func paceCount(seed uint64, pace int, keys []uint64) *paceCounts {
	c := &paceCounts{class: make([]uint8, len(keys)), evac: make([]int32, len(keys))}
	var (
		evac, moved      int
		started, done    bool
		growing          bool
		startAt, alloc   int
		oldB             uint8
		duringN, duringE int // inserts made during a growth, and what they evacuated
	)
	tr := &table.Tracer{
		GrowStart: func(e table.GrowEvent) {
			started = true
			if e.SameSize {
				c.sameSize++
			}
			if e.BytesHeld > c.peakBytes {
				c.peakBytes = e.BytesHeld
			}
			oldB, alloc = e.OldB, e.BytesAllocated
		},
		BucketEvacuated: func(e table.EvacuateEvent) {
			evac++
			moved += e.ToX + e.ToY
		},
		GrowDone: func(table.GrowEvent) { done = true },
	}
	m := newPaceMap(seed, pace, tr)
	mark := 0
	for i, k := range keys {
		evac, moved, started, done = 0, 0, false, false
		m.Put(k, uint64(i))
		switch {
		case started:
			c.class[i] = paceStart
			c.growths++
			startAt, mark = i, 0 // a new growth starts its mark at 0
		case growing:
			c.class[i] = paceGrowing
		}
		c.evac[i] = int32(evac)
		if started || growing {
			duringN++
			duringE += evac
			// The mark keeps its final value after a growth, so this
			// reads the insert that ends one right too.
			now := m.Stats().Nevacuate
			c.markMax = max(c.markMax, now-mark)
			mark = now
		}
		c.evacMax = max(c.evacMax, evac)
		c.movedMax = max(c.movedMax, moved)
		if started {
			growing = true
		}
		if done {
			growing = false
			// Growths only get larger (random keys never call for a
			// same-size one), so the last to end is the largest.
			if oldB >= c.largestOldB {
				c.largestOldB, c.writesLargest, c.allocLargest = oldB, i-startAt+1, alloc
			}
		}
	}
	if duringN > 0 {
		c.evacMean = float64(duringE) / float64(duringN)
	}
	c.events = m.Stats().Events
	return c
}

// paceTime builds the map reps times, timing each insert alone, and
// returns each insert's median latency over the builds in ns (the lower
// middle one for an even count), less overhead (the cost of the two clock
// readings), and the map's final counters. The median is what an insert of
// the same key into the same table typically pays: a collection or
// another process that stops one build at that insert does not stop the
// others there, and a build whose new array came fresh from the OS,
// already zeroed, does not speak for the rest either.
func paceTime(seed uint64, pace int, keys []uint64, overhead int64, reps int) ([]int64, table.Events) {
	all := make([][]int64, reps)
	var ev table.Events
	for rep := range all {
		one := make([]int64, len(keys))
		m := newPaceMap(seed, pace, nil)
		runtime.GC() // start each build from the same, clean heap
		for i, k := range keys {
			t0 := time.Now()
			m.Put(k, uint64(i))
			one[i] = int64(time.Since(t0))
		}
		all[rep] = one
		ev = m.Stats().Events
	}
	lat := make([]int64, len(keys))
	buf := make([]int64, reps)
	for i := range lat {
		for rep := range all {
			buf[rep] = all[rep][i]
		}
		slices.Sort(buf)
		lat[i] = max(0, buf[(reps-1)/2]-overhead)
	}
	return lat, ev
}

// paceTotal returns the least time, over reps builds, to build the map
// with no clock in the loop.
func paceTotal(seed uint64, pace int, keys []uint64, reps int) time.Duration {
	best := time.Duration(math.MaxInt64)
	for range reps {
		m := newPaceMap(seed, pace, nil)
		runtime.GC()
		t0 := time.Now()
		for i, k := range keys {
			m.Put(k, uint64(i))
		}
		best = min(best, time.Since(t0))
		runtime.KeepAlive(m)
	}
	return best
}

// timerOverhead returns the median cost of an empty pair of clock
// readings, time.Now and time.Since, as the timed build makes them.
func timerOverhead() int64 {
	d := make([]int64, 1<<15)
	for i := range d {
		t0 := time.Now()
		d[i] = int64(time.Since(t0))
	}
	slices.Sort(d)
	return d[len(d)/2]
}

// latencies are the sorted latencies of a set of inserts.
type latencies []int64

func sortedLatencies(lat []int64, keep func(i int) bool) latencies {
	var l latencies
	for i, x := range lat {
		if keep(i) {
			l = append(l, x)
		}
	}
	slices.Sort(l)
	return l
}

// q returns the q-quantile by nearest rank, or NaN for an empty set.
func (l latencies) q(q float64) float64 {
	if len(l) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(q*float64(len(l)))) - 1
	return float64(l[min(max(i, 0), len(l)-1)])
}

func (l latencies) max() float64 { return l.q(1) }

// paceWritesModel is the expected number of writes a growth from n old
// buckets takes at pace p > 0. Each write evacuates p buckets at the mark
// (never evacuated yet) and the bucket it touches, which is still to
// move with probability 1 - E/n when E buckets have moved: dE/dt = p + 1 -
// E/n, so E(t) = n(p+1)(1 - e^(-t/n)), which reaches n at t = n ln(1+1/p):
// between n/(p+1), every touch a new bucket, and n/p, none.
func paceWritesModel(n float64, p int) float64 {
	if p == 0 {
		return 1
	}
	return max(1, n*math.Log1p(1/float64(p)))
}

// paceWritesNaive is n/(p+1), every write moving p+1 buckets, rounded
// up; 1 at pace 0, which moves them all in the write that starts it.
func paceWritesNaive(n float64, p int) float64 {
	if p == 0 {
		return 1
	}
	return max(1, math.Ceil(n/float64(p+1)))
}

// paceRow is what the experiment found at one pace.
type paceRow struct {
	pace                            int
	c                               *paceCounts
	grow, steady, all, start, evacs latencies
	lastStart                       float64 // ns of the insert that started the largest growth
	lastStartEvac                   int     // and the buckets it moved
	nsPerBucket                     float64
	total                           time.Duration
}

// paceRun measures every pace of c.
func paceRun(c paceConfig) *result {
	keys := paceKeys(c.seed, c.n)
	overhead := timerOverhead()
	t := newTable(
		column{"pace", "%d"}, column{"growths", "%d"},
		column{"evac_max", "%d"}, column{"evac_mean", "%.3f"}, column{"moved_max", "%d"}, column{"mark_max", "%d"},
		column{"writes", "%d"}, column{"writes_naive", "%.0f"}, column{"writes_model", "%.0f"},
		column{"peak_bytes", "%d"}, column{"alloc_bytes", "%d"},
		column{"grow_inserts", "%d"},
		column{"grow_p50_ns", "%.0f"}, column{"grow_p99_ns", "%.0f"}, column{"grow_p999_ns", "%.0f"}, column{"grow_max_ns", "%.0f"},
		column{"steady_p50_ns", "%.0f"}, column{"steady_p99_ns", "%.0f"}, column{"steady_p999_ns", "%.0f"}, column{"steady_max_ns", "%.0f"},
		column{"start_max_ns", "%.0f"}, column{"evac_ins_max_ns", "%.0f"}, column{"ns_per_bucket", "%.1f"},
		column{"total_ms", "%.1f"},
	)
	var rows []paceRow
	for _, p := range c.paces {
		cnt := paceCount(c.seed, p, keys)
		lat, ev := paceTime(c.seed, p, keys, overhead, c.reps)
		if ev != cnt.events {
			// The builds are the same computation: a difference is a bug.
			panic(fmt.Sprintf("hmaplab pace: pace %d: the timed build's counters %+v differ from the counted build's %+v", p, ev, cnt.events))
		}
		r := paceRow{pace: p, c: cnt, total: paceTotal(c.seed, p, keys, c.reps)}
		r.grow = sortedLatencies(lat, func(i int) bool { return cnt.class[i] != paceSteady })
		r.steady = sortedLatencies(lat, func(i int) bool { return cnt.class[i] == paceSteady })
		r.all = sortedLatencies(lat, func(int) bool { return true })
		r.start = sortedLatencies(lat, func(i int) bool { return cnt.class[i] == paceStart })
		r.evacs = sortedLatencies(lat, func(i int) bool { return cnt.class[i] == paceGrowing && cnt.evac[i] > 0 })
		oldN := 1 << cnt.largestOldB
		last := 0
		for i, cl := range cnt.class {
			if cl == paceStart {
				last = i
			}
		}
		r.lastStart, r.lastStartEvac = float64(lat[last]), int(cnt.evac[last])
		if p == 0 {
			// Only the growth-starting inserts move anything: take the
			// largest, whose latency is its allocation and its buckets.
			r.nsPerBucket = (float64(lat[last]) - r.steady.q(0.5)) / float64(cnt.evac[last])
		} else if len(r.evacs) > 0 {
			// The median evacuating insert against the median steady one,
			// per bucket it moved.
			sum := 0
			for i, cl := range cnt.class {
				if cl == paceGrowing && cnt.evac[i] > 0 {
					sum += int(cnt.evac[i])
				}
			}
			r.nsPerBucket = (r.evacs.q(0.5) - r.steady.q(0.5)) / (float64(sum) / float64(len(r.evacs)))
		} else {
			r.nsPerBucket = math.NaN()
		}
		rows = append(rows, r)
		t.add(p, cnt.growths, cnt.evacMax, cnt.evacMean, cnt.movedMax, cnt.markMax,
			cnt.writesLargest, paceWritesNaive(float64(oldN), p), paceWritesModel(float64(oldN), p),
			cnt.peakBytes, cnt.allocLargest, len(r.grow),
			r.grow.q(0.5), r.grow.q(0.99), r.grow.q(0.999), r.grow.max(),
			r.steady.q(0.5), r.steady.q(0.99), r.steady.q(0.999), r.steady.max(),
			r.start.max(), r.evacs.max(), r.nsPerBucket,
			float64(r.total)/1e6)
	}

	last := rows[len(rows)-1].c
	r := &result{
		Experiment: "pace",
		Question:   paceQuestion,
		Command:    fmt.Sprintf("hmaplab pace -seed %d -n %d -paces %s -reps %d", c.seed, c.n, formatPaces(c.paces), c.reps),
		Seed:       c.seed,
		Setup: []string{
			fmt.Sprintf("For each pace, a map[uint64]uint64 (seeded hasher, WithSeed(%d)) filled with the same %d random keys "+
				"(PCG seeded by -seed), one Put at a time; %d growths, the largest from 2^%d to 2^%d buckets.",
				c.seed, c.n, last.growths, last.largestOldB, last.largestOldB+1),
			"Counts, deterministic, from a Tracer: evac_max and evac_mean are the old buckets (each with its overflow chain) " +
				"one insert evacuated, at most and on average over the inserts made during a growth; moved_max the most entries one insert moved; " +
				"mark_max the most old buckets the evacuation mark passed in one insert (it also skips buckets evacuated earlier); " +
				"writes the inserts from the largest growth's GrowStart to its GrowDone, both included, " +
				"beside writes_naive = ceil(2^oldB/(pace+1)) and writes_model = 2^oldB·ln(1+1/pace) (see paceWritesModel: " +
				"the touched bucket has often moved already); peak_bytes the largest GrowEvent.BytesHeld at a GrowStart (old and new arrays together); " +
				"alloc_bytes the largest growth's new array (GrowEvent.BytesAllocated).",
			fmt.Sprintf("Times, measured on this machine and run: each Put between time.Now and time.Since, less %d ns, "+
				"the median cost of an empty pair of readings (floored at 0), in %s with no tracer; each insert's latency is its median over them, "+
				"which keeps its own work (allocation, evacuation, the collector's assist) and drops most interruptions by other goroutines and processes. "+
				"grow_* are the inserts made while a growth was in progress or that started one (grow_inserts of them), steady_* the others; "+
				"start_max_ns is the slowest growth-starting insert (it allocates the new array, and at pace 0 moves every old bucket), "+
				"evac_ins_max_ns the slowest insert that evacuated without starting a growth; "+
				"ns_per_bucket is the median evacuating insert less the median steady one, over the mean buckets it moved "+
				"(at pace 0, the largest growth-starting insert less the median steady one over its buckets, allocation included); "+
				"total_ms is the fastest of as many builds with no clock in the loop.", overhead, paceBuilds(c.reps)),
		},
		Table: t,
	}
	r.Claims, r.Notes = paceClaims(rows)
	r.plot = pacePlot(rows)
	return r
}

// paceBuilds says how many builds, in words.
func paceBuilds(n int) string {
	if n == 1 {
		return "1 build"
	}
	return fmt.Sprintf("%d builds", n)
}

// paceFind returns the row of pace p, or nil.
func paceFind(rows []paceRow, p int) *paceRow {
	for i := range rows {
		if rows[i].pace == p {
			return &rows[i]
		}
	}
	return nil
}

const paceSource = "the Go 1.23 runtime's design (runtime/map.go: growth is incremental so that no single insert pays for the whole table)"

func paceClaims(rows []paceRow) (claims []claim, notes []string) {
	p0, p1 := paceFind(rows, 0), paceFind(rows, 1)
	if p1 != nil {
		c := p1.c
		m := fmt.Sprintf("pace 1: at most %d old buckets (with their chains, %d entries) evacuated by one insert, %.3f on average during a growth, "+
			"over %d growths up to 2^%d old buckets (counted). The evacuation mark passed at most %d old buckets in one insert: "+
			"past ones evacuated earlier it only reads a tophash byte each (up to 1024), moving nothing.",
			c.evacMax, c.movedMax, c.evacMean, c.growths, c.largestOldB, c.markMax)
		if p0 != nil {
			m += fmt.Sprintf(" Pace 0, for comparison: %d buckets in one insert.", p0.c.evacMax)
		}
		claims = append(claims, claim{
			Source:   paceSource,
			Claim:    "incremental evacuation bounds the worst insert: with pace 1 no insert moves more than 2 old buckets",
			Measured: m,
			Verdict:  verdict(c.evacMax <= 2),
		})
	}
	if p0 != nil && p1 != nil {
		a, b := p0.all.max(), p1.all.max()
		v := refuted
		switch {
		case a >= paceMuchSlower*b:
			v = holds
		case a > b:
			v = partly
		}
		claims = append(claims, claim{
			Source: paceSource,
			Claim:  "without it the worst insert pays for the whole table: the slowest insert at pace 0 is much slower than at pace 1",
			Measured: fmt.Sprintf("slowest insert (measured, this run): %.0f ns at pace 0 (%d buckets moved at once), "+
				"%.0f ns at pace 1, %.1f times slower (holds at %d times or more, partly above 1). "+
				"At pace 1 the slowest growth-starting insert took %.0f ns, the slowest other evacuating insert %.0f ns.",
				a, p0.c.evacMax, b, a/b, paceMuchSlower, p1.start.max(), p1.evacs.max()),
			Verdict: v,
		})
	}
	if p1 == nil {
		notes = append(notes, "The claims need pace 1 (and pace 0 for the second) in -paces.")
	}

	// How the writes per growth compare with the model.
	var parts []string
	for _, r := range rows {
		if r.pace == 0 {
			continue
		}
		n := float64(int(1) << r.c.largestOldB)
		parts = append(parts, fmt.Sprintf("pace %d: %d (model %.0f, %+.1f%%)", r.pace, r.c.writesLargest,
			paceWritesModel(n, r.pace), 100*(float64(r.c.writesLargest)/paceWritesModel(n, r.pace)-1)))
	}
	if len(parts) > 0 {
		notes = append(notes, "Writes to finish the largest growth, counted against 2^oldB·ln(1+1/pace): "+strings.Join(parts, "; ")+
			". The naive 2^oldB/(pace+1) undercounts: an insert's touched bucket has often moved already, and then only the pace's buckets move.")
	}

	// Allocation against evacuation at the default pace.
	for _, r := range rows {
		if r.pace < 1 || len(r.start) == 0 || len(r.evacs) == 0 {
			continue
		}
		notes = append(notes, fmt.Sprintf("Allocation against evacuation at pace %d (measured): the slowest growth-starting insert, "+
			"which allocates the new array, took %.0f ns; the slowest insert that only evacuated, %.0f ns; "+
			"the median evacuating insert %.0f ns against %.0f ns for a steady one, about %.1f ns per bucket moved. "+
			"The insert that started the largest growth, allocating %d bytes and moving %d buckets, took %.0f ns, %.2f GB/s of new array. "+
			"The allocator zeroes an array in memory it reuses within the allocating insert, at a few GB/s, a cost proportional to the table that no pace spreads out; "+
			"memory fresh from the OS comes zeroed, and its page faults fall instead on the inserts that first touch each page.",
			r.pace, r.start.max(), r.evacs.max(), r.evacs.q(0.5), r.steady.q(0.5), r.nsPerBucket,
			r.c.allocLargest, r.lastStartEvac, r.lastStart, float64(r.c.allocLargest)/r.lastStart))
		break
	}
	peaks := map[int]bool{}
	for _, r := range rows {
		peaks[r.c.peakBytes] = true
	}
	if len(peaks) == 1 {
		notes = append(notes, fmt.Sprintf("Peak bytes are the same at every pace, %d: the peak is reached when a growth starts, "+
			"old and new arrays together, and the pace only decides how soon the old one is let go.", rows[0].c.peakBytes))
	}
	return claims, notes
}

// pacePlot draws the tail latencies against the pace.
func pacePlot(rows []paceRow) *chart {
	c := &chart{title: "Insert latency against evacuation pace (measured)",
		x: fmt.Sprintf("evacuation pace (0 drawn at %.1f)", paceZeroX), y: "ns per insert", logX: true, logY: true, legendBottom: true, legendRight: true}
	xs := make([]float64, len(rows))
	for i, r := range rows {
		xs[i] = float64(r.pace)
		if r.pace == 0 {
			xs[i] = paceZeroX
		}
	}
	for _, s := range []struct {
		name string
		f    func(r paceRow) float64
	}{
		{"max, all inserts", func(r paceRow) float64 { return r.all.max() }},
		{"p99.9, all inserts", func(r paceRow) float64 { return r.all.q(0.999) }},
		{"max, growth-starting inserts", func(r paceRow) float64 { return r.start.max() }},
		{"max, other evacuating inserts", func(r paceRow) float64 { return r.evacs.max() }},
		{"p99.9, inserts during growth", func(r paceRow) float64 { return r.grow.q(0.999) }},
	} {
		ys := make([]float64, len(rows))
		ok := false
		for i, r := range rows {
			ys[i] = s.f(r)
			ok = ok || ys[i] > 0
		}
		if ok { // a series with nothing to draw (no evacuating insert at pace 0 alone) is left out
			c.add(series{name: s.name, xs: xs, ys: ys})
		}
	}
	return c
}

// parsePaces parses a comma-separated list of paces, each 0 to maxPace,
// without repeats, and returns them ascending.
func parsePaces(s string) ([]int, error) {
	var ps []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		p, err := strconv.Atoi(f)
		if err != nil {
			return nil, usagef("-paces %q: %q is not an integer: want a comma-separated list of paces, 0 to %d", s, f, maxPace)
		}
		if p < 0 || p > maxPace {
			return nil, usagef("-paces %q: pace %d out of range: want 0 to %d", s, p, maxPace)
		}
		if slices.Contains(ps, p) {
			return nil, usagef("-paces %q: pace %d given twice", s, p)
		}
		ps = append(ps, p)
	}
	if len(ps) > maxPaces {
		return nil, usagef("-paces %q: %d paces: want 1 to %d", s, len(ps), maxPaces)
	}
	slices.Sort(ps)
	return ps, nil
}

func formatPaces(ps []int) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ",")
}

func runPace(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("pace", paceQuestion, &l)
	n := fs.Int("n", 1<<20, fmt.Sprintf("keys inserted, %d to %d", minPaceN, maxPaceN))
	paces := fs.String("paces", defaultPaces, fmt.Sprintf("evacuation paces, comma-separated, each 0 to %d, at most %d", maxPace, maxPaces))
	reps := fs.Int("reps", 3, fmt.Sprintf("timed builds per pace, each insert's median latency kept, %d to %d", minPaceReps, maxPaceReps))
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	if *reps < minPaceReps || *reps > maxPaceReps {
		return usagef("-reps %d out of range: want %d to %d", *reps, minPaceReps, maxPaceReps)
	}
	if *n < minPaceN || *n > maxPaceN {
		return usagef("-n %d out of range: want %d to %d", *n, minPaceN, maxPaceN)
	}
	ps, err := parsePaces(*paces)
	if err != nil {
		return err
	}
	return paceRun(paceConfig{seed: l.seed, n: *n, paces: ps, reps: *reps}).emit(&l, out)
}
