// Package hmapprom exports the maps that package
// github.com/hmaplab/hmap/watch watches as Prometheus metrics, through a
// collector for github.com/prometheus/client_golang:
//
//	prometheus.MustRegister(hmapprom.NewCollector())
//
// It is a module of its own, github.com/hmaplab/hmap/hmapprom, so that
// the core module's go.mod stays small: a program that uses hmap without
// client_golang never downloads client_golang, its protobuf and its other
// dependencies. A program that wants Prometheus's text format without
// client_golang can serve watch.MetricsHandler instead, which writes the
// same metrics with the standard library alone.
//
// The collector is a thin adapter over watch.Families. Each Collect reads
// the registry once and turns each watch.Sample into a constant metric,
// so the names, help strings, types, labels and values are exactly those
// that watch.WriteMetrics writes for the same state of the registry; a
// dashboard or alert written against one exporter works with the other.
//
// The names follow Prometheus's conventions: every metric starts with
// hmap_; counters end in _total; quantities are in base units (bytes,
// and plain counts and ratios). Every per-map metric carries the labels of
// watch.MapLabels: id (unique in the process), name (the map's WithName,
// empty for a sampled map), type (such as "table.Map[string, int]") and
// package (the import path of the code that created the map).
// hmap_growths_total adds a kind label, "doubling" or "same_size".
// hmap_watched_maps and hmap_sample_rate have no labels.
//
// The set of series changes as maps are created and collected, so the
// collector is unchecked: its Describe sends no descriptor, and a
// registry checks the metrics when it gathers them instead of when the
// collector is registered. It can be registered in any registry,
// pedantic ones included. Register it once in each: the registry cannot
// tell two unchecked collectors apart when they are registered, and
// reports every series of the second as a duplicate when it gathers.
package hmapprom

import (
	"slices"

	"github.com/hmaplab/hmap/watch"
	"github.com/prometheus/client_golang/prometheus"
)

// Collector is a prometheus.Collector of the maps in package watch's
// registry. Its zero value is ready to use, and it is safe for concurrent
// use.
type Collector struct{}

// NewCollector returns a collector of the maps in package watch's
// registry.
func NewCollector() prometheus.Collector { return Collector{} }

// Describe sends nothing, which makes the collector unchecked: the
// series it collects come and go with the watched maps.
func (Collector) Describe(chan<- *prometheus.Desc) {}

// Collect sends a metric for each sample of watch.Families.
func (Collector) Collect(ch chan<- prometheus.Metric) {
	for _, f := range watch.Families() {
		typ := prometheus.GaugeValue
		if f.Counter {
			typ = prometheus.CounterValue
		}
		// All samples of a family have the same label names; a
		// descriptor is built for each new list of them all the same,
		// so that a family that broke the rule would be reported by
		// the registry rather than mislabelled here.
		var (
			desc      *prometheus.Desc
			descNames []string
			names     []string
			values    []string
		)
		for _, s := range f.Samples {
			names, values = names[:0], values[:0]
			for _, l := range s.Labels {
				names = append(names, l.Name)
				values = append(values, l.Value)
			}
			if desc == nil || !slices.Equal(names, descNames) {
				descNames = slices.Clone(names)
				desc = prometheus.NewDesc(f.Name, f.Help, descNames, nil)
			}
			m, err := prometheus.NewConstMetric(desc, typ, s.Value, values...)
			if err != nil {
				m = prometheus.NewInvalidMetric(desc, err)
			}
			ch <- m
		}
	}
}
