package main

import (
	"math"
	"path/filepath"
)

// watchCost prints the cost of watching a map (bench/watchcost.sh): for
// get, set and grow, each way of watching against the plain map, in time
// and in instructions.
func (rp *report) watchCost() {
	r := load(rp.dir, "watch.txt", false)
	c := loadCounts(filepath.Join(rp.dir, "watch.opcount.txt"))
	if len(r) == 0 {
		rp.printf("(no results/watch.txt: run bench/watchcost.sh)\n")
		return
	}
	ops := []struct{ bench, count, what string }{
		{"get", "get-hit", "Get, hit, 1K int64 map"},
		{"set", "set-update", "Put of a present key, 1K map"},
		{"grow", "new-fill", "New, then 1K Puts (per map)"},
	}
	modes := []struct{ bench, count string }{
		{"plain", "hmap"}, {"sampled", "hmap-sampled"}, {"named", "hmap-named"}, {"traced", "hmap-traced"},
	}
	rp.printf("| op | watch | ns/op | × plain | instr/op | × plain |\n|---|---|--:|--:|--:|--:|\n")
	for _, op := range ops {
		name := "BenchmarkWatch/op=" + op.bench
		base := r.get(name, "ns/op", "plain")
		baseI := math.NaN()
		if x, ok := c[countKey("hmap", "int64", op.count)]; ok {
			baseI = x.instr
		}
		for _, md := range modes {
			ns := r.get(name, "ns/op", md.bench)
			instr := math.NaN()
			if x, ok := c[countKey(md.count, "int64", op.count)]; ok {
				instr = x.instr
			}
			rp.printf("| %s | %s | %s | %s | %s | %s |\n", op.what, md.bench, fmtNum(ns), fmtRatio(ns/base), fmtInstr(instr), fmtRatio(instr/baseI))
		}
	}
}
