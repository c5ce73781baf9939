package hash

// Integer is the set of key types [Identity] accepts.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// Constant hashes every key to Value, whatever the seed: every key lands in
// the same bucket with the same tophash, so every lookup walks one chain and
// compares keys one by one. It is the worst case, on purpose.
type Constant[K any] struct {
	Value uint64
}

// Hash returns c.Value.
func (c Constant[K]) Hash(K, uint64) uint64 { return c.Value }

// Identity hashes an integer to its own bits and ignores the seed. Keys
// 0, 1, 2, ... fill buckets 0, 1, 2, ... in order, and all share tophash
// bytes (their top bits are zero), which makes bucket placement easy to
// follow and tophash filtering useless.
type Identity[K Integer] struct{}

// Hash returns uint64(key).
func (Identity[K]) Hash(key K, _ uint64) uint64 { return uint64(key) }

// Masked keeps only the bits of Mask from the inner hash. A mask of
// 0xff00_0000_0000_00ff, say, leaves 256 tophash values and 256 buckets at
// most, so collisions become frequent but not total.
type Masked[K any] struct {
	Inner Hasher[K]
	Mask  uint64
}

// Hash returns m.Inner.Hash(key, seed) & m.Mask.
func (m Masked[K]) Hash(key K, seed uint64) uint64 {
	return m.Inner.Hash(key, seed) & m.Mask
}
