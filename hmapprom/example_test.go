package hmapprom_test

import (
	"fmt"
	"runtime"

	"github.com/hmaplab/hmap/hmapprom"
	"github.com/hmaplab/hmap/table"
	"github.com/prometheus/client_golang/prometheus"
)

func Example() {
	// A service registers the collector once, usually in the default
	// registry, which promhttp.Handler serves:
	//
	//	prometheus.MustRegister(hmapprom.NewCollector())
	reg := prometheus.NewRegistry()
	reg.MustRegister(hmapprom.NewCollector())

	// A named map is watched from its creation.
	sessions := table.New[string, int](0, table.WithName("sessions"))
	sessions.Put("alice", 1)
	sessions.Put("bob", 2)
	sessions.Put("carol", 3)

	mfs, err := reg.Gather()
	if err != nil {
		fmt.Println(err)
		return
	}
	// Print the entries of the map; its id label depends on the maps
	// created before it, so it is left out.
	for _, mf := range mfs {
		if mf.GetName() != "hmap_entries" {
			continue
		}
		for _, m := range mf.GetMetric() {
			l := map[string]string{}
			for _, p := range m.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			if l["name"] == "sessions" {
				fmt.Printf("%s{name=%q, type=%q, package=%q} %v\n",
					mf.GetName(), l["name"], l["type"], l["package"], m.GetGauge().GetValue())
			}
		}
	}
	runtime.KeepAlive(sessions)
	// Output:
	// hmap_entries{name="sessions", type="table.Map[string, int]", package="github.com/hmaplab/hmap/hmapprom_test"} 3
}
