package matrix

import "math/rand/v2"

// Variant is a key and elem type of the matrix, with the functions that
// make the i-th key and elem. Keys must be distinct for distinct i.
type Variant[K comparable, V any] struct {
	Key, Elem string // names in benchmark names
	MakeKey   func(i int) K
	MakeElem  func(i int) V
}

// Struct16 is the 16-byte struct key of the matrix.
type Struct16 struct {
	A, B int64
}

// mix is SplitMix64's finalizer: a bijection of uint64 that spreads
// consecutive integers over the whole range, so that distinct i make
// distinct keys with no structure a hash function could favour.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// Int64Key is the i-th int64 key.
func Int64Key(i int) int64 { return int64(mix(uint64(i))) }

// StringKey is the i-th string key: 16 bytes, the hex digits of the i-th
// int64 key.
func StringKey(i int) string {
	const digits = "0123456789abcdef"
	x := mix(uint64(i))
	var s [16]byte
	for j := range s {
		s[j] = digits[x>>(60-4*j)&15]
	}
	return string(s[:])
}

// Struct16Key is the i-th struct key.
func Struct16Key(i int) Struct16 { return Struct16{int64(mix(uint64(i))), int64(i)} }

// ptrElems are what pointer elems point to: a few, so that making them
// allocates nothing per entry.
var ptrElems = make([]int64, 1024)

// The variants of the matrix: three key types with int64 elems, and int64
// keys with a pointer elem (which makes the buckets scannable by the GC).
var (
	Int64Int64    = Variant[int64, int64]{"int64", "int64", Int64Key, func(i int) int64 { return int64(i) }}
	StringInt64   = Variant[string, int64]{"string", "int64", StringKey, func(i int) int64 { return int64(i) }}
	Struct16Int64 = Variant[Struct16, int64]{"struct16", "int64", Struct16Key, func(i int) int64 { return int64(i) }}
	Int64Ptr      = Variant[int64, *int64]{"int64", "ptr", Int64Key, func(i int) *int64 { return &ptrElems[i%len(ptrElems)] }}
)

// data is the input of one size: 2n keys (the first n go into the map,
// the others are never inserted), n elems, and the batches handed to
// adapters by the per-op benchmarks.
type data[K comparable, V any] struct {
	n     int
	keys  []K
	elems []V
	// hitProbe and missProbe are the present and absent keys, in the
	// order the per-op benchmarks take them, and probeElems goes with
	// hitProbe: for n below probeSpan, probeSpan keys drawn at random
	// (see probeSpan); for larger n, every key once, in key order.
	hitProbe, missProbe []K
	probeElems          []V
	// offsets are random offsets in [0, n), for the lookups of mixed.
	offsets []int
}

func newData[K comparable, V any](v Variant[K, V], n int) *data[K, V] {
	d := &data[K, V]{n: n, keys: make([]K, 2*n), elems: make([]V, n)}
	for i := range d.keys {
		d.keys[i] = v.MakeKey(i)
	}
	for i := range d.elems {
		d.elems[i] = v.MakeElem(i)
	}
	r := rand.New(rand.NewPCG(uint64(n), 1))
	if n >= probeSpan {
		d.hitProbe, d.missProbe, d.probeElems = d.keys[:n], d.keys[n:], d.elems
	} else {
		d.hitProbe, d.missProbe, d.probeElems = make([]K, probeSpan), make([]K, probeSpan), make([]V, probeSpan)
		for i := range probeSpan {
			j := r.IntN(n)
			d.hitProbe[i], d.missProbe[i], d.probeElems[i] = d.keys[j], d.keys[n+j], d.elems[j]
		}
	}
	d.offsets = make([]int, ProbeLen)
	for i := range d.offsets {
		d.offsets[i] = r.IntN(n)
	}
	return d
}

// probeSpan is the length of the probe sequence of a map smaller than it:
// the per-op benchmarks walk it a batch at a time and start over, so it
// is the period of the keys a loop of operations sees. A short period is
// learned by the processor's branch predictor, which then predicts where
// each lookup's key loop ends: on the machine of bench/RESULTS.md (AMD
// EPYC, Zen 5), the builtin map's get-hit on 1K int64 keys took 4.3 ns
// with a period of 1024 or 4096 keys, 14.5 ns with 16,384 and 19 ns with
// no period at all, where hmap's took 5.6 to 5.9 ns with any period. The
// sequence used to be the map's keys in order, repeated to one batch of
// ProbeLen: a period of n keys. probeSpan keys of a map's keys at random
// (for int64 keys, 512 KiB, which stays in a 1 MiB L2 cache) make a
// period no predictor learns.
const probeSpan = 16 * ProbeLen

// HitProbe returns the sequence of present keys the per-op benchmarks of
// a map of n entries of variant v look up, for a benchmark written out by
// hand to take the same keys in the same order.
func HitProbe[K comparable, V any](v Variant[K, V], n int) []K {
	return newData(v, n).hitProbe
}
