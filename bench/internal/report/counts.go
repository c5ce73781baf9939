package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// counts are bench/opcount.sh's figures: instructions (alignment NOPs
// excluded) and simulated cache misses per operation, by impl, key and op.
type counts map[string]opCount

type opCount struct {
	instr, nops, d1, ll float64
}

func countKey(impl, key, op string) string { return impl + "/" + key + "/" + op }

// loadCounts reads an opcount.sh output, or returns nil if there is none
// (compare.sh skips the counts where valgrind is missing).
func loadCounts(path string) counts {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	c := counts{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Split(sc.Text(), "\t")
		if len(fs) < 7 || fs[0] == "impl" {
			continue
		}
		var v [4]float64
		ok := true
		for i := range v {
			x, err := strconv.ParseFloat(fs[3+i], 64)
			if err != nil {
				ok = false
			}
			v[i] = x
		}
		if ok {
			c[countKey(fs[0], fs[1], fs[2])] = opCount{instr: v[0] - v[1], nops: v[1], d1: v[2], ll: v[3]}
		}
	}
	return c
}

// instr returns impl's instructions per op for a variant's key, or NaN.
func (c counts) instr(impl, variant, op string) float64 {
	if x, ok := c[countKey(impl, keyOf(variant), op)]; ok {
		return x.instr
	}
	return math.NaN()
}

// keyOf is the key name of a matrix variant ("key=int64/elem=int64").
func keyOf(variant string) string {
	k, _, _ := strings.Cut(strings.TrimPrefix(variant, "key="), "/")
	return k
}

// countTable prints every counted cell: instructions, NOPs and misses per
// op for both impls, and the instruction ratio.
func (rp *report) countTable(c counts, label string) {
	if c == nil {
		rp.printf("(no instruction counts: valgrind was not installed when compare.sh ran)\n")
		return
	}
	rp.printf("| key | op | hmap instr | builtin instr | hmap/builtin | hmap D1 miss | builtin D1 miss | hmap LL miss | builtin LL miss |\n|---|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, key := range []string{"int64", "string", "struct16"} {
		for _, op := range []string{"get-hit", "get-miss", "set-update", "delete-reinsert", "iterate", "new-fill"} {
			h, okh := c[countKey("hmap", key, op)]
			b, okb := c[countKey("builtin", key, op)]
			if !okh || !okb {
				continue
			}
			rp.printf("| %s | %s | %.1f | %.1f | %s | %.3f | %.3f | %.3f | %.3f |\n", key, op, h.instr, b.instr, fmtRatio(h.instr/b.instr), h.d1, b.d1, h.ll, b.ll)
		}
	}
	rp.printf("\n%s\n", label)
}

func fmtInstr(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.0f", x)
}
