package hash

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"github.com/zeebo/xxh3"
)

// seededStruct has a blank field between hashed ones, and padding around
// it, neither of which may reach the hash.
type seededStruct struct {
	A int32
	S string
	_ int
	B bool
}

// celsius is a named integer: as a key it hashes as its value; in an
// interface its name tells it apart from int16.
type celsius int16

// seededErr is a non-empty interface's dynamic type.
type seededErr struct{ code int }

func (e seededErr) Error() string { return "code " + strconv.Itoa(e.code) }

// chain is the specification Seeded follows: the seed's state, with each
// word folded in by an xor and a mix.
func chain(seed uint64, words ...uint64) uint64 {
	h := start(seed)
	for _, w := range words {
		h = mix(h ^ w)
	}
	return h
}

// stringWords are the two words a string hashes as.
func stringWords(s string, seed uint64) []uint64 {
	return []uint64{xxh3.HashStringSeed(s, seed), uint64(len(s))}
}

// TestSeededGolden freezes hash values, so that a change of the algorithm
// fails here, and so that every platform the tests run on (amd64, arm64,
// s390x, 32-bit) is checked against the same numbers.
func TestSeededGolden(t *testing.T) {
	type golden struct {
		name string
		hash func(seed uint64) uint64
		want [2]uint64 // under seeds 0 and 0x5eed
	}
	cases := []golden{
		{"int64(0)", func(s uint64) uint64 { return NewSeeded[int64]().Hash(0, s) },
			[2]uint64{0xf2be20720c3e122e, 0xe5251e5b46dba4b1}},
		{"int64(-42)", func(s uint64) uint64 { return NewSeeded[int64]().Hash(-42, s) },
			[2]uint64{0x614bf05b665b52ae, 0x3ca575ef3b11232c}},
		{"uint8(200)", func(s uint64) uint64 { return NewSeeded[uint8]().Hash(200, s) },
			[2]uint64{0xb4fb3824d87f62e9, 0x96db2a40e6bca0b9}},
		{`""`, func(s uint64) uint64 { return NewSeeded[string]().Hash("", s) },
			[2]uint64{0x6778a10581f5b612, 0xdd77ec277d6a4d4f}},
		{`"hello, world"`, func(s uint64) uint64 { return NewSeeded[string]().Hash("hello, world", s) },
			[2]uint64{0x6992575184c9162f, 0x2d3e825a0741447a}},
		{"float64(+0)", func(s uint64) uint64 { return NewSeeded[float64]().Hash(0, s) },
			[2]uint64{0xf2be20720c3e122e, 0xe5251e5b46dba4b1}},
		{"float64(-0)", func(s uint64) uint64 { return NewSeeded[float64]().Hash(math.Copysign(0, -1), s) },
			[2]uint64{0xf2be20720c3e122e, 0xe5251e5b46dba4b1}},
		{"float64(1.5)", func(s uint64) uint64 { return NewSeeded[float64]().Hash(1.5, s) },
			[2]uint64{0xfbb55bc419e5b130, 0xdbc4af413a8ff44e}},
		{"struct", func(s uint64) uint64 {
			return NewSeeded[seededStruct]().Hash(seededStruct{A: -7, S: "abc", B: true}, s)
		}, [2]uint64{0x883f2e98fd9a248d, 0xaa29f7b82f69c57e}},
		{"[3]uint16", func(s uint64) uint64 { return NewSeeded[[3]uint16]().Hash([3]uint16{1, 2, 65535}, s) },
			[2]uint64{0xa4373152bfc76262, 0x8eb186d1afb696a9}},
		{"any(int(42))", func(s uint64) uint64 { return NewSeeded[any]().Hash(42, s) },
			[2]uint64{0xea962bef47a951f1, 0x5708b3ef75ab3492}},
		{`any("hello")`, func(s uint64) uint64 { return NewSeeded[any]().Hash("hello", s) },
			[2]uint64{0x2e7891c6fd33ba75, 0x857d9379d31e57e8}},
		{"any(nil)", func(s uint64) uint64 { return NewSeeded[any]().Hash(nil, s) },
			[2]uint64{0xf2be20720c3e122e, 0xe5251e5b46dba4b1}},
		{"celsius(-3)", func(s uint64) uint64 { return NewSeeded[celsius]().Hash(-3, s) },
			[2]uint64{0xbb2b7704b0aea03c, 0x64cb7168deb4b2de}},
		{"any(celsius(-3))", func(s uint64) uint64 { return NewSeeded[any]().Hash(celsius(-3), s) },
			[2]uint64{0xa070335383cc5395, 0x5b2a131f62972964}},
	}
	for _, c := range cases {
		for i, seed := range []uint64{0, 0x5eed} {
			require.Equal(t, c.want[i], c.hash(seed), "%s under seed %#x: got %#x", c.name, seed, c.hash(seed))
		}
	}
}

// TestSeededFollowsChain checks the hash against the words the doc comment
// lists, type by type, so that each reading rule is pinned down.
func TestSeededFollowsChain(t *testing.T) {
	const seed = 77
	neg := uint64(math.MaxUint64 - 4) // -5 sign-extended
	require.Equal(t, chain(seed, neg), NewSeeded[int8]().Hash(-5, seed))
	require.Equal(t, chain(seed, neg), NewSeeded[int]().Hash(-5, seed))
	require.Equal(t, chain(seed, 0xfb), NewSeeded[uint8]().Hash(0xfb, seed))
	require.Equal(t, chain(seed, 1), NewSeeded[bool]().Hash(true, seed))
	require.Equal(t, chain(seed, 0), NewSeeded[bool]().Hash(false, seed))
	require.Equal(t, chain(seed, math.Float64bits(0.1)), NewSeeded[float64]().Hash(0.1, seed))
	require.Equal(t, chain(seed, math.Float64bits(1.25), math.Float64bits(-2)),
		NewSeeded[complex64]().Hash(complex(1.25, -2), seed))
	require.Equal(t, chain(seed, stringWords("hi", seed)...), NewSeeded[string]().Hash("hi", seed))

	// Struct fields in order, the blank one skipped.
	words := []uint64{uint64(7)}
	words = append(words, stringWords("x", seed)...)
	words = append(words, 1)
	require.Equal(t, chain(seed, words...), NewSeeded[seededStruct]().Hash(seededStruct{A: 7, S: "x", B: true}, seed))

	// An array too long to unroll loops over the same words.
	var long [40]int32
	words = words[:0]
	for i := range long {
		long[i] = int32(i * 3)
		words = append(words, uint64(i*3))
	}
	require.Equal(t, chain(seed, words...), NewSeeded[[40]int32]().Hash(long, seed))
	type nested struct {
		P [20]struct {
			X int8
			_ [3]byte
			Y uint32
		}
	}
	var n nested
	words = words[:0]
	for i := range n.P {
		n.P[i].X, n.P[i].Y = int8(-i), uint32(i)
		words = append(words, uint64(int64(-i)), uint64(i))
	}
	require.Equal(t, chain(seed, words...), NewSeeded[nested]().Hash(n, seed))

	// Interfaces: the type's word, then the value's; pointer-shaped values
	// sit in the interface's data word, others behind it.
	id := func(name string) uint64 { return xxh3.HashString(name) }
	require.Equal(t, chain(seed, id("int64"), 9), NewSeeded[any]().Hash(int64(9), seed))
	require.Equal(t, chain(seed, nilWord), NewSeeded[any]().Hash(nil, seed))
	x := new(int)
	addr := uint64(uintptr(unsafe.Pointer(x)))
	require.Equal(t, chain(seed, id("*int"), addr), NewSeeded[any]().Hash(x, seed))
	type box struct{ p *int }
	require.Equal(t, chain(seed, id("github.com/hmaplab/hmap/hash.box"), addr), NewSeeded[any]().Hash(box{x}, seed))
	require.Equal(t, chain(seed, id("[1]*int"), addr), NewSeeded[any]().Hash([1]*int{x}, seed))
	require.Equal(t, chain(seed, id("struct { A int16; B string }"), 3, xxh3.HashStringSeed("b", seed), 1),
		NewSeeded[any]().Hash(struct {
			A int16
			B string
		}{3, "b"}, seed))
	require.Equal(t, chain(seed, id("github.com/hmaplab/hmap/hash.seededErr"), 4),
		NewSeeded[error]().Hash(seededErr{4}, seed))
}

func TestSeededZeroIsNewSeeded(t *testing.T) {
	check := func(name string, zero, made func() uint64) {
		require.Equal(t, made(), zero(), name)
	}
	check("int64", func() uint64 { return Seeded[int64]{}.Hash(-1, 3) },
		func() uint64 { return NewSeeded[int64]().Hash(-1, 3) })
	check("string", func() uint64 { return Seeded[string]{}.Hash("abc", 3) },
		func() uint64 { return NewSeeded[string]().Hash("abc", 3) })
	check("struct", func() uint64 { return Seeded[seededStruct]{}.Hash(seededStruct{A: 1, S: "s"}, 3) },
		func() uint64 { return NewSeeded[seededStruct]().Hash(seededStruct{A: 1, S: "s"}, 3) })
	check("any", func() uint64 { return Seeded[any]{}.Hash(celsius(4), 3) },
		func() uint64 { return NewSeeded[any]().Hash(celsius(4), 3) })
}

func TestSeededSignedZero(t *testing.T) {
	negZero := math.Copysign(0, -1)
	require.Equal(t, NewSeeded[float64]().Hash(0, 5), NewSeeded[float64]().Hash(negZero, 5))
	require.Equal(t, NewSeeded[float32]().Hash(0, 5), NewSeeded[float32]().Hash(float32(negZero), 5))
	require.Equal(t, NewSeeded[complex128]().Hash(0, 5), NewSeeded[complex128]().Hash(complex(negZero, negZero), 5))
	type pt struct{ X, Y float64 }
	require.Equal(t, NewSeeded[pt]().Hash(pt{1, 0}, 5), NewSeeded[pt]().Hash(pt{1, negZero}, 5))
	require.Equal(t, NewSeeded[any]().Hash(0.0, 5), NewSeeded[any]().Hash(negZero, 5))
}

func TestSeededNaN(t *testing.T) {
	nan := math.NaN()
	type pt struct{ X, Y float64 }
	draw := func() []uint64 {
		nanCount.Store(0)
		var hs []uint64
		for range 8 {
			hs = append(hs, NewSeeded[float64]().Hash(nan, 11))
		}
		hs = append(hs,
			NewSeeded[float32]().Hash(float32(nan), 11),
			NewSeeded[complex128]().Hash(complex(1, nan), 11),
			NewSeeded[pt]().Hash(pt{nan, 2}, 11),
			NewSeeded[any]().Hash(nan, 11))
		return hs
	}
	first := draw()
	distinct := map[uint64]bool{}
	for _, h := range first[:8] {
		distinct[h] = true
	}
	require.Len(t, distinct, 8, "NaNs must spread: %x", first)
	require.Equal(t, first, draw(), "a fresh NaN sequence replays")

	// The sequence depends on the seed.
	nanCount.Store(0)
	require.NotEqual(t, first[0], NewSeeded[float64]().Hash(nan, 12))
}

func TestSeededIgnoresBlankFields(t *testing.T) {
	type blanks struct {
		A int32
		_ int32
		B [2]struct {
			_ string
			C uint8
		}
	}
	var a, b blanks
	a.A, b.A = 1, 1
	a.B[1].C, b.B[1].C = 9, 9
	typ := reflect.TypeFor[blanks]()
	// Fill b's blank fields, which Go code cannot name.
	*(*int32)(unsafe.Add(unsafe.Pointer(&b), typ.Field(1).Offset)) = -1
	inner := typ.Field(2).Type.Elem()
	*(*string)(unsafe.Add(unsafe.Pointer(&b), typ.Field(2).Offset+inner.Size()+inner.Field(0).Offset)) = "hidden"
	require.True(t, a == b, "== ignores blank fields")
	require.Equal(t, NewSeeded[blanks]().Hash(a, 1), NewSeeded[blanks]().Hash(b, 1))
	require.Equal(t, NewSeeded[any]().Hash(a, 1), NewSeeded[any]().Hash(b, 1))
	require.Equal(t, NewSeeded[seededStruct]().Hash(seededStruct{S: "q"}, 1),
		Seeded[seededStruct]{}.Hash(*(*seededStruct)(unsafe.Pointer(&struct {
			A int32
			S string
			X int
			B bool
		}{S: "q", X: 99})), 1))
}

func TestSeededStringBoundaries(t *testing.T) {
	type two struct{ A, B string }
	h := NewSeeded[two]()
	require.NotEqual(t, h.Hash(two{"ab", "c"}, 0), h.Hash(two{"a", "bc"}, 0))
	require.NotEqual(t, h.Hash(two{"", "abc"}, 0), h.Hash(two{"abc", ""}, 0))
	a := NewSeeded[[3]string]()
	require.NotEqual(t, a.Hash([3]string{"a", "", "b"}, 0), a.Hash([3]string{"a", "b", ""}, 0))
}

// TestSeededHashesValues checks that keys holding the same values hash
// alike whatever their types' widths and layouts.
func TestSeededHashesValues(t *testing.T) {
	const seed = 99
	want := NewSeeded[int64]().Hash(-123, seed)
	require.Equal(t, want, NewSeeded[int]().Hash(-123, seed))
	require.Equal(t, want, NewSeeded[int16]().Hash(-123, seed))
	require.Equal(t, want, NewSeeded[celsius]().Hash(-123, seed))
	require.Equal(t, want, NewSeeded[struct{ X int32 }]().Hash(struct{ X int32 }{-123}, seed))
	require.Equal(t, want, NewSeeded[[1]int8]().Hash([1]int8{-123}, seed))
	require.Equal(t, NewSeeded[uint64]().Hash(200, seed), NewSeeded[uint8]().Hash(200, seed))
	require.Equal(t, NewSeeded[float64]().Hash(1.5, seed), NewSeeded[float32]().Hash(1.5, seed))
	require.Equal(t, NewSeeded[string]().Hash("s", seed), NewSeeded[[1]string]().Hash([1]string{"s"}, seed))
	type padded struct {
		A int8
		B int64
	}
	var p, q padded
	*(*[16]byte)(unsafe.Pointer(&q)) = [16]byte{1, 2, 3, 4, 5, 6, 7, 8} // padding
	q.A, q.B, p.A, p.B = 1, 2, 1, 2
	require.Equal(t, NewSeeded[padded]().Hash(p, seed), NewSeeded[padded]().Hash(q, seed))

	x, y := new(int), new(int)
	require.Equal(t, NewSeeded[*int]().Hash(x, seed), NewSeeded[*int]().Hash(x, seed))
	require.NotEqual(t, NewSeeded[*int]().Hash(x, seed), NewSeeded[*int]().Hash(y, seed))
	ch := make(chan int)
	require.Equal(t, NewSeeded[any]().Hash(ch, seed), NewSeeded[any]().Hash(ch, seed))
	require.Equal(t, NewSeeded[unsafe.Pointer]().Hash(unsafe.Pointer(x), seed), NewSeeded[*int]().Hash(x, seed))
}

func TestSeededInterfaceTypes(t *testing.T) {
	h := NewSeeded[any]()
	require.NotEqual(t, h.Hash(int(5), 0), h.Hash(int64(5), 0), "int and int64 in an interface are unequal")
	require.NotEqual(t, h.Hash(int16(5), 0), h.Hash(celsius(5), 0), "a named type is not its underlying type")
	require.NotEqual(t, h.Hash(nil, 0), h.Hash(0, 0))
	require.Equal(t, h.Hash(nil, 0), h.Hash(nil, 0))
	require.Equal(t, h.Hash(seededErr{3}, 8), NewSeeded[error]().Hash(seededErr{3}, 8),
		"an empty and a non-empty interface holding equal values hash alike")
	require.Equal(t, NewSeeded[error]().Hash(nil, 8), h.Hash(nil, 8))

	// Interfaces inside keys, with the dynamic type changing place to place.
	type pair struct{ A, B any }
	p := NewSeeded[pair]()
	require.Equal(t, p.Hash(pair{1, "x"}, 2), p.Hash(pair{1, "x"}, 2))
	require.NotEqual(t, p.Hash(pair{1, "x"}, 2), p.Hash(pair{"x", 1}, 2))
	require.NotEqual(t, p.Hash(pair{1, nil}, 2), p.Hash(pair{nil, 1}, 2))
	require.Equal(t, p.Hash(pair{pair{1, 2}, [2]any{true, 1.0}}, 2), p.Hash(pair{pair{1, 2}, [2]any{true, 1.0}}, 2))
}

// builtinPanic returns what a builtin map panics with when indexed by k,
// formatted with its type.
func builtinPanic[K comparable](k K) (r string) {
	defer func() {
		p := recover()
		r = fmt.Sprintf("%T: %v", p, p)
	}()
	var m map[K]bool
	_ = m[k]
	return
}

// seededPanic returns what h panics with when hashing k, formatted alike.
func seededPanic[K comparable](h Seeded[K], k K) (r string) {
	defer func() {
		p := recover()
		r = fmt.Sprintf("%T: %v", p, p)
	}()
	h.Hash(k, 0)
	return
}

func TestSeededUnhashablePanics(t *testing.T) {
	if strings.HasPrefix(runtime.Version(), "go1.23") {
		// The reference toolchain's wording; later ones say "hash of
		// unhashable type: []int" for an empty map, as Seeded then does.
		require.PanicsWithError(t, "runtime error: hash of unhashable type []int", func() {
			NewSeeded[any]().Hash([]int{1}, 0)
		})
	}
	type holder struct {
		N int
		V any
	}
	type sliced struct{ S []int }
	for _, k := range []any{[]int{1}, map[string]int{}, func() {}, sliced{}, holder{V: []int{}}, [2]any{1, holder{V: sliced{}}}} {
		want := builtinPanic(k)
		require.Contains(t, want, "unhashable type")
		require.Equal(t, want, seededPanic(NewSeeded[any](), k), "%T", k)
		require.Equal(t, want, seededPanic(Seeded[any]{}, k), "%T", k)
	}
	h := holder{1, func() {}}
	require.Equal(t, builtinPanic(h), seededPanic(NewSeeded[holder](), h))
	a := [2]any{1, holder{V: []int{}}}
	require.Equal(t, builtinPanic(a), seededPanic(NewSeeded[[2]any](), a))
	var e error = unhashableErr{}
	require.Equal(t, builtinPanic(e), seededPanic(NewSeeded[error](), e))
	// The failure is not fatal to the hasher.
	require.Equal(t, NewSeeded[any]().Hash(1, 0), NewSeeded[any]().Hash(1, 0))
}

// unhashableErr is an error that cannot be a map key.
type unhashableErr []string

func (unhashableErr) Error() string { return "unhashable" }

func TestSeededSeedChangesHash(t *testing.T) {
	i, s := NewSeeded[int64](), NewSeeded[string]()
	type rec struct {
		A int32
		B string
	}
	r := NewSeeded[rec]()
	for k := range 1000 {
		for _, seed := range []uint64{1, 2, 1 << 32, 1 << 63} {
			require.NotEqual(t, i.Hash(int64(k), 0), i.Hash(int64(k), seed), "int64 %d seed %#x", k, seed)
			str := strconv.Itoa(k)
			require.NotEqual(t, s.Hash(str, 0), s.Hash(str, seed), "string %q seed %#x", str, seed)
			require.NotEqual(t, r.Hash(rec{int32(k), str}, 0), r.Hash(rec{int32(k), str}, seed))
		}
	}
}

// chiSquare returns the chi-square statistic of n hashes counted into
// 1<<bits buckets by pick, and its degrees of freedom.
func chiSquare(n, bits int, hashOf func(i int) uint64, pick func(h uint64) uint64) (chi2, df float64) {
	counts := make([]int, 1<<bits)
	for i := range n {
		counts[pick(hashOf(i))]++
	}
	expect := float64(n) / float64(len(counts))
	for _, c := range counts {
		d := float64(c) - expect
		chi2 += d * d / expect
	}
	return chi2, float64(len(counts) - 1)
}

// TestSeededDistribution checks that sequential keys spread over buckets
// as random ones would, both by the low bits (the bucket index) and by the
// top byte (the tophash): the chi-square statistic stays within six
// standard deviations of its mean.
func TestSeededDistribution(t *testing.T) {
	const n, lowBits = 1 << 16, 13
	low := func(h uint64) uint64 { return h & (1<<lowBits - 1) }
	top := func(h uint64) uint64 { return h >> 56 }
	type rec struct{ A, B int32 }
	keys := []struct {
		name string
		key  func(seed uint64) func(int) uint64
	}{
		{"int64", func(seed uint64) func(int) uint64 {
			h := NewSeeded[int64]()
			return func(i int) uint64 { return h.Hash(int64(i), seed) }
		}},
		{"string", func(seed uint64) func(int) uint64 {
			h := NewSeeded[string]()
			return func(i int) uint64 { return h.Hash(strconv.Itoa(i), seed) }
		}},
		{"struct", func(seed uint64) func(int) uint64 {
			h := NewSeeded[rec]()
			return func(i int) uint64 { return h.Hash(rec{int32(i & 0xff), int32(i >> 8)}, seed) }
		}},
		{"float64", func(seed uint64) func(int) uint64 {
			h := NewSeeded[float64]()
			return func(i int) uint64 { return h.Hash(float64(i), seed) }
		}},
	}
	for _, k := range keys {
		for _, seed := range []uint64{0, 1, 0xdead_beef} {
			for _, by := range []struct {
				name string
				bits int
				pick func(uint64) uint64
			}{{"low bits", lowBits, low}, {"top byte", 8, top}} {
				chi2, df := chiSquare(n, by.bits, k.key(seed), by.pick)
				bound := 6 * math.Sqrt(2*df)
				t.Logf("%s keys, seed %#x, by %s: chi-square %.1f, df %.0f", k.name, seed, by.name, chi2, df)
				require.InDelta(t, df, chi2, bound, "%s keys, seed %#x, by %s: chi-square %.1f, df %.0f", k.name, seed, by.name, chi2, df)
			}
		}
	}
}

func TestSeededAllocs(t *testing.T) {
	type rec struct {
		A int64
		S string
	}
	s := "a string long enough to be out of line"
	// Hashers are made outside the measured functions, as a map makes its
	// own once; the zero ones look their plans up on every call.
	i64, str, r := NewSeeded[int64](), NewSeeded[string](), NewSeeded[rec]()
	f2, a := NewSeeded[[2]float64](), NewSeeded[any]()
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"int64", func() { i64.Hash(12345, 1) }},
		{"string", func() { str.Hash(s, 1) }},
		{"struct", func() { r.Hash(rec{1, s}, 1) }},
		{"[2]float64", func() { f2.Hash([2]float64{1, 2}, 1) }},
		{"any(int)", func() { a.Hash(12345, 1) }},
		{"any(rec)", func() { a.Hash(rec{1, s}, 1) }},
		{"zero any", func() { Seeded[any]{}.Hash(12345, 1) }},
		{"zero rec", func() { Seeded[rec]{}.Hash(rec{1, s}, 1) }},
	} {
		c.f() // build and cache the plans first
		require.Zero(t, testing.AllocsPerRun(100, c.f), c.name)
	}
}

func TestSeededConcurrent(t *testing.T) {
	keys := []any{1, "one", 1.0, int8(1), celsius(1), [2]int{1, 2}, struct{ A any }{"x"}, nil, true}
	h := NewSeeded[any]()
	want := make([]uint64, len(keys))
	for i, k := range keys {
		want[i] = h.Hash(k, 6)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range 200 {
				i := (g + r) % len(keys)
				if got := h.Hash(keys[i], 6); got != want[i] {
					panic(fmt.Sprintf("key %v: %#x, want %#x", keys[i], got, want[i]))
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkSeeded(b *testing.B) {
	b.Run("key=int64", func(b *testing.B) {
		h := NewSeeded[int64]()
		var sink uint64
		for i := range b.N {
			sink += h.Hash(int64(i), 1)
		}
		_ = sink
	})
	b.Run("key=string", func(b *testing.B) {
		h := NewSeeded[string]()
		keys := make([]string, 1024)
		for i := range keys {
			keys[i] = fmt.Sprintf("key-%06d", i)
		}
		var sink uint64
		for i := range b.N {
			sink += h.Hash(keys[i&1023], 1)
		}
		_ = sink
	})
}
