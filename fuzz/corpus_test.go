package fuzz

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The seed corpus is written from the programs below:
//
//	go test ./fuzz -run TestSeedCorpus -update
//
// TestSeedCorpus checks that testdata/fuzz holds them (other files, such as
// inputs the fuzzer saved, may sit alongside) and that, run, they reach
// what they are meant to: growths during iterations, NaNs, ±0, unhashable
// keys and so on.
var update = flag.Bool("update", false, "rewrite the seed corpus in testdata/fuzz")

// Hasher indexes into keyType.hashers; index 0 is the runtime hasher for
// every key type, the others differ by type (see keys_test.go).
const (
	hRuntime  = 0
	hIdentity = 1 // int64: identity; string: xxh3; float64, any: runtime
	hConst0   = 2
	hConst    = 3
	hMasked   = 4
	hLow      = 5
	hTop      = 6
	hGolden   = 7
)

// Hint indexes into hints.
const (
	hint0   = 0
	hint1   = 2
	hint8   = 3
	hint9   = 4
	hint27  = 5
	hint53  = 6
	hint200 = 7
)

// Key mask indexes into keyMasks.
const (
	keysAll = 0 // 256 keys
	keys64  = 1
	keys16  = 2
	keys8   = 3
)

func seq(from, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(from + i)
	}
	return b
}

func stride(from, step, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(from + i*step)
	}
	return b
}

// iterateAfterEachPut puts keys 0..255 one by one (masked to the key space)
// and iterates after each, the loop body inserting the next key: some of
// the iterations start during a growth and some start one, whatever the
// key type's duplicates.
func iterateAfterEachPut() prog {
	p := newProg(hRuntime, hint0, keysAll, true)
	for k := range 256 {
		p = p.put(byte(k)).iter(bPut(byte(k+1)), bClone(), bDelSelf())
	}
	return p
}

// commonSeeds are meaningful for every key type: keys are bytes.
func commonSeeds() map[string]prog {
	return map[string]prog{
		"iterate-after-each-put": iterateAfterEachPut(),
		// Grow through B = 0..4 from a zero hint, iterating on the way;
		// start an iteration right after a growth to B=4 began (53rd
		// insert) and insert enough in the loop body to finish it and
		// start the next one, deleting and updating as we go.
		"growth-iterate": newProg(hIdentity, hint0, keysAll, true).
			putRun(0, 20).iter().
			putRun(20, 33).
			iter(bPutRun(53, 60), bDel(5), bPutSelf(), bDelSelf(), none(), bPutRun(113, 20), bGet(7), bNested(), bClone()).
			check().putRun(133, 64).delRun(0, 64).check(),
		// The same with the runtime hasher and a seed.
		"growth-iterate-runtime": newProg(hRuntime, hint0, keysAll, true).
			putRun(0, 53).
			iter(bPutRun(53, 64), none(), bDel(1), bPutRun(117, 64), bDelSelf(), bPut(200)).
			putRun(181, 60).iter(bDelRun(0, 64), bPutRun(0, 10)),
		// Fill, empty by deletes (the map reseeds), delete absent keys,
		// fill again.
		"delete-to-empty": newProg(hRuntime, hint0, keys64, true).
			putRun(0, 30).delRun(0, 30).check().del(3, 4, 5).lookups(3).
			putRun(10, 20).del(seq(10, 20)...).iter().put(7).get(7, 0).get(8, 1).get(7, 2).check(),
		// Clear in the middle of iterations, with and without a growth
		// under way, then go on inserting in the loop.
		"clear-in-iteration": newProg(hIdentity, hint0, keysAll, true).
			putRun(0, 40).iter(none(), bClear(), bPut(3), bPut(4)).
			putRun(0, 53).iter(bPut(60), bClear(), bPutRun(0, 20)).
			check().clear().clear().iter(),
		// Break out of loops, delete every entry from the loop body,
		// delete each entry as it is yielded.
		"break-and-delete-all": newProg(hRuntime, hint8, keys64, false).
			putRun(0, 20).iter(none(), bBreak()).
			iter(bDelRun(0, 64)).putRun(0, 30).
			iter(bDelSelf(), bDelSelf(), bDelSelf(), bDelSelf(), bDelSelf(), bDelSelf(), bBreak()).
			iter(bDelSelf(), bPutSelf(), bDelSelf(), bPutSelf()).check(),
		// Same-size growth: with the identity hasher keys k, k+8, k+16...
		// share a bucket of an 8-bucket table; fill one bucket's chain,
		// empty it, go on with the next: overflow buckets pile up while the
		// count stays low, until the table is rebuilt at the same size.
		// Then iterate while it is.
		"same-size-growth": newProg(hIdentity, hint27, keysAll, true).
			put(stride(0, 8, 30)...).del(stride(0, 8, 30)...).
			put(stride(1, 8, 30)...).del(stride(1, 8, 30)...).
			put(stride(2, 8, 20)...).
			iter(bPut(3), bPut(11), bDelSelf(), bPutRun(100, 10)).
			put(stride(3, 8, 30)...).check(),
		// Weak hashers: everything in one chain; a few buckets; a
		// few tophash values.
		"constant-chain": newProg(hConst0, hint0, keysAll, true).
			putRun(0, 60).delRun(0, 30).iter(bPutRun(60, 30), bDelSelf()).putRun(0, 30).check(),
		"masked-low": newProg(hLow, hint9, keysAll, true).
			putRun(0, 64).putRun(64, 64).delRun(32, 64).iter(bPutRun(128, 64), bDelRun(0, 16)).check(),
		"masked-top": newProg(hTop, hint53, keysAll, false).
			putRun(0, 64).putRun(128, 64).iter(bDelSelf(), bPutRun(64, 64)).delRun(0, 64).check(),
		// Clones: of a growing map, kept, switched to, discarded; the
		// copies and the original then diverge.
		"clone-while-growing": newProg(hIdentity, hint0, keysAll, true).
			putRun(0, 53).clone(cloneKeep).put(100, 101).del(1, 2).
			clone(cloneNext).put(102).del(3).clone(cloneSwitch).putRun(110, 60).
			clone(cloneDiscard).clone(cloneNext).clone(cloneNext).check().
			iter(bClone(), bPutRun(170, 50), bClone()),
		// Hints: preallocated overflow buckets, a big table kept small.
		"hint": newProg(hGolden, hint200, keysAll, true).
			putRun(0, 64).ptr(3).ptr(250).delRun(0, 60).iter(bPutRun(60, 64)).check(),
		// The zero Map: lookups, deletes and clears before the first
		// insert, clones of it.
		"zero-map": zeroMapProg(keys16).
			get(5, 0).get(5, 1).get(5, 2).del(5).clear().clone(cloneSwitch).iter().
			put(5).ptr(6).clone(cloneKeep).put(7).check(),
		// Tuned policies: a low overflow threshold and a full load factor
		// (same-size growths all the time); growth all at once (pace 0)
		// and fast (pace 7) with a low load factor.
		"policy-overflow": newProg(hConst0, hint27, keysAll, true).policy(2, 0, 1).
			putRun(0, 40).iter(bPutRun(40, 30), bDelSelf(), bPutRun(70, 30)).delRun(0, 50).putRun(100, 60).check(),
		"policy-pace-zero": newProg(hRuntime, hint0, keysAll, true).policy(0, 1, 2).
			putRun(0, 64).iter(bPutRun(64, 64), bDel(3)).clone(cloneSwitch).delRun(0, 100).check(),
		"policy-pace-fast": newProg(hMasked, hint9, keysAll, true).policy(0, 3, 3).
			putRun(0, 64).iter(bPutRun(64, 64), bDelSelf(), bPutRun(128, 64)).check(),
		// Few keys: updates, Ptr, deletes and lookups of present keys.
		"small-key-space": newProg(hRuntime, hint1, keys8, false).
			put(1, 2, 3, 1, 2, 3).ptr(1).ptr(4).del(2).get(2, 0).get(3, 1).get(4, 2).
			iter(bPut(5), bDel(1), bPutSelf(), bDelSelf(), bPut(2)).clear().put(6).check(),
	}
}

// float64Seeds: byte b%16 == 0 decodes to a NaN, 1 to +0, 2 to -0.
func float64Seeds() map[string]prog {
	return map[string]prog{
		// NaNs: each Put adds one; lookups miss; Delete does nothing;
		// iteration yields them; Clear removes them.
		"nan": newProg(hRuntime, hint0, keysAll, true).
			put(0, 0, 16, 32, 48).get(0, 0).get(16, 1).get(32, 2).del(0).del(16).check().
			ptr(0).iter(bPut(0), bDel(0), bGet(0), none(), bPutSelf()).check().
			clear().put(0).check(),
		// ±0: one key, the sign of the last write.
		"signed-zero": newProg(hRuntime, hint0, keys16, true).
			put(1).put(2).check().put(1).check().ptr(2).check().
			iter(bPut(1), bPut(2), bPutSelf()).get(1, 0).get(2, 0).del(2).get(1, 2).
			put(2, 4, 5, 6).iter(bPut(1)).check(),
		// NaNs through growths, with an iteration under way (evacuation
		// then sends them by a tophash bit) and without one (by hash).
		"nan-growth": newProg(hRuntime, hint0, keysAll, true).
			putRun(0, 52).put(0, 0, 0).
			iter(bPutRun(100, 64), bPut(0), bPut(16)).
			putRun(170, 60).check(),
		"nan-growth-quiet": newProg(hConst0, hint0, keysAll, true).
			putRun(0, 120).put(0, 16, 32).putRun(120, 64).lookups(1).check(),
		"zeros-weak-hashers": newProg(hTop, hint0, keys16, true).
			putRun(0, 16).put(2, 18, 34).del(1).put(1).iter(bPut(2), bDelSelf(), bPut(1)).check(),
	}
}

// anySeeds: byte b%16 == 15 decodes to an unhashable key; 4 and 20 to
// NaNs; 12 to +0, 28 to -0; 0 to int(0), 17 to int64(1), 16 to int(1).
func anySeeds() map[string]prog {
	return map[string]prog{
		// Unhashable keys on empty maps (the zero Map and a New one), then
		// on a full one, and in a loop body.
		"unhashable": zeroMapProg(keysAll).
			get(15, 0).get(31, 1).get(47, 2).del(63).del(79).put(95).ptr(111).
			put(0, 1, 16, 17).get(15, 0).del(31).put(47).ptr(63).get(79, 2).
			iter(bPut(15), bDel(31), bGet(47), bPut(2)).check(),
		"unhashable-new": newProg(hMasked, hint8, keysAll, true).
			get(15, 0).del(31).put(47).
			putRun(0, 40).iter(bPut(79), bDel(95), bPutRun(10, 30)).check(),
		"mixed-types": newProg(hRuntime, hint0, keysAll, true).
			put(0, 1, 16, 17, 2, 18, 3, 19, 5, 21, 37, 53, 13, 6, 7).
			put(12, 28, 4, 20).get(16, 0).get(17, 0).del(17).get(17, 1).
			iter(bPut(28), bPut(12), bPutSelf()).check(),
	}
}

// seedsFor returns the seed corpus of a target.
func seedsFor(target string) map[string]prog {
	s := commonSeeds()
	add := func(m map[string]prog) {
		for k, v := range m {
			s[k] = v
		}
	}
	switch target {
	case "FuzzFloat64":
		add(float64Seeds())
	case "FuzzAny":
		add(anySeeds())
		add(float64Seeds()) // NaN and ±0 inside interfaces, differently
	}
	return s
}

// encodeCorpus returns a corpus file for data, as go test writes them.
func encodeCorpus(data []byte) []byte {
	return []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data))
}

func TestSeedCorpus(t *testing.T) {
	type target struct {
		name string
		run  func(TB, []byte)
		// want returns what the target's seeds must reach.
		want func(*testing.T)
	}
	common := func(t *testing.T) {
		require.Positive(t, cov.itersWhileGrowing.Load(), "no iteration started while growing")
		require.Positive(t, cov.growthsInIter.Load(), "no growth during an iteration")
		require.Positive(t, cov.clearsInIter.Load(), "no Clear in a loop body")
		require.Positive(t, cov.breaks.Load(), "no break")
		require.Positive(t, cov.clonesWhileGrow.Load(), "no Clone while growing")
	}
	targets := []target{
		{"FuzzInt64", func(t TB, b []byte) { runProgram(t, int64Keys, b) }, func(t *testing.T) {
			common(t)
			require.Positive(t, cov.sameSizeGrowths.Load(), "no same-size growth")
		}},
		{"FuzzString", func(t TB, b []byte) { runProgram(t, stringKeys, b) }, common},
		{"FuzzFloat64", func(t TB, b []byte) { runProgram(t, float64Keys, b) }, func(t *testing.T) {
			common(t)
			require.Positive(t, cov.nanPuts.Load(), "no NaN key")
			require.Positive(t, cov.keyRewrites.Load(), "no ±0 key rewrite")
		}},
		{"FuzzAny", func(t TB, b []byte) { runProgram(t, anyKeys, b) }, func(t *testing.T) {
			common(t)
			require.Positive(t, cov.nanPuts.Load(), "no NaN key")
			require.Positive(t, cov.keyRewrites.Load(), "no ±0 key rewrite")
			require.Positive(t, cov.unhashable.Load(), "no unhashable key")
			require.Positive(t, cov.unhashableEmpty.Load(), "no unhashable key on an empty map")
		}},
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			dir := filepath.Join("testdata", "fuzz", tg.name)
			if *update {
				require.NoError(t, os.MkdirAll(dir, 0o755))
			}
			cov.reset()
			for name, p := range seedsFor(tg.name) {
				file := filepath.Join(dir, name)
				want := encodeCorpus(p)
				if *update {
					require.NoError(t, os.WriteFile(file, want, 0o644))
				} else {
					got, err := os.ReadFile(file)
					require.NoError(t, err, "seed missing: run go test ./fuzz -run TestSeedCorpus -update")
					require.True(t, bytes.Equal(want, got), "%s is stale: run go test ./fuzz -run TestSeedCorpus -update", file)
				}
				t.Run(name, func(t *testing.T) { tg.run(t, p) })
			}
			t.Logf("coverage: %v", &cov)
			tg.want(t)
		})
	}
}
