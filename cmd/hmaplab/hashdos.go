package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
	"github.com/zeebo/xxh3"
)

// The hashdos experiment plays an attacker who knows the map's hasher and
// wants every lookup to walk one chain. Against the identity hasher the
// keys follow from its structure: multiples of 2^B all land in bucket 0
// with the same tophash. Against XXH3 over strings and the seeded hasher
// over integers, with the map's seed known (a map built with WithSeed, whose
// derivation anyone can replay), the attacker searches: candidates are
// hashed until n of them share the low B bits of the hash and its top byte,
// about 2^(B+8) hashes per key, within a budget of hash evaluations. The
// same keys then go into maps seeded as the attacker assumed, seeded
// otherwise (a secret seed), and hashed by the runtime (keyed per process).
// For each, and for random keys as the baseline, the experiment inserts the
// keys into a fresh table.Map and measures the longest chain (Shape), the
// keys a lookup compares and the slots it reads (ExplainLookup), and the
// time to insert and to look up every key, at n, n/4 and n/16 keys, to show
// how the cost grows with n.

const hashDoSQuestion = "How badly can an attacker who knows the hasher slow a map down, and does a secret seed stop it? " +
	"Keys built to collide (multiples of 2^B for the identity; keys searched to share the low B bits and the tophash of " +
	"XXH3 or the seeded hash under a known seed) go into maps seeded as the attacker assumed, seeded otherwise, and " +
	"hashed by the runtime: longest chain, keys compared per lookup and time, against random keys."

// Limits of the hashdos flags. n is capped so that the search (2^(B+8)
// hashes a key, with B about log2(n/6.5)) stays within minutes.
const (
	minDoSN, maxDoSN           = 16, 4096
	minDoSBudget, maxDoSBudget = 1 << 16, 1 << 36
)

// dosWork is how many operations each timing repeats at least: n keys are
// inserted into max(1, dosWork/n) fresh maps, and looked up as often.
const dosWork = 1 << 14

type hashDoSConfig struct {
	seed   uint64
	n      int    // keys of the largest attack
	budget uint64 // hash evaluations each search may spend
}

// mapHashSeed returns the seed a map built with table.WithSeed(s) hashes
// with, read the way an attacker could: from the Stats of a map built with
// the same option.
func mapHashSeed(s uint64) uint64 {
	return uint64(table.New[string, struct{}](0, table.WithSeed(s)).Stats().Seed)
}

// dosTarget is the hash an attack aims at: a bucket among 2^b and a top
// byte.
type dosTarget struct {
	b      int
	bucket uint64
	top    uint64
}

func (t dosTarget) bucketMask() uint64 { return 1<<t.b - 1 }

// full reports whether h falls in the target's bucket with its top byte.
func (t dosTarget) full(h uint64) bool { return h&t.bucketMask() == t.bucket && h>>56 == t.top }

// dosSearch is what a search found: keys sharing the bucket and top byte,
// keys sharing the bucket (whatever their top byte), and the hashes it
// evaluated.
type dosSearch[K any] struct {
	full, bucket []K
	hashes       uint64
}

// fieldKey writes the string candidate of counter c into buf: "field-"
// and 16 hex digits, like the names of a form's fields.
func fieldKey(buf *[22]byte, c uint64) {
	const hexDigits = "0123456789abcdef"
	copy(buf[:], "field-")
	for i := 21; i >= 6; i-- {
		buf[i] = hexDigits[c&15]
		c >>= 4
	}
}

// searchStrings hashes "field-%016x" candidates from counter start with
// XXH3 under seed until n of them hit t fully or the budget is spent.
func searchStrings(t dosTarget, seed, start uint64, n int, budget uint64) dosSearch[string] {
	var s dosSearch[string]
	var buf [22]byte
	for c := start; s.hashes < budget && len(s.full) < n; c++ {
		fieldKey(&buf, c)
		h := xxh3.HashSeed(buf[:], seed)
		s.hashes++
		if h&t.bucketMask() != t.bucket {
			continue
		}
		if len(s.bucket) < n {
			s.bucket = append(s.bucket, string(buf[:]))
		}
		if h>>56 == t.top {
			s.full = append(s.full, string(buf[:]))
		}
	}
	return s
}

// searchInts hashes integers from start with the seeded hasher under seed
// until n of them hit t fully or the budget is spent.
func searchInts(t dosTarget, seed, start uint64, n int, budget uint64) dosSearch[uint64] {
	var s dosSearch[uint64]
	h := hash.NewSeeded[uint64]()
	for k := start; s.hashes < budget && len(s.full) < n; k++ {
		s.hashes++
		if t.full(h.Hash(k, seed)) {
			s.full = append(s.full, k)
		}
	}
	return s
}

// dosMeasurement is what one key set does to a fresh map.
type dosMeasurement struct {
	b, longest, chainsUsed int
	compared, probes       float64 // per lookup, over the keys
	insertNs, lookupNs     float64 // per key, as measured
}

// dosMeasure inserts keys into fresh maps sized for them (no growth during
// the inserts: every insert walks the chain its key belongs to) and looks
// every key up.
func dosMeasure[K comparable](keys []K, h hash.Hasher[K], mapSeed uint64) dosMeasurement {
	n := len(keys)
	opts := []table.Option{table.WithHasher(h), table.WithSeed(mapSeed)}
	reps := max(1, dosWork/n)
	var m *table.Map[K, int]
	start := time.Now()
	for range reps {
		m = table.New[K, int](n, opts...)
		for i, k := range keys {
			m.Put(k, i)
		}
	}
	ins := time.Since(start)
	start = time.Now()
	sum := 0
	for range reps {
		for _, k := range keys {
			v, _ := m.Get(k)
			sum += v
		}
	}
	look := time.Since(start)
	if sum != reps*n*(n-1)/2 {
		panic("hmaplab: hashdos: a key was lost")
	}
	var d dosMeasurement
	sh := m.Shape()
	d.longest = len(sh.ChainLengths) - 1
	d.chainsUsed = len(m.Inspect().Buckets) - sh.SlotsUsed[0]
	for _, k := range keys {
		l := m.ExplainLookup(k)
		d.compared += float64(l.KeysCompared)
		d.probes += float64(len(l.Probes))
		d.b = int(l.B)
	}
	d.compared /= float64(n)
	d.probes /= float64(n)
	d.insertNs = float64(ins.Nanoseconds()) / float64(reps*n)
	d.lookupNs = float64(look.Nanoseconds()) / float64(reps*n)
	return d
}

// dosScenario is one key set against one map.
type dosScenario struct {
	name, hasher, keys, mapSeed string
	reproducible                bool
	measure                     func(n int) dosMeasurement // the first n keys
}

// dosRow is one scenario at one n.
type dosRow struct {
	scenario string
	n        int
	dosMeasurement
}

// dosSizes returns the numbers of keys measured: n, n/4, n/16 (not below
// 8), smallest first.
func dosSizes(n int) []int {
	var s []int
	for k := n; k >= 8 && len(s) < 3; k /= 4 {
		s = append([]int{k}, s...)
	}
	if len(s) == 0 {
		s = []int{n}
	}
	return s
}

func hashDoSRun(c hashDoSConfig) (*result, error) {
	r := rand.New(rand.NewPCG(c.seed, 0x646f73))
	// The table ends at the B a hint of n gives (a map filled without a
	// hint grows to the same B), so keys that share the low B bits share
	// a bucket at every smaller size too.
	p := grow.Default()
	t := dosTarget{b: int(p.BForHint(c.n))}
	t.bucket = r.Uint64() & t.bucketMask()
	t.top = 5 + r.Uint64()%251 // a byte the tophash keeps as it is (5 and up)
	// The attacker's map is built with WithSeed(-seed); the secret one
	// with a seed the attacker never sees.
	attackSeed, secretSeed := c.seed, r.Uint64()
	known := mapHashSeed(attackSeed)

	strs := searchStrings(t, known, r.Uint64(), c.n, c.budget)
	ints := searchInts(t, known, r.Uint64(), c.n, c.budget)
	n := min(len(strs.full), len(ints.full))
	if n < 8 {
		return nil, fmt.Errorf("-budget %d found only %d colliding strings and %d integers, not the 8 needed: raise -budget or lower -n",
			c.budget, len(strs.full), len(ints.full))
	}
	ident := make([]uint64, n)
	for i := range ident {
		ident[i] = uint64(i) << t.b
	}
	randStr, randInt := make([]string, n), make([]uint64, n)
	var buf [22]byte
	for i := range randStr {
		fieldKey(&buf, r.Uint64())
		randStr[i], randInt[i] = string(buf[:]), r.Uint64()
	}
	xx, sd := hash.XXH3[string]{}, hash.NewSeeded[uint64]()
	scen := []dosScenario{
		{"identity", "identity", "multiples of 2^B", "any", true,
			func(k int) dosMeasurement { return dosMeasure(ident[:k], hash.Identity[uint64]{}, attackSeed) }},
		{"xxh3 known seed", "xxh3", "searched strings", "attacker's", true,
			func(k int) dosMeasurement { return dosMeasure(strs.full[:k], xx, attackSeed) }},
		{"xxh3 known, bucket only", "xxh3", "strings, bucket only", "attacker's", true,
			func(k int) dosMeasurement { return dosMeasure(strs.bucket[:k], xx, attackSeed) }},
		{"xxh3 secret seed", "xxh3", "searched strings", "secret", true,
			func(k int) dosMeasurement { return dosMeasure(strs.full[:k], xx, secretSeed) }},
		{"runtime", "runtime", "searched strings", "per process", false,
			func(k int) dosMeasurement {
				return dosMeasure(strs.full[:k], hash.NewRuntime[string](), attackSeed)
			}},
		{"seeded known seed", "seeded", "searched uint64", "attacker's", true,
			func(k int) dosMeasurement { return dosMeasure(ints.full[:k], sd, attackSeed) }},
		{"seeded secret seed", "seeded", "searched uint64", "secret", true,
			func(k int) dosMeasurement { return dosMeasure(ints.full[:k], sd, secretSeed) }},
		{"baseline strings", "xxh3", "random strings", "attacker's", true,
			func(k int) dosMeasurement { return dosMeasure(randStr[:k], xx, attackSeed) }},
		{"baseline uint64", "seeded", "random uint64", "attacker's", true,
			func(k int) dosMeasurement { return dosMeasure(randInt[:k], sd, attackSeed) }},
	}
	if len(strs.bucket) < n {
		return nil, fmt.Errorf("hashdos: %d bucket-only strings for %d full ones", len(strs.bucket), n)
	}
	tb := newTable(
		column{"scenario", "%s"}, column{"hasher", "%s"}, column{"keys", "%s"}, column{"map_seed", "%s"},
		column{"reproducible", "%v"}, column{"n", "%d"}, column{"B", "%d"},
		column{"longest_chain", "%d"}, column{"chains_used", "%d"},
		column{"keys_compared", "%.2f"}, column{"slots_read", "%.1f"},
		column{"insert_ns_per_key", "%.0f"}, column{"lookup_ns_per_key", "%.0f"},
	)
	rows := map[string][]dosRow{}
	sizes := dosSizes(n)
	for _, s := range scen {
		for _, k := range sizes {
			d := s.measure(k)
			rows[s.name] = append(rows[s.name], dosRow{s.name, k, d})
			tb.add(s.name, s.hasher, s.keys, s.mapSeed, s.reproducible, k, d.b, d.longest, d.chainsUsed,
				d.compared, d.probes, d.insertNs, d.lookupNs)
		}
	}
	res := &result{
		Experiment: "hashdos",
		Question:   hashDoSQuestion,
		Command:    fmt.Sprintf("hmaplab hashdos -seed %d -n %d -budget %d", c.seed, c.n, c.budget),
		Seed:       c.seed,
		Setup: []string{
			fmt.Sprintf("The attack aims at 2^%d buckets (the B of a map of %d keys): bucket %d, top byte %#02x. "+
				"A map built with table.WithSeed(%d) hashes with seed %#x (the low 32 bits of the first value of its seed sequence), "+
				"which the attacker reads off a probe map built with the same option. "+
				"Strings \"field-\" + 16 hex digits, hashed by XXH3: %d hashes found %d sharing bucket and top byte (%.0f hashes a key; 2^%d = %d expected). "+
				"uint64 keys by the seeded hasher: %d hashes found %d.",
				t.b, c.n, t.bucket, t.top, attackSeed, known,
				strs.hashes, len(strs.full), float64(strs.hashes)/float64(max(1, len(strs.full))), t.b+8, 1<<(t.b+8),
				ints.hashes, len(ints.full)),
			fmt.Sprintf("Each key set goes into fresh table.Map[K]int made with a hint of its size (%v keys) and its hasher; "+
				"attacker's: WithSeed as the attacker assumed; secret: another WithSeed; runtime: the builtin's hash, keyed per process, so its row changes from run to run. "+
				"identity keys are 0, 2^B, 2·2^B, ...; bucket only: strings that share the bucket but not the top byte. "+
				"longest_chain is in buckets (Shape), chains_used the chains holding a key, keys_compared and slots_read the mean per lookup of every key (ExplainLookup). "+
				"Times are per key, as measured, over max(1, %d/n) repetitions.", sizes, dosWork),
		},
		Table: tb,
	}
	res.Claims, res.Notes = hashDoSClaims(n, rows)
	res.plot = hashDoSPlot(rows)
	return res, nil
}

// dosLast returns the scenario's row at the largest n.
func dosLast(rows map[string][]dosRow, name string) dosRow {
	r := rows[name]
	return r[len(r)-1]
}

// dosSlope returns the log-log slope of y(row)·n against n, from the
// smallest n to the largest: 2 for a cost per key that grows like n.
func dosSlope(rs []dosRow, y func(dosRow) float64) float64 {
	a, b := rs[0], rs[len(rs)-1]
	if a.n == b.n {
		return math.NaN()
	}
	return math.Log(y(b)*float64(b.n)/(y(a)*float64(a.n))) / math.Log(float64(b.n)/float64(a.n))
}

func hashDoSClaims(n int, rows map[string][]dosRow) ([]claim, []string) {
	known, secret, rt := dosLast(rows, "xxh3 known seed"), dosLast(rows, "xxh3 secret seed"), dosLast(rows, "runtime")
	sKnown, sSecret := dosLast(rows, "seeded known seed"), dosLast(rows, "seeded secret seed")
	base, baseInt := dosLast(rows, "baseline strings"), dosLast(rows, "baseline uint64")
	id := dosLast(rows, "identity")
	bucketOnly := dosLast(rows, "xxh3 known, bucket only")

	// Normal: no longer a chain than random keys' plus one bucket, and
	// about one key compared per lookup.
	normal := func(d, b dosRow) bool { return d.longest <= b.longest+1 && d.compared <= b.compared+0.1 }
	chains := (n + 7) / 8
	claims := []claim{{
		Source: "common advice",
		Claim:  "a seeded hash defeats precomputed collisions",
		Measured: fmt.Sprintf("%d keys searched to collide under the attacker's seed: with it, xxh3 makes one chain of %d buckets and %.1f keys compared per lookup (seeded: %d buckets, %.1f); "+
			"with a secret seed the same keys spread like random ones: longest chain %d buckets, %.2f keys compared (seeded: %d, %.2f; runtime: %d, %.2f; random keys: %d, %.2f)",
			n, known.longest, known.compared, sKnown.longest, sKnown.compared,
			secret.longest, secret.compared, sSecret.longest, sSecret.compared, rt.longest, rt.compared, base.longest, base.compared),
		Verdict: verdict(normal(secret, base) && normal(sSecret, baseInt) && normal(rt, base) && known.longest > 4*base.longest),
	}, {
		Source: "common advice",
		Claim:  "a weak hash lets an attacker make every lookup walk one chain",
		Measured: fmt.Sprintf("identity, %d multiples of 2^B: %d chain used of %d, %d buckets long (ceil(n/8) = %d), %.1f keys compared per lookup ((n+1)/2 = %.1f); "+
			"lookups cost %.0f ns against %.0f for random keys",
			n, id.chainsUsed, 1<<id.b, id.longest, chains, id.compared, float64(n+1)/2, id.lookupNs, baseInt.lookupNs),
		Verdict: verdict(id.chainsUsed == 1 && id.longest == chains && id.compared == float64(n+1)/2),
	}}
	cmp := func(d dosRow) float64 { return d.compared }
	ins := func(d dosRow) float64 { return d.insertNs }
	look := func(d dosRow) float64 { return d.lookupNs }
	kr, br := rows["xxh3 known seed"], rows["baseline strings"]
	ks, bs := dosSlope(kr, cmp), dosSlope(br, cmp)
	claims = append(claims, claim{
		Source: "common advice (Crosby and Wallach, Denial of Service via Algorithmic Complexity Attacks, 2003)",
		Claim:  "colliding keys make inserting and looking up n keys quadratic in n",
		Measured: fmt.Sprintf("log-log slope of all keys compared against n, %d to %d keys: %.2f for the xxh3 known-seed attack, %.2f for random keys; "+
			"of the time, as measured: insert %.2f against %.2f, lookup %.2f against %.2f",
			kr[0].n, kr[len(kr)-1].n, ks, bs, dosSlope(kr, ins), dosSlope(br, ins), dosSlope(kr, look), dosSlope(br, look)),
		Verdict: verdict(ks > 1.8 && ks < 2.2 && bs < 1.2),
	})
	notes := []string{
		fmt.Sprintf("The seed is the whole defence: XXH3 and the seeded hasher are as good as the runtime's (see hashers), yet with the seed known a search of about 2^(B+8) hashes a key "+
			"puts all %d keys in one chain; the seeded hasher is a bijection on one-word keys, so such an attacker could even invert it instead of searching. "+
			"A map's seed is only 32 bits: one that leaks, or that WithSeed fixes, is known.", n),
		fmt.Sprintf("The tophash limits the damage of keys that share only the bucket: they make the same chain (%d buckets) but a lookup compares %.2f keys instead of %.1f, "+
			"reading %.0f slots' bytes; lookup %.0f ns against %.0f for full collisions and %.0f for random keys.",
			bucketOnly.longest, bucketOnly.compared, known.compared, bucketOnly.probes, bucketOnly.lookupNs, known.lookupNs, base.lookupNs),
	}
	return claims, notes
}

func hashDoSPlot(rows map[string][]dosRow) *chart {
	xy := func(name string, y func(dosRow) float64) ([]float64, []float64) {
		var xs, ys []float64
		for _, r := range rows[name] {
			xs, ys = append(xs, float64(r.n)), append(ys, y(r)*float64(r.n))
		}
		return xs, ys
	}
	c := &chart{title: "Looking up every key: attack against random keys", x: "keys (n)",
		y: "keys compared, or ns, for all n lookups", logX: true, logY: true}
	cmp := func(d dosRow) float64 { return d.compared }
	ns := func(d dosRow) float64 { return d.lookupNs }
	for _, s := range []struct {
		name, label string
		y           func(dosRow) float64
	}{
		{"xxh3 known seed", "xxh3, known seed: keys compared", cmp},
		{"identity", "identity: keys compared", cmp},
		{"xxh3 secret seed", "xxh3, secret seed: keys compared", cmp},
		{"baseline strings", "random strings: keys compared", cmp},
		{"xxh3 known seed", "xxh3, known seed: ns", ns},
		{"baseline strings", "random strings: ns", ns},
	} {
		xs, ys := xy(s.name, s.y)
		c.add(series{name: s.label, xs: xs, ys: ys})
	}
	xs, _ := xy("identity", cmp)
	ref := make([]float64, len(xs))
	for i, x := range xs {
		ref[i] = x * (x + 1) / 2
	}
	return c.add(series{name: "n(n+1)/2: one chain", xs: xs, ys: ref, reference: true})
}

func runHashDoS(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("hashdos", hashDoSQuestion, &l)
	n := fs.Int("n", 1024, fmt.Sprintf("colliding keys to build, %d to %d (measured at n, n/4 and n/16)", minDoSN, maxDoSN))
	budget := fs.Uint64("budget", 1<<27, fmt.Sprintf("hash evaluations each search may spend, %d to %d", uint64(minDoSBudget), uint64(maxDoSBudget)))
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	if *n < minDoSN || *n > maxDoSN {
		return usagef("-n %d out of range: want %d to %d", *n, minDoSN, maxDoSN)
	}
	if *budget < minDoSBudget || *budget > maxDoSBudget {
		return usagef("-budget %d out of range: want %d to %d", *budget, uint64(minDoSBudget), uint64(maxDoSBudget))
	}
	r, err := hashDoSRun(hashDoSConfig{seed: l.seed, n: *n, budget: *budget})
	if err != nil {
		return err
	}
	return r.emit(&l, out)
}
