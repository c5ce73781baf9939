// Command report writes bench/RESULTS.md from the raw benchmark outputs
// that bench/compare.sh leaves in bench/results: it computes the median of
// every benchmark's runs itself, prints the ratios hmap/builtin with the
// project's targets, and appends the benchstat tables as the raw evidence.
//
//	go run ./bench/internal/report -dir bench/results -out bench/RESULTS.md
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/hmaplab/hmap/table"
)

// A run file's medians: by benchmark name without its impl part, then
// unit, then impl.
type results map[string]map[string]map[string]float64

// headerSize is the size of a map's header, which every map pays for.
var headerSize = unsafe.Sizeof(table.Map[int64, int64]{})

var (
	procSuffix = regexp.MustCompile(`-\d+$`)
	implPart   = regexp.MustCompile(`/impl=[^/]+`)
)

// parse reads `go test -bench` output and returns the medians. It drops
// the -N GOMAXPROCS suffix, or, with keepProcs, keeps it in the name as a
// last part, /procs=N: the concurrent mixes run with -cpu 1,2, and the
// testing package names a run at GOMAXPROCS 1 without a suffix. Every other
// run uses the machine's default.
func parse(path string, keepProcs bool) (results, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	samples := map[string]map[string]map[string][]float64{}
	var order []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(fields[1]); err != nil {
			continue
		}
		name := procSuffix.ReplaceAllString(fields[0], "")
		if keepProcs {
			procs := "1"
			if m := procSuffix.FindString(fields[0]); m != "" {
				procs = m[1:]
			}
			name += "/procs=" + procs
		}
		impl := ""
		if m := implPart.FindString(name); m != "" {
			impl = strings.TrimPrefix(m, "/impl=")
			name = strings.Replace(name, m, "", 1)
		}
		if samples[name] == nil {
			samples[name] = map[string]map[string][]float64{}
			order = append(order, name)
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			unit := fields[i+1]
			if samples[name][unit] == nil {
				samples[name][unit] = map[string][]float64{}
			}
			samples[name][unit][impl] = append(samples[name][unit][impl], v)
		}
	}
	r := results{}
	for name, units := range samples {
		r[name] = map[string]map[string]float64{}
		for unit, impls := range units {
			r[name][unit] = map[string]float64{}
			for impl, vs := range impls {
				r[name][unit][impl] = median(vs)
			}
		}
	}
	return r, order, sc.Err()
}

func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// get returns the median of name's unit for impl, or NaN.
func (r results) get(name, unit, impl string) float64 {
	if v, ok := r[name][unit][impl]; ok {
		return v
	}
	return math.NaN()
}

var (
	variants = []string{"key=int64/elem=int64", "key=string/elem=int64", "key=struct16/elem=int64", "key=int64/elem=ptr"}
	sizes    = []string{"8", "1K", "64K", "1M"}
	ops      = []string{"get-hit", "get-miss", "set-update", "delete-reinsert", "insert-grow", "insert-presized", "iterate", "clone", "clear", "mixed"}
)

func cell(variant, size, op string) string {
	return "BenchmarkMap/" + variant + "/size=" + size + "/op=" + op
}

func fmtRatio(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2f", x)
}

func fmtNum(x float64) string {
	switch {
	case math.IsNaN(x):
		return "–"
	case x >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

func short(variant string) string {
	return strings.NewReplacer("key=", "", "/elem=", " → ").Replace(variant)
}

type report struct {
	w                      io.Writer
	dir                    string
	go123, go126, peers    results
	conc, peersConc        results // the concurrent files, names with /procs=N
	v123, v126             string
	counts, counts8        counts // opcount.sh's figures, 1K and 8 entries
	met, missed, undecided int
}

func (rp *report) printf(format string, args ...any) { fmt.Fprintf(rp.w, format, args...) }

func (rp *report) verdict(ok bool, value float64) string {
	switch {
	case math.IsNaN(value):
		rp.undecided++
		return "no data"
	case ok:
		rp.met++
		return "met"
	}
	rp.missed++
	return "**not met**"
}

// targetOps are the ops with a target, in the order the tables show them.
var targetOps = []string{"get-hit", "get-miss", "set-update", "insert-grow", "delete-reinsert", "iterate", "clone", "mixed"}

// targets prints the target rows of one toolchain for the variants and
// sizes given; with counts, the instructions per op at 1K (callgrind) of
// the ops that have them stand beside the timings, since on a noisy
// machine they decide what the timings cannot.
func (rp *report) targets(r results, limits map[string]float64, vars, sizes []string, c counts) {
	rp.printf("| key | size | op | hmap ns | builtin ns | hmap/builtin | target | | instr/op hmap / builtin (1K) |\n|---|---|---|--:|--:|--:|--:|---|--:|\n")
	for _, v := range vars {
		for _, s := range sizes {
			for _, op := range targetOps {
				name := cell(v, s, op)
				h, b := r.get(name, unitOf(op), "hmap"), r.get(name, unitOf(op), "builtin")
				ratio := h / b
				instr := ""
				if s == "1K" && c != nil {
					if hi, bi := c.instr("hmap", v, op), c.instr("builtin", v, op); !math.IsNaN(hi) && !math.IsNaN(bi) {
						instr = fmt.Sprintf("%s / %s = %s", fmtInstr(hi), fmtInstr(bi), fmtRatio(hi/bi))
					}
				}
				rp.printf("| %s | %s | %s | %s | %s | %s | ≤ %.2f | %s | %s |\n", short(v), s, op, fmtNum(h), fmtNum(b), fmtRatio(ratio), limits[op], rp.verdict(ratio <= limits[op], ratio), instr)
			}
		}
	}
}

// small prints the targets of maps of 8 entries: New plus 8 Puts (the
// insert-grow cell of size 8: the map escapes, as a map a program keeps
// does), lookups, and bytes per entry.
func (rp *report) small(r results, c counts) {
	rp.printf("| key | what | hmap | builtin | hmap/builtin | target | | instr hmap / builtin |\n|---|---|--:|--:|--:|--:|---|--:|\n")
	for _, v := range variants[:3] {
		for _, row := range []struct {
			what, name, unit, impl, countOp string
			limit                           float64
		}{
			{"New + 8 Puts, ns per map", cell(v, "8", "insert-grow"), "ns/op", "", "new-fill", 1.20},
			{"get-hit, ns/op", cell(v, "8", "get-hit"), "ns/op", "", "get-hit", 1.10},
			{"bytes per entry", "BenchmarkMemory/" + v + "/size=8", "B/entry", "", "", 1.25},
		} {
			h, b := r.get(row.name, row.unit, "hmap"), r.get(row.name, row.unit, "builtin")
			instr := ""
			if row.countOp != "" && c != nil {
				if hi, bi := c.instr("hmap", v, row.countOp), c.instr("builtin", v, row.countOp); !math.IsNaN(hi) && !math.IsNaN(bi) {
					instr = fmt.Sprintf("%s / %s = %s", fmtInstr(hi), fmtInstr(bi), fmtRatio(hi/bi))
				}
			}
			rp.printf("| %s | %s | %s | %s | %s | ≤ %.2f | %s | %s |\n", short(v), row.what, fmtNum(h), fmtNum(b), fmtRatio(h/b), row.limit, rp.verdict(h/b <= row.limit, h/b), instr)
		}
	}
}

// unitOf is the unit the tables show for op: ns/entry for the whole-map
// ops, ns/op for the others.
func unitOf(op string) string {
	switch op {
	case "insert-grow", "insert-presized", "iterate", "clone", "clear":
		return "ns/entry"
	}
	return "ns/op"
}

// allocs prints hmap's allocs/op for the ops that must not allocate.
func (rp *report) allocs(r results) {
	worst, where := 0.0, ""
	found := false
	for _, v := range variants {
		for _, s := range sizes {
			for _, op := range []string{"get-hit", "get-miss", "set-update", "delete-reinsert"} {
				a := r.get(cell(v, s, op), "allocs/op", "hmap")
				if math.IsNaN(a) {
					continue
				}
				found = true
				if a > worst || where == "" {
					worst, where = a, short(v)+" size="+s+" op="+op
				}
			}
		}
	}
	if !found {
		worst = math.NaN()
	}
	rp.printf("| hmap allocs/op, get-hit, get-miss, set-update and delete-reinsert, every key and size | largest: %s (%s) | 0 | %s |\n",
		fmtNum(worst), where, rp.verdict(worst == 0, worst))
}

// ratios prints the hmap/builtin ratio of every cell of the matrix.
func (rp *report) ratios(r results) {
	rp.printf("| key → elem | size |")
	for _, op := range ops {
		rp.printf(" %s |", op)
	}
	rp.printf("\n|---|--:|%s\n", strings.Repeat("--:|", len(ops)))
	for _, v := range variants {
		for _, s := range sizes {
			rp.printf("| %s | %s |", short(v), s)
			for _, op := range ops {
				name := cell(v, s, op)
				rp.printf(" %s |", fmtRatio(r.get(name, "ns/op", "hmap")/r.get(name, "ns/op", "builtin")))
			}
			rp.printf("\n")
		}
	}
}

func (rp *report) latency(rows []struct {
	label string
	r     results
	impls []string
}) {
	const base = "BenchmarkGrowthLatency/key=int64/elem=int64/size=1M/heap="
	rp.printf("| toolchain | heap | impl | p50 ns | p99 ns | p99.9 ns | max ns |\n|---|---|---|--:|--:|--:|--:|\n")
	for _, row := range rows {
		for _, heap := range []string{"reused", "fresh"} {
			for _, impl := range row.impls {
				rp.printf("| %s | %s | %s |", row.label, heap, impl)
				for _, u := range []string{"p50-ns", "p99-ns", "p99.9-ns", "max-ns"} {
					rp.printf(" %s |", fmtNum(row.r.get(base+heap, u, impl)))
				}
				rp.printf("\n")
			}
		}
	}
	rp.printf("\n| toolchain | heap | max, hmap-pace0 / hmap | target | |\n|---|---|--:|--:|---|\n")
	for _, row := range rows[:2] {
		for _, heap := range []string{"reused", "fresh"} {
			x := row.r.get(base+heap, "max-ns", "hmap-pace0") / row.r.get(base+heap, "max-ns", "hmap")
			rp.printf("| %s | %s | %s | ≥ 5 | %s |\n", row.label, heap, fmtRatio(x), rp.verdict(x >= 5, x))
		}
	}
}

func (rp *report) memory(r results, peers results, target bool) {
	rp.printf("| key → elem | size | hmap B/entry | builtin B/entry | hmap/builtin |")
	if peers != nil {
		rp.printf(" dolthub-swiss | cockroach-swiss |")
	}
	rp.printf(" hmap table-B/entry | hmap scan-B/entry | builtin scan-B/entry |")
	if target {
		rp.printf(" target | |")
	}
	rp.printf("\n|---|--:|--:|--:|--:|")
	if peers != nil {
		rp.printf("--:|--:|")
	}
	rp.printf("--:|--:|--:|")
	if target {
		rp.printf("--:|---|")
	}
	rp.printf("\n")
	for _, v := range variants {
		for _, s := range sizes {
			name := "BenchmarkMemory/" + v + "/size=" + s
			h, b := r.get(name, "B/entry", "hmap"), r.get(name, "B/entry", "builtin")
			rp.printf("| %s | %s | %s | %s | %s |", short(v), s, fmtNum(h), fmtNum(b), fmtRatio(h/b))
			if peers != nil {
				rp.printf(" %s | %s |", fmtNum(peers.get(name, "B/entry", "dolthub-swiss")), fmtNum(peers.get(name, "B/entry", "cockroach-swiss")))
			}
			rp.printf(" %s | %s | %s |", fmtNum(r.get(name, "table-B/entry", "hmap")), fmtNum(r.get(name, "scan-B/entry", "hmap")), fmtNum(r.get(name, "scan-B/entry", "builtin")))
			if target {
				if s == "1K" || s == "1M" {
					rp.printf(" ≤ 1.05 | %s |", rp.verdict(h/b <= 1.05, h/b))
				} else {
					rp.printf(" | |")
				}
			}
			rp.printf("\n")
		}
	}
}

func (rp *report) peerTable() {
	rp.printf("| key → elem | size | op | hmap | builtin | dolthub-swiss | cockroach-swiss |\n|---|--:|---|--:|--:|--:|--:|\n")
	for _, v := range variants {
		for _, s := range sizes {
			for _, op := range ops {
				name := cell(v, s, op)
				unit := unitOf(op)
				rp.printf("| %s | %s | %s | %s | %s | %s | %s |\n", short(v), s, op,
					fmtNum(rp.go126.get(name, unit, "hmap")), fmtNum(rp.go126.get(name, unit, "builtin")),
					fmtNum(rp.peers.get(name, unit, "dolthub-swiss")), fmtNum(rp.peers.get(name, unit, "cockroach-swiss")))
			}
		}
	}
}

func (rp *report) asm(path string) {
	r, order, err := parse(path, false)
	if err != nil {
		rp.printf("(no %s: %v)\n", filepath.Base(path), err)
		return
	}
	rp.printf("| benchmark | impl | ns/op |\n|---|---|--:|\n")
	for _, name := range order {
		impls := make([]string, 0)
		for impl := range r[name]["ns/op"] {
			impls = append(impls, impl)
		}
		slices.Sort(impls)
		for _, impl := range impls {
			rp.printf("| %s | %s | %s |\n", strings.TrimPrefix(name, "Benchmark"), impl, fmtNum(r.get(name, "ns/op", impl)))
		}
	}
}

// The concurrent benchmarks: package bench's run (concurrent.txt:
// hmap-concurrent, hmap-probes, syncmap, and BenchmarkSnapshot) and the
// peers' (peers-concurrent.txt: hmap-concurrent, syncmap, xsync). Each
// comparison takes both of its sides from one file, so from one process.
var (
	concSizes = []string{"1K", "1M"}
	concMixes = []string{"100-0", "99-1", "90-10", "50-50"}
)

// concName is the key parse (keepProcs) gives a concurrent benchmark. Only the
// mixes run at GOMAXPROCS 1 as well; compare.sh runs everything else at
// 2, the setting of the targets.
func concName(name string, procs int) string { return fmt.Sprintf("%s/procs=%d", name, procs) }

func mixName(size, mix string, procs int) string {
	return concName("BenchmarkConcurrent/size="+size+"/mix="+mix, procs)
}

// speedup is how many times the throughput of impl a that of impl b is in
// a mix cell. ns/op is wall time per operation over all goroutines, so it
// is the inverse ratio of the ns/op.
func speedup(r results, size, mix string, procs int, a, b string) float64 {
	name := mixName(size, mix, procs)
	return r.get(name, "ns/op", b) / r.get(name, "ns/op", a)
}

// scaling is impl's throughput at GOMAXPROCS 2 over its throughput at 1.
func scaling(r results, size, mix, impl string) float64 {
	return r.get(mixName(size, mix, 1), "ns/op", impl) / r.get(mixName(size, mix, 2), "ns/op", impl)
}

// mops is a throughput in millions of operations per second, from ns/op.
func mops(ns float64) float64 { return 1e3 / ns }

// fmtX is fmtRatio with a times sign, for throughput ratios.
func fmtX(x float64) string {
	if s := fmtRatio(x); s != "–" {
		return s + "×"
	}
	return "–"
}

func fmtPct(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmt.Sprintf("%+.0f%%", 100*x)
}

// fmtDur prints a duration given in ns in the unit that suits it: the
// growth and snapshot figures span seven orders of magnitude.
func fmtDur(ns float64) string {
	switch {
	case math.IsNaN(ns):
		return "–"
	case ns >= 1e9:
		return fmtNum(ns/1e9) + " s"
	case ns >= 1e6:
		return fmtNum(ns/1e6) + " ms"
	case ns >= 1e3:
		return fmtNum(ns/1e3) + " µs"
	}
	return fmtNum(ns) + " ns"
}

// check prints one row of the concurrent targets table; the verdict
// counts in the header's totals.
func (rp *report) check(what, value, target string, ok bool, v float64) {
	rp.printf("| %s | %s | %s | %s |\n", what, value, target, rp.verdict(ok, v))
}

// info prints a row of the targets table that has no target of its own,
// shown next to the rows it explains.
func (rp *report) info(what, value string) {
	rp.printf("| %s | %s | (no target) | |\n", what, value)
}

const (
	growthName   = "BenchmarkConcurrentGrowth/size=1M"
	iterateName  = "BenchmarkConcurrentIterate/size=1M"
	lenName      = "BenchmarkConcurrentLen/size=1M"
	concMemName  = "BenchmarkConcurrentMemory/size=1M"
	snapshotName = "BenchmarkSnapshot/size=1M/mix=90-10/snap="
)

// concTargets prints the targets of package concurrent, at GOMAXPROCS 2
// unless a row says otherwise.
func (rp *report) concTargets() {
	c, p := rp.conc, rp.peersConc
	rp.printf("| check | value | target | |\n|---|--:|--:|---|\n")
	for _, t := range []struct {
		size, mix string
		min       float64
	}{{"1K", "99-1", 2}, {"1K", "90-10", 2}, {"1M", "100-0", 3}, {"1M", "99-1", 3}, {"1M", "90-10", 3}, {"1M", "50-50", 3}} {
		x := speedup(c, t.size, t.mix, 2, "hmap-concurrent", "syncmap")
		rp.check(fmt.Sprintf("throughput, hmap-concurrent / sync.Map, %s, mix %s", t.size, t.mix), fmtX(x), fmt.Sprintf("≥ %.1f×", t.min), x >= t.min, x)
	}
	rp.info("throughput, hmap-concurrent / sync.Map, 1K, mix 50-50", fmtX(speedup(c, "1K", "50-50", 2, "hmap-concurrent", "syncmap")))
	for _, size := range concSizes {
		for _, mix := range concMixes {
			for _, procs := range []int{1, 2} {
				x := speedup(p, size, mix, procs, "hmap-concurrent", "xsync")
				what := fmt.Sprintf("throughput, hmap-concurrent / xsync (peers), %s, mix %s, GOMAXPROCS %d", size, mix, procs)
				rp.check(what, fmtX(x), "≥ 1.00×", x >= 1, x)
			}
		}
	}
	// Reads only, so that the scaling is the map's, not the writers'
	// contention; counting probes must not take it away.
	for _, impl := range []string{"hmap-concurrent", "hmap-probes"} {
		for _, size := range concSizes {
			x := scaling(c, size, "100-0", impl)
			rp.check(fmt.Sprintf("read scaling, %s, %s, mix 100-0: throughput at GOMAXPROCS 2 / at 1", impl, size), fmtX(x), "≥ 1.80×", x >= 1.8, x)
		}
	}
	g := concName(growthName, 2)
	mx := p.get(g, "max-ns", "hmap-concurrent")
	rp.check("growth to 1M with one reader (peers): hmap-concurrent's longest Store", fmtDur(mx), "≤ 1 ms", mx <= 1e6, mx)
	hf, xf := p.get(g, "ns/op", "hmap-concurrent"), p.get(g, "ns/op", "xsync")
	rp.check("growth to 1M with one reader (peers): fill time, hmap-concurrent / xsync",
		fmt.Sprintf("%s (%s vs %s)", fmtX(hf/xf), fmtDur(hf), fmtDur(xf)), "≤ 1.00×", hf <= xf, hf/xf)
	b2b := concName(snapshotName+"back-to-back", 2)
	cp := c.get(b2b, "create-p50-ns", "")
	rp.check("snapshot of 1M under a 90/10 load, back to back: median time to take one", fmtDur(cp), "≤ 10 µs", cp <= 10e3, cp)
	rp.info("snapshot, back to back: longest time to take one", fmtDur(c.get(b2b, "create-max-ns", "")))
	none := c.get(concName(snapshotName+"none", 2), "ns/op", "")
	cost := c.get(b2b, "ns/op", "")/none - 1
	rp.check("snapshot: the load's ns/op with snapshots back to back / without, − 1", fmtPct(cost), "≤ +15%", cost <= 0.15, cost)
	rp.info("snapshot: the same with every snapshot exported (iterated)", fmtPct(c.get(concName(snapshotName+"export", 2), "ns/op", "")/none-1))
	it := concName(iterateName, 2)
	x := p.get(it, "ns/entry", "hmap-snapshot") / p.get(it, "ns/entry", "xsync")
	rp.check("iteration of 1M (peers): ns/entry, hmap-snapshot / xsync", fmtX(x), "≤ 1.20×", x <= 1.2, x)
	l := c.get(concName(lenName, 2), "ns/op", "hmap-concurrent")
	rp.check("Len of 1M, hmap-concurrent", fmtDur(l), "≤ 150 ns", l <= 150, l)
	mem := concName(concMemName, 2)
	be := c.get(mem, "B/entry", "hmap-concurrent")
	rp.check("memory of 1M, hmap-concurrent: bytes per entry", fmtNum(be), "≤ 40", be <= 40, be)
	// The bucket array, which holds each bucket's first body, keeps its
	// size after deletes, as the builtin map's does: Shrink gives it back.
	rp.info("memory, hmap-concurrent: MB left after deleting every key (the bucket array)", fmtNum(c.get(mem, "MB-after-delete", "hmap-concurrent")))
	as := c.get(mem, "MB-after-shrink", "hmap-concurrent")
	rp.check("memory, hmap-concurrent: MB left after deleting every key, then Shrink", fmtNum(as), "≤ 5", as <= 5, as)
}

// present keeps the impls that have a mix cell in r: compare.sh leaves
// sync.Map out of the peers' mixes, package bench's run has them.
func present(r results, impls []string) []string {
	var keep []string
	for _, impl := range impls {
		for name, units := range r {
			if _, ok := units["ns/op"][impl]; ok && strings.HasPrefix(name, "BenchmarkConcurrent/") {
				keep = append(keep, impl)
				break
			}
		}
	}
	return keep
}

// throughput prints, for every size, mix and GOMAXPROCS of r, each impl's
// throughput in Mops/s and hmap-concurrent's over each of vs, leaving out
// the impls r has no mixes of.
func (rp *report) throughput(r results, impls, vs []string) {
	impls, vs = present(r, impls), present(r, vs)
	rp.printf("| size | mix | procs |")
	for _, impl := range impls {
		rp.printf(" %s |", impl)
	}
	for _, v := range vs {
		rp.printf(" hmap / %s |", v)
	}
	rp.printf("\n|---|---|--:|%s\n", strings.Repeat("--:|", len(impls)+len(vs)))
	for _, size := range concSizes {
		for _, mix := range concMixes {
			for _, procs := range []int{1, 2} {
				rp.printf("| %s | %s | %d |", size, mix, procs)
				for _, impl := range impls {
					rp.printf(" %s |", fmtNum(mops(r.get(mixName(size, mix, procs), "ns/op", impl))))
				}
				for _, v := range vs {
					rp.printf(" %s |", fmtX(speedup(r, size, mix, procs, "hmap-concurrent", v)))
				}
				rp.printf("\n")
			}
		}
	}
}

// scalingTable prints every impl's throughput at GOMAXPROCS 2 over its
// throughput at 1, package bench's impls and then xsync from the peers.
func (rp *report) scalingTable() {
	impls := []string{"hmap-concurrent", "hmap-probes", "syncmap"}
	rp.printf("| size | mix | %s | xsync (peers) |\n|---|---|%s\n", strings.Join(impls, " | "), strings.Repeat("--:|", len(impls)+1))
	for _, size := range concSizes {
		for _, mix := range concMixes {
			rp.printf("| %s | %s |", size, mix)
			for _, impl := range impls {
				rp.printf(" %s |", fmtX(scaling(rp.conc, size, mix, impl)))
			}
			rp.printf(" %s |\n", fmtX(scaling(rp.peersConc, size, mix, "xsync")))
		}
	}
}

// A run of the concurrent benchmarks with the impls to show from it.
type concRun struct {
	label string
	r     results
	impls []string
}

func (rp *report) concRuns(bench, peers []string) []concRun {
	return []concRun{{"bench", rp.conc, bench}, {"peers", rp.peersConc, peers}}
}

func (rp *report) growthTable() {
	g := concName(growthName, 2)
	rp.printf("| run | impl | fill | Store p50 | Store p99.9 | Store max | reader loads/s |\n|---|---|--:|--:|--:|--:|--:|\n")
	for _, run := range rp.concRuns([]string{"hmap-concurrent", "syncmap"}, []string{"hmap-concurrent", "syncmap", "xsync"}) {
		for _, impl := range run.impls {
			rp.printf("| %s | %s | %s | %s | %s | %s | %s M |\n", run.label, impl,
				fmtDur(run.r.get(g, "ns/op", impl)), fmtDur(run.r.get(g, "p50-ns", impl)), fmtDur(run.r.get(g, "p99.9-ns", impl)),
				fmtDur(run.r.get(g, "max-ns", impl)), fmtNum(run.r.get(g, "reads/s", impl)/1e6))
		}
	}
}

// perImpl prints one unit of a 1M benchmark for each impl, from package
// bench's run and from the peers', side by side.
func (rp *report) perImpl(name string, units []string, impls []string) {
	name = concName(name, 2)
	rp.printf("| impl |")
	for _, u := range units {
		rp.printf(" %s, bench | %s, peers |", u, u)
	}
	rp.printf("\n|---|%s\n", strings.Repeat("--:|", 2*len(units)))
	for _, impl := range impls {
		rp.printf("| %s |", impl)
		for _, u := range units {
			rp.printf(" %s | %s |", fmtNum(rp.conc.get(name, u, impl)), fmtNum(rp.peersConc.get(name, u, impl)))
		}
		rp.printf("\n")
	}
}

func (rp *report) snapshotTable() {
	none := rp.conc.get(concName(snapshotName+"none", 2), "ns/op", "")
	rp.printf("| snap | load ns/op | load Mops/s | vs none | take, p50 | take, max | snapshots/s |\n|---|--:|--:|--:|--:|--:|--:|\n")
	for _, mode := range []string{"none", "back-to-back", "export"} {
		name := concName(snapshotName+mode, 2)
		ns := rp.conc.get(name, "ns/op", "")
		rp.printf("| %s | %s | %s | %s | %s | %s | %s |\n", mode, fmtNum(ns), fmtNum(mops(ns)), fmtPct(ns/none-1),
			fmtDur(rp.conc.get(name, "create-p50-ns", "")), fmtDur(rp.conc.get(name, "create-max-ns", "")), fmtNum(rp.conc.get(name, "snaps/s", "")))
	}
}

// concurrent prints the section on package concurrent.
func (rp *report) concurrent() {
	rp.printf("## Concurrent map (package concurrent), %s\n\n", rp.v126)
	rp.printf("int64 keys and values. Medians of the runs; the mixes ran at GOMAXPROCS 1 and 2 (procs), everything else at 2. Package bench's run (results/concurrent.txt) has hmap-concurrent, hmap-probes (the same with probe counting, one Load in 64 sampled) and sync.Map; the peers' (results/peers-concurrent.txt) has hmap-concurrent, xsync and, but for the mixes and Len, sync.Map. Every ratio takes both its sides from the same run.\n\n")
	rp.printf("### Targets\n\nThroughput ratios are inverse ns/op ratios (ns/op is wall time per operation over all goroutines); above 1 hmap-concurrent is faster.\n\n")
	rp.concTargets()
	rp.printf("\n### Throughput, package bench\n\nMops/s, one goroutine per P, each running its own stream of operations on uniform keys of a full map (mix: Loads-writes per 100; the writes delete a key and store it back).\n\n")
	rp.throughput(rp.conc, []string{"hmap-concurrent", "hmap-probes", "syncmap"}, []string{"syncmap"})
	rp.printf("\n### Throughput, peers\n\nThe peers' run; compare.sh leaves sync.Map out of its mixes, which are in the table above.\n\n")
	rp.throughput(rp.peersConc, []string{"hmap-concurrent", "syncmap", "xsync"}, []string{"syncmap", "xsync"})
	rp.printf("\n### Scaling: throughput at GOMAXPROCS 2 / at 1\n\n")
	rp.scalingTable()
	rp.printf("\n### Growth to 1M with one concurrent reader\n\nOne goroutine stores keys 0..1M−1 into an empty map while another loads random stored keys; the collector is off during each fill. Percentiles of single-Store latency over all fills (a clock read included), fill: the whole fill.\n\n")
	rp.growthTable()
	rp.printf("\n### Iteration of a quiet 1M map, ns/entry\n\nhmap-snapshot: take a snapshot, iterate it, close it; hmap-concurrent: All; syncmap: Range.\n\n")
	rp.perImpl(iterateName, []string{"ns/entry"}, []string{"hmap-snapshot", "hmap-concurrent", "syncmap", "xsync"})
	rp.printf("\n### Len of a quiet 1M map, ns/op\n\nsync.Map has no Len.\n\n")
	rp.perImpl(lenName, []string{"ns/op"}, []string{"hmap-concurrent", "xsync"})
	rp.printf("\n### Memory: 1M Stores into an empty map, then every key deleted\n\nMB-after-shrink: then Shrink called, for the map that has one (the others give their tables back as keys are deleted).\n\n")
	rp.perImpl(concMemName, []string{"B/entry", "MB-after-delete", "MB-after-shrink"}, []string{"hmap-concurrent", "syncmap", "xsync"})
	rp.printf("\n### Snapshots under load (package bench)\n\nOne goroutine runs a 90/10 mix on a 1M map (ns/op per operation of it) while another takes snapshots: none, back to back (take, close), or export (take, iterate every entry, close). take: the time to take one.\n\n")
	rp.snapshotTable()
}

// evidence appends a benchstat output file, if there is one.
func (rp *report) evidence(file, title string) {
	b, err := os.ReadFile(filepath.Join(rp.dir, file))
	if err != nil {
		return
	}
	rp.printf("<details><summary>%s (results/%s)</summary>\n\n```\n%s```\n\n</details>\n\n", title, file, b)
}

func load(dir, file string, keepProcs bool) results {
	r, _, err := parse(filepath.Join(dir, file), keepProcs)
	if err != nil {
		fmt.Fprintf(os.Stderr, "report: %v (its tables will be empty)\n", err)
		return results{}
	}
	return r
}

func firstLine(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
}

func cpuModel() (string, int) {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown", runtime.NumCPU()
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v), runtime.NumCPU()
		}
	}
	return "unknown", runtime.NumCPU()
}

func main() {
	dir := flag.String("dir", "bench/results", "directory of the raw outputs")
	out := flag.String("out", "bench/RESULTS.md", "file to write")
	elapsed := flag.String("elapsed", "", "wall time of the run, for the header")
	settings := flag.String("settings", "", "count and benchtime of the run, for the header")
	flag.Parse()

	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	w := bufio.NewWriter(f)
	rp := &report{w: w, dir: *dir,
		go123: load(*dir, "go123.txt", false), go126: load(*dir, "go126.txt", false), peers: load(*dir, "peers.txt", false),
		conc: load(*dir, "concurrent.txt", true), peersConc: load(*dir, "peers-concurrent.txt", true),
		v123: firstLine(filepath.Join(*dir, "go123.version")), v126: firstLine(filepath.Join(*dir, "go126.version")),
		counts: loadCounts(filepath.Join(*dir, "opcount.txt")), counts8: loadCounts(filepath.Join(*dir, "opcount8.txt"))}
	cpu, cores := cpuModel()

	var body strings.Builder
	rp.w = &body
	rp.printf("## Targets under %s (classic builtin map)\n\nMedians of the runs, in ns per operation (per entry for insert-grow, iterate and clone); hmap/builtin below 1 means hmap is faster. The last column is the instructions per operation at 1K entries counted by callgrind (bench/opcount.sh, a program that imports only table; alignment NOPs excluded; per entry for iterate), which do not move with the machine's load.\n\n", rp.v123)
	rp.targets(rp.go123, map[string]float64{"get-hit": 0.95, "get-miss": 0.75, "set-update": 1.00, "insert-grow": 1.00, "delete-reinsert": 1.00, "iterate": 1.00, "clone": 1.00, "mixed": 0.95},
		variants[:3], []string{"1K", "1M"}, rp.counts)
	rp.printf("\n### Maps of 8 entries (%s)\n\n", rp.v123)
	rp.small(rp.go123, rp.counts8)
	rp.printf("\n| check (%s) | value | target | |\n|---|---|--:|---|\n", rp.v123)
	rp.allocs(rp.go123)
	rp.printf("| header size, unsafe.Sizeof(table.Map[int64, int64]{}) | %d bytes | ≤ 96 | %s |\n", headerSize, rp.verdict(headerSize <= 96, float64(headerSize)))
	rp.printf("\nBytes per entry: see the memory table below (target ≤ 1.05 at 1K and 1M).\n\n")
	rp.printf("### Instructions and simulated cache misses per operation, 1K entries (%s)\n\n", rp.v123)
	rp.countTable(rp.counts, "From results/opcount.txt (bench/opcount.sh); new-fill is New plus 1K Puts, per map. Per entry for iterate.")
	if c := loadCounts(filepath.Join(*dir, "opcount1m.txt")); c != nil {
		rp.printf("\n### Instructions and simulated cache misses per operation, 1M entries (%s)\n\n", rp.v123)
		rp.countTable(c, fmt.Sprintf("From results/opcount1m.txt (%s): 200K operations on keys in random order. The simulated last level is 2 MiB, this machine's L2, so LL misses are the accesses that leave the core. compare.sh reruns these counts only with OPCOUNT_1M=1 (about 40 minutes); they are not necessarily of the commit the rest of this page is.",
			strings.TrimPrefix(firstLine(filepath.Join(*dir, "opcount1m.txt")), "# ")))
	}
	rp.printf("\n## Targets under %s (Swiss-table builtin map)\n\n", rp.v126)
	rp.targets(rp.go126, map[string]float64{"get-hit": 1.10, "get-miss": 1.25, "set-update": 1.25, "insert-grow": 1.25, "delete-reinsert": 1.25, "iterate": 1.25, "clone": 1.25, "mixed": 1.25},
		variants[:2], []string{"1M"}, nil)
	rp.printf("\n| check (%s) | value | target | |\n|---|---|--:|---|\n", rp.v126)
	rp.allocs(rp.go126)
	rp.printf("\n## hmap/builtin, every cell, %s\n\nns/op ratios (for the whole-map ops, per map; the ratio per entry is the same).\n\n", rp.v123)
	rp.ratios(rp.go123)
	rp.printf("\n## hmap/builtin, every cell, %s\n\n", rp.v126)
	rp.ratios(rp.go126)
	rp.printf("\n## Growth latency: 1M int64 keys inserted one by one into an empty map\n\nPercentiles of single-insert latency (ns), medians over the runs; the collector is off during each fill. heap=reused: the heap is collected before each fill, so a growth's new array is recycled memory that the allocation zeroes on the spot; heap=fresh: the freed memory is also returned to the operating system first, as in a process's first fill, so the array comes zeroed and costs page faults as it fills. The zeroing is in the insert that starts a growth for every impl; what pace 0 adds is the evacuation.\n\n")
	rp.latency([]struct {
		label string
		r     results
		impls []string
	}{
		{rp.v123, rp.go123, []string{"hmap", "hmap-pace0", "builtin"}},
		{rp.v126, rp.go126, []string{"hmap", "hmap-pace0", "builtin"}},
		{rp.v126 + " (peers)", rp.peers, []string{"dolthub-swiss", "cockroach-swiss"}},
	})
	rp.printf("\n## Memory: heap bytes per entry after filling an empty map\n\n### %s\n\n", rp.v123)
	rp.memory(rp.go123, nil, true)
	rp.printf("\n### %s, with the peers\n\n", rp.v126)
	rp.memory(rp.go126, rp.peers, false)
	rp.printf("\n## Peers, %s\n\nMedians: ns/op for the per-op rows, ns/entry for insert-grow, insert-presized, iterate, clone and clear.\n\n", rp.v126)
	rp.peerTable()
	rp.printf("\n")
	rp.concurrent()
	rp.printf("\n## Tophash probes (package asm, %s)\n\nMatch and Empty compute one 8-slot mask; MatchWalk matches and then visits every matching slot, as a lookup does (bitset: the word-form Bitset the table uses). NEON runs only under qemu-user on this machine, where the tests check it and timings mean nothing, so it has no row.\n\n", rp.v126)
	rp.asm(filepath.Join(*dir, "asm.txt"))
	rp.printf("\n## The cost of watching (%s)\n\nWhat package watch costs a table.Map, from bench/watchcost.sh: BenchmarkWatch (medians, results/watch.txt) and callgrind's instructions per operation (results/watch.opcount.txt, bench/opcount.sh with a program that imports table and watch). plain: not watched; sampled: picked by watch.SetSampleRate; named: table.WithName; traced: reporting to a table.EventLog. A sampled and a named map do the same work. An unwatched map pays nothing: see the targets above, measured before and after the registry.\n\n", firstLine(filepath.Join(*dir, "watch.version")))
	rp.watchCost()
	rp.printf("\n## Raw evidence: benchstat -col /impl\n\n")
	rp.evidence("go123.benchstat.txt", "benchstat, "+rp.v123)
	rp.evidence("go126.benchstat.txt", "benchstat, "+rp.v126)
	rp.evidence("peers.benchstat.txt", "benchstat, peers, "+rp.v126)
	rp.evidence("asm.benchstat.txt", "benchstat, package asm, "+rp.v126)
	rp.evidence("concurrent.benchstat.txt", "benchstat, concurrent map, "+rp.v126)
	rp.evidence("snapshot.benchstat.txt", "benchstat -col /snap, snapshots under load, "+rp.v126)
	rp.evidence("peers-concurrent.benchstat.txt", "benchstat, concurrent map, peers, "+rp.v126)
	rp.evidence("watch.benchstat.txt", "benchstat, the cost of watching")

	fmt.Fprintf(w, "# Benchmark results\n\nGenerated by `bench/compare.sh` on %s; do not edit. See README.md for how to read it.\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- machine: %s, %d cores (%s/%s)\n- toolchains: %s; %s\n", cpu, cores, runtime.GOOS, runtime.GOARCH, rp.v123, rp.v126)
	if *settings != "" {
		fmt.Fprintf(w, "- settings: %s\n", *settings)
	}
	if *elapsed != "" {
		fmt.Fprintf(w, "- wall time of the run: %s\n", *elapsed)
	}
	fmt.Fprintf(w, "- targets: %d met, %d not met, %d without data\n\n", rp.met, rp.missed, rp.undecided)
	w.WriteString(body.String())
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}
