package hmapprom_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"os"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hmaplab/hmap/concurrent"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/hmapprom"
	"github.com/hmaplab/hmap/table"
	"github.com/hmaplab/hmap/watch"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// testPackage is the package label of the maps these tests create.
const testPackage = "github.com/hmaplab/hmap/hmapprom_test"

// series is one gathered sample: its labels and value.
type series struct {
	labels map[string]string
	value  float64
}

// gather registers a new collector in a new pedantic registry and returns
// its samples by metric name.
func gather(t *testing.T) (map[string][]series, map[string]dto.MetricType) {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(hmapprom.NewCollector())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	return flatten(mfs)
}

func flatten(mfs []*dto.MetricFamily) (map[string][]series, map[string]dto.MetricType) {
	out := map[string][]series{}
	types := map[string]dto.MetricType{}
	for _, mf := range mfs {
		types[mf.GetName()] = mf.GetType()
		out[mf.GetName()] = nil // a family with no samples is there all the same
		for _, m := range mf.GetMetric() {
			s := series{labels: map[string]string{}}
			for _, l := range m.GetLabel() {
				s.labels[l.GetName()] = l.GetValue()
			}
			switch {
			case m.Counter != nil:
				s.value = m.GetCounter().GetValue()
			case m.Gauge != nil:
				s.value = m.GetGauge().GetValue()
			case m.Untyped != nil:
				s.value = m.GetUntyped().GetValue()
			default:
				s.value = math.NaN()
			}
			out[mf.GetName()] = append(out[mf.GetName()], s)
		}
	}
	return out, types
}

// pick returns the samples of metric whose labels include want.
func pick(all map[string][]series, metric string, want map[string]string) []series {
	var out []series
	for _, s := range all[metric] {
		ok := true
		for k, v := range want {
			if s.labels[k] != v {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, s)
		}
	}
	return out
}

// one returns the single sample of metric with labels want, failing the
// test if there is not exactly one.
func one(t *testing.T, all map[string][]series, metric string, want map[string]string) series {
	t.Helper()
	got := pick(all, metric, want)
	if len(got) != 1 {
		t.Fatalf("%s%s: %d series, want 1", metric, format(want), len(got))
	}
	return got[0]
}

// format writes labels as a selector: {a="1",b="2"}.
func format(labels map[string]string) string {
	var ls []string
	for k, v := range labels {
		ls = append(ls, fmt.Sprintf("%s=%q", k, v))
	}
	sort.Strings(ls)
	return "{" + strings.Join(ls, ",") + "}"
}

func TestCollect(t *testing.T) {
	const (
		nx = 1000
		ny = 10
		dy = 3
		nc = 1000
	)
	x := table.New[int, int](0, table.WithName("hmapprom-test/x"))
	for i := range nx {
		x.Put(i, i)
	}
	y := table.New[string, bool](0, table.WithName("hmapprom-test/y"))
	for i := range ny {
		y.Put(strconv.Itoa(i), true)
	}
	for i := range dy {
		y.Delete(strconv.Itoa(i))
	}
	c := concurrent.New[int, int](0, concurrent.WithName("hmapprom-test/c"))
	for i := range nc {
		c.Store(i, i)
	}

	all, types := gather(t)

	// Every family of watch.Families is there, with its type.
	for _, f := range watch.Families() {
		typ, ok := types[f.Name]
		if !ok {
			t.Errorf("family %s missing", f.Name)
			continue
		}
		want := dto.MetricType_GAUGE
		if f.Counter {
			want = dto.MetricType_COUNTER
		}
		if typ != want {
			t.Errorf("%s is a %v, want %v", f.Name, typ, want)
		}
	}

	// The map labels.
	xs := one(t, all, "hmap_entries", map[string]string{"name": "hmapprom-test/x"})
	ys := one(t, all, "hmap_entries", map[string]string{"name": "hmapprom-test/y"})
	cs := one(t, all, "hmap_entries", map[string]string{"name": "hmapprom-test/c"})
	for _, c := range []struct {
		s   series
		typ string
	}{
		{xs, "table.Map[int, int]"},
		{ys, "table.Map[string, bool]"},
		{cs, "concurrent.Map[int, int]"},
	} {
		if got := c.s.labels["type"]; got != c.typ {
			t.Errorf("%s: type=%q, want %q", c.s.labels["name"], got, c.typ)
		}
		if got := c.s.labels["package"]; got != testPackage {
			t.Errorf("%s: package=%q, want %q", c.s.labels["name"], got, testPackage)
		}
		if _, err := strconv.ParseUint(c.s.labels["id"], 10, 64); err != nil {
			t.Errorf("%s: id=%q: %v", c.s.labels["name"], c.s.labels["id"], err)
		}
		if len(c.s.labels) != len(watch.MapLabels) {
			t.Errorf("%s: labels %v, want exactly %v", c.s.labels["name"], c.s.labels, watch.MapLabels)
		}
	}
	if xs.labels["id"] == ys.labels["id"] || ys.labels["id"] == cs.labels["id"] || xs.labels["id"] == cs.labels["id"] {
		t.Errorf("ids not unique: %s %s %s", xs.labels["id"], ys.labels["id"], cs.labels["id"])
	}

	// The values, for the table maps.
	x1 := map[string]string{"id": xs.labels["id"]}
	y1 := map[string]string{"id": ys.labels["id"]}
	c1 := map[string]string{"id": cs.labels["id"]}
	expect := func(metric string, labels map[string]string, want float64) {
		t.Helper()
		if got := one(t, all, metric, labels).value; got != want {
			t.Errorf("%s%s = %v, want %v", metric, format(labels), got, want)
		}
	}
	expect("hmap_entries", x1, nx)
	expect("hmap_inserts_total", x1, nx)
	expect("hmap_deletes_total", x1, 0)
	expect("hmap_entries", y1, ny-dy)
	expect("hmap_inserts_total", y1, ny)
	expect("hmap_deletes_total", y1, dy)
	stats := x.Stats()
	expect("hmap_buckets", x1, float64(stats.Buckets))
	expect("hmap_overflow_buckets", x1, float64(stats.OverflowBuckets))
	expect("hmap_load_factor", x1, stats.LoadFactor)
	expect("hmap_memory_bytes", x1, float64(stats.BytesAllocated))
	if got := one(t, all, "hmap_growths_total", map[string]string{"id": xs.labels["id"], "kind": "doubling"}).value; got <= 0 {
		t.Errorf("hmap_growths_total{kind=doubling} for %d inserts = %v, want > 0", nx, got)
	}
	one(t, all, "hmap_growths_total", map[string]string{"id": xs.labels["id"], "kind": "same_size"})
	if got := len(pick(all, "hmap_growths_total", x1)); got != 2 {
		t.Errorf("hmap_growths_total for x: %d series, want 2 (doubling, same_size)", got)
	}
	expect("hmap_hashes_recorded_total", x1, nx)
	expect("hmap_hash_stuck_bit_positions", x1, 0)
	pmax := one(t, all, "hmap_probe_length_max", x1).value
	pmean := one(t, all, "hmap_probe_length_mean", x1).value
	if pmax < 1 || pmean < 1 || pmean > pmax {
		t.Errorf("probe length of x: mean %v, max %v; want 1 <= mean <= max", pmean, pmax)
	}

	// The concurrent map.
	expect("hmap_entries", c1, nc)
	if got := one(t, all, "hmap_growths_total", map[string]string{"id": cs.labels["id"], "kind": "doubling"}).value; got <= 0 {
		t.Errorf("hmap_growths_total{kind=doubling} for %d stores in a concurrent map = %v, want > 0", nc, got)
	}

	// The families without labels.
	wm := one(t, all, "hmap_watched_maps", nil)
	if len(wm.labels) != 0 || wm.value < 3 {
		t.Errorf("hmap_watched_maps = %v %v, want >= 3 and no labels", wm.labels, wm.value)
	}
	expect("hmap_sample_rate", nil, float64(watch.SampleRate()))

	runtime.KeepAlive(x)
	runtime.KeepAlive(y)
	runtime.KeepAlive(c)
}

// TestStuckBits checks that a poor hasher shows in hmap_hash_stuck_bit_positions.
func TestStuckBits(t *testing.T) {
	// Every hash has all but its low 16 bits clear: 48 bits of a table's
	// 64-bit hash, 16 of a 32-bit one.
	low16 := hash.Func[uint64](func(k, seed uint64) uint64 { return uint64(uint16(k ^ seed)) })
	m := table.New[uint64, int](0, table.WithName("hmapprom-test/stuck"), table.WithHasher[uint64](low16))
	for i := range 100 {
		m.Put(uint64(i)*0x9e3779b97f4a7c15, i)
	}
	all, _ := gather(t)
	want := float64(bits.UintSize - 16)
	if got := one(t, all, "hmap_hash_stuck_bit_positions", map[string]string{"name": "hmapprom-test/stuck"}).value; got < want {
		t.Errorf("hmap_hash_stuck_bit_positions = %v, want >= %v for a hasher that leaves all but 16 bits clear", got, want)
	}
	runtime.KeepAlive(m)
}

// TestSeriesLeave checks that a map's series go when the map is
// collected.
func TestSeriesLeave(t *testing.T) {
	const name = "hmapprom-test/leaves"
	func() {
		m := table.New[int, int](0, table.WithName(name))
		m.Put(1, 1)
		all, _ := gather(t)
		one(t, all, "hmap_entries", map[string]string{"name": name})
		runtime.KeepAlive(m)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		all, _ := gather(t)
		if len(pick(all, "hmap_entries", map[string]string{"name": name})) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the series of a collected map are still there")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRegisterTwice documents that a second collector in the same
// registry makes Gather fail rather than double the series.
func TestRegisterTwice(t *testing.T) {
	m := table.New[int, int](0, table.WithName("hmapprom-test/twice"))
	reg := prometheus.NewRegistry()
	reg.MustRegister(hmapprom.NewCollector())
	if err := reg.Register(hmapprom.NewCollector()); err != nil {
		t.Fatalf("Register of an unchecked collector: %v", err)
	}
	if _, err := reg.Gather(); err == nil {
		t.Errorf("Gather with the collector registered twice: no error")
	}
	runtime.KeepAlive(m)
}

// parse parses Prometheus's text format into families keyed by name.
func parse(t *testing.T, what string, text []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := p.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		t.Fatalf("parsing %s: %v\n%s", what, err, text)
	}
	return mfs
}

// canonical writes a family's type and help and each sample, one a line,
// with its labels sorted, in sorted order.
func canonical(mfs map[string]*dto.MetricFamily) string {
	var lines []string
	for name, mf := range mfs {
		lines = append(lines, fmt.Sprintf("%s # %v %q", name, mf.GetType(), mf.GetHelp()))
		all, _ := flatten([]*dto.MetricFamily{mf})
		for _, s := range all[name] {
			lines = append(lines, name+format(s.labels)+" "+strconv.FormatFloat(s.value, 'g', -1, 64))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestSameAsWriteMetrics checks that the collector's exposition carries
// exactly the families, types, help strings, label sets and values that
// watch.WriteMetrics writes for the same registry.
func TestSameAsWriteMetrics(t *testing.T) {
	x := table.New[int, string](0, table.WithName("hmapprom-test/same \"quoted\" \\ name"))
	for i := range 500 {
		x.Put(i, "v")
	}
	x.Delete(7)
	c := concurrent.New[string, int](0, concurrent.WithName("hmapprom-test/same-c"))
	for i := range 300 {
		c.Store(strconv.Itoa(i), i)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(hmapprom.NewCollector())

	write := func() []byte {
		var b bytes.Buffer
		if err := watch.WriteMetrics(&b); err != nil {
			t.Fatalf("WriteMetrics: %v", err)
		}
		return b.Bytes()
	}
	// Maps left by other tests may leave the registry at any time, when
	// the garbage collector finds them; compare a state that held still
	// from before the gathering to after it.
	var before, after []byte
	var got []*dto.MetricFamily
	for try := 0; ; try++ {
		before = write()
		var err error
		got, err = reg.Gather()
		if err != nil {
			t.Fatalf("Gather: %v", err)
		}
		after = write()
		if bytes.Equal(before, after) {
			break
		}
		if try == 10 {
			t.Fatalf("the registry kept changing")
		}
	}
	var enc bytes.Buffer
	e := expfmt.NewEncoder(&enc, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range got {
		if err := e.Encode(mf); err != nil {
			t.Fatalf("Encode: %v", err)
		}
	}

	fromCollector := parse(t, "the collector's exposition", enc.Bytes())
	fromWatch := parse(t, "watch.WriteMetrics", before)
	if len(fromWatch) != len(watch.Families()) {
		t.Errorf("watch.WriteMetrics: %d families, want %d", len(fromWatch), len(watch.Families()))
	}
	if len(pick(flattenMap(fromWatch), "hmap_entries", map[string]string{"name": "hmapprom-test/same-c"})) != 1 {
		t.Fatalf("hmap_entries of the test's concurrent map missing from watch.WriteMetrics")
	}
	a, b := canonical(fromCollector), canonical(fromWatch)
	if a != b {
		al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
		for _, l := range al {
			if !slices.Contains(bl, l) {
				t.Errorf("only in the collector's: %s", l)
			}
		}
		for _, l := range bl {
			if !slices.Contains(al, l) {
				t.Errorf("only in watch.WriteMetrics': %s", l)
			}
		}
	}
	runtime.KeepAlive(x)
	runtime.KeepAlive(c)
}

func flattenMap(mfs map[string]*dto.MetricFamily) map[string][]series {
	var list []*dto.MetricFamily
	for _, mf := range mfs {
		list = append(list, mf)
	}
	all, _ := flatten(list)
	return all
}

// TestLint checks the names, units, types and help strings against
// Prometheus's conventions, as promtool check metrics does.
func TestLint(t *testing.T) {
	x := table.New[int, int](0, table.WithName("hmapprom-test/lint"))
	for i := range 100 {
		x.Put(i, i)
	}
	c := concurrent.New[int, int](0, concurrent.WithName("hmapprom-test/lint-c"))
	c.Store(1, 1)
	problems, err := testutil.CollectAndLint(hmapprom.NewCollector())
	if err != nil {
		t.Fatalf("CollectAndLint: %v", err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
	if n := testutil.CollectAndCount(hmapprom.NewCollector()); n < len(watch.Families()) {
		t.Errorf("CollectAndCount = %d, want at least one per family (%d)", n, len(watch.Families()))
	}
	runtime.KeepAlive(x)
	runtime.KeepAlive(c)
}

var (
	metricName = regexp.MustCompile(`hmap_[a-z_]+`)
	legendVar  = regexp.MustCompile(`\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}`)
	byClause   = regexp.MustCompile(`\b(?:by|without)\s*\(([^)]*)\)`)
)

// panels returns the dashboard's panels, those inside rows included.
func panels(list []any) []map[string]any {
	var out []map[string]any
	for _, p := range list {
		if p, ok := p.(map[string]any); ok {
			out = append(out, p)
			if sub, ok := p["panels"].([]any); ok {
				out = append(out, panels(sub)...)
			}
		}
	}
	return out
}

// TestDashboard checks that the Grafana dashboard is valid JSON whose
// queries use only the metrics and labels the collector exports, so that
// renaming a metric or a label fails here rather than in Grafana.
func TestDashboard(t *testing.T) {
	data, err := os.ReadFile("grafana/hmap-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash map[string]any
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("grafana/hmap-dashboard.json: %v", err)
	}
	if v, _ := dash["schemaVersion"].(float64); v < 36 {
		t.Errorf("schemaVersion %v, want a current one (>= 36)", dash["schemaVersion"])
	}

	metrics := map[string]bool{}
	for _, f := range watch.Families() {
		metrics[f.Name] = true
	}
	// The labels of the metrics, and those Prometheus adds to each target.
	labels := map[string]bool{"kind": true, "instance": true, "job": true}
	for _, l := range watch.MapLabels {
		labels[l] = true
	}
	checkExpr := func(where, expr string) {
		t.Helper()
		for _, m := range metricName.FindAllString(expr, -1) {
			if !metrics[m] {
				t.Errorf("%s: %q uses %s, which watch.Families does not export", where, expr, m)
			}
		}
		for _, g := range byClause.FindAllStringSubmatch(expr, -1) {
			for _, l := range strings.Split(g[1], ",") {
				if l = strings.TrimSpace(l); l != "" && !labels[l] {
					t.Errorf("%s: %q groups by %s, which is not a label of the metrics", where, expr, l)
				}
			}
		}
	}

	used := map[string]bool{}
	queries := 0
	list, _ := dash["panels"].([]any)
	for _, p := range panels(list) {
		title, _ := p["title"].(string)
		if p["type"] == "row" {
			continue
		}
		targets, _ := p["targets"].([]any)
		if len(targets) == 0 {
			t.Errorf("panel %q has no query", title)
		}
		for _, q := range targets {
			q, _ := q.(map[string]any)
			expr, _ := q["expr"].(string)
			legend, _ := q["legendFormat"].(string)
			if strings.TrimSpace(expr) == "" {
				t.Errorf("panel %q: empty expr", title)
			}
			checkExpr("panel "+strconv.Quote(title), expr)
			for _, m := range metricName.FindAllString(expr, -1) {
				used[m] = true
			}
			for _, g := range legendVar.FindAllStringSubmatch(legend, -1) {
				if !labels[g[1]] {
					t.Errorf("panel %q: legend %q uses %s, which is not a label of the metrics", title, legend, g[1])
				}
			}
			queries++
		}
	}
	if queries == 0 {
		t.Fatal("the dashboard has no queries")
	}

	vars := map[string]bool{}
	templating, _ := dash["templating"].(map[string]any)
	tlist, _ := templating["list"].([]any)
	for _, v := range tlist {
		v, _ := v.(map[string]any)
		name, _ := v["name"].(string)
		vars[name] = true
		if v["type"] != "query" {
			continue
		}
		def, _ := v["definition"].(string)
		checkExpr("variable "+name, def)
		switch q := v["query"].(type) {
		case string:
			checkExpr("variable "+name, q)
		case map[string]any:
			s, _ := q["query"].(string)
			checkExpr("variable "+name, s)
		}
	}
	for _, v := range []string{"DS_PROMETHEUS", "name", "package"} {
		if !vars[v] {
			t.Errorf("no variable %s", v)
		}
	}

	// The panels the dashboard promises.
	for _, m := range []string{
		"hmap_entries", "hmap_load_factor", "hmap_growths_total", "hmap_overflow_ratio",
		"hmap_probe_length_mean", "hmap_probe_length_max", "hmap_hash_stuck_bit_positions", "hmap_memory_bytes",
	} {
		if !used[m] {
			t.Errorf("no panel shows %s", m)
		}
	}
}

// TestReadme checks that README.md lists every metric with its type.
func TestReadme(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range watch.Families() {
		typ := "gauge"
		if f.Counter {
			typ = "counter"
		}
		if row := "| `" + f.Name + "` | " + typ + " |"; !bytes.Contains(data, []byte(row)) {
			t.Errorf("README.md has no row %q", row)
		}
	}
	for _, m := range metricName.FindAll(data, -1) {
		found := false
		for _, f := range watch.Families() {
			found = found || f.Name == string(m)
		}
		if !found {
			t.Errorf("README.md names %s, which watch.Families does not export", m)
		}
	}
}
