package fuzz

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/hmaplab/hmap/table"
)

// The rapid state machines run table.Map and map[K]int side by side
// through random sequences of actions, comparing every result, and after
// each action the whole contents (Len, and every entry through All). On a
// failure rapid shrinks the sequence to a minimal one. How many actions
// run: see main_test.go.

// machine is a state machine over a harness, for ordered keys (so that
// "a key present in the map" can be drawn reproducibly).
type machine[K cmp.Ordered] struct {
	h      *harness[K]
	keys   *rapid.Generator[K]
	fresh  func(i int) K // the i-th key outside keys' range
	nfresh int
	own    func(K) K // a copy with storage of its own (strings)

	sorted      []K // the model's keys, sorted, as of harness step sortedStep
	sortedStep  int
	sortedValid bool
}

// drawMap draws how the map is built: hasher, hint, seed (always fixed,
// so that rapid can replay a case), growth policy (the runtime's half the
// time), or the zero Map (whose seeds and iteration starts are random).
func drawMap[K comparable](t *rapid.T, kt *keyType[K]) (*table.Map[K, int], string) {
	if rapid.IntRange(0, 9).Draw(t, "zero Map") == 0 {
		return newMap(kt, 0xc0, 0, 0)
	}
	hasher := rapid.IntRange(0, len(kt.hashers)-1).Draw(t, "hasher")
	hint := rapid.IntRange(0, len(hints)-1).Draw(t, "hint")
	c0 := byte(hasher) | byte(hint)<<3
	if rapid.Bool().Draw(t, "seed bit") {
		c0 |= 0x40
	}
	var policy byte
	if rapid.Bool().Draw(t, "tuned") {
		policy = rapid.Byte().Draw(t, "policy")
	}
	return newMap(kt, c0, rapid.Byte().Draw(t, "seed")&^3, policy)
}

func newMachine[K cmp.Ordered](t *rapid.T, kt *keyType[K], keys *rapid.Generator[K], fresh func(int) K, own func(K) K) *machine[K] {
	m, label := drawMap(t, kt)
	return &machine[K]{h: newHarness(t, kt, m, label), keys: keys, fresh: fresh, own: own}
}

// key draws a key: one present in the map a third of the time, so that
// updates and deletes of present keys are common.
func (s *machine[K]) key(t *rapid.T) K {
	p := s.h.p()
	if len(p.model) > 0 && rapid.IntRange(0, 2).Draw(t, "present") == 0 {
		if !s.sortedValid || s.sortedStep != s.h.steps {
			s.sorted = slices.Sorted(maps.Keys(p.model))
			s.sortedStep, s.sortedValid = s.h.steps, true
		}
		return s.own(s.sorted[rapid.IntRange(0, len(s.sorted)-1).Draw(t, "index")])
	}
	return s.own(s.keys.Draw(t, "key"))
}

func (s *machine[K]) keyList(t *rapid.T) []K {
	n := rapid.IntRange(1, 40).Draw(t, "n")
	keys := make([]K, n)
	for i := range keys {
		keys[i] = s.key(t)
	}
	return keys
}

// growUntilGrowing inserts new keys until a growth is in progress (a
// growth from a table of 4 buckets or more lasts several writes).
func (s *machine[K]) growUntilGrowing() {
	p := s.h.p()
	for i := 0; i < 1000 && !p.m.Stats().Growing; i++ {
		s.nfresh++
		s.h.put(s.fresh(s.nfresh), false)
	}
}

// churn inserts n new keys, deleting each one window insertions after it
// went in: the count stays near window while overflow buckets pile up in
// chains that filled once, until the table is rebuilt at the same size
// (the runtime's same-size growth).
func (s *machine[K]) churn(n, window int) {
	for range n {
		s.nfresh++
		s.h.put(s.fresh(s.nfresh), false)
		if s.nfresh > window {
			s.h.del(s.fresh(s.nfresh - window))
		}
	}
}

// body draws what the loop body does after each entry. If grow is set,
// the first step inserts new keys until a growth starts, so that a growth
// surely begins during the loop.
func (s *machine[K]) body(t *rapid.T, grow bool) func(K) bodyStep[K] {
	return func(K) bodyStep[K] {
		big := s.h.p().m.Len() > maxMachineLen
		if grow {
			grow = false
			if !big {
				return bodyStep[K]{act: actGrow, keys: s.freshKeys(2*s.h.p().m.Len() + 64)}
			}
		}
		st := bodyStep[K]{act: rapid.SampledFrom(bodyOps[:]).Draw(t, "body")}
		switch st.act {
		case actPut, actDelete, actGet:
			st.key = s.key(t)
		case actPutRun:
			if rapid.Bool().Draw(t, "fresh run") && !big {
				// New keys: enough of them start a growth in the loop.
				st.keys = s.freshKeys(rapid.IntRange(1, 64).Draw(t, "n"))
			} else {
				st.keys = s.keyList(t)
			}
		case actDelRun:
			st.keys = s.keyList(t)
		case actClone:
			if rapid.Bool().Draw(t, "nested") {
				st.act = actNested
			}
		}
		return st
	}
}

func (s *machine[K]) freshKeys(n int) []K {
	keys := make([]K, n)
	for i := range keys {
		s.nfresh++
		keys[i] = s.fresh(s.nfresh)
	}
	return keys
}

func (s *machine[K]) iterate(t *rapid.T) {
	grow := rapid.IntRange(0, 3).Draw(t, "grow in loop") == 0
	s.h.iterate(rapid.IntRange(0, 100).Draw(t, "max body steps"), s.body(t, grow))
}

// actions returns the state machine: the map operations and, under "",
// the full comparison run between actions.
func (s *machine[K]) actions() map[string]func(*rapid.T) {
	a := map[string]func(*rapid.T){
		"Put": func(t *rapid.T) {
			s.h.put(s.key(t), rapid.Bool().Draw(t, "via Ptr"))
		},
		"PutMany": func(t *rapid.T) {
			if s.h.p().m.Len() > maxMachineLen {
				t.Skip("map big enough")
			}
			for _, k := range s.keyList(t) {
				s.h.put(k, false)
			}
		},
		"Get": func(t *rapid.T) {
			s.h.get(s.key(t), rapid.IntRange(0, 2).Draw(t, "Get/At/Has"))
		},
		"Delete": func(t *rapid.T) {
			s.h.del(s.key(t))
		},
		"DeleteMany": func(t *rapid.T) {
			for _, k := range s.keyList(t) {
				s.h.del(k)
			}
		},
		"Clear": func(t *rapid.T) {
			if rapid.IntRange(0, 3).Draw(t, "clear now") != 0 {
				t.Skip("Clear is rarer than the other actions")
			}
			s.h.clear()
		},
		"Clone": func(t *rapid.T) {
			s.h.clone(rapid.IntRange(0, numCloneModes-1).Draw(t, "clone mode"))
		},
		"Len": func(*rapid.T) {
			s.h.checkLen()
		},
		"IterateWithMutation": s.iterate,
		"Churn": func(t *rapid.T) {
			s.churn(rapid.IntRange(1, 300).Draw(t, "n"), rapid.IntRange(8, 60).Draw(t, "window"))
		},
		"GrowThenIterate": func(t *rapid.T) {
			if s.h.p().m.Len() > maxMachineLen {
				t.Skip("map big enough")
			}
			s.growUntilGrowing()
			s.iterate(t)
		},
	}
	for name, f := range a {
		a[name] = func(t *rapid.T) {
			rapidSteps.Add(1)
			f(t)
		}
	}
	a[""] = func(*rapid.T) { s.h.checkFull() }
	return a
}

// TestRapidIterationNaNShrink: the iteration properties hold for NaN
// entries too when the loop body shrinks the table and grows it back: a
// float64 map with NaN entries (each Put of a NaN adds one, told apart by
// its elem) iterates with a body that shrinks, regrows to the B the loop
// started with (so that a growth is under way at that B on arrays the
// iteration never walked), inserts, deletes and looks up.
func TestRapidIterationNaNShrink(t *testing.T) {
	cov.reset()
	rapid.Check(t, func(t *rapid.T) {
		// Hashers that spread keys (not the constant ones, whose chains
		// make every step quadratic), any hint, seed and policy.
		hasher := rapid.SampledFrom([]byte{0, 4, 6}).Draw(t, "hasher") // runtime, masked-runtime, bits
		c0 := hasher | byte(rapid.IntRange(0, len(hints)-1).Draw(t, "hint"))<<3
		m, label := newMap(float64Keys, c0, rapid.Byte().Draw(t, "seed")&^3, rapid.Byte().Draw(t, "policy"))
		s := &machine[float64]{h: newHarness(t, float64Keys, m, label), keys: float64KeyGen, fresh: freshFloat, own: sameFloat64}
		s.churn(rapid.IntRange(0, 200).Draw(t, "fill"), 1<<30)
		for range rapid.IntRange(1, 24).Draw(t, "NaNs") {
			s.h.put(math.NaN(), false)
		}
		for i := range s.nfresh {
			if rapid.IntRange(0, 9).Draw(t, "keep") < 9 {
				s.h.del(freshFloat(i + 1))
			}
		}
		for range rapid.IntRange(1, 3).Draw(t, "iterations") {
			s.h.iterate(rapid.IntRange(1, 40).Draw(t, "max body steps"), func(float64) bodyStep[float64] {
				st := bodyStep[float64]{act: rapid.SampledFrom(nanShrinkOps[:]).Draw(t, "body")}
				switch st.act {
				case actPut, actDelete, actGet:
					st.key = s.key(t)
				case actRegrow:
					st.keys = s.freshKeys(1024)
				}
				return st
			})
		}
	})
	t.Logf("coverage: %v", &cov)
	require.Positive(t, cov.regrowsInIter.Load(), "no loop shrank the table and grew it back to its B")
	require.Positive(t, cov.nanPuts.Load(), "no NaN entry")
}

var nanShrinkOps = [...]bodyAct{actNone, actPut, actDelete, actGet, actShrink, actRegrow, actShrink, actRegrow}

var (
	float64KeyGen = rapid.OneOf(
		rapid.Float64Range(-64, 64),
		rapid.SampledFrom([]float64{math.NaN(), 0, math.Copysign(0, -1), math.Inf(1)}),
	)
	int64KeyGen = rapid.OneOf(
		rapid.Int64Range(0, 300),
		rapid.SampledFrom([]int64{math.MinInt64, math.MaxInt64, -1, 1 << 40}),
	)
	stringKeyGen = rapid.OneOf(
		rapid.SampledFrom(stringTable[:]),
		rapid.StringN(0, 40, -1),
	)
)

func freshInt64(i int) int64        { return 1_000_000 + int64(i) }
func freshFloat(i int) float64      { return 1_000_000 + float64(i) }
func sameFloat64(k float64) float64 { return k }
func freshString(i int) string      { return fmt.Sprintf("fresh/%d", i) }
func sameInt64(k int64) int64       { return k }

// requireGrowthCoverage fails unless the test iterated while a growth was
// in progress and grew while iterating: the iteration checks must not pass
// vacuously.
func requireGrowthCoverage(t *testing.T) {
	t.Logf("coverage: %v", &cov)
	require.Positive(t, cov.itersWhileGrowing.Load(), "no iteration started while a growth was in progress")
	require.Positive(t, cov.growthsInIter.Load(), "no growth started during an iteration")
}

// checkCovered runs prop under rapid.Check, again (with fresh seeds,
// unless -rapid.seed fixes one) while the runs so far have not covered a
// growth during an iteration, at most coverageRounds times in all, and
// then requires that coverage (requireGrowthCoverage). Under -short rapid runs a fifth of its checks,
// and twenty random machines now and then start no growth inside an
// iteration; more of them do, unless the harness can no longer get there.
func checkCovered(t *testing.T, prop func(*rapid.T)) {
	for round := 1; ; round++ {
		rapid.Check(t, prop)
		covered := cov.itersWhileGrowing.Load() > 0 && cov.growthsInIter.Load() > 0
		if t.Failed() || covered || round == coverageRounds {
			break
		}
	}
	requireGrowthCoverage(t)
}

const coverageRounds = 5

func TestRapidInt64Machine(t *testing.T) {
	cov.reset()
	checkCovered(t, func(t *rapid.T) {
		s := newMachine(t, int64Keys, int64KeyGen, freshInt64, sameInt64)
		t.Repeat(s.actions())
	})
}

func TestRapidStringMachine(t *testing.T) {
	cov.reset()
	checkCovered(t, func(t *rapid.T) {
		s := newMachine(t, stringKeys, stringKeyGen, freshString, strings.Clone)
		t.Repeat(s.actions())
	})
}

// TestRapidIterationProperties: iteration properties hold under rapid with
// mutation in the loop body and across growths: every entry present for
// the whole loop is yielded exactly once, no entry is yielded twice,
// deleted-before-reached entries never appear, values are the latest.
//
// Each case brings a map into one of four states: filled (with some keys
// deleted), in the middle of a doubling, after churn (keys inserted and
// deleted), or in the middle of a same-size growth. Then it iterates a few
// times with a loop body that inserts (at times until a growth starts),
// updates, deletes (the entry just yielded, others not yet reached),
// clears, breaks, clones and iterates again; harness.iterate checks the
// properties entry by entry, and the test that each state, and a growth
// inside a loop, was reached.
func TestRapidIterationProperties(t *testing.T) {
	cov.reset()
	rapid.Check(t, func(t *rapid.T) {
		var s *machine[int64]
		// Half the cases grow at the same size, so that even a short run
		// (-short: 20 cases) surely has some.
		switch rapid.IntRange(0, 5).Draw(t, "state") {
		case 0, 1:
			s = newMachine(t, int64Keys, int64KeyGen, freshInt64, sameInt64)
			s.churn(rapid.IntRange(0, 150).Draw(t, "fill"), 1<<30)
			for range rapid.IntRange(0, 30).Draw(t, "deletes") {
				s.h.del(s.key(t))
			}
			if rapid.Bool().Draw(t, "growing") {
				s.growUntilGrowing()
			}
		case 2:
			s = newMachine(t, int64Keys, int64KeyGen, freshInt64, sameInt64)
			s.churn(rapid.IntRange(0, 1000).Draw(t, "churn"), rapid.IntRange(8, 60).Draw(t, "window"))
		default:
			s = sameSizeGrowing(t)
		}
		for range rapid.IntRange(1, 3).Draw(t, "iterations") {
			s.iterate(t)
		}
	})
	requireGrowthCoverage(t)
	require.Positive(t, cov.sameSizeGrowths.Load(), "no same-size growth")
}

// sameSizeGrowing returns a machine whose map is in the middle of a
// same-size growth, with the runtime's policy: with the identity hasher,
// keys r, r+2^B, r+2*2^B, ... all go to bucket r; filling one bucket's chain
// and emptying it, then the next bucket's, piles up overflow buckets while
// the count stays low, until the table is rebuilt at its size.
func sameSizeGrowing(t *rapid.T) *machine[int64] {
	hint := rapid.SampledFrom([]int{hint27, hint53}).Draw(t, "hint") // B = 3 or 4
	m, label := newMap(int64Keys, byte(hIdentity)|byte(hint)<<3|0x40, rapid.Byte().Draw(t, "seed")&^3, 0)
	s := &machine[int64]{h: newHarness(t, int64Keys, m, label), keys: int64KeyGen, fresh: freshInt64, own: sameInt64}
	stride := int64(1) << m.Stats().B
	for r := int64(0); r < stride; r++ {
		n := rapid.IntRange(17, 40).Draw(t, "chain")
		for j := range int64(n) {
			s.h.put(1<<30+r+j*stride, false)
			if m.Stats().SameSizeGrow {
				return s
			}
		}
		for j := range int64(n) {
			s.h.del(1<<30 + r + j*stride)
		}
	}
	t.Fatalf("no same-size growth: %+v", m.Stats())
	return nil
}
