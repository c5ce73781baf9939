package hash

import (
	"unsafe"

	"github.com/hmaplab/hmap/internal/rt"
)

// Runtime is the builtin map's hash function for K: AES-based where the CPU
// has it, wyhash-like otherwise, with per-type shortcuts for memory-shaped
// keys, strings, floats (±0 hash alike; NaN hashes randomly) and interfaces.
// It panics on unhashable interface keys with the runtime's own error.
//
// Its output depends on the process (the runtime keys its hash with a
// per-process random value), so it is not reproducible across runs; use
// [XXH3] or a weak hasher for that.
//
// A map given a Runtime calls the runtime's function directly, as the
// builtin map does. The zero Runtime is valid; for calling Hash directly,
// NewRuntime's is faster, since it has looked the function up once.
type Runtime[K comparable] struct {
	fn rt.HashFunc
}

// NewRuntime returns the runtime hasher for K. It looks the function up
// in the runtime's descriptor of a map type keyed by K (a call, no
// allocation), which the zero Runtime does on every Hash.
func NewRuntime[K comparable]() Runtime[K] {
	return Runtime[K]{fn: rt.RuntimeHash[K]()}
}

// Hash returns the runtime hash of key under seed, as the builtin map would
// compute it for a map whose seed is seed. On a 32-bit platform that hash
// is 32 bits: Hash returns it in the low 32 bits, with its top byte also in
// the top 8, where a table takes the tophash from a Hasher's 64 bits (see
// the package doc), so that a hasher wrapping Runtime (Masked, a Func)
// still spreads tophashes.
func (h Runtime[K]) Hash(key K, seed uint64) uint64 {
	fn := h.fn
	if fn == nil {
		fn = rt.RuntimeHash[K]()
	}
	return rt.WidenHash(fn(rt.NoEscape(unsafe.Pointer(&key)), uintptr(seed)))
}
