package table_test

// Differential "no surprises" tests: the same operation sequences run on a
// builtin map and on a table.Map, for key types the fuzz harnesses (int64,
// string, float64, any) do not cover, and compared after every step:
// values, ok flags, Len, the multiset of iterated entries (keys by their
// exact bits, so that -0 and +0, and NaN payloads, tell apart), Clone
// independence, and the Go spec's rules for iterations that write.

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

// ---------------------------------------------------------------------------
// Key types.

type sfS16 struct{ A, B int64 } // 16 bytes of regular memory (repacked hash, scan, SameWords)

type sfPad struct { // padding: irregular, though every field is an integer
	A int8
	B int64
	C int16
}

type sfFS struct { // float and string fields
	F float64
	S string
}

type sfIfc struct { // an interface field
	A any
	B int
}

type sfBlank struct { // a blank field: == ignores it
	A int32
	_ int32
	B float32
}

type sfNamedInt int

type sfStringer interface{ String() string }

type sfStr string

func (s sfStr) String() string { return string(s) }

type sfIfaceKey struct{ S sfStringer }

// sfRepr writes a key exactly: floats as their bits (so -0 and +0 differ,
// and NaN payloads show), interfaces with their dynamic type.
func sfRepr(x any) string {
	var b strings.Builder
	sfWrite(&b, x)
	return b.String()
}

func sfWrite(b *strings.Builder, x any) {
	switch v := x.(type) {
	case float64:
		fmt.Fprintf(b, "f64(%#x)", math.Float64bits(v))
	case float32:
		fmt.Fprintf(b, "f32(%#x)", math.Float32bits(v))
	case complex128:
		fmt.Fprintf(b, "c128(%#x,%#x)", math.Float64bits(real(v)), math.Float64bits(imag(v)))
	case sfFS:
		b.WriteString("sfFS{")
		sfWrite(b, v.F)
		fmt.Fprintf(b, ",%q}", v.S)
	case sfIfc:
		b.WriteString("sfIfc{")
		sfWrite(b, v.A)
		fmt.Fprintf(b, ",%d}", v.B)
	case sfBlank:
		fmt.Fprintf(b, "sfBlank{%d,", v.A)
		sfWrite(b, v.B)
		b.WriteString("}")
	case [2]float64:
		b.WriteString("[")
		sfWrite(b, v[0])
		sfWrite(b, v[1])
		b.WriteString("]")
	default:
		fmt.Fprintf(b, "%T:%#v", x, x)
	}
}

// ---------------------------------------------------------------------------
// The differential harness.

// sfModel is the builtin map run alongside, with what the spec checks of
// iterations need: a generation per live non-NaN key (a deleted and
// re-added key is a new entry), and the NaN entries, which no key finds.
type sfModel[K comparable, V comparable] struct {
	m    map[K]V
	gen  map[K]int
	next int
	nans map[string]int // "repr=value" -> count
}

func newSFModel[K comparable, V comparable]() *sfModel[K, V] {
	return &sfModel[K, V]{m: map[K]V{}, gen: map[K]int{}, nans: map[string]int{}}
}

func (s *sfModel[K, V]) put(k K, v V) {
	if k != k {
		s.nans[sfRepr(k)+"="+fmt.Sprint(v)]++
	} else if _, ok := s.m[k]; !ok {
		s.next++
		s.gen[k] = s.next
	}
	s.m[k] = v
}

func (s *sfModel[K, V]) del(k K) {
	delete(s.m, k)
	delete(s.gen, k)
}

func (s *sfModel[K, V]) clear() {
	clear(s.m)
	clear(s.gen)
	clear(s.nans)
}

// sfEntries returns the multiset of entries of an iteration.
func sfEntries[K comparable, V any](seq func(func(K, V) bool)) map[string]int {
	out := map[string]int{}
	for k, v := range seq {
		out[sfRepr(k)+"="+fmt.Sprint(v)]++
	}
	return out
}

func sfBuiltinEntries[K comparable, V any](m map[K]V) map[string]int {
	return sfEntries(func(yield func(K, V) bool) {
		for k, v := range m {
			if !yield(k, v) {
				return
			}
		}
	})
}

func sfEqualMultiset(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, n := range a {
		if b[k] != n {
			return false
		}
	}
	return true
}

// sfRun is one differential run.
type sfRun[K comparable, V comparable] struct {
	t      *testing.T
	label  string
	pool   []K
	mkV    func(int) V
	r      *rand.Rand
	tm     *table.Map[K, V]
	bm     *sfModel[K, V]
	step   int
	depth  int // of nested iterations in progress
	clears int // Clears so far, nested iterations' included
}

func (d *sfRun[K, V]) fail(format string, args ...any) {
	d.t.Helper()
	d.t.Fatalf("%s, step %d: %s", d.label, d.step, fmt.Sprintf(format, args...))
}

func (d *sfRun[K, V]) key() K { return d.pool[d.r.IntN(len(d.pool))] }

func (d *sfRun[K, V]) compareAll(what string) {
	d.t.Helper()
	if d.tm.Len() != len(d.bm.m) {
		d.fail("%s: Len %d, builtin %d", what, d.tm.Len(), len(d.bm.m))
	}
	got, want := sfEntries(d.tm.All()), sfBuiltinEntries(d.bm.m)
	if !sfEqualMultiset(got, want) {
		d.fail("%s: entries differ:\n table   %v\n builtin %v", what, got, want)
	}
	n := 0
	for range d.tm.Keys() {
		n++
	}
	for range d.tm.Values() {
		n++
	}
	if n != 2*len(d.bm.m) {
		d.fail("%s: Keys+Values yielded %d, want %d", what, n, 2*len(d.bm.m))
	}
	if err := table.CheckInvariants(d.tm); err != nil {
		d.fail("%s: invariants: %v", what, err)
	}
}

func (d *sfRun[K, V]) get(k K) {
	d.t.Helper()
	gv, gok := d.tm.Get(k)
	bv, bok := d.bm.m[k]
	if gv != bv || gok != bok {
		d.fail("Get(%s) = %v, %v; builtin %v, %v", sfRepr(k), gv, gok, bv, bok)
	}
	if d.tm.At(k) != d.bm.m[k] || d.tm.Has(k) != bok {
		d.fail("At/Has(%s) disagree with the builtin", sfRepr(k))
	}
}

// op runs one random operation on both maps.
func (d *sfRun[K, V]) op() {
	d.t.Helper()
	d.step++
	k := d.key()
	switch x := d.r.IntN(100); {
	case x < 35:
		v := d.mkV(d.r.IntN(1000))
		d.tm.Put(k, v)
		d.bm.put(k, v)
	case x < 45:
		// m[k] = m[k]: inserts the zero V if absent, rewrites the key.
		p := d.tm.Ptr(k)
		old := d.bm.m[k]
		d.bm.put(k, old)
		if *p != old {
			d.fail("Ptr(%s) -> %v, builtin %v", sfRepr(k), *p, old)
		}
	case x < 65:
		d.tm.Delete(k)
		d.bm.del(k)
	case x < 90:
		d.get(k)
	case x < 91:
		d.tm.Clear()
		d.bm.clear()
		d.clears++
	case x < 93:
		d.cloneCheck()
	case x < 95:
		d.compareAll("full compare")
	default:
		d.iterate()
	}
	if d.tm.Len() != len(d.bm.m) {
		d.fail("after op: Len %d, builtin %d", d.tm.Len(), len(d.bm.m))
	}
}

// cloneCheck clones both, compares, then writes to each clone and checks
// that the originals did not change.
func (d *sfRun[K, V]) cloneCheck() {
	d.t.Helper()
	tc := d.tm.Clone()
	bc := make(map[K]V, len(d.bm.m))
	for k, v := range d.bm.m {
		bc[k] = v
	}
	if got, want := sfEntries(tc.All()), sfBuiltinEntries(bc); !sfEqualMultiset(got, want) {
		d.fail("clone entries differ:\n table   %v\n builtin %v", got, want)
	}
	if err := table.CheckInvariants(tc); err != nil {
		d.fail("clone invariants: %v", err)
	}
	for range 20 {
		k := d.key()
		switch d.r.IntN(3) {
		case 0:
			v := d.mkV(d.r.IntN(1000) + 5000)
			tc.Put(k, v)
			bc[k] = v
		case 1:
			tc.Delete(k)
			delete(bc, k)
		case 2:
			tv, tok := tc.Get(k)
			bv, bok := bc[k]
			if tv != bv || tok != bok {
				d.fail("clone Get(%s) = %v, %v; builtin %v, %v", sfRepr(k), tv, tok, bv, bok)
			}
		}
	}
	if got, want := sfEntries(tc.All()), sfBuiltinEntries(bc); !sfEqualMultiset(got, want) {
		d.fail("written clone differs:\n table   %v\n builtin %v", got, want)
	}
	d.compareAll("original after writes to its clone")
}

// iterate ranges over the table with a body that reads and writes it at
// random, mirrored on the model, and checks the spec: every yielded entry
// is live with its latest value and yielded once; every entry present for
// the whole loop is yielded (if the loop runs to its end).
func (d *sfRun[K, V]) iterate() {
	d.t.Helper()
	startGen := map[K]int{}
	for k, g := range d.bm.gen {
		startGen[k] = g
	}
	startNaN := map[string]int{}
	for k, n := range d.bm.nans {
		startNaN[k] = n
	}
	seen := map[K]int{}         // key -> generation yielded
	nanSeen := map[string]int{} // NaN entries yielded since the last clear
	clears, nanEpoch := d.clears, d.clears
	writes := d.r.IntN(4) // 0: a read-only loop
	breakAt := -1
	if d.r.IntN(4) == 0 {
		breakAt = d.r.IntN(len(d.pool) + 1)
	}
	panicAt := -1
	if d.r.IntN(8) == 0 {
		panicAt = d.r.IntN(len(d.pool) + 1)
	}
	type sfPanic struct{}
	n := 0
	completed := false
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(sfPanic); !ok {
					panic(r)
				}
			}
		}()
		for k, v := range d.tm.All() {
			if k != k {
				if d.clears != nanEpoch {
					clear(nanSeen) // the map was cleared (in this loop or a nested one)
					nanEpoch = d.clears
				}
				rk := sfRepr(k) + "=" + fmt.Sprint(v)
				nanSeen[rk]++
				if nanSeen[rk] > d.bm.nans[rk] {
					d.fail("iteration yielded NaN entry %s more often than it is present (%d)", rk, d.bm.nans[rk])
				}
			} else {
				bv, ok := d.bm.m[k]
				if !ok {
					d.fail("iteration yielded %s, which is not in the map", sfRepr(k))
				}
				if bv != v {
					d.fail("iteration yielded %s=%v, latest value is %v", sfRepr(k), v, bv)
				}
				g := d.bm.gen[k]
				if seen[k] == g {
					d.fail("iteration yielded %s twice", sfRepr(k))
				}
				seen[k] = g
			}
			if n == panicAt {
				panic(sfPanic{})
			}
			if n == breakAt {
				break
			}
			n++
			for range writes {
				k2 := d.key()
				switch x := d.r.IntN(100); {
				case x < 40:
					v2 := d.mkV(d.r.IntN(1000))
					d.tm.Put(k2, v2)
					d.bm.put(k2, v2)
				case x < 75:
					d.tm.Delete(k2)
					d.bm.del(k2)
				case x < 76:
					d.tm.Clear()
					d.bm.clear()
					d.clears++
				case x < 78:
					d.cloneCheck()
				case x < 79:
					// A nested read-only iteration sees the present state.
					if got, want := sfEntries(d.tm.All()), sfBuiltinEntries(d.bm.m); !sfEqualMultiset(got, want) {
						d.fail("nested iteration differs:\n table   %v\n builtin %v", got, want)
					}
				case x < 80 && d.depth < 2:
					// A nested iteration that writes too.
					d.depth++
					d.iterate()
					d.depth--
				default:
					d.get(k2)
				}
			}
		}
		completed = true
	}()
	if completed && breakAt < 0 {
		for k, g := range startGen {
			if d.bm.gen[k] == g && seen[k] != g {
				d.fail("entry %s present for the whole loop was not yielded", sfRepr(k))
			}
		}
		if d.clears == clears {
			for rk, c := range startNaN {
				if nanSeen[rk] < c {
					d.fail("NaN entry %s present %d times for the whole loop, yielded %d", rk, c, nanSeen[rk])
				}
			}
		}
	}
	d.compareAll("after iteration")
}

type sfOpt struct {
	name string
	opts []table.Option
}

func sfHashers[K comparable]() []sfOpt {
	return []sfOpt{
		{"default", nil},
		{"hint100", nil}, // (handled below: a map made with a size hint)
		{"seeded", []table.Option{table.WithHasher[K](hash.NewSeeded[K]())}},
		{"constant", []table.Option{table.WithHasher[K](hash.Constant[K]{Value: 0x1234_5678_9abc_def5})}},
		{"runtime-masked", []table.Option{table.WithHasher[K](hash.Masked[K]{Inner: hash.NewRuntime[K](), Mask: 0xc000_0000_0000_0003})}},
		{"pace0", []table.Option{table.WithEvacuationPace(0)}},
		{"ovf2", []table.Option{table.WithOverflowThreshold(2)}},
	}
}

func sfDiff[K comparable, V comparable](t *testing.T, name string, pool []K, mkV func(int) V, steps int) {
	t.Helper()
	for _, h := range sfHashers[K]() {
		for seed := range uint64(4) {
			if testing.Short() && seed%3 != 0 {
				continue // seeds 0 and 3 (the zero Map)
			}
			label := fmt.Sprintf("%s/%s/seed%d", name, h.name, seed)
			hint := 0
			if h.name == "hint100" {
				hint = 100
			}
			d := &sfRun[K, V]{
				t: t, label: label, pool: pool, mkV: mkV,
				r:  rand.New(rand.NewPCG(seed, 0x5eed)),
				tm: table.New[K, V](hint, h.opts...),
				bm: newSFModel[K, V](),
			}
			if seed == 3 {
				d.tm = new(table.Map[K, V]) // the zero Map, for the default hasher runs
				if h.opts != nil || hint != 0 {
					d.tm = table.New[K, V](hint, h.opts...)
				}
			}
			for range steps {
				d.op()
			}
			d.compareAll("end")
			// Drain by deletes, then reuse.
			for _, k := range d.pool {
				d.tm.Delete(k)
				d.bm.del(k)
			}
			d.compareAll("drained")
			for i := range 30 {
				k := d.key()
				d.tm.Put(k, mkV(i))
				d.bm.put(k, mkV(i))
			}
			d.compareAll("refilled")
		}
	}
}

func sfInt(i int) int { return i }

// ---------------------------------------------------------------------------
// Pools.

var (
	sfNegZero = math.Copysign(0, -1)
	sfNaN1    = math.Float64frombits(0x7ff8_0000_0000_0001)
	sfNaN2    = math.Float64frombits(0xfff8_0000_0000_0002)
)

func sfFloatPool() []float64 {
	p := []float64{0, sfNegZero, 1, -1, math.NaN(), sfNaN1, sfNaN2, math.Inf(1), math.Inf(-1),
		math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64}
	for i := range 60 {
		p = append(p, float64(i)+0.5, -float64(i)*3)
	}
	return p
}

var (
	sfP1, sfP2 = new(int), new(int)
	sfC1, sfC2 = make(chan int), make(chan int)
	errSF      = errors.New("e")
)

func sfAnyPool() []any {
	p := []any{
		int(1), int64(1), uint(1), int8(1), uint8(1), float64(1), float32(1), "1", sfNamedInt(1), true,
		int(0), int64(0), float64(0), float64(sfNegZero), float32(0), float32(math.Copysign(0, -1)),
		complex(0, 0), complex(sfNegZero, sfNegZero), complex(math.NaN(), 0),
		math.NaN(), sfNaN1, float32(math.NaN()),
		nil, "", [2]int{1, 1}, [2]int64{1, 1}, sfS16{1, 1}, struct{ A, B int64 }{1, 1},
		sfP1, sfP2, sfC1, sfC2, errSF, sfStr("x"), sfFS{sfNegZero, "a"}, sfFS{0, "a"},
		sfIfc{A: 1, B: 1}, sfIfc{A: int64(1), B: 1}, sfIfc{A: sfNegZero}, sfIfc{A: 0.0}, sfIfc{A: math.NaN()},
		[0]int{}, struct{}{}, [1]any{1}, [1]any{int8(1)},
	}
	for i := range 60 {
		p = append(p, i+10, fmt.Sprint(i+10), uint16(i+10))
	}
	return p
}

// ---------------------------------------------------------------------------
// Tests.

// TestSurpriseFloatKeys: float64, float32, complex128 and [2]float64 keys
// with ±0 (one key, the stored key the last one written) and NaNs (every
// insert a new entry, never found, never deleted, removed by Clear).
func TestSurpriseFloatKeys(t *testing.T) {
	sfDiff(t, "float64", sfFloatPool(), sfInt, 400)

	var f32 []float32
	for _, f := range sfFloatPool() {
		f32 = append(f32, float32(f))
	}
	sfDiff(t, "float32", f32, sfInt, 400)

	var c []complex128
	for i, f := range sfFloatPool() {
		c = append(c, complex(f, sfFloatPool()[(i*7)%len(sfFloatPool())]))
	}
	c = append(c, complex(0, sfNegZero), complex(sfNegZero, 0), complex(0, math.NaN()))
	sfDiff(t, "complex128", c, sfInt, 400)

	var a []([2]float64)
	for i, f := range sfFloatPool() {
		a = append(a, [2]float64{f, float64(i % 3)})
	}
	a = append(a, [2]float64{0, sfNegZero}, [2]float64{sfNegZero, 0})
	sfDiff(t, "[2]float64", a, sfInt, 400)
}

// TestSurpriseInterfaceKeys: any keys mixing dynamic types that print alike
// (int(1), int64(1), uint(1), float64(1), "1", a named int), ±0 and NaN in
// interfaces and in structs in interfaces, pointers, channels, nil, arrays
// and structs.
func TestSurpriseInterfaceKeys(t *testing.T) {
	sfDiff(t, "any", sfAnyPool(), sfInt, 500)

	// A non-empty interface inside a struct key.
	var p []sfIfaceKey
	for i := range 40 {
		p = append(p, sfIfaceKey{sfStr(fmt.Sprint(i))})
	}
	p = append(p, sfIfaceKey{}, sfIfaceKey{sfStr("")})
	sfDiff(t, "struct{Stringer}", p, sfInt, 300)
}

// TestSurpriseStructKeys: keys of 16 bytes of regular memory (hashed from a
// repacked copy, scanned in a one-bucket table, matched by SameWords on
// update), padded structs, structs with float, string, interface and
// blank fields.
func TestSurpriseStructKeys(t *testing.T) {
	var s16 []sfS16
	for i := range 80 {
		s16 = append(s16, sfS16{int64(i % 9), int64(i / 9)})
	}
	s16 = append(s16, sfS16{}, sfS16{-1, -1}, sfS16{math.MinInt64, math.MaxInt64})
	sfDiff(t, "s16", s16, sfInt, 500)

	var a16 [][16]byte
	for i := range 80 {
		var k [16]byte
		k[i%16] = byte(i)
		k[15-i%16] ^= byte(i / 16)
		a16 = append(a16, k)
	}
	sfDiff(t, "[16]byte", a16, sfInt, 400)

	var pad []sfPad
	for i := range 80 {
		pad = append(pad, sfPad{int8(i % 3), int64(i), int16(-i)})
	}
	sfDiff(t, "pad", pad, sfInt, 400)

	var fs []sfFS
	for i, f := range sfFloatPool() {
		fs = append(fs, sfFS{f, fmt.Sprint(i % 5)})
	}
	fs = append(fs, sfFS{0, ""}, sfFS{sfNegZero, ""})
	sfDiff(t, "float+string", fs, sfInt, 400)

	var ifc []sfIfc
	for _, a := range sfAnyPool() {
		ifc = append(ifc, sfIfc{a, 0}, sfIfc{a, 1})
	}
	sfDiff(t, "struct{any;int}", ifc, sfInt, 500)

	var bl []sfBlank
	for i := range 60 {
		bl = append(bl, sfBlank{A: int32(i % 20), B: float32(i / 20)})
	}
	bl = append(bl, sfBlank{B: float32(sfNegZero)}, sfBlank{B: float32(math.NaN())})
	sfDiff(t, "blank", bl, sfInt, 400)
}

// TestSurpriseSizes: zero-size keys and values, huge keys (128 and 129
// bytes: the runtime's limit for storing them in the bucket) and huge
// values.
func TestSurpriseSizes(t *testing.T) {
	sfDiff(t, "struct{}", []struct{}{{}}, sfInt, 200)
	sfDiff(t, "[0]int", [][0]int{{}}, sfInt, 200)
	sfDiff(t, "struct{}->struct{}", []struct{}{{}}, func(int) struct{} { return struct{}{} }, 200)

	var small []int8
	for i := range 256 {
		small = append(small, int8(i))
	}
	sfDiff(t, "int8->struct{}", small, func(int) struct{} { return struct{}{} }, 600)
	sfDiff(t, "bool", []bool{true, false}, sfInt, 200)

	var k128 [][128]byte
	var k129 [][129]byte
	for i := range 70 {
		var a [128]byte
		var b [129]byte
		a[i%128], a[127] = byte(i), byte(i/7)
		b[0], b[128] = byte(i), byte(i/7)
		k128, k129 = append(k128, a), append(k129, b)
	}
	sfDiff(t, "[128]byte", k128, sfInt, 300)
	sfDiff(t, "[129]byte", k129, sfInt, 300)

	big := func(i int) [200]byte {
		var v [200]byte
		v[0], v[199] = byte(i), byte(i>>8)
		return v
	}
	var ints []int
	for i := range 100 {
		ints = append(ints, i)
	}
	sfDiff(t, "int->[200]byte", ints, big, 300)
	sfDiff(t, "[129]byte->[200]byte", k129, big, 300)
}

// TestSurpriseReferenceKeys: pointer and channel keys, and string keys that
// share their bytes (the same address with different lengths, the same
// bytes at different addresses).
func TestSurpriseReferenceKeys(t *testing.T) {
	var ptrs []*int
	var chans []chan int
	for range 70 {
		ptrs = append(ptrs, new(int))
		chans = append(chans, make(chan int))
	}
	ptrs = append(ptrs, nil)
	chans = append(chans, nil)
	sfDiff(t, "*int", ptrs, sfInt, 400)
	sfDiff(t, "chan", chans, sfInt, 400)

	base := strings.Repeat("abcdefghij", 8)
	var strs []string
	for i := range 60 {
		strs = append(strs, base[:i], strings.Clone(base[:i]), base[i%10:i%10+5])
	}
	sfDiff(t, "string", strs, sfInt, 500)
}

// sfGrowthPhases drives a map through doublings and same-size growths
// (insert-heavy, then churn of fresh keys under a lowered overflow
// threshold) and, whenever a growth is in progress, clones the map and
// runs an iteration whose body writes, both checked against the builtin.
// The random harness above rarely lands on those moments: a growth lasts
// a few writes. Counts how often each kind of growth was caught.
func sfGrowthPhases[K comparable](t *testing.T, name string, pool []K, opts ...table.Option) (doubling, sameSize int) {
	t.Helper()
	seeds := uint64(6)
	if testing.Short() {
		seeds = 2
	}
	for seed := range seeds {
		d := &sfRun[K, int]{
			t: t, label: fmt.Sprintf("%s/phases/seed%d", name, seed), pool: pool, mkV: sfInt,
			r:  rand.New(rand.NewPCG(seed, 0x9a5e)),
			tm: table.New[K, int](0, opts...),
			bm: newSFModel[K, int](),
		}
		for i := range 1500 {
			d.step++
			k := d.key()
			if i < 300 || d.r.IntN(2) == 0 {
				d.tm.Put(k, i)
				d.bm.put(k, i)
			} else {
				d.tm.Delete(k)
				d.bm.del(k)
			}
			s := d.tm.Stats()
			if !s.Growing {
				continue
			}
			if s.SameSizeGrow {
				sameSize++
			} else {
				doubling++
			}
			if d.r.IntN(2) == 0 {
				d.cloneCheck()
			}
			d.iterate()
		}
		d.compareAll("end")
	}
	return doubling, sameSize
}

// TestSurpriseGrowthPhases runs sfGrowthPhases for float keys (NaNs, ±0,
// whose evacuation and iteration filtering are special), interface keys,
// and struct keys.
func TestSurpriseGrowthPhases(t *testing.T) {
	var fl []float64
	for i := range 200 {
		fl = append(fl, float64(i))
	}
	fl = append(fl, math.NaN(), math.NaN(), sfNaN1, sfNegZero, 0)
	var s16 []sfS16
	for i := range 200 {
		s16 = append(s16, sfS16{int64(i), int64(-i)})
	}
	var fs []sfFS
	for i := range 200 {
		fs = append(fs, sfFS{float64(i % 20), fmt.Sprint(i / 20)})
	}
	fs = append(fs, sfFS{math.NaN(), "n"}, sfFS{sfNegZero, "z"}, sfFS{0, "z"})
	anyPool := sfAnyPool()
	for i := range 150 {
		anyPool = append(anyPool, float64(i)+0.25)
	}

	for _, o := range []sfOpt{
		{"default", nil},
		{"ovf2", []table.Option{table.WithOverflowThreshold(2)}},
		{"ovf2-pace1", []table.Option{table.WithOverflowThreshold(2), table.WithEvacuationPace(1)}},
	} {
		var dbl, same int
		add := func(a, b int) { dbl += a; same += b }
		add(sfGrowthPhases(t, "float64/"+o.name, fl, o.opts...))
		add(sfGrowthPhases(t, "any/"+o.name, anyPool, o.opts...))
		add(sfGrowthPhases(t, "s16/"+o.name, s16, o.opts...))
		add(sfGrowthPhases(t, "float+string/"+o.name, fs, o.opts...))
		t.Logf("%s: steps during a doubling %d, during a same-size growth %d", o.name, dbl, same)
		if dbl == 0 {
			t.Errorf("%s: no step caught a doubling in progress", o.name)
		}
	}
}

// sfRecover runs f and returns what it panicked with, or nil.
func sfRecover(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// sfPanicShape describes a panic value as a recovering program sees it:
// its message, and whether it is an error and a runtime.Error (what
// "if err, ok := recover().(error)" and "recover().(runtime.Error)" test).
func sfPanicShape(r any) string {
	_, isErr := r.(error)
	_, isRT := r.(runtime.Error)
	return fmt.Sprintf("%q error=%v runtime.Error=%v", fmt.Sprint(r), isErr, isRT)
}

// TestSurpriseNilMapPanicValue: writing to a nil map panics with a
// runtime.Error (runtime.plainError) whose message is "assignment to
// entry in nil map", whatever the key, even an unhashable one (the nil
// check comes first). A program that recovers and type-asserts error or
// runtime.Error must see the same from a nil *table.Map.
func TestSurpriseNilMapPanicValue(t *testing.T) {
	var bm map[any]int
	var tm *table.Map[any, int]
	for _, k := range []any{"a", nil, []int{1}} {
		want := sfPanicShape(sfRecover(func() { bm[k] = 1 }))
		if got := sfPanicShape(sfRecover(func() { tm.Put(k, 1) })); got != want {
			t.Errorf("Put(%T) on a nil *Map panics with %s; the builtin map with %s", k, got, want)
		}
		// Ptr is the builtin's assignment: compared with bm[k] = 1, not
		// with bm[k]++, which the compiler makes one assignment only
		// without -race (with it, the read comes first, and an unhashable
		// key panics as a read of a nil map does).
		if got := sfPanicShape(sfRecover(func() { *tm.Ptr(k)++ })); got != want {
			t.Errorf("Ptr(%T) on a nil *Map panics with %s; the builtin map with %s", k, got, want)
		}
	}
}
