package fuzz

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/table"
)

// TB is what the harness needs of a test: *testing.T and *rapid.T both
// satisfy it, and so does testify's require.TestingT.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	FailNow()
}

// coverage counts the interesting situations the tests reached, so that a
// test can assert it did not pass vacuously. Each test that relies on a
// counter resets it first and checks it after.
type coverage struct {
	itersWhileGrowing atomic.Int64 // an iteration started during a growth
	growthsInIter     atomic.Int64 // a growth started during an iteration
	sameSizeGrowths   atomic.Int64 // a write left a same-size growth in progress
	clearsInIter      atomic.Int64 // the loop body cleared the map
	breaks            atomic.Int64 // the loop body broke out early
	nanPuts           atomic.Int64 // a NaN key was stored
	keyRewrites       atomic.Int64 // an update wrote a key equal to the stored one but with other bits (±0, string storage)
	unhashable        atomic.Int64 // an unhashable key made both maps panic
	unhashableEmpty   atomic.Int64 // ... while the map was empty
	clones            atomic.Int64 // a clone was made and checked
	clonesWhileGrow   atomic.Int64 // ... of a map in the middle of a growth
	regrowsInIter     atomic.Int64 // the loop body shrank the table and grew it back to the loop's B
}

func (c *coverage) reset() {
	*c = coverage{}
}

func (c *coverage) String() string {
	return fmt.Sprintf("iterations started while growing %d, growths during iteration %d, same-size growths %d, "+
		"clears in loop %d, breaks %d, NaN puts %d, key rewrites %d, unhashable panics %d (on empty maps %d), "+
		"clones %d (while growing %d), shrink-and-regrows in loop %d",
		c.itersWhileGrowing.Load(), c.growthsInIter.Load(), c.sameSizeGrowths.Load(),
		c.clearsInIter.Load(), c.breaks.Load(), c.nanPuts.Load(), c.keyRewrites.Load(),
		c.unhashable.Load(), c.unhashableEmpty.Load(), c.clones.Load(), c.clonesWhileGrow.Load(),
		c.regrowsInIter.Load())
}

var cov coverage

// keyType describes a key type to the harness.
type keyType[K comparable] struct {
	name string
	// decode turns a byte into a key. The key space is small on purpose:
	// collisions, updates and deletes of present keys are common.
	decode func(b byte) K
	// same reports whether a and b, known to be equal, are also the same
	// bits: the sign of a zero, the storage of a string. The map must store
	// the key written last, as the builtin map does.
	same func(a, b K) bool
	// mayPanic is set for interface keys, whose hashing panics when the
	// dynamic type is not comparable. The harness then runs each map
	// operation under recover and compares the panics.
	mayPanic bool
	hashers  []hasherChoice[K]
}

// pair is a Map under test and its model, a builtin map, with the
// bookkeeping the iteration checks need.
type pair[K comparable] struct {
	m     *table.Map[K, int]
	model map[K]int
	last  map[K]K      // the key last written for each non-NaN key of model
	nans  map[int]bool // the elems of model's NaN entries (elems are unique)
	label string       // how the map was made, for messages
}

func newPair[K comparable](m *table.Map[K, int], label string) *pair[K] {
	return &pair[K]{m: m, model: map[K]int{}, last: map[K]K{}, nans: map[int]bool{}, label: label}
}

// clone returns a copy of p whose map is p.m.Clone().
func (p *pair[K]) clone() *pair[K] {
	c := newPair(p.m.Clone(), p.label+"+clone")
	for k, v := range p.model {
		c.model[k] = v // a NaN adds an entry each time, as it should
	}
	for k, v := range p.last {
		c.last[k] = v
	}
	for v := range p.nans {
		c.nans[v] = true
	}
	return c
}

// traceEntry records one operation for failure messages.
type traceEntry[K comparable] struct {
	op   string
	key  K
	hasK bool
	n    int
}

const traceLen = 48

// harness drives one or more pairs through the same operations and
// compares every result. It serves the fuzz targets (operations decoded
// from bytes) and the rapid state machines (operations drawn by rapid).
type harness[K comparable] struct {
	t     TB
	kt    *keyType[K]
	pairs []*pair[K]
	cur   int // index of the pair operations apply to
	value int // last elem written; elems are unique so NaN entries can be told apart
	steps int
	trace []traceEntry[K]
}

const maxPairs = 3

func newHarness[K comparable](t TB, kt *keyType[K], m *table.Map[K, int], label string) *harness[K] {
	return &harness[K]{t: t, kt: kt, pairs: []*pair[K]{newPair(m, label)}}
}

func (h *harness[K]) p() *pair[K] { return h.pairs[h.cur] }

func (h *harness[K]) record(op string, k K, hasK bool, n int) {
	h.steps++
	if len(h.trace) == traceLen {
		copy(h.trace, h.trace[1:])
		h.trace = h.trace[:traceLen-1]
	}
	h.trace = append(h.trace, traceEntry[K]{op: op, key: k, hasK: hasK, n: n})
}

func (h *harness[K]) failf(format string, args ...any) {
	h.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%s keys, map %s, step %d: ", h.kt.name, h.p().label, h.steps)
	fmt.Fprintf(&b, format, args...)
	fmt.Fprintf(&b, "\nstats: %+v\nlast operations (oldest first):", h.p().m.Stats())
	for _, e := range h.trace {
		b.WriteString("\n  ")
		b.WriteString(e.op)
		if e.hasK {
			fmt.Fprintf(&b, " %#v", e.key)
		}
		if e.n != 0 {
			fmt.Fprintf(&b, " n=%d", e.n)
		}
	}
	require.FailNow(h.t, "table.Map diverges from map[K]V", "%s", b.String())
}

// catch runs f and returns what it panicked with, or nil.
func catch(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// exactPanics: under the reference toolchain, Go 1.23, the builtin map
// panics on an unhashable key with one error whatever the operation,
// "runtime error: hash of unhashable type T", and so must table.Map. Later
// toolchains word it differently on different paths (Go 1.24's maps say
// "hash of unhashable type: T" when the map is empty or assigned to), so
// there the panics are compared up to that wording.
var exactPanics = strings.HasPrefix(runtime.Version(), "go1.23")

func describePanic(r any) string {
	if r == nil {
		return "no panic"
	}
	return fmt.Sprintf("%T: %v", r, r)
}

// samePanic reports whether the table panicked (got) as the builtin map
// did (want).
func samePanic(got, want any) bool {
	if got == nil || want == nil {
		return got == nil && want == nil
	}
	if exactPanics {
		return describePanic(got) == describePanic(want)
	}
	ge, ok1 := got.(runtime.Error)
	we, ok2 := want.(runtime.Error)
	norm := func(s string) string {
		s = strings.TrimPrefix(s, "runtime error: ")
		return strings.Replace(s, "unhashable type: ", "unhashable type ", 1)
	}
	return ok1 && ok2 && norm(ge.Error()) == norm(we.Error())
}

// both runs the table operation and the model operation and reports
// whether they went through. For key types whose hashing may panic it runs
// them under recover and fails unless both panic alike.
func (h *harness[K]) both(what string, k K, tbl, model func()) bool {
	if !h.kt.mayPanic {
		tbl()
		model()
		return true
	}
	empty := h.p().m.Len() == 0
	got, want := catch(tbl), catch(model)
	if !samePanic(got, want) {
		h.failf("%s(%#v): table.Map: %s; builtin map: %s", what, k, describePanic(got), describePanic(want))
	}
	if want != nil {
		cov.unhashable.Add(1)
		if empty {
			cov.unhashableEmpty.Add(1)
		}
		return false
	}
	return true
}

func isNaN[K comparable](k K) bool { return k != k }

// noteGrowth counts a same-size growth left in progress by a write.
func (h *harness[K]) noteGrowth() {
	if h.p().m.Stats().SameSizeGrow {
		cov.sameSizeGrowths.Add(1)
	}
}

// put stores a new unique elem for k, with Put or through Ptr.
func (h *harness[K]) put(k K, viaPtr bool) {
	p := h.p()
	h.value++
	v := h.value
	op := "Put"
	if viaPtr {
		op = "Ptr"
	}
	h.record(op, k, true, 0)
	var (
		old, got int
		had      bool
	)
	ok := h.both(op, k, func() {
		if viaPtr {
			e := p.m.Ptr(k)
			got = *e
			*e = v
		} else {
			p.m.Put(k, v)
		}
	}, func() {
		old, had = p.model[k]
		p.model[k] = v
	})
	if !ok {
		return
	}
	if viaPtr && got != old {
		h.failf("Ptr(%#v) points to %d, want %d (present %v)", k, got, old, had)
	}
	if isNaN(k) {
		p.nans[v] = true
		cov.nanPuts.Add(1)
	} else {
		if had && !h.kt.same(p.last[k], k) {
			cov.keyRewrites.Add(1)
		}
		p.last[k] = k
	}
	h.noteGrowth()
	h.checkLen()
}

// get looks k up with Get, At or Has (variant 0, 1, 2) and compares.
func (h *harness[K]) get(k K, variant int) {
	p := h.p()
	h.record("Get", k, true, variant)
	var (
		gv, mv   int
		gok, mok bool
	)
	ok := h.both("Get", k, func() {
		switch variant % 3 {
		case 0:
			gv, gok = p.m.Get(k)
		case 1:
			gv = p.m.At(k)
		default:
			gok = p.m.Has(k)
		}
	}, func() {
		mv, mok = p.model[k]
	})
	if !ok {
		return
	}
	switch variant % 3 {
	case 0:
		if gv != mv || gok != mok {
			h.failf("Get(%#v) = %d, %v; want %d, %v", k, gv, gok, mv, mok)
		}
	case 1:
		if gv != mv {
			h.failf("At(%#v) = %d; want %d", k, gv, mv)
		}
	default:
		if gok != mok {
			h.failf("Has(%#v) = %v; want %v", k, gok, mok)
		}
	}
}

// del deletes k from both maps and reports whether it went through (the
// key is hashable).
func (h *harness[K]) del(k K) bool {
	p := h.p()
	h.record("Delete", k, true, 0)
	ok := h.both("Delete", k, func() { p.m.Delete(k) }, func() { delete(p.model, k) })
	if !ok {
		return false
	}
	if !isNaN(k) {
		delete(p.last, k)
	}
	h.noteGrowth()
	h.checkLen()
	return true
}

// shrink rebuilds the current map's table at the size its entries need.
func (h *harness[K]) shrink() {
	p := h.p()
	var zero K
	h.record("Shrink", zero, false, p.m.Len())
	p.m.Shrink()
	if st := p.m.Stats(); st.Growing {
		h.failf("Shrink left a growth in progress")
	}
	h.checkLen()
}

func (h *harness[K]) clear() {
	p := h.p()
	var zero K
	n := p.m.Len()
	h.record("Clear", zero, false, n)
	p.m.Clear()
	clear(p.model)
	clear(p.last)
	clear(p.nans)
	h.checkLen()
	// Clearing an empty map does nothing, as in the runtime, even if it is
	// growing (its entries were deleted during a growth).
	if st := p.m.Stats(); st.Growing && n > 0 {
		h.failf("Clear left a growth in progress")
	}
}

// Clone modes.
const (
	cloneKeep    = iota // clone, check, keep the clone in the pool
	cloneSwitch         // clone, check, continue on the clone
	cloneDiscard        // clone, check, drop the clone
	cloneNext           // no clone: switch to the next map of the pool
	numCloneModes
)

// clone clones the current map, checks the copy, and keeps it or not.
func (h *harness[K]) clone(mode int) {
	var zero K
	h.record("Clone", zero, false, mode)
	mode %= numCloneModes
	if mode == cloneNext {
		if len(h.pairs) > 1 {
			h.cur = (h.cur + 1) % len(h.pairs)
			h.checkFull()
		}
		return
	}
	src := h.p()
	growing := src.m.Stats().Growing
	c := src.clone()
	cov.clones.Add(1)
	if growing {
		cov.clonesWhileGrow.Add(1)
	}
	if mode == cloneDiscard {
		h.checkPair(c)
		return
	}
	if len(h.pairs) < maxPairs {
		h.pairs = append(h.pairs, c)
	} else {
		// Replace a map other than the current one, after a last check
		// that it was not disturbed by what happened to the others.
		i := (h.cur + 1) % maxPairs
		h.checkPair(h.pairs[i])
		h.pairs[i] = c
	}
	idx := slices.Index(h.pairs, c)
	if mode == cloneSwitch {
		h.cur = idx
	}
	h.checkPair(c)
}

// checkLen compares the counts: cheap enough for every operation.
func (h *harness[K]) checkLen() {
	p := h.p()
	if n, want := p.m.Len(), len(p.model); n != want {
		h.failf("Len() = %d, want %d", n, want)
	}
	if n, want := p.m.Stats().Count, len(p.model); n != want {
		h.failf("Stats().Count = %d, want %d", n, want)
	}
}

// checkLookups looks every key of the model up. It does not iterate,
// so it leaves the map's iterator flags alone (they change how a growth
// treats the old array, and some paths run only without them).
func (h *harness[K]) checkLookups() {
	h.checkLen()
	p := h.p()
	for k, want := range p.model {
		if isNaN(k) {
			if _, ok := p.m.Get(k); ok {
				h.failf("Get(NaN) found an entry")
			}
			continue
		}
		got, ok := p.m.Get(k)
		if !ok || got != want {
			h.failf("Get(%#v) = %d, %v; want %d, true", k, got, ok, want)
		}
	}
}

// checkFull compares the current map with its model entry by entry.
func (h *harness[K]) checkFull() {
	h.checkPair(h.p())
}

// checkAll compares every map of the pool with its model.
func (h *harness[K]) checkAll() {
	for i := range h.pairs {
		h.cur = i
		h.checkFull()
	}
}

// checkPair compares p's map with its model: Len, every entry yielded by
// All once with its elem and its key's exact bits, NaN entries by elem,
// Keys and Values, and lookups of every key.
func (h *harness[K]) checkPair(p *pair[K]) {
	if n, want := p.m.Len(), len(p.model); n != want {
		h.failf("%s: Len() = %d, want %d", p.label, n, want)
	}
	// What the builtin map stores, which must agree with the bookkeeping.
	var modelNaN []int
	for k, v := range p.model {
		if isNaN(k) {
			modelNaN = append(modelNaN, v)
			continue
		}
		if last, ok := p.last[k]; !ok || !h.kt.same(last, k) {
			h.failf("harness: builtin map stores key %#v, bookkeeping says %#v (%v)", k, last, ok)
		}
	}
	if len(modelNaN) != len(p.nans) {
		h.failf("harness: builtin map has %d NaN entries, bookkeeping %d", len(modelNaN), len(p.nans))
	}

	seen := make(map[K]bool, len(p.model))
	var nanVals []int
	n := 0
	for k, v := range p.m.All() {
		n++
		if n > len(p.model)+1 {
			h.failf("%s: All yields more than the %d entries", p.label, len(p.model))
		}
		if isNaN(k) {
			nanVals = append(nanVals, v)
			continue
		}
		if seen[k] {
			h.failf("%s: All yields %#v twice", p.label, k)
		}
		seen[k] = true
		want, ok := p.model[k]
		if !ok {
			h.failf("%s: All yields %#v = %d, which is not in the map", p.label, k, v)
		}
		if v != want {
			h.failf("%s: All yields %#v = %d, want %d", p.label, k, v, want)
		}
		if last := p.last[k]; !h.kt.same(last, k) {
			h.failf("%s: All yields key %#v, but the key last written is %#v", p.label, k, last)
		}
	}
	if n != len(p.model) {
		h.failf("%s: All yields %d entries, want %d", p.label, n, len(p.model))
	}
	slices.Sort(modelNaN)
	slices.Sort(nanVals)
	if !slices.Equal(modelNaN, nanVals) {
		h.failf("%s: NaN entries hold %v, want %v", p.label, nanVals, modelNaN)
	}

	// Keys and Values walk the same entries.
	nk, nanKeys := 0, 0
	for k := range p.m.Keys() {
		nk++
		if nk > len(p.model)+1 {
			break
		}
		if isNaN(k) {
			nanKeys++
		} else if _, ok := p.model[k]; !ok {
			h.failf("%s: Keys yields %#v, which is not in the map", p.label, k)
		}
	}
	if nk != len(p.model) || nanKeys != len(modelNaN) {
		h.failf("%s: Keys yields %d keys (%d NaN), want %d (%d NaN)", p.label, nk, nanKeys, len(p.model), len(modelNaN))
	}
	vals := make([]int, 0, len(p.model))
	for v := range p.m.Values() {
		vals = append(vals, v)
		if len(vals) > len(p.model) {
			break
		}
	}
	want := make([]int, 0, len(p.model))
	for _, v := range p.model {
		want = append(want, v)
	}
	slices.Sort(vals)
	slices.Sort(want)
	if !slices.Equal(vals, want) {
		h.failf("%s: Values yields %v, want %v", p.label, vals, want)
	}

	// Iteration checked every elem; look some keys up too (all of them
	// could cost O(n^2) with a weak hasher).
	n = 0
	for k, want := range p.model {
		if n++; n > maxLookups {
			break
		}
		if isNaN(k) {
			continue
		}
		if got, ok := p.m.Get(k); !ok || got != want {
			h.failf("%s: Get(%#v) = %d, %v; want %d, true", p.label, k, got, ok, want)
		}
	}
}

// maxLookups bounds the keys a full check looks up.
const maxLookups = 64

// growths returns how many growths a map has started.
func growths(st table.Stats) int { return st.Events.Growths + st.Events.SameSizeGrowths }

// Loop body actions of an iteration.
type bodyAct int

const (
	actNone    bodyAct = iota
	actPut             // Put key
	actDelete          // Delete key
	actPutSelf         // Put the key just yielded
	actDelSelf         // Delete the key just yielded
	actPutRun          // Put keys (enough of them start a growth)
	actDelRun          // Delete keys
	actClear           // Clear the map
	actBreak           // break out of the loop
	actClone           // Clone the map and check the clone (a read)
	actNested          // check the whole map with nested iterations (a read)
	actGet             // look key up
	actGrow            // Put keys until a growth starts
	actShrink          // Shrink the table
	actRegrow          // Put keys until growing at the B the loop began with
)

// bodyStep is what the loop body does after one entry is yielded.
type bodyStep[K comparable] struct {
	act  bodyAct
	key  K
	keys []K
}

// iterate ranges over the current map with All and, after each entry,
// does what next says. It checks the iteration properties of the builtin
// map:
//
//   - an entry yielded is in the map at that moment, with its latest elem
//     and the key last written (so an entry deleted before it is reached is
//     never yielded, and one added during the loop may be);
//   - no entry is yielded twice (unless deleted and added again meanwhile,
//     which makes it a new entry);
//   - if the loop runs to the end, every entry present for the whole loop
//     (not deleted by the body, not removed by a Clear) was yielded.
//
// They hold without exception, also where Go 1.23's builtin map breaks
// them (see the package doc). NaN entries are told apart by their elems,
// which are unique.
func (h *harness[K]) iterate(maxBody int, next func(yielded K) bodyStep[K]) {
	p := h.p()
	var zero K
	h.record("Iterate", zero, false, maxBody)
	st0 := p.m.Stats()
	if st0.Growing {
		cov.itersWhileGrowing.Add(1)
	}

	// Entries present since the loop began, not deleted or cleared since.
	live := make(map[K]bool, len(p.model))
	for k := range p.model {
		if !isNaN(k) {
			live[k] = true
		}
	}
	liveNaN := make(map[int]bool, len(p.nans))
	for v := range p.nans {
		liveNaN[v] = true
	}
	yielded := make(map[K]bool, len(p.model))
	yieldedNaN := map[int]bool{}

	body, n := 0, 0
	broke := false
	lastGrowths := growths(st0)
	// Each entry is yielded at most once, so a loop yields at most the
	// entries it started with plus those the body inserted.
	limit := len(p.model)
	forget := func(k K) {
		delete(live, k)
		delete(yielded, k)
	}
loop:
	for k, v := range p.m.All() {
		n++
		if n > limit {
			h.failf("iteration yields %d entries, more than the %d present or inserted since it began", n, limit)
		}
		if isNaN(k) {
			if !p.nans[v] {
				h.failf("iteration yields a NaN entry with elem %d, which is not in the map", v)
			}
			if yieldedNaN[v] {
				h.failf("iteration yields the NaN entry with elem %d twice", v)
			}
			yieldedNaN[v] = true
		} else {
			want, ok := p.model[k]
			switch {
			case !ok:
				h.failf("iteration yields %#v = %d, which is not in the map (deleted before it was reached?)", k, v)
			case v != want:
				h.failf("iteration yields %#v = %d, want the latest elem %d", k, v, want)
			case yielded[k]:
				h.failf("iteration yields %#v twice", k)
			case !h.kt.same(p.last[k], k):
				h.failf("iteration yields key %#v, but the key last written is %#v", k, p.last[k])
			}
			yielded[k] = true
		}

		if body >= maxBody {
			continue
		}
		body++
		step := next(k)
		switch step.act {
		case actPut, actPutSelf:
			limit++
		case actPutRun, actGrow, actRegrow:
			limit += len(step.keys)
		}
		switch step.act {
		case actNone:
		case actPut:
			h.put(step.key, false)
		case actPutSelf:
			h.put(k, body%2 == 0)
		case actDelete:
			if h.del(step.key) {
				forget(step.key)
			}
		case actDelSelf:
			if h.del(k) {
				forget(k)
			}
		case actPutRun:
			for _, k := range step.keys {
				h.put(k, false)
			}
		case actGrow:
			g := growths(p.m.Stats())
			for _, k := range step.keys {
				h.put(k, false)
				if growths(p.m.Stats()) != g {
					break
				}
			}
		case actDelRun:
			for _, k := range step.keys {
				if h.del(k) {
					forget(k)
				}
			}
		case actShrink:
			h.shrink()
		case actRegrow:
			// After a Shrink, a growth can be under way at the B the
			// iteration started with, on arrays it never walked.
			for _, k := range step.keys {
				if st := p.m.Stats(); st.B > st0.B || st.B == st0.B && st.Growing {
					if st.Growing {
						cov.regrowsInIter.Add(1)
					}
					break
				}
				h.put(k, false)
			}
		case actClear:
			h.clear()
			clear(live)
			clear(yielded)
			clear(liveNaN)
			clear(yieldedNaN)
			cov.clearsInIter.Add(1)
		case actBreak:
			cov.breaks.Add(1)
			broke = true
			break loop
		case actClone:
			if p.m.Stats().Growing {
				cov.clonesWhileGrow.Add(1)
			}
			cov.clones.Add(1)
			h.checkPair(p.clone())
		case actNested:
			h.checkPair(p)
		case actGet:
			h.get(step.key, body)
		}
		st := p.m.Stats()
		if g := growths(st); g != lastGrowths {
			cov.growthsInIter.Add(int64(g - lastGrowths))
			lastGrowths = g
		}
	}
	if !broke {
		for k := range live {
			if !yielded[k] {
				h.failf("iteration misses %#v, present for the whole loop", k)
			}
		}
		for v := range liveNaN {
			if !yieldedNaN[v] {
				h.failf("iteration misses the NaN entry with elem %d, present for the whole loop", v)
			}
		}
	}
	h.checkFull()
}
