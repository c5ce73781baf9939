package hash

import (
	"unsafe"

	"github.com/dolthub/maphash"
)

// Runtime is the builtin map's hash function for K: AES-based where the CPU
// has it, wyhash-like otherwise, with per-type shortcuts for memory-shaped
// keys, strings, floats (±0 hash alike; NaN hashes randomly) and interfaces.
// It panics on unhashable interface keys with the runtime's own error.
//
// Its output depends on the process (the runtime keys its hash with a
// per-process random value), so it is not reproducible across runs; use
// [XXH3] or a weak hasher for that.
type Runtime[K comparable] struct {
	fn RawFunc
}

// dolthubHasher mirrors the layout of maphash.Hasher, which keeps the
// runtime function and its own seed unexported. Reading the function out
// lets hmap pass the map's seed instead of the hasher's.
type dolthubHasher struct {
	fn   RawFunc
	seed uintptr
}

// NewRuntime returns the runtime hasher for K. It allocates (a builtin map
// is made to find its type's hash function), so create it once per map.
func NewRuntime[K comparable]() Runtime[K] {
	h := maphash.NewHasher[K]()
	return Runtime[K]{fn: (*dolthubHasher)(unsafe.Pointer(&h)).fn}
}

// Hash returns the runtime hash of key under seed, as the builtin map would
// compute it for a map whose seed is seed.
func (h Runtime[K]) Hash(key K, seed uint64) uint64 {
	return uint64(h.fn(noescape(unsafe.Pointer(&key)), uintptr(seed)))
}

// noescape hides p from escape analysis so that hashing a key does not move
// it to the heap. The hash functions only read through the pointer.
//
//go:nosplit
func noescape(p unsafe.Pointer) unsafe.Pointer {
	// Round-tripping through a uintptr cuts the data flow escape analysis
	// follows; reading it back as a pointer keeps go vet's unsafeptr check
	// satisfied. There is no safe point between the two lines.
	x := uintptr(p)
	return *(*unsafe.Pointer)(unsafe.Pointer(&x))
}
