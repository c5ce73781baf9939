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

	"github.com/dolthub/maphash"
)

// HashFunc is the calling convention of the runtime's map hash functions,
// and of every table's hot path: a pointer to the key and the seed, the hash
// as a machine word.
type HashFunc func(key unsafe.Pointer, seed uintptr) uintptr

// dolthubHasher mirrors the layout of maphash.Hasher, which keeps the
// runtime function and its own seed unexported. Reading the function out
// lets a table pass its own seed.
type dolthubHasher struct {
	fn   HashFunc
	seed uintptr
}

// RuntimeHash returns the builtin map's hash function for K. It costs a few
// hundred instructions and an allocation (a builtin map is made to find it):
// call it once per map.
func RuntimeHash[K comparable]() HashFunc {
	h := maphash.NewHasher[K]()
	return (*dolthubHasher)(unsafe.Pointer(&h)).fn
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
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Array:
		return t.Len() > 0 && MayPanicOnHash(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if MayPanicOnHash(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

// HasPointers reports whether values of type t hold pointers the garbage
// collector must trace.
func HasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Slice,
		reflect.String, reflect.Interface, reflect.Chan, reflect.Func:
		return true
	case reflect.Array:
		return t.Len() > 0 && HasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if HasPointers(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}
