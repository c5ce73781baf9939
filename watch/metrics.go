package watch

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// Family is one metric of the watched maps, with a sample per map, named
// as Prometheus conventions ask: an hmap_ prefix, base units, _total on
// counters. Both exporters of metrics build on Families: WriteMetrics,
// which writes Prometheus's text format with the standard library alone,
// and the client_golang collector of module github.com/hmaplab/hmap/hmapprom.
type Family struct {
	Name    string
	Help    string
	Counter bool // a counter (cumulative), else a gauge
	Samples []Sample
}

// Sample is one value of a Family.
type Sample struct {
	Labels []Label
	Value  float64
}

// Label is a label of a Sample.
type Label struct{ Name, Value string }

// MapLabels are the labels that tell the maps apart, in order: id (the
// registry's, unique in the process), name (WithName's, or "" for a
// sampled map), type (table.Map[K, V] or concurrent.Map[K, V]) and
// package (the import path of the code that created the map).
var MapLabels = []string{"id", "name", "type", "package"}

// mapLabels returns a map's values of MapLabels.
func mapLabels(m *Info) []Label {
	return []Label{
		{"id", strconv.FormatUint(m.ID, 10)},
		{"name", m.Name},
		{"type", typeName(m)},
		{"package", m.Package},
	}
}

// typeName is how a map's type reads in a label or a dump.
func typeName(m *Info) string {
	return fmt.Sprintf("%s.Map[%s, %s]", m.Kind, m.Key, m.Elem)
}

// metric is a Family's definition: how to read its value from a map.
type metric struct {
	name, help string
	counter    bool
	value      func(*Info) float64
	extra      []Label // labels after the map's own
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

var metrics = []metric{
	{name: "hmap_entries", help: "Live entries.", value: func(m *Info) float64 { return float64(m.Stats.Count) }},
	{name: "hmap_buckets", help: "Regular buckets of the current array (2^B).", value: func(m *Info) float64 { return float64(m.Stats.Buckets) }},
	{name: "hmap_overflow_buckets", help: "Overflow buckets linked into the current chains.", value: func(m *Info) float64 { return float64(m.Stats.OverflowBuckets) }},
	{name: "hmap_overflow_ratio", help: "Overflow buckets per regular bucket.", value: func(m *Info) float64 {
		if m.Stats.Buckets == 0 {
			return 0
		}
		return float64(m.Stats.OverflowBuckets) / float64(m.Stats.Buckets)
	}},
	{name: "hmap_load_factor", help: "Entries per regular bucket; the table doubles above its load factor, 6.5 by default.", value: func(m *Info) float64 { return m.Stats.LoadFactor }},
	{name: "hmap_memory_bytes", help: "Bucket memory held, old array included while growing (table maps).", value: func(m *Info) float64 { return float64(m.Stats.BytesAllocated) }},
	{name: "hmap_growing", help: "1 while a growth is in progress.", value: func(m *Info) float64 { return b2f(m.Stats.Growing) }},
	{name: "hmap_evacuation_pending_buckets", help: "Old buckets the growth in progress has still to move.", value: func(m *Info) float64 {
		return float64(m.Stats.OldBuckets - m.Stats.Evacuated)
	}},
	{name: "hmap_growths_total", help: "Growths started, by kind: doubling, or same size (too many overflow buckets).", counter: true,
		extra: []Label{{"kind", "doubling"}}, value: func(m *Info) float64 { return float64(m.Stats.Growths) }},
	{name: "hmap_growths_total", counter: true,
		extra: []Label{{"kind", "same_size"}}, value: func(m *Info) float64 { return float64(m.Stats.SameSizeGrowths) }},
	{name: "hmap_evacuated_buckets_total", help: "Old buckets moved by growths.", counter: true, value: func(m *Info) float64 { return float64(m.Stats.BucketsEvacuated) }},
	{name: "hmap_clears_total", help: "Clear calls.", counter: true, value: func(m *Info) float64 { return float64(m.Stats.Clears) }},
	{name: "hmap_shrinks_total", help: "Shrink calls that rebuilt the table.", counter: true, value: func(m *Info) float64 { return float64(m.Stats.Shrinks) }},
	{name: "hmap_inserts_total", help: "Entries inserted (table maps).", counter: true, value: func(m *Info) float64 { return float64(m.Stats.Inserts) }},
	{name: "hmap_deletes_total", help: "Entries removed by Delete and Clear (table maps).", counter: true, value: func(m *Info) float64 { return float64(m.Stats.Deletes) }},
	{name: "hmap_probe_length_max", help: "Most buckets a lookup of a recorded entry reads (1: its home bucket).", value: func(m *Info) float64 { return float64(m.Probe.Max) }},
	{name: "hmap_probe_length_mean", help: "Mean buckets a lookup of a recorded entry reads.", value: func(m *Info) float64 { return m.Probe.Mean() }},
	{name: "hmap_hashes_recorded_total", help: "Hashes recorded for the stuck-bit check.", counter: true, value: func(m *Info) float64 { return float64(m.Hashes.Seen) }},
	{name: "hmap_hash_stuck_bit_positions", help: "Hash bits that were the same in every hash recorded: a good hasher has none after a few dozen.", value: func(m *Info) float64 {
		return float64(m.Hashes.Stuck())
	}},
}

// Families returns the metrics of the watched maps, in a fixed order, and
// hmap_watched_maps and hmap_sample_rate, which have no map labels.
func Families() []Family {
	maps := Maps()
	var out []Family
	for _, d := range metrics {
		if d.help != "" || len(out) == 0 || out[len(out)-1].Name != d.name {
			out = append(out, Family{Name: d.name, Help: d.help, Counter: d.counter})
		}
		f := &out[len(out)-1]
		for i := range maps {
			f.Samples = append(f.Samples, Sample{
				Labels: append(mapLabels(&maps[i]), d.extra...),
				Value:  d.value(&maps[i]),
			})
		}
	}
	out = append(out,
		Family{Name: "hmap_watched_maps", Help: "Maps in the registry.", Samples: []Sample{{Value: float64(len(maps))}}},
		Family{Name: "hmap_sample_rate", Help: "One map in this many is sampled; 0: sampling is off.", Samples: []Sample{{Value: float64(SampleRate())}}},
	)
	return out
}

// WriteMetrics writes Families in Prometheus's text exposition format
// (version 0.0.4).
func WriteMetrics(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, f := range Families() {
		typ := "gauge"
		if f.Counter {
			typ = "counter"
		}
		fmt.Fprintf(bw, "# HELP %s %s\n# TYPE %s %s\n", f.Name, escapeHelp(f.Help), f.Name, typ)
		for _, s := range f.Samples {
			bw.WriteString(f.Name)
			if len(s.Labels) > 0 {
				bw.WriteByte('{')
				for i, l := range s.Labels {
					if i > 0 {
						bw.WriteByte(',')
					}
					fmt.Fprintf(bw, "%s=\"%s\"", l.Name, escapeLabel(l.Value))
				}
				bw.WriteByte('}')
			}
			bw.WriteByte(' ')
			bw.WriteString(formatValue(s.Value))
			bw.WriteByte('\n')
		}
	}
	return bw.Flush()
}

var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

func escapeHelp(s string) string  { return helpEscaper.Replace(s) }
func escapeLabel(s string) string { return labelEscaper.Replace(s) }

func formatValue(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// MetricsHandler serves WriteMetrics, for a service that exports metrics
// without client_golang: point Prometheus at it.
func MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_ = WriteMetrics(w)
	})
}
