package hash

import (
	"reflect"
	"unsafe"
)

// Hasher hashes keys of type K. Hash must be a pure function of its
// arguments, except that it may return anything for a key that is not equal
// to itself (a NaN): such keys can never be looked up anyway.
//
// Equal keys must have equal hashes for every seed, or lookups fail.
type Hasher[K any] interface {
	Hash(key K, seed uint64) uint64
}

// RawFunc is the calling convention the table uses on its hot path: a
// pointer to the key and the seed, the hash as a machine word. It is the
// runtime's own convention for map hash functions.
type RawFunc func(key unsafe.Pointer, seed uintptr) uintptr

// Raw returns h in the table's calling convention. For the runtime hasher it
// is the runtime's function itself, so hashing costs one indirect call, as
// in the builtin map. Other hashers are wrapped. For key types whose hashing
// can fail at run time (interfaces, or structs and arrays holding them) the
// wrapper first runs the runtime hasher on the key, so every hasher panics
// on an unhashable key exactly as the builtin map does.
//
// Raw panics if h is nil.
func Raw[K comparable](h Hasher[K]) RawFunc {
	switch h := h.(type) {
	case nil:
		panic("hash: Raw of a nil Hasher")
	case Runtime[K]:
		return h.fn
	case *Runtime[K]:
		return h.fn
	}
	if mayPanicOnHash(reflect.TypeFor[K]()) {
		check := NewRuntime[K]().fn
		return func(p unsafe.Pointer, seed uintptr) uintptr {
			check(p, 0)
			return uintptr(h.Hash(*(*K)(p), uint64(seed)))
		}
	}
	return func(p unsafe.Pointer, seed uintptr) uintptr {
		return uintptr(h.Hash(*(*K)(p), uint64(seed)))
	}
}

// CheckHashable panics, with the error the builtin map gives when it is
// read with such a key, if key cannot be used as a map key: an interface
// holding a slice, map or function, directly or inside a struct or array.
// For other keys it does nothing, cheaply.
func CheckHashable[K comparable](key K) {
	// Indexing a nil builtin map hashes nothing, but the runtime still
	// validates the key and panics with "hash of unhashable type T".
	var m map[K]struct{}
	_ = m[key]
}

// mayPanicOnHash reports whether hashing a value of type t can fail at run
// time, which is only possible where an interface hides the dynamic type.
func mayPanicOnHash(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Array:
		return t.Len() > 0 && mayPanicOnHash(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if mayPanicOnHash(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

// Func adapts a plain function to a Hasher.
type Func[K any] func(key K, seed uint64) uint64

// Hash returns f(key, seed).
func (f Func[K]) Hash(key K, seed uint64) uint64 { return f(key, seed) }
