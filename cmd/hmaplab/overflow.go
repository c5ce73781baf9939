package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/hash"
)

// The overflow experiment measures, against the load factor, the share of
// buckets that need an overflow bucket and the distribution of chain
// lengths, at scales real tables cannot reach in this machine's memory:
// up to 10^9 keys. It keeps no table. It hashes random uint64 keys with
// the seeded hasher a table would use, picks the bucket as a table of 2^B
// buckets does (the hash's low B bits), and counts the keys each bucket
// receives in one saturating byte, so that 10^9 keys cost 2^27 bytes.
// Keys are added progressively to the one fixed array; at each checkpoint
// (load factor 0.5, 0.6, ... 8.0) the histogram of the counts gives the
// buckets with more than 8 keys (those with an overflow bucket) and the
// chain lengths max(1, ceil(count/8)), which is what a table of that size
// at that load factor has, just before it would grow, as long as nothing
// was deleted. The histogram is kept up to date on every key, so a
// checkpoint costs 256 reads rather than a pass over the array.

const overflowQuestion = "What share of buckets overflows, and how long are the chains, against the load factor? " +
	"Keys are hashed with the seeded hasher into a fixed array of 2^B one-byte bucket counters, up to 10^9 keys, " +
	"and the measured share is set beside the Poisson model and the figures quoted for it."

// Limits of the overflow flags.
const (
	minOverflowKeys = asm.SlotCount // one bucket at load factor 8
	maxOverflowKeys = 1 << 30       // 1,073,741,824: 2^27 buckets at load factor 8
	// defaultOverflowKeys reaches load factor 8.0 exactly in 2^24 buckets
	// (16 MiB of counters, more than the caches hold): a few seconds, and
	// a standard error of 0.01 points on %overflow.
	defaultOverflowKeys = asm.SlotCount << 24
)

// Grid of checkpoints, in tenths of the load factor.
const (
	overflowGridLo = 5  // load factor 0.5
	overflowGridHi = 80 // load factor 8.0: every slot of every bucket, on average
)

// kneeHalfWidth returns the half-width, in checkpoints, of the finite
// differences that estimate the curvature for nb buckets. Adjacent
// checkpoints differ by the few buckets that crossed 8 keys in between, and
// that chance, about sqrt(2d/nb) on a difference over d of α, is divided
// by d² in a second difference: d³ >= 200/nb keeps it near a twentieth of
// the curvature's peak, about 2. From 1 checkpoint at 10^9 keys to 4, the
// most that still measures the curvature through α = 0.95 (load factor
// 7.6, with the grid ending at 8.0).
func kneeHalfWidth(nb int) int {
	d := math.Cbrt(200 / float64(nb))
	return min(4, max(1, int(math.Ceil(d*overflowGridHi))))
}

// The claimed knee's range, in checkpoints: α 0.89 to 0.95 is load factor
// 7.12 to 7.6, the checkpoints 7.2 to 7.6.
const kneeClaimLo, kneeClaimHi = 72, 76

type overflowConfig struct {
	seed uint64
	keys int // keys added in all: the last checkpoint
}

// overflowB returns the log2 of the buckets for keys keys: the smallest
// array whose load factor with every key added is at most 8.
func overflowB(keys int) int {
	b := 0
	for asm.SlotCount<<b < keys {
		b++
	}
	return b
}

// overflowPoint is the histogram at one checkpoint.
type overflowPoint struct {
	keys   int
	hist   [256]uint64 // hist[c]: buckets that received c keys (255: 255 or more)
	gridK  int         // load factor in tenths, or -1 for the last, off-grid checkpoint
	lambda float64     // keys per bucket
}

// overflowing returns the buckets that received more than 8 keys: those
// whose chain has an overflow bucket.
func (p *overflowPoint) overflowing() uint64 {
	n := uint64(0)
	for c := asm.SlotCount + 1; c < len(p.hist); c++ {
		n += p.hist[c]
	}
	return n
}

// chains returns the chains of 1, 2, 3 and 4 or more buckets, and the
// longest chain (32 or more when a counter saturated).
func (p *overflowPoint) chains() (n [4]uint64, longest int) {
	for c, k := range p.hist {
		if k == 0 {
			continue
		}
		l := max(1, (c+asm.SlotCount-1)/asm.SlotCount)
		n[min(l, 4)-1] += k
		longest = max(longest, l)
	}
	return n, longest
}

// overflowBlock is the number of keys hashed before they are counted.
const overflowBlock = 1024

// overflowSimulate adds c.keys random keys into 2^B counters and returns
// the histogram at each checkpoint, B, and the wall time.
func overflowSimulate(c overflowConfig) ([]overflowPoint, int, time.Duration) {
	start := time.Now()
	b := overflowB(c.keys)
	nb := 1 << b
	mask := uint64(nb - 1)
	counts := make([]uint8, nb)
	var hist [256]uint64
	hist[0] = uint64(nb)

	h := hash.NewSeeded[uint64]()
	// The hasher's seed and the keys' stream both come from -seed; the
	// constants keep them apart from other experiments' streams.
	hseed := (c.seed ^ 0x6f766572666c6f77) * 0x9e3779b97f4a7c15
	keys := rand.NewPCG(c.seed, 0x6f766572)

	// The checkpoints: every grid load factor the keys reach, then the
	// last key if it falls between two.
	var targets []overflowPoint
	for k := overflowGridLo; k <= overflowGridHi; k++ {
		n := int((uint64(k)<<b + 5) / 10) // round(k/10 · 2^B), in 64 bits on every platform
		if n > c.keys {
			break
		}
		targets = append(targets, overflowPoint{keys: n, gridK: k})
	}
	if len(targets) == 0 || targets[len(targets)-1].keys < c.keys {
		targets = append(targets, overflowPoint{keys: c.keys, gridK: -1})
	}

	// Keys are hashed a block at a time, then counted: with 10^9 keys the
	// counters are far larger than the caches and each count is a memory
	// miss; a loop of counts alone keeps many misses in flight at once,
	// where interleaving them with the hashing would keep a few.
	var block [overflowBlock]uint64
	added := 0
	for i := range targets {
		t := &targets[i]
		for added < t.keys {
			n := min(len(block), t.keys-added)
			for j := range block[:n] {
				block[j] = h.Hash(keys.Uint64(), hseed) & mask
			}
			for _, j := range block[:n] {
				if c := counts[j]; c < math.MaxUint8 {
					counts[j] = c + 1
					hist[c]--
					hist[c+1]++
				}
			}
			added += n
		}
		t.hist = hist
		t.lambda = float64(t.keys) / float64(nb)
	}
	return targets, b, time.Since(start)
}

// poissonChains returns the Poisson model's fractions of chains of 1, 2, 3
// and 4 or more buckets at λ keys per bucket.
func poissonChains(lambda float64) [4]float64 {
	t1, t2, t3 := poissonTail(lambda, asm.SlotCount), poissonTail(lambda, 2*asm.SlotCount), poissonTail(lambda, 3*asm.SlotCount)
	return [4]float64{1 - t1, t1 - t2, t2 - t3, t3}
}

// Claim (a), part by part: below 6.2 under 0.8%, at 6.5 about 4.3%, above
// 6.7 over 12%.
const (
	blogOverflowClaim = "below load factor 6.2 fewer than 0.8% of buckets overflow, at 6.5 it jumps to 4.3%, above 6.7 past 12%"
	blogKneeClaim     = "an overflow knee at α ≈ 0.92 ± 0.03"
	goMapsBlog        = "a blog post about Go maps"
	goOverflowAt65    = 20.90 // Go 1.23 runtime/map.go, the table at the top
)

// kneeAnalysis is what the data says about a knee.
type kneeAnalysis struct {
	ok             bool    // enough grid checkpoints for the finite differences
	covered        bool    // the curvature is measured over the whole claimed range
	halfWidth      int     // of the stencil, in checkpoints
	alpha, kappa   float64 // the measured curve's maximum curvature and where
	poissonAlpha   float64 // the model's
	kappaAt92      float64 // the measured curvature at α = 0.92 (load factor 7.36: interpolated)
	slopes         [3]float64
	slopesOK       [3]bool
	inClaimedRange bool
}

// kneeCurvature returns the curvature of a curve y(α) whose first derivative
// is d1 and second d2.
func kneeCurvature(d1, d2 float64) float64 { return d2 / math.Pow(1+d1*d1, 1.5) }

// findKnee locates the maximum curvature of the overflowing fraction y
// against α = load factor / 8, both dimensionless on [0, 1], by central
// differences over ±kneeHalfWidth grid checkpoints, and the Poisson
// model's by its exact derivatives: d/dλ P(X > 8) = P(X = 8), and
// d/dλ P(X = 8) = P(X = 7) - P(X = 8).
func findKnee(pts []overflowPoint, nb int) kneeAnalysis {
	var ka kneeAnalysis
	y := map[int]float64{} // by grid k
	for i := range pts {
		if pts[i].gridK >= 0 {
			y[pts[i].gridK] = float64(pts[i].overflowing()) / float64(nb)
		}
	}
	dk := kneeHalfWidth(nb)
	ka.halfWidth = dk
	da := float64(dk) / overflowGridHi // Δα of the stencil
	kappa := map[int]float64{}
	ka.kappa = math.Inf(-1)
	for k := overflowGridLo + dk; k+dk <= overflowGridHi; k++ {
		lo, okLo := y[k-dk]
		mid, okMid := y[k]
		hi, okHi := y[k+dk]
		if !okLo || !okMid || !okHi {
			continue
		}
		c := kneeCurvature((hi-lo)/(2*da), (hi-2*mid+lo)/(da*da))
		kappa[k] = c
		if c > ka.kappa {
			ka.ok, ka.kappa, ka.alpha = true, c, float64(k)/overflowGridHi
		}
	}
	ka.covered = ka.ok
	for k := kneeClaimLo; k <= kneeClaimHi; k++ {
		_, in := kappa[k]
		ka.covered = ka.covered && in
	}
	// α = 0.92 is load factor 7.36, between checkpoints 73 and 74.
	if a, okA := kappa[73]; okA {
		if b, okB := kappa[74]; okB {
			ka.kappaAt92 = a + 0.6*(b-a)
		}
	}
	best := math.Inf(-1)
	for i := 1; i < 1000; i++ {
		alpha := float64(i) / 1000
		l := alpha * asm.SlotCount
		p8, p7 := poissonPMF(l, 8), poissonPMF(l, 7)
		if c := kneeCurvature(asm.SlotCount*p8, asm.SlotCount*asm.SlotCount*(p7-p8)); c > best {
			best, ka.poissonAlpha = c, alpha
		}
	}
	ka.inClaimedRange = ka.ok && ka.alpha >= 0.89-1e-9 && ka.alpha <= 0.95+1e-9
	// Slopes of %overflow, in points per 0.1 of load factor, before,
	// within and after the claimed range: α 0.85-0.8875, 0.8875-0.95,
	// 0.95-1.0 (load factors 6.8-7.1, 7.1-7.6, 7.6-8.0).
	for i, r := range [3][2]int{{68, 71}, {71, 76}, {76, 80}} {
		a, okA := y[r[0]]
		b, okB := y[r[1]]
		if okA && okB {
			ka.slopes[i], ka.slopesOK[i] = 100*(b-a)/float64(r[1]-r[0]), true
		}
	}
	return ka
}

// overflowRun measures every checkpoint and sets the claims beside them.
func overflowRun(c overflowConfig) *result {
	pts, b, elapsed := overflowSimulate(c)
	nb := 1 << b
	t := newTable(
		column{"keys", "%d"}, column{"buckets", "%d"},
		column{"load_factor", "%.2f"}, column{"alpha", "%.4f"},
		column{"overflow_pct", "%.3f"}, column{"poisson_overflow_pct", "%.3f"}, column{"z", "%+.1f"},
		column{"chain1", "%.5f"}, column{"chain2", "%.5f"}, column{"chain3", "%.5f"}, column{"chain4plus", "%.2e"},
		column{"poisson_chain2", "%.5f"},
		column{"longest_chain", "%d"},
	)
	byK := map[int]int{} // grid k → row
	for i := range pts {
		p := &pts[i]
		if p.gridK >= 0 {
			byK[p.gridK] = i
		}
		ovf := float64(p.overflowing()) / float64(nb)
		pois := poissonTail(p.lambda, asm.SlotCount)
		// z: the difference in standard errors of a share of nb buckets.
		z := (ovf - pois) / math.Sqrt(pois*(1-pois)/float64(nb))
		ch, longest := p.chains()
		var f [4]float64
		for j := range ch {
			f[j] = float64(ch[j]) / float64(nb)
		}
		t.add(p.keys, nb, p.lambda, p.lambda/asm.SlotCount, 100*ovf, 100*pois, z,
			f[0], f[1], f[2], f[3], poissonChains(p.lambda)[1], longest)
	}
	ovfAt := func(k int) (float64, bool) {
		i, ok := byK[k]
		if !ok {
			return 0, false
		}
		return t.col("overflow_pct")[i], true
	}

	r := &result{
		Experiment: "overflow",
		Question:   overflowQuestion,
		Command:    fmt.Sprintf("hmaplab overflow -seed %d -keys %d", c.seed, c.keys),
		Seed:       c.seed,
		Setup: []string{fmt.Sprintf("%d random uint64 keys (PCG seeded by -seed), hashed with hash.NewSeeded[uint64] "+
			"under a seed derived from -seed, into 2^%d = %d buckets (bucket = hash & (2^B-1)), "+
			"the smallest power of two that holds them at load factor 8; one saturating byte per bucket: %s of counters. "+
			"Keys are added progressively; each row is the array as it stood when the load factor reached its value. "+
			"A chain holds max(1, ceil(count/8)) buckets; overflow_pct counts buckets with more than 8 keys. "+
			"poisson_* is the model with λ = load factor; z is (measured - Poisson) in standard errors of a share of %d buckets. "+
			"Simulated in %.1f s.",
			c.keys, b, nb, counterBytes(nb), nb, elapsed.Seconds())},
		Table: t,
	}

	// Claim (a), part by part.
	type part struct {
		text   string
		ok, in bool // in: the data reaches it
	}
	var parts []part
	{
		var worst float64
		worstK, in := 0, false
		for k := overflowGridLo; k < 62; k++ {
			if v, ok := ovfAt(k); ok && v >= worst {
				worst, worstK, in = v, k, true
			}
		}
		cross := "never"
		for k := overflowGridLo; k <= overflowGridHi; k++ {
			if v, ok := ovfAt(k); ok && v >= 0.8 {
				cross = fmt.Sprintf("from load factor %.1f", float64(k)/10)
				break
			}
		}
		parts = append(parts, part{fmt.Sprintf("below 6.2: %.2f%% at %.1f (0.8%% is passed %s)", worst, float64(worstK)/10, cross), in && worst < 0.8, in})
	}
	at65, has65 := ovfAt(65)
	parts = append(parts, part{fmt.Sprintf("at 6.5: %.2f%% (claimed 4.3%%)", at65), has65 && math.Abs(at65-4.3) <= tolOverflow, has65})
	{
		least, in := math.Inf(1), false
		for k := 68; k <= overflowGridHi; k++ {
			if v, ok := ovfAt(k); ok {
				least, in = math.Min(least, v), true
			}
		}
		parts = append(parts, part{fmt.Sprintf("above 6.7: at least %.2f%% (claimed past 12%%)", least), in && least > 12, in})
	}
	var texts []string
	held, tested := 0, 0
	for _, p := range parts {
		if !p.in {
			continue
		}
		tested++
		mark := "wrong"
		if p.ok {
			held++
			mark = "right"
		}
		texts = append(texts, p.text+", "+mark)
	}
	if tested > 0 {
		v := refuted
		switch {
		case held == tested:
			v = holds
		case 2*held > tested:
			v = partly
		}
		r.Claims = append(r.Claims, claim{
			Source:   goMapsBlog,
			Claim:    blogOverflowClaim,
			Measured: fmt.Sprintf("%s; %d of %d parts right", strings.Join(texts, "; "), held, tested),
			Verdict:  v,
		})
	}
	if has65 {
		r.Claims = append(r.Claims, claim{
			Source:   "Go 1.23 runtime/map.go, the table at the top",
			Claim:    fmt.Sprintf("at load factor 6.5, %.2f%% of buckets overflow", goOverflowAt65),
			Measured: fmt.Sprintf("%.2f%% (Poisson %.2f%%), tolerance ±%.1f points", at65, 100*poissonTail(6.5, asm.SlotCount), tolOverflow),
			Verdict:  verdict(math.Abs(at65-goOverflowAt65) <= tolOverflow),
		})
	}

	ka := findKnee(pts, nb)
	if ka.covered {
		m := fmt.Sprintf("knee taken as the maximum curvature of the overflowing share against α (both on [0, 1], "+
			"central differences ±%.4f of α): at α = %.3f (load factor %.1f); the Poisson model's at α = %.3f; ",
			float64(ka.halfWidth)/overflowGridHi, ka.alpha, ka.alpha*asm.SlotCount, ka.poissonAlpha)
		if ka.kappaAt92 != 0 {
			m += fmt.Sprintf("at α = 0.92 the curvature is %.2f, %.0f%% of its maximum %.2f; ", ka.kappaAt92, 100*ka.kappaAt92/ka.kappa, ka.kappa)
		}
		names := [3]string{"α 0.85-0.89", "0.89-0.95", "0.95-1.00"}
		var sl []string
		for i := range ka.slopes {
			if ka.slopesOK[i] {
				sl = append(sl, fmt.Sprintf("%.3f (%s)", ka.slopes[i], names[i]))
			}
		}
		if len(sl) > 0 {
			m += "slope of %overflow in points per 0.1 of load factor: " + strings.Join(sl, ", ")
		}
		r.Claims = append(r.Claims, claim{Source: goMapsBlog, Claim: blogKneeClaim, Measured: m, Verdict: verdict(ka.inClaimedRange)})
	}

	r.Notes = overflowNotes(t, byK, ka)

	// The plot: %overflow on a log axis, where the model is above 0.001%
	// (below it a single bucket is most of the measurement).
	lf, ovf, pois := t.col("load_factor"), t.col("overflow_pct"), t.col("poisson_overflow_pct")
	var xs, ym, yp []float64
	for i := range lf {
		if pois[i] >= 1e-3 {
			xs, ym, yp = append(xs, lf[i]), append(ym, ovf[i]), append(yp, pois[i])
		}
	}
	r.plot = (&chart{title: fmt.Sprintf("Buckets with an overflow bucket, 2^%d buckets", b), x: "load factor (keys per bucket)", y: "% of buckets", logY: true}).
		add(series{name: "measured (seeded hash)", xs: xs, ys: ym}).
		add(series{name: "Poisson model", xs: xs, ys: yp, reference: true}).
		add(series{name: "blog claim (6.2: 0.8%, 6.5: 4.3%, 6.7: 12%)", xs: []float64{6.2, 6.5, 6.7}, ys: []float64{0.8, 4.3, 12}, pointsOnly: true}).
		add(series{name: "Go 1.23 map.go (6.5: 20.90%)", xs: []float64{6.5}, ys: []float64{goOverflowAt65}, pointsOnly: true})
	return r
}

// overflowNotes says what the data shows beyond the claims.
func overflowNotes(t *dataTable, byK map[int]int, ka kneeAnalysis) []string {
	var notes []string
	z := t.col("z")
	worst, worstAt := 0.0, 0.0
	for i, v := range z {
		if math.Abs(v) > math.Abs(worst) {
			worst, worstAt = v, t.col("load_factor")[i]
		}
	}
	notes = append(notes, fmt.Sprintf("The measured share follows the Poisson tail P(X > 8) at every checkpoint: "+
		"the largest deviation is %+.1f standard errors, at load factor %.1f "+
		"(the checkpoints share their keys, so their deviations are correlated, not independent draws).", worst, worstAt))
	if i, ok := byK[80]; ok {
		ch := [4]float64{t.col("chain1")[i], t.col("chain2")[i], t.col("chain3")[i], t.col("chain4plus")[i]}
		notes = append(notes, fmt.Sprintf("Even at load factor 8.0, with every slot filled on average, %.1f%% of chains are a single bucket, "+
			"%.1f%% two, %.2f%% three and %.4f%% four or more; the longest has %d buckets.",
			100*ch[0], 100*ch[1], 100*ch[2], 100*ch[3], int(t.col("longest_chain")[i])))
	}
	if ka.ok && !ka.covered {
		notes = append(notes, fmt.Sprintf("The knee claim is not tested: the curvature, by differences over ±%d checkpoints, "+
			"needs checkpoints up to load factor %.1f to cover α = 0.89 to 0.95; these keys reach %.2f.",
			ka.halfWidth, float64(kneeClaimHi+ka.halfWidth)/10, t.col("load_factor")[len(t.Rows)-1]))
	}
	if ka.covered && !ka.inClaimedRange {
		notes = append(notes, fmt.Sprintf("There is no knee near α = 0.92. The share overflowing is a Poisson tail, smooth and convex in α up to α = 1: "+
			"its slope, P(X = 8) per unit of λ, grows until λ = 8 (α = 1), where the curve has its inflection, and its curvature peaks far lower, "+
			"at α ≈ %.2f (load factor %.1f). On a log axis the curve is concave throughout, so no reading of the plot puts a knee at 0.92.",
			ka.alpha, ka.alpha*asm.SlotCount))
	}
	return notes
}

// counterBytes writes n bytes in binary units.
func counterBytes(n int) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func runOverflow(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("overflow", overflowQuestion, &l)
	keys := fs.Int("keys", defaultOverflowKeys, fmt.Sprintf("keys added in all, %d to %d: they fill the smallest power-of-two array of buckets to load factor 8 at most "+
		"(8·2^B keys reach 8.0 exactly); one byte of memory per bucket", minOverflowKeys, maxOverflowKeys))
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	if *keys < minOverflowKeys || *keys > maxOverflowKeys {
		return usagef("-keys %d out of range: want %d to %d", *keys, minOverflowKeys, maxOverflowKeys)
	}
	return overflowRun(overflowConfig{seed: l.seed, keys: *keys}).emit(&l, out)
}
