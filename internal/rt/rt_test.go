package rt

import (
	"reflect"
	"testing"
	"unsafe"

	"github.com/dolthub/maphash"
	"github.com/stretchr/testify/require"
)

// dolthubHasher mirrors the layout of maphash.Hasher, which keeps the
// runtime function it found (by a route of its own) and a seed unexported.
type dolthubHasher struct {
	fn   HashFunc
	seed uintptr
}

// RuntimeHash reads the map type's descriptor; github.com/dolthub/maphash
// finds the same function another way. Their agreement checks the layout
// mirror.
func TestRuntimeHashMatchesDolthub(t *testing.T) {
	dh := maphash.NewHasher[string]()
	seed := (*dolthubHasher)(unsafe.Pointer(&dh)).seed
	fn := RuntimeHash[string]()
	for _, k := range []string{"", "a", "hello, world", string(make([]byte, 100))} {
		require.Equal(t, uintptr(dh.Hash(k)), fn(unsafe.Pointer(&k), seed), "key %q", k)
	}
	di := maphash.NewHasher[int64]()
	k := int64(12345)
	require.Equal(t, uintptr(di.Hash(k)), RuntimeHash[int64]()(unsafe.Pointer(&k), (*dolthubHasher)(unsafe.Pointer(&di)).seed))
}

// RuntimeHash called where the key type is concrete, for a key whose hash
// function the compiler generates: with mapDesc inlined, this test failed
// to link with Go 1.26 (see mapDesc).
func TestRuntimeHashConcreteKey(t *testing.T) {
	type triple struct{ A, B, C int64 }
	dh := maphash.NewHasher[triple]()
	seed := (*dolthubHasher)(unsafe.Pointer(&dh)).seed
	k := triple{1, 2, 3}
	require.Equal(t, uintptr(dh.Hash(k)), RuntimeHash[triple]()(unsafe.Pointer(&k), seed))
	fn, _ := Describe[triple, int]()
	require.Equal(t, uintptr(dh.Hash(k)), fn(unsafe.Pointer(&k), seed))
}

// HasPointers reads the descriptors' pointer sizes; reflection agrees.
func TestHasPointers(t *testing.T) {
	type flat struct {
		A int64
		B [4]uint8
	}
	type withPtr struct {
		A int64
		B *int
	}
	check := func(want bool, got bool, name string) {
		t.Helper()
		require.Equal(t, want, got, name)
	}
	check(false, HasPointers[int64, int64](), "int64, int64")
	check(true, HasPointers[string, int64](), "string, int64")
	check(true, HasPointers[int64, *int](), "int64, *int")
	check(false, HasPointers[flat, [3]int](), "flat, [3]int")
	check(true, HasPointers[flat, withPtr](), "flat, withPtr")
	check(true, HasPointers[any, struct{}](), "any, struct{}")
	check(false, HasPointers[[0]*int, int](), "[0]*int, int")
	require.Equal(t, TypeHasPointers(reflect.TypeFor[withPtr]()), HasPointers[withPtr, int]())
	require.Zero(t, testing.AllocsPerRun(100, func() { HasPointers[string, int](); RuntimeHash[string]() }))
}

// Describe answers, from one read of the descriptor, what RuntimeHash,
// HasPointers, SmallRegularKey, RegularKey and StringKey answer one at a
// time.
func TestDescribe(t *testing.T) {
	type pair struct{ A, B int64 }
	type triple struct{ A, B, C int64 }
	type name string
	check := func(name string, fn HashFunc, got Traits, want HashFunc, ptrs, small, regular, str bool) {
		t.Helper()
		require.Equal(t, *(*unsafe.Pointer)(unsafe.Pointer(&want)), *(*unsafe.Pointer)(unsafe.Pointer(&fn)), "%s: hash function", name)
		require.Equal(t, ptrs, got&TraitPointers != 0, "%s: pointers", name)
		require.Equal(t, small, got&TraitSmallRegularKey != 0, "%s: small regular key", name)
		require.Equal(t, !regular, got&TraitIrregularKey != 0, "%s: irregular key", name)
		require.Equal(t, str, got&TraitStringKey != 0, "%s: string key", name)
	}
	describe := func(name string, fn HashFunc, got Traits) func(HashFunc, bool, bool, bool, bool) {
		return func(want HashFunc, ptrs, small, regular, str bool) {
			t.Helper()
			check(name, fn, got, want, ptrs, small, regular, str)
		}
	}
	fn, tr := Describe[int64, int64]()
	describe("int64, int64", fn, tr)(RuntimeHash[int64](), HasPointers[int64, int64](), SmallRegularKey[int64](), RegularKey[int64](), StringKey[int64]())
	fn, tr = Describe[string, int64]()
	describe("string, int64", fn, tr)(RuntimeHash[string](), HasPointers[string, int64](), SmallRegularKey[string](), RegularKey[string](), StringKey[string]())
	fn, tr = Describe[name, *int]()
	describe("name, *int", fn, tr)(RuntimeHash[name](), HasPointers[name, *int](), SmallRegularKey[name](), RegularKey[name](), StringKey[name]())
	fn, tr = Describe[pair, struct{}]()
	describe("pair, struct{}", fn, tr)(RuntimeHash[pair](), HasPointers[pair, struct{}](), SmallRegularKey[pair](), RegularKey[pair](), StringKey[pair]())
	fn, tr = Describe[triple, any]()
	describe("triple, any", fn, tr)(RuntimeHash[triple](), HasPointers[triple, any](), SmallRegularKey[triple](), RegularKey[triple](), StringKey[triple]())
	fn, tr = Describe[float64, int]()
	describe("float64, int", fn, tr)(RuntimeHash[float64](), HasPointers[float64, int](), SmallRegularKey[float64](), RegularKey[float64](), StringKey[float64]())
	fn, tr = Describe[*int, int]()
	describe("*int, int", fn, tr)(RuntimeHash[*int](), HasPointers[*int, int](), SmallRegularKey[*int](), RegularKey[*int](), StringKey[*int]())

	// The answers themselves, for a few of them.
	require.Equal(t, TraitSmallRegularKey, func() Traits { _, t := Describe[int64, int64](); return t }())
	require.Equal(t, TraitPointers|TraitIrregularKey|TraitStringKey, func() Traits { _, t := Describe[string, int64](); return t }())
	require.Equal(t, Traits(0), func() Traits { _, t := Describe[triple, int64](); return t }())
	require.Equal(t, TraitIrregularKey, func() Traits { _, t := Describe[float64, int](); return t }())
	require.Zero(t, testing.AllocsPerRun(100, func() { Describe[string, any]() }))
}

// panicOf returns the error f panics with, or nil.
func panicOf(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error)
		}
	}()
	f()
	return nil
}

type wrap struct{ v any }

func TestCheckHashable(t *testing.T) {
	wrapGetErr := panicOf(func() { m := map[wrap]int{}; _ = m[wrap{map[int]int{}}] })
	require.Error(t, wrapGetErr)
	require.Equal(t, wrapGetErr, panicOf(func() { CheckHashable(wrap{map[int]int{}}) }))
	var nilMap map[any]int
	require.Equal(t, panicOf(func() { _ = nilMap[[]int{1}] }), panicOf(func() { CheckHashable[any]([]int{1}) }))
	require.ErrorContains(t, panicOf(func() { CheckHashable[any]([]int{1}) }), "hash of unhashable type")
	require.NoError(t, panicOf(func() { CheckHashable[any](1) }))
	require.NoError(t, panicOf(func() { CheckHashable(1.5) }))
}

func TestSmallRegularKey(t *testing.T) {
	type two struct{ A, B int64 }
	type padded struct {
		A int8
		B int64
	}
	require.True(t, SmallRegularKey[int64]())
	require.True(t, SmallRegularKey[uint8]())
	require.True(t, SmallRegularKey[*int]())
	require.True(t, SmallRegularKey[two]())
	require.True(t, SmallRegularKey[[2]int32]())
	require.False(t, SmallRegularKey[string](), "compared by content")
	require.False(t, SmallRegularKey[float64](), "±0 and NaN")
	require.False(t, SmallRegularKey[any]())
	require.False(t, SmallRegularKey[padded](), "padding")
	require.False(t, SmallRegularKey[[3]int64](), "24 bytes")
}

func TestStringKey(t *testing.T) {
	type name string
	require.True(t, StringKey[string]())
	require.True(t, StringKey[name](), "a defined string type")
	require.False(t, StringKey[struct{ S string }](), "a struct holding one")
	require.False(t, StringKey[[1]string]())
	require.False(t, StringKey[any]())
	require.False(t, StringKey[[2]uint64](), "string-sized")
	require.False(t, StringKey[complex128]())
	require.False(t, StringKey[int64]())
	// Every kind reflect knows, against reflect's own answer.
	for _, v := range []any{false, 0, int8(0), int16(0), int32(0), int64(0), uint(0), uint8(0),
		uint16(0), uint32(0), uint64(0), uintptr(0), float32(0), float64(0), complex64(0),
		complex128(0), [1]int{}, make(chan int), (*int)(nil), "", struct{}{}, unsafe.Pointer(nil)} {
		require.Equal(t, reflect.TypeOf(v).Kind() == reflect.String, kindOf(v) == uint8(reflect.String), "%T", v)
	}
}

// kindOf reads the kind byte of v's dynamic type as StringKey does.
func kindOf(v any) uint8 {
	return (*struct {
		typ  *typeDesc
		data unsafe.Pointer
	})(unsafe.Pointer(&v)).typ.kind & kindMask
}

func TestSameWords(t *testing.T) {
	s := "a string"
	u := s
	v := string([]byte(s)) // equal, elsewhere
	require.True(t, SameWords(&s, &u))
	require.False(t, SameWords(&s, &v), "equal bytes at another address")
	w := s[:4]
	require.False(t, SameWords(&s, &w), "same address, shorter")
	var e1, e2 string
	require.True(t, SameWords(&e1, &e2))
}

func TestRegularKey(t *testing.T) {
	require.True(t, RegularKey[int64]())
	require.True(t, RegularKey[[5]int64]())
	require.False(t, RegularKey[float64]())
	require.False(t, RegularKey[string]())
	require.False(t, RegularKey[any]())
	require.False(t, RegularKey[struct {
		A int
		S string
	}]())
}
