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

// traitsOf returns the traits of K and V.
func traitsOf[K comparable, V any]() Traits {
	_, t := Describe[K, V]()
	return t
}

// Describe reads the descriptors' pointer sizes; reflection agrees.
func TestTraitPointers(t *testing.T) {
	type flat struct {
		A int64
		B [4]uint8
	}
	type withPtr struct {
		A int64
		B *int
	}
	check := func(want bool, got Traits, name string) {
		t.Helper()
		require.Equal(t, want, got&TraitPointers != 0, name)
	}
	check(false, traitsOf[int64, int64](), "int64, int64")
	check(true, traitsOf[string, int64](), "string, int64")
	check(true, traitsOf[int64, *int](), "int64, *int")
	check(false, traitsOf[flat, [3]int](), "flat, [3]int")
	check(true, traitsOf[flat, withPtr](), "flat, withPtr")
	check(true, traitsOf[any, struct{}](), "any, struct{}")
	check(false, traitsOf[[0]*int, int](), "[0]*int, int")
	check(true, traitsOf[[3]int64, any](), "[3]int64, any: V's pointers alone")
	require.Equal(t, TypeHasPointers(reflect.TypeFor[withPtr]()), traitsOf[withPtr, int]()&TraitPointers != 0)
	require.Zero(t, testing.AllocsPerRun(100, func() { Describe[string, int](); RuntimeHash[string]() }))
}

// Describe returns the runtime's hash function (hashRepacked for a 16-byte
// key of regular memory where Repack is on) and every trait at once.
func TestDescribe(t *testing.T) {
	type pair struct{ A, B int64 }
	type ptrLen struct {
		P *byte
		N int
	}
	type triple struct{ A, B, C int64 }
	type label string
	check := func(what string, fn HashFunc, got Traits, wantFn HashFunc, want Traits) {
		t.Helper()
		require.Equal(t, codePtr(wantFn), codePtr(fn), "%s: hash function", what)
		require.Equal(t, want, got, "%s: traits", what)
	}
	repacked := func(own HashFunc) HashFunc {
		if Repack {
			return hashRepacked
		}
		return own
	}
	fn, tr := Describe[int64, int64]()
	check("int64, int64", fn, tr, mapDesc[int64, struct{}]().hasher, TraitSmallRegularKey)
	fn, tr = Describe[string, int64]()
	check("string, int64", fn, tr, mapDesc[string, struct{}]().hasher, TraitPointers|TraitIrregularKey|TraitStringKey)
	fn, tr = Describe[label, *int]()
	check("label, *int", fn, tr, mapDesc[label, struct{}]().hasher, TraitPointers|TraitIrregularKey|TraitStringKey)
	fn, tr = Describe[pair, struct{}]()
	check("pair, struct{}", fn, tr, repacked(mapDesc[pair, struct{}]().hasher), TraitSmallRegularKey)
	fn, tr = Describe[ptrLen, int]()
	check("ptrLen, int", fn, tr, repacked(mapDesc[ptrLen, struct{}]().hasher), TraitPointers|TraitSmallRegularKey)
	fn, tr = Describe[triple, any]()
	check("triple, any", fn, tr, mapDesc[triple, struct{}]().hasher, TraitPointers)
	fn, tr = Describe[float64, int]()
	check("float64, int", fn, tr, mapDesc[float64, struct{}]().hasher, TraitIrregularKey)
	fn, tr = Describe[any, int]()
	check("any, int", fn, tr, mapDesc[any, struct{}]().hasher, TraitPointers|TraitIrregularKey)
	fn, tr = Describe[*int, int]()
	check("*int, int", fn, tr, mapDesc[*int, struct{}]().hasher, TraitPointers|TraitSmallRegularKey)
	require.Equal(t, TraitPointers|TraitSmallRegularKey|TraitIrregularKey|TraitStringKey, TraitAll)
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

func TestTraitSmallRegularKey(t *testing.T) {
	type two struct{ A, B int64 }
	type padded struct {
		A int8
		B int64
	}
	small := func(tr Traits) bool { return tr&TraitSmallRegularKey != 0 }
	require.True(t, small(traitsOf[int64, int]()))
	require.True(t, small(traitsOf[uint8, int]()))
	require.True(t, small(traitsOf[*int, int]()))
	require.True(t, small(traitsOf[two, int]()))
	require.True(t, small(traitsOf[[2]int32, int]()))
	require.False(t, small(traitsOf[string, int]()), "compared by content")
	require.False(t, small(traitsOf[float64, int]()), "±0 and NaN")
	require.False(t, small(traitsOf[any, int]()))
	require.False(t, small(traitsOf[padded, int]()), "padding")
	require.False(t, small(traitsOf[[3]int64, int]()), "24 bytes")
}

func TestTraitStringKey(t *testing.T) {
	type name string
	str := func(tr Traits) bool { return tr&TraitStringKey != 0 }
	require.True(t, str(traitsOf[string, int]()))
	require.True(t, str(traitsOf[name, int]()), "a defined string type")
	require.False(t, str(traitsOf[struct{ S string }, int]()), "a struct holding one")
	require.False(t, str(traitsOf[[1]string, int]()))
	require.False(t, str(traitsOf[any, int]()))
	require.False(t, str(traitsOf[[2]uint64, int]()), "string-sized")
	require.False(t, str(traitsOf[complex128, int]()))
	require.False(t, str(traitsOf[int64, int]()))
	// Every kind reflect knows, against reflect's own answer.
	for _, v := range []any{false, 0, int8(0), int16(0), int32(0), int64(0), uint(0), uint8(0),
		uint16(0), uint32(0), uint64(0), uintptr(0), float32(0), float64(0), complex64(0),
		complex128(0), [1]int{}, make(chan int), (*int)(nil), "", struct{}{}, unsafe.Pointer(nil)} {
		require.Equal(t, reflect.TypeOf(v).Kind() == reflect.String, kindOf(v) == uint8(reflect.String), "%T", v)
	}
}

// kindOf reads the kind byte of v's dynamic type as Describe does.
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

func TestTraitIrregularKey(t *testing.T) {
	irregular := func(tr Traits) bool { return tr&TraitIrregularKey != 0 }
	require.False(t, irregular(traitsOf[int64, int]()))
	require.False(t, irregular(traitsOf[[5]int64, int]()))
	require.True(t, irregular(traitsOf[float64, int]()))
	require.True(t, irregular(traitsOf[string, int]()))
	require.True(t, irregular(traitsOf[any, int]()))
	require.True(t, irregular(traitsOf[struct {
		A int
		S string
	}, int]()))
}
