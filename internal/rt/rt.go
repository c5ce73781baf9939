// Package rt holds what hmap takes from the Go runtime and the unsafe
// plumbing around it, in one place: the runtime's hash function for a key
// type, in the runtime's calling convention; the check that a key can be
// hashed at all; whether a type holds pointers; and the escape-analysis
// shim that lets a key passed by value stay on its caller's stack.
//
// None of it is public API: packages hash, bucket, table and concurrent
// build their exported types on it.
package rt

import (
	"reflect"
	"unsafe"
)

// HashFunc is the calling convention of the runtime's map hash functions,
// and of every table's hot path: a pointer to the key and the seed, the hash
// as a machine word.
type HashFunc func(key unsafe.Pointer, seed uintptr) uintptr

// typeDesc mirrors the start of the runtime's type descriptor (abi.Type):
// its size, how many of its leading bytes can hold pointers, its hash,
// its flags, alignments and kind.
type typeDesc struct {
	size, ptrBytes uintptr
	_              uint32 // hash
	tflag          uint8
	_, _           uint8 // alignments
	kind           uint8 // reflect.Kind in the low five bits (abi.KindMask)
}

// tflagRegularMemory marks a type whose equality and hash treat a value as
// one region of memory (abi.TFlagRegularMemory): no padding, no floats, no
// strings, interfaces or pointers to compare by content.
const tflagRegularMemory = 1 << 3

// mapTypeDesc mirrors the start of the runtime's descriptor of a map type
// (abi.MapType in Go 1.24 and later, maptype before): the type's own
// descriptor, 48 bytes on 64-bit and 32 on 32-bit platforms, then the key,
// elem and bucket (or group) types, then the hash function. The layout is
// the same in every Go release since 1.18; TestRuntimeHashMatchesDolthub
// checks it against github.com/dolthub/maphash.
type mapTypeDesc struct {
	_         typeDescFull
	key, elem *typeDesc
	_         *typeDesc // the bucket or group type
	hasher    HashFunc
}

// typeDescFull is abi.Type: two uintptrs, four bytes of flags and kind, a
// uint32 hash, the equality function, the GC data and two int32 offsets.
type typeDescFull struct {
	_ [2]uintptr
	_ uint32
	_ [4]uint8
	_ unsafe.Pointer
	_ unsafe.Pointer
	_ [2]int32
}

// eface is the layout of an empty interface.
type eface struct {
	typ  *mapTypeDesc
	data unsafe.Pointer
}

// mapDesc returns the runtime's descriptor of map[K]V, read from a nil map
// put in an interface, which allocates nothing.
//
// It is not inlined. Inlined where K is a concrete type, the descriptor is
// a known symbol, and Go 1.26's compiler turns the load of its hash
// function into a direct reference that its linker cannot resolve for a
// generated hash function (a key of 24 bytes: "R_USEIFACE ... references
// type:.hashfunc24 which is not a type or itab"), so that a program
// calling hash.NewRuntime for such a key failed to link
// (TestRuntimeHashConcreteKey). Called, it reads the descriptor from its
// dictionary.
//
//go:noinline
func mapDesc[K comparable, V any]() *mapTypeDesc {
	var m map[K]V
	a := any(m)
	return (*eface)(unsafe.Pointer(&a)).typ
}

// RuntimeHash returns the builtin map's hash function for K, from the
// runtime's descriptor of a map type: a call and a few loads, no
// allocation. For a key of 16 bytes of regular memory on amd64 it returns
// hashRepacked, which gives the same hashes.
func RuntimeHash[K comparable]() HashFunc {
	fn, _ := Describe[K, struct{}]()
	return fn
}

// memhash128 is the runtime's hash of 16 bytes of regular memory: the hash
// function of every key type that is.
var memhash128 = mapDesc[[2]uint64, struct{}]().hasher

// hashRepacked is memhash128 of a copy of the key written with one 16-byte
// store (Repack16).
//
// A two-word struct passed by value, as to Map.Get, is stored to the stack
// as two 8-byte words, and memhash128 reads it back with one 16-byte load.
// The processor cannot forward two stores to one load: the load waits
// until the stores reach the cache, which is after every older instruction
// has retired, the previous lookup's cache misses included, so a run of
// lookups takes its misses one at a time instead of overlapping them (2.2
// times the builtin map's time per lookup in a 1M-entry map). The builtin
// map is handed the key's address and does not copy it. Reading the key
// as two words and hashing the copy costs two calls and a few instructions.
func hashRepacked(key unsafe.Pointer, seed uintptr) uintptr {
	var buf [2]uint64
	Repack16(&buf, (*[2]uint64)(key))
	return memhash(unsafe.Pointer(&buf), seed, 16)
}

// Traits are the properties of a key and an elem type that a table reads
// once, when it is set up, to choose its paths.
type Traits uint8

const (
	// TraitPointers: K or V holds pointers the garbage collector must
	// trace, so a bucket of them does too.
	TraitPointers Traits = 1 << iota
	// TraitSmallRegularKey: K is at most 16 bytes of regular memory (an
	// integer, a pointer, an array or struct of them without padding), so
	// that comparing two keys costs less than hashing one: a table of one
	// bucket then compares the keys rather than hashing, as the runtime's
	// fast paths do for such keys.
	TraitSmallRegularKey
	// TraitIrregularKey: K is not regular memory, so equal keys can differ
	// bit for bit (floats: ±0; strings: their storage; interfaces and what
	// holds them) and an update must rewrite the stored key. Regular keys
	// are equal only when identical.
	TraitIrregularKey
	// TraitStringKey: K's kind is string (string, or a type defined as
	// one): generic code instantiated for K then runs with K's shape being
	// string itself, and may read a key as a string header (SameWords).
	TraitStringKey

	// TraitAll is every trait: a table that copies the traits into a word
	// of flags keeps this many bits for them.
	TraitAll = TraitStringKey<<1 - 1
)

// Describe returns K's runtime hash function (see RuntimeHash) and the
// traits of K and V, from one read of map[K]V's descriptor. Setting up a
// map asks every question at once: mapDesc is a call (see there), and
// asked one at a time the questions cost a call each.
func Describe[K comparable, V any]() (HashFunc, Traits) {
	d := mapDesc[K, V]()
	k := d.key
	var t Traits
	if k.ptrBytes != 0 || d.elem.ptrBytes != 0 {
		t |= TraitPointers
	}
	regular := k.tflag&tflagRegularMemory != 0
	if !regular {
		t |= TraitIrregularKey
	} else if k.size <= 16 {
		t |= TraitSmallRegularKey
	}
	if k.kind&kindMask == uint8(reflect.String) {
		t |= TraitStringKey
	}
	fn := d.hasher
	if Repack && regular && k.size == 16 {
		fn = hashRepacked
	}
	return fn, t
}

// kindMask selects the kind in abi.Type's kind byte (abi.KindMask).
const kindMask = 1<<5 - 1

// SameWords reports whether the values at a and b, each the size of a
// string header (two machine words), are identical word for word. For a
// string (a K of kind string, TraitStringKey) that is the same length and
// the same address of the bytes, which makes the two equal without
// comparing the bytes (they may be equal without it); for regular memory,
// equality itself. It is generic so that it inlines in the user's package
// (see NoEscape).
func SameWords[K comparable](a, b *K) bool {
	x, y := (*[2]uintptr)(unsafe.Pointer(a)), (*[2]uintptr)(unsafe.Pointer(b))
	return x[0] == y[0] && x[1] == y[1]
}

// NoEscape returns p as an unsafe.Pointer hidden from escape analysis, so
// that a key passed by value to a generic method can stay on the caller's
// stack while a hash function reads it through a pointer. The functions it
// is used for only read through p, during the call.
//
// It is generic so that it inlines wherever the generic code calling it is
// compiled: in the user's package, the compiler inlines the generic
// functions of packages it does not import itself, but not their plain
// functions (golang/go#56280). Its type argument is always unsafe.Pointer
// itself, so a call from generic code needs no dictionary.
//
//go:nosplit
func NoEscape[P ~unsafe.Pointer](p P) unsafe.Pointer {
	// Round-tripping through a uintptr cuts the data flow escape analysis
	// follows; reading it back as a pointer keeps go vet's unsafeptr
	// check satisfied. There is no safe point between the two lines.
	x := uintptr(p)
	return *(*unsafe.Pointer)(unsafe.Pointer(&x))
}

// PlainError is a panic value for the misuse of a map that a builtin map
// panics on with a runtime error (an assignment to a nil map): a
// runtime.Error whose message is its text alone, as the runtime's own
// errors of the kind are. A program that recovers and asks whether it
// has an error, or a runtime.Error, gets the answer the builtin map gives.
type PlainError string

func (e PlainError) Error() string { return string(e) }

// RuntimeError marks PlainError as a runtime.Error.
func (PlainError) RuntimeError() {}

// CheckHashable panics, with the error the builtin map gives, if key cannot
// be used as a map key: an interface holding a slice, map or function,
// directly or inside a struct or array. For other keys it costs nothing.
func CheckHashable[K comparable](key K) {
	// Indexing a nil builtin map hashes nothing, but the runtime still
	// validates the key and panics with "hash of unhashable type T".
	var m map[K]struct{}
	_ = m[key]
}

// MayPanicOnHash reports whether hashing a value of type t can fail at run
// time, which is only possible where an interface hides the dynamic type.
func MayPanicOnHash(t reflect.Type) bool {
	return holds(t, func(k reflect.Kind) bool { return k == reflect.Interface })
}

// TypeHasPointers reports whether values of type t hold pointers the
// garbage collector must trace, by reflection: for describing a type
// (bucket.LayoutOf), not for a map's construction.
func TypeHasPointers(t reflect.Type) bool {
	return holds(t, func(k reflect.Kind) bool {
		switch k {
		case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Slice,
			reflect.String, reflect.Interface, reflect.Chan, reflect.Func:
			return true
		}
		return false
	})
}

// holds reports whether t, or a type a value of t holds in place (an
// array's elements, a struct's fields), is of a kind leaf accepts.
func holds(t reflect.Type, leaf func(reflect.Kind) bool) bool {
	switch t.Kind() {
	case reflect.Array:
		return t.Len() > 0 && holds(t.Elem(), leaf)
	case reflect.Struct:
		for i := range t.NumField() {
			if holds(t.Field(i).Type, leaf) {
				return true
			}
		}
		return false
	}
	return leaf(t.Kind())
}
