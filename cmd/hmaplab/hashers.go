package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/hmaplab/hmap/hash"
	"github.com/zeebo/xxh3"
)

// The hashers experiment measures how evenly each hasher spreads keys over
// a table's buckets. For every hasher and key family it drops n = 6.5·2^B
// keys into 2^B buckets by the hash's low B bits, as a map at its load
// factor does, once per seed, and tests the bucket-occupancy histogram
// against Poisson(6.5) with a chi-square test. A good hasher passes for a
// random share of seeds only: its per-seed p-values are uniform on (0, 1),
// which a Kolmogorov-Smirnov test checks. Beside it: the dispersion of the
// bucket counts (which tells too regular from clumped), the spread of the
// top 8 bits (the tophash), the share of overflowing buckets and the
// longest chain. A sweep of masks that keep fewer and fewer of the low B
// bits shows how fast a weak hasher degrades.

const hashersQuestion = "How evenly does each hasher spread keys over the buckets, and does the seed change that? " +
	"For each hasher and key family, n = 6.5·2^B keys fall into 2^B buckets by their hash's low B bits, under many seeds; " +
	"the bucket-occupancy histogram is tested against Poisson(6.5) by chi-square, the per-seed p-values against " +
	"uniform by Kolmogorov-Smirnov, and a mask that keeps fewer and fewer low bits shows how fast a weak hasher degrades."

// Limits of the hashers flags. With B below 8 the 256 tophash cells would
// expect fewer than 5 keys each, too few for a chi-square test.
const (
	minHashersB, maxHashersB         = 8, 16
	minHashersSeeds, maxHashersSeeds = 5, 1000
)

// hashersLoad is the mean number of keys per bucket: the default load
// factor, at which a map is about to grow.
const hashersLoad = 6.5

// defaultHashersMask keeps the top 8 bits (the tophash) and the low 4: 16
// buckets of 2^B at most.
const defaultHashersMask = 0xff00_0000_0000_000f

// Test thresholds: a pair (hasher, family) spreads like chance if the KS
// p-value of its per-seed p-values exceeds hashersAlpha and fewer than
// hashersMaxReject of its seeds have a p-value below hashersAlpha.
const (
	hashersAlpha     = 0.01
	hashersMaxReject = 0.05
)

type hashersConfig struct {
	seed  uint64
	b     int    // log2 of the buckets
	seeds int    // hash seeds per (hasher, family)
	mask  uint64 // the masked hasher's mask
}

// The hashers compared, in the table's order. good are those the claims
// expect to spread keys like chance.
var (
	hashersNames = []string{"seeded", "xxh3", "runtime", "identity", "masked"}
	hashersGood  = []string{"seeded", "xxh3", "runtime"}
)

// pair16 is the struct16 family's key: two small sequential fields.
type pair16 struct{ A, B int64 }

// ptrBase is where the pointer-like families start: the address of an
// early heap arena on linux/amd64.
const ptrBase = 0xc000010000

// keyFamily is a set of n keys of one type, and the hashers that apply to
// it. Families whose keys do not depend on the seed index are generated
// once: only the hash seed changes from one seed to the next.
type keyFamily interface {
	name() string
	// hashes fills dst with the hashes of the family's keys for seed index
	// i under hasher h and hash seed seed; it returns false if h does not
	// apply to the family (identity on strings and structs).
	hashes(h string, mask, seed uint64, keySeed uint64, i int, dst []uint64) bool
}

type family[K comparable] struct {
	label   string
	perSeed bool                          // keys drawn afresh for each seed index
	gen     func(r *rand.Rand, n int) []K // r is nil unless perSeed
	xxh3    hash.Hasher[K]                // XXH3 itself for strings, XXH3 of the key's little-endian bytes otherwise
	fixed   []K                           // the keys, if not perSeed
}

func (f *family[K]) name() string { return f.label }

func (f *family[K]) hasher(h string, mask uint64) (hash.Hasher[K], bool) {
	switch h {
	case "runtime":
		return hash.NewRuntime[K](), true
	case "xxh3":
		return f.xxh3, true
	case "seeded":
		return hash.NewSeeded[K](), true
	case "identity":
		// Identity takes integers only: K is one for some families.
		if id, ok := any(hash.Identity[int64]{}).(hash.Hasher[K]); ok {
			return id, true
		}
		if id, ok := any(hash.Identity[uint64]{}).(hash.Hasher[K]); ok {
			return id, true
		}
		return nil, false
	case "masked":
		return hash.Masked[K]{Inner: hash.NewSeeded[K](), Mask: mask}, true
	}
	panic("hmaplab: unknown hasher " + h)
}

func (f *family[K]) keys(keySeed uint64, i, n int) []K {
	if !f.perSeed {
		if len(f.fixed) != n {
			f.fixed = f.gen(nil, n)
		}
		return f.fixed
	}
	return f.gen(rand.New(rand.NewPCG(keySeed, uint64(i))), n)
}

func (f *family[K]) hashes(name string, mask, seed, keySeed uint64, i int, dst []uint64) bool {
	h, ok := f.hasher(name, mask)
	if !ok {
		return false
	}
	for j, k := range f.keys(keySeed, i, len(dst)) {
		dst[j] = h.Hash(k, seed)
	}
	return true
}

// The XXH3 hashers of the non-string families hash the key's
// little-endian bytes, as a hash of a byte encoding would.
func xxh3Int64(k int64, seed uint64) uint64 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(k))
	return xxh3.HashSeed(b[:], seed)
}

func xxh3Uint64(k uint64, seed uint64) uint64 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], k)
	return xxh3.HashSeed(b[:], seed)
}

func xxh3Pair16(k pair16, seed uint64) uint64 {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:], uint64(k.A))
	binary.LittleEndian.PutUint64(b[8:], uint64(k.B))
	return xxh3.HashSeed(b[:], seed)
}

// sessionKey is the strings family's i-th key: 31 bytes, the first 24
// shared by every key below 10^7.
func sessionKey(i int) string { return fmt.Sprintf("user-session-%018d", i) }

// hashersFamilies returns the key families, in the table's order.
func hashersFamilies() []keyFamily {
	return []keyFamily{
		&family[int64]{label: "seq int64", xxh3: hash.Func[int64](xxh3Int64),
			gen: func(_ *rand.Rand, n int) []int64 {
				k := make([]int64, n)
				for i := range k {
					k[i] = int64(i)
				}
				return k
			}},
		&family[int64]{label: "random int64", perSeed: true, xxh3: hash.Func[int64](xxh3Int64),
			gen: func(r *rand.Rand, n int) []int64 {
				k := make([]int64, n)
				for i := range k {
					k[i] = int64(r.Uint64())
				}
				return k
			}},
		&family[string]{label: "prefix string", xxh3: hash.XXH3[string]{},
			gen: func(_ *rand.Rand, n int) []string {
				k := make([]string, n)
				for i := range k {
					k[i] = sessionKey(i)
				}
				return k
			}},
		&family[pair16]{label: "struct16", xxh3: hash.Func[pair16](xxh3Pair16),
			gen: func(_ *rand.Rand, n int) []pair16 {
				// A runs over 0, 1, 2, ... and B over 0..63 within each A:
				// row and column numbers of a 64-wide grid.
				k := make([]pair16, n)
				for i := range k {
					k[i] = pair16{int64(i / 64), int64(i % 64)}
				}
				return k
			}},
		ptrFamily("ptr16", 16),
		ptrFamily("ptr64", 64),
	}
}

// ptrFamily returns addresses of objects of size bytes laid out from
// ptrBase: their low log2(size) bits are zero.
func ptrFamily(label string, size uint64) keyFamily {
	return &family[uint64]{label: label, xxh3: hash.Func[uint64](xxh3Uint64),
		gen: func(_ *rand.Rand, n int) []uint64 {
			k := make([]uint64, n)
			for i := range k {
				k[i] = ptrBase + uint64(i)*size
			}
			return k
		}}
}

// occupancy is what one seed's hashes make of a table of 2^B buckets.
type occupancy struct {
	chi2, p     float64 // histogram against Poisson
	disp, dispP float64 // dispersion: Σ(c-λ)²/λ over buckets, against χ²(m-1)
	top, topP   float64 // top 8 bits over 256 cells
	overflow    float64 // share of buckets with more than 8 keys
	maxKeys     int     // keys in the fullest bucket
}

// poissonBins splits bucket counts into bins whose expected number of
// buckets, under Poisson(λ) over m buckets, is at least 5: bin j holds the
// counts from lo[j] to lo[j+1]-1, the last one every count from lo[last]
// up. It returns the bins' lower bounds and expected numbers.
func poissonBins(lambda float64, m int) (lo []int, expected []float64) {
	acc, start := 0.0, 0
	// Close a bin at 5 expected buckets while the counts above still
	// expect 5 buckets or more.
	for k := 0; float64(m)*poissonTail(lambda, k) >= 5; k++ {
		acc += float64(m) * poissonPMF(lambda, k)
		if acc >= 5 {
			lo, expected = append(lo, start), append(expected, acc)
			acc, start = 0, k+1
		}
	}
	// The rest, from start up, expects m·P(X > start-1) buckets: summed
	// upward as poissonTail does, so that the pooled tail keeps precision.
	rest := float64(m) * poissonTail(lambda, start-1)
	if rest >= 5 || len(lo) == 0 {
		lo, expected = append(lo, start), append(expected, rest)
	} else {
		expected[len(expected)-1] += rest
	}
	return lo, expected
}

// occupancyOf measures hashes dropped into 2^b buckets.
func occupancyOf(hs []uint64, b int, lo []int, expected []float64, counts []int) occupancy {
	m := 1 << b
	clear(counts)
	var top [256]int
	for _, h := range hs {
		counts[h&uint64(m-1)]++
		top[h>>56]++
	}
	lambda := float64(len(hs)) / float64(m)
	var o occupancy
	observed := make([]float64, len(lo))
	over := 0
	for _, c := range counts {
		j, _ := slices.BinarySearch(lo, c+1) // the first bound above c
		observed[j-1]++
		d := float64(c) - lambda
		o.disp += d * d / lambda
		if c > 8 {
			over++
		}
		o.maxKeys = max(o.maxKeys, c)
	}
	for j, e := range expected {
		d := observed[j] - e
		o.chi2 += d * d / e
	}
	// The n keys are fixed, so the counts sum to n: the mean count is λ
	// exactly, as if λ had been estimated from the data, which costs the
	// test one more degree of freedom than the bins' own constraint.
	o.p = chiSquareSF(o.chi2, float64(len(lo)-2))
	o.dispP = chiSquareSF(o.disp, float64(m-1))
	et := float64(len(hs)) / 256
	for _, c := range top {
		d := float64(c) - et
		o.top += d * d / et
	}
	o.topP = chiSquareSF(o.top, 255)
	o.overflow = float64(over) / float64(m)
	return o
}

// hashersRow is the summary over seeds of one (hasher, family, mask).
type hashersRow struct {
	hasher, family string
	bucketBits     int // low bits the hash keeps of the B that pick a bucket
	applies        bool
	reproducible   bool
	chi2PerDF      float64 // median over seeds
	medianP        float64
	reject         float64 // share of seeds with p < hashersAlpha
	ksD, ksP       float64 // per-seed p-values against U(0,1)
	dispPerDF      float64 // median dispersion / (m-1): <1 too regular, >1 clumped
	dispP          float64 // median dispersion p-value
	topMedianP     float64
	topKSP         float64
	overflowPct    float64 // mean over seeds
	overflowSD     float64 // its standard deviation across seeds, in points
	maxKeys        float64 // mean over seeds of the fullest bucket
	expectedMax    float64 // the same under uniform hashing over the reachable buckets
	spread         string
}

// passes reports whether the row's p-values look like chance.
func (r *hashersRow) passes() bool {
	return r.applies && r.ksP > hashersAlpha && r.reject < hashersMaxReject
}

// marginal reports whether a row that fails passes would pass once the
// thresholds are corrected for testing the good hashers' pairs together
// (Bonferroni): among many pairs of a good hasher, a few fail at 1% by
// chance.
func (r *hashersRow) marginal() bool {
	pairs := float64(len(hashersGood) * len(hashersFamilies()))
	return r.applies && r.ksP > hashersAlpha/pairs && r.reject < 2*hashersMaxReject
}

// hashersSeeds draws the hash seeds: 32-bit, as a map's are.
func hashersSeeds(seed uint64, n int) []uint64 {
	r := rand.New(rand.NewPCG(seed, 0x68617368))
	s := make([]uint64, n)
	for i := range s {
		s[i] = uint64(uint32(r.Uint64()))
	}
	return s
}

// hashersMeasure runs one (hasher, family, mask) over every seed.
func hashersMeasure(c hashersConfig, f keyFamily, h string, mask uint64, seeds []uint64) hashersRow {
	m := 1 << c.b
	n := int(hashersLoad * float64(m))
	lo, expected := poissonBins(hashersLoad, m)
	row := hashersRow{hasher: h, family: f.name(), bucketBits: c.b, reproducible: h != "runtime"}
	if h == "masked" {
		row.bucketBits = bits.OnesCount64(mask & uint64(m-1))
	}
	hs, counts := make([]uint64, n), make([]int, m)
	var ps, chi, disp, dispP, topP, ovf []float64
	maxSum := 0
	for i, s := range seeds {
		if !f.hashes(h, mask, s, c.seed, i, hs) {
			return row
		}
		o := occupancyOf(hs, c.b, lo, expected, counts)
		ps, chi = append(ps, o.p), append(chi, o.chi2/float64(len(lo)-2))
		disp, dispP = append(disp, o.disp/float64(m-1)), append(dispP, o.dispP)
		topP, ovf = append(topP, o.topP), append(ovf, 100*o.overflow)
		maxSum += o.maxKeys
	}
	row.applies = true
	row.chi2PerDF, row.medianP = median(chi), median(ps)
	for _, p := range ps {
		if p < hashersAlpha {
			row.reject++
		}
	}
	row.reject /= float64(len(ps))
	row.ksD, row.ksP = ksUniform(ps)
	row.dispPerDF, row.dispP = median(disp), median(dispP)
	row.topMedianP = median(topP)
	_, row.topKSP = ksUniform(topP)
	row.overflowPct, row.overflowSD = meanSD(ovf)
	row.maxKeys = float64(maxSum) / float64(len(seeds))
	reach := 1 << row.bucketBits
	row.expectedMax = expectedMaxPoisson(float64(n)/float64(reach), reach)
	switch {
	case row.passes():
		row.spread = "chance"
	case row.marginal():
		row.spread = "chance (marginal)"
	case row.dispP > 1-hashersAlpha:
		row.spread = "too regular"
	case row.dispP < hashersAlpha:
		row.spread = "clumped"
	default:
		row.spread = "suspect"
	}
	if row.topMedianP < hashersAlpha {
		row.spread += ", tophash clumped"
	}
	return row
}

func hashersRun(c hashersConfig) *result {
	seeds := hashersSeeds(c.seed, c.seeds)
	fams := hashersFamilies()
	m := 1 << c.b
	n := int(hashersLoad * float64(m))
	var rows []hashersRow
	for _, h := range hashersNames {
		for _, f := range fams {
			rows = append(rows, hashersMeasure(c, f, h, c.mask, seeds))
		}
	}
	// The sweep: top 8 bits and the low k, for k from B down to 0, over
	// random keys, through the seeded hasher.
	var sweep []hashersRow
	for k := c.b; k >= 0; k-- {
		r := hashersMeasure(c, fams[1], "masked", 0xff<<56|(1<<k-1), seeds)
		r.hasher = "masked-sweep"
		sweep = append(sweep, r)
	}
	t := newTable(
		column{"hasher", "%s"}, column{"family", "%s"}, column{"bucket_bits", "%d"}, column{"reproducible", "%v"},
		column{"chi2_per_df", "%.3g"}, column{"median_p", "%.3f"}, column{"reject_pct", "%.0f"},
		column{"ks_p", "%.3f"}, column{"dispersion", "%.3g"}, column{"tophash_p", "%.3f"},
		column{"overflow_pct", "%.2f"}, column{"poisson_overflow_pct", "%.2f"},
		column{"max_keys", "%.1f"}, column{"uniform_max_keys", "%.1f"}, column{"spread", "%s"},
	)
	pOvf := 100 * poissonTail(hashersLoad, 8)
	for _, r := range append(slices.Clone(rows), sweep...) {
		if !r.applies {
			nan := math.NaN()
			t.add(r.hasher, r.family, r.bucketBits, r.reproducible, nan, nan, nan, nan, nan, nan, nan, pOvf, nan, nan, "n/a")
			continue
		}
		t.add(r.hasher, r.family, r.bucketBits, r.reproducible, r.chi2PerDF, r.medianP, 100*r.reject,
			r.ksP, r.dispPerDF, r.topMedianP, r.overflowPct, pOvf, r.maxKeys, r.expectedMax, r.spread)
	}
	res := &result{
		Experiment: "hashers",
		Question:   hashersQuestion,
		Command:    fmt.Sprintf("hmaplab hashers -seed %d -B %d -seeds %d -mask %#x", c.seed, c.b, c.seeds, c.mask),
		Seed:       c.seed,
		Setup: []string{
			fmt.Sprintf("Each row: %d keys into 2^%d = %d buckets by hash & %d (λ = %.1f keys per bucket), under %d hash seeds (32-bit, as a map's). "+
				"Families: seq int64 0..n-1; random int64 (drawn afresh for each seed); prefix string %q.. (31 bytes, 24 shared); "+
				"struct16 {A, B int64} = {i/64, i%%64}; ptr16 and ptr64, addresses %#x + 16i and + 64i. "+
				"Only random int64's keys change with the seed; the others keep their keys and change only the hash seed.",
				n, c.b, m, m-1, hashersLoad, c.seeds, sessionKey(0), uint64(ptrBase)),
			fmt.Sprintf("Hashers: seeded is hash.NewSeeded; xxh3 is hash.XXH3 for strings and XXH3-64 (zeebo/xxh3 HashSeed) of the key's little-endian bytes otherwise; "+
				"runtime is the builtin map's hash, keyed per process at random, so its rows change from run to run (-seed fixes its keys and hash seeds, not its key); "+
				"identity applies to integers only; masked is seeded & %#x (%d bucket bits). "+
				"masked-sweep keeps the top 8 bits and the low k (bucket_bits) of seeded's hash of random int64 keys.",
				c.mask, bits.OnesCount64(c.mask&uint64(m-1))),
			fmt.Sprintf("chi2_per_df is the median over seeds of the chi-square of the bucket-count histogram against Poisson(λ) (bins pooled to expect 5 buckets or more; df = bins - 2, "+
				"since the counts sum to n), median_p its median p-value, reject_pct the share of seeds with p < %.2f, ks_p the Kolmogorov-Smirnov p-value of the per-seed p-values against uniform. "+
				"dispersion is the median of Σ(count-λ)²/λ/(buckets-1): 1 for chance, below for too regular, above for clumped. "+
				"tophash_p is the median p-value of the top 8 bits' chi-square over 256 cells. "+
				"max_keys is the mean over seeds of the fullest bucket's keys; uniform_max_keys its expectation if keys fell uniformly on the buckets the hasher can reach. "+
				"spread is chance if ks_p > %.2f and reject_pct < %.0f.",
				hashersAlpha, hashersAlpha, 100*hashersMaxReject),
		},
		Table: t,
	}
	res.Claims, res.Notes = hashersClaims(c, rows, sweep, seeds)
	ks, chi, mx, ex := make([]float64, len(sweep)), make([]float64, len(sweep)), make([]float64, len(sweep)), make([]float64, len(sweep))
	for i, r := range sweep {
		ks[i], chi[i], mx[i], ex[i] = float64(r.bucketBits), r.chi2PerDF, r.maxKeys, r.expectedMax
	}
	res.plot = (&chart{title: fmt.Sprintf("Masking the low bits: 2^%d buckets, %d keys", c.b, n),
		x: "low hash bits kept (bucket bits)", y: "chi-square/df, or keys (log)", logY: true}).
		add(series{name: "chi-square/df of the histogram", xs: ks, ys: chi}).
		add(series{name: "keys in the fullest bucket", xs: ks, ys: mx}).
		add(series{name: "fullest bucket, uniform model", xs: ks, ys: ex, reference: true})
	return res
}

// hashersFind returns the row of hasher h and family f.
func hashersFind(rows []hashersRow, h, f string) *hashersRow {
	for i := range rows {
		if rows[i].hasher == h && rows[i].family == f {
			return &rows[i]
		}
	}
	return nil
}

func hashersClaims(c hashersConfig, rows, sweep []hashersRow, seeds []uint64) ([]claim, []string) {
	m := 1 << c.b
	n := int(hashersLoad * float64(m))

	// (1) Good hashers: per-seed p-values like chance. With many pairs, a
	// few fail the 1% tests by chance alone; a failure counts against the
	// claim only if it also fails Bonferroni's correction for the number
	// of pairs.
	pairs, pass, marginal, below, total := 0, 0, 0, 0, 0
	minKS, maxReject := 1.0, 0.0
	var fails []string
	for _, r := range rows {
		if !slices.Contains(hashersGood, r.hasher) {
			continue
		}
		pairs++
		below += int(math.Round(r.reject * float64(len(seeds))))
		total += len(seeds)
		minKS, maxReject = min(minKS, r.ksP), max(maxReject, r.reject)
		if r.passes() {
			pass++
			continue
		}
		fails = append(fails, fmt.Sprintf("%s/%s (KS p %.3g, %.0f%% below %.2f)", r.hasher, r.family, r.ksP, 100*r.reject, hashersAlpha))
	}
	for _, r := range rows {
		if slices.Contains(hashersGood, r.hasher) && !r.passes() && r.marginal() {
			marginal++
		}
	}
	goodVerdict := holds
	if pass+marginal < pairs {
		goodVerdict = refuted
		if pass+marginal >= pairs*2/3 {
			goodVerdict = partly
		}
	}
	failText := ""
	if len(fails) > 0 {
		failText = fmt.Sprintf("; failing: %s, of which %d within Bonferroni's correction (KS p > %.2g/%d, under %.0f%% below)",
			strings.Join(fails, ", "), marginal, hashersAlpha, pairs, 200*hashersMaxReject)
	}
	claims := []claim{{
		Source: "hmap's question",
		Claim:  "a good hasher's bucket counts are Poisson for every seed: chi-square p-value above 0.01",
		Measured: fmt.Sprintf("%d of %d (hasher, family) pairs of seeded, xxh3 and runtime spread like chance over %d seeds "+
			"(KS p of the per-seed p-values > %.2f and under %.0f%% of seeds below %.2f)%s; "+
			"%d of %d seed p-values below %.2f in all (%.0f expected by chance), lowest KS p %.3f. "+
			"Not literally every seed: 1%% of seeds fall below 0.01 by chance, as they should",
			pass, pairs, len(seeds), hashersAlpha, 100*hashersMaxReject, hashersAlpha, failText,
			below, total, hashersAlpha, hashersAlpha*float64(total), minKS),
		Verdict: goodVerdict,
	}}

	// (2) Does the seed change the statistics? It changes which keys
	// share a bucket: count the keys of seq int64 that keep their bucket
	// from the first seed to the second under the seeded hasher.
	f := hashersFamilies()[0]
	h0, h1 := make([]uint64, n), make([]uint64, n)
	f.hashes("seeded", 0, seeds[0], c.seed, 0, h0)
	f.hashes("seeded", 0, seeds[1], c.seed, 1, h1)
	same := 0
	for i := range h0 {
		if h0[i]&uint64(m-1) == h1[i]&uint64(m-1) {
			same++
		}
	}
	seq := hashersFind(rows, "seeded", "seq int64")
	// The spread of %overflow that chance gives: each bucket overflows
	// with probability q = P(X > 8), but the counts sum to n, which
	// removes the part of the variance that goes with the total:
	// Cov(1{X>8}, X)²/Var(X) = (λ·P(X=8))²/λ per bucket.
	q := poissonTail(hashersLoad, 8)
	cov := hashersLoad * poissonPMF(hashersLoad, 8)
	chanceSD := 100 * math.Sqrt((q*(1-q)-cov*cov/hashersLoad)/float64(m))
	// The claim is refuted if the seed moves keys to other buckets (about
	// 1/m keep theirs) while the p-values of the reproducible good hashers
	// stay uniform. The runtime's rows are left out: its hash differs from
	// one process and one architecture to the next (on arm64 its AES hash
	// spreads sequential keys more evenly than chance), which says nothing
	// about what the seed does.
	moved := float64(same) < 4*float64(n)/float64(m)+10
	reproducibleUniform := true
	for _, r := range rows {
		if (r.hasher == "seeded" || r.hasher == "xxh3") && !r.passes() && !r.marginal() {
			reproducibleUniform = false
		}
	}
	claims = append(claims, claim{
		Source: "hmap's question",
		Claim:  "the seed changes collision statistics",
		Measured: fmt.Sprintf("it changes which keys collide: from one seed to the next %d of %d seq int64 keys keep their bucket under seeded (%.1f expected by chance); "+
			"not how many: per-seed p-values of seeded and xxh3 are uniform (%v), and seeded/seq int64's %%overflow is %.2f ± %.2f across seeds, "+
			"as chance gives (Poisson counts summing to n: %.2f ± %.2f)",
			same, n, float64(n)/float64(m), reproducibleUniform, seq.overflowPct, seq.overflowSD, 100*q, chanceSD),
		Verdict: verdict(!(moved && reproducibleUniform)),
	})

	// (3) Identity on integers.
	idSeq, idPtr, idRand := hashersFind(rows, "identity", "seq int64"), hashersFind(rows, "identity", "ptr16"), hashersFind(rows, "identity", "random int64")
	seqOK := idSeq.dispP > hashersAlpha
	ptrOK := idPtr.dispP > hashersAlpha
	idVerdict := refuted
	switch {
	case seqOK && ptrOK:
		idVerdict = holds
	case seqOK || ptrOK:
		idVerdict = partly
	}
	claims = append(claims, claim{
		Source: "common practice (Java's Integer.hashCode is the identity)",
		Claim:  "the identity is a fine hash for integer keys",
		Measured: fmt.Sprintf("sequential keys: too regular, dispersion %.3f (p %.3g): every bucket holds %d or %d keys, fullest %.0f against chance's %.1f, "+
			"but the histogram is not Poisson (p %.3g) and every tophash is 0 (tophash p %.3g); random keys: %s; "+
			"ptr16: %d of %d buckets reachable, fullest bucket %.0f keys, dispersion %.3g",
			idSeq.dispPerDF, idSeq.dispP, n/m, (n+m-1)/m, idSeq.maxKeys, idSeq.expectedMax, idSeq.medianP, idSeq.topMedianP, idRand.spread,
			m>>4, m, idPtr.maxKeys, idPtr.dispPerDF),
		Verdict: idVerdict,
	})

	// (4) Masking: one bucket bit less already fails.
	full, one := sweep[0], sweep[1]
	claims = append(claims, claim{
		Source: "hmap's question",
		Claim:  "a hash that keeps fewer than B low bits fails the chi-square test for every seed, even with one bit missing",
		Measured: fmt.Sprintf("all %d bits: median p %.3f, %.0f%% of seeds below %.2f; %d bits: median p %.3g, %.0f%% of seeds below %.2f, fullest bucket %.1f keys against %.1f",
			full.bucketBits, full.medianP, 100*full.reject, hashersAlpha, one.bucketBits, one.medianP, 100*one.reject, hashersAlpha, one.maxKeys, full.maxKeys),
		Verdict: verdict(full.passes() && one.reject == 1),
	})

	var notes []string
	// (a) in words, from the data.
	lowChi, highChi := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		if slices.Contains(hashersGood, r.hasher) {
			lowChi, highChi = min(lowChi, r.chi2PerDF), max(highChi, r.chi2PerDF)
		}
	}
	notes = append(notes, fmt.Sprintf("(a) The seed decides which keys collide, not how many: for seeded, xxh3 and runtime the median chi-square/df is %.2f to %.2f across families (a χ² median sits a little below its df), "+
		"the per-seed p-values are uniform (lowest KS p %.3f, at most %.0f%% of seeds below %.2f), and %.2f%% of a table's keys keep their bucket from one seed to the next (1/%d = %.3f%% by chance). "+
		"The runtime's rows are not reproducible: its hash is keyed per process, so they change from run to run; -seed fixes the keys and the hash seeds.",
		lowChi, highChi, minKS, 100*maxReject, hashersAlpha, 100*float64(same)/float64(n), m, 100/float64(m)))
	var steps []string
	for i := 1; i < len(sweep); i++ {
		steps = append(steps, fmt.Sprintf("%.2f", sweep[i].maxKeys/sweep[i-1].maxKeys))
	}
	last := sweep[len(sweep)-1]
	notes = append(notes, fmt.Sprintf("(b) A weak hasher degrades by halves: each low bit the mask drops halves the reachable buckets, and the fullest bucket grows by %s (from %d bits down to 0), "+
		"from %.1f keys to %.0f (all of them in one chain of %d buckets); chi-square/df rises from %.2f to %.3g. "+
		"Losing one bit is caught at once (%.0f%% of seeds below %.2f), while the longest chain grows only %.2fx: chance's own tail already makes long chains.",
		strings.Join(steps, ", "), c.b, full.maxKeys, last.maxKeys, (n+7)/8, full.chi2PerDF, last.chi2PerDF,
		100*one.reject, hashersAlpha, one.maxKeys/full.maxKeys))
	var weak []string
	for _, r := range rows {
		if r.applies && !slices.Contains(hashersGood, r.hasher) {
			weak = append(weak, fmt.Sprintf("%s/%s %s", r.hasher, r.family, r.spread))
		}
	}
	notes = append(notes, "Weak hashers: "+strings.Join(weak, "; ")+". "+
		"A histogram test rejects a hasher that is too regular as firmly as one that clumps; the dispersion column tells which.")
	return claims, notes
}

// median returns the median of xs (which it sorts).
func median(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// meanSD returns the mean of xs and their sample standard deviation.
func meanSD(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(xs)-1))
}

// expectedMaxPoisson returns the expected maximum of m independent
// Poisson(λ) counts: Σ_k P(max > k) = Σ_k 1 - (1 - P(X > k))^m. The tails
// are summed from the top down, so that they keep their precision where
// 1 - F(k) would round to zero or stall above it.
func expectedMaxPoisson(lambda float64, m int) float64 {
	top := int(lambda + 40*math.Sqrt(lambda) + 50)
	tail := make([]float64, top+1) // tail[k] = P(X > k)
	for k := top - 1; k >= 0; k-- {
		tail[k] = tail[k+1] + poissonPMF(lambda, k+1)
	}
	e := 0.0
	for _, t := range tail {
		e += -math.Expm1(float64(m) * math.Log1p(-min(t, 1)))
	}
	return e
}

// chiSquareSF returns P(X > x) for X ~ χ²(df): the regularized upper
// incomplete gamma function Q(df/2, x/2).
func chiSquareSF(x, df float64) float64 {
	return gammaQ(df/2, x/2)
}

// gammaQ is the regularized upper incomplete gamma function Q(a, x) =
// Γ(a, x)/Γ(a), by the series of P = 1 - Q below x = a+1 and by Legendre's
// continued fraction (modified Lentz) above, where each converges fast
// (Numerical Recipes, 6.2).
func gammaQ(a, x float64) float64 {
	switch {
	case math.IsNaN(x):
		return math.NaN()
	case x <= 0:
		return 1
	case math.IsInf(x, 1):
		return 0
	}
	lg, _ := math.Lgamma(a)
	front := math.Exp(-x + a*math.Log(x) - lg)
	if x < a+1 {
		sum, term := 1/a, 1/a
		for n := 1; n < 100000; n++ {
			term *= x / (a + float64(n))
			sum += term
			if term < sum*1e-17 {
				break
			}
		}
		return max(0, 1-sum*front)
	}
	const tiny = 1e-300
	b := x + 1 - a
	c, d := 1/tiny, 1/b
	h := d
	for i := 1; i < 100000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-16 {
			break
		}
	}
	return min(1, front*h)
}

// ksUniform returns the Kolmogorov-Smirnov statistic of ps against the
// uniform distribution on (0, 1), and its asymptotic p-value with
// Stephens' correction for small samples.
func ksUniform(ps []float64) (d, p float64) {
	s := slices.Clone(ps)
	slices.Sort(s)
	n := float64(len(s))
	for i, x := range s {
		d = max(d, float64(i+1)/n-x, x-float64(i)/n)
	}
	sq := math.Sqrt(n)
	return d, kolmogorovQ((sq + 0.12 + 0.11/sq) * d)
}

// kolmogorovQ returns P(K > l) for Kolmogorov's distribution: the
// alternating series 2Σ(-1)^(k-1) e^(-2k²l²) for large l, and its Jacobi
// theta transform, 1 - √(2π)/l Σ e^(-(2k-1)²π²/(8l²)), for small l, where
// the first converges slowly.
func kolmogorovQ(l float64) float64 {
	if l <= 0 {
		return 1
	}
	if l < 1.18 {
		s := 0.0
		for k := 1; k <= 20; k++ {
			j := float64(2*k - 1)
			s += math.Exp(-j * j * math.Pi * math.Pi / (8 * l * l))
		}
		return min(1, max(0, 1-math.Sqrt(2*math.Pi)/l*s))
	}
	s, sign := 0.0, 1.0
	for k := 1; k <= 100; k++ {
		s += sign * math.Exp(-2*float64(k*k)*l*l)
		sign = -sign
	}
	return min(1, max(0, 2*s))
}

func runHashers(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("hashers", hashersQuestion, &l)
	b := fs.Int("B", 12, fmt.Sprintf("log2 of the buckets, %d to %d (keys: 6.5·2^B)", minHashersB, maxHashersB))
	seeds := fs.Int("seeds", 200, fmt.Sprintf("hash seeds per hasher and key family, %d to %d", minHashersSeeds, maxHashersSeeds))
	mask := fs.Uint64("mask", defaultHashersMask, "the masked hasher's mask over the seeded hash (any 64-bit value, 0x... accepted)")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	if *b < minHashersB || *b > maxHashersB {
		return usagef("-B %d out of range: want %d to %d", *b, minHashersB, maxHashersB)
	}
	if *seeds < minHashersSeeds || *seeds > maxHashersSeeds {
		return usagef("-seeds %d out of range: want %d to %d", *seeds, minHashersSeeds, maxHashersSeeds)
	}
	return hashersRun(hashersConfig{seed: l.seed, b: *b, seeds: *seeds, mask: *mask}).emit(&l, out)
}
