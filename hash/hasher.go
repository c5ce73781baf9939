package hash

// Hasher hashes keys of type K. Hash must be a pure function of its
// arguments, except that it may return anything for a key that is not equal
// to itself (a NaN): such keys can never be looked up anyway.
//
// Equal keys must have equal hashes for every seed, or lookups fail.
//
// A map checks its hasher when it is made: a nil Hasher, a nil function, a
// nil pointer, or a Masked without an Inner hasher is rejected then, with
// an error that names it, rather than failing on the first write.
type Hasher[K any] interface {
	Hash(key K, seed uint64) uint64
}

// Func adapts a plain function to a Hasher.
type Func[K any] func(key K, seed uint64) uint64

// Hash returns f(key, seed).
func (f Func[K]) Hash(key K, seed uint64) uint64 { return f(key, seed) }
