package hash

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestZeroRuntimeIsTheRuntime(t *testing.T) {
	var zero Runtime[string]
	rt := NewRuntime[string]()
	for _, k := range []string{"", "a", "hello, world"} {
		require.Equal(t, rt.Hash(k, 3), zero.Hash(k, 3), "key %q", k)
	}
}

func TestRuntimeHonoursSeed(t *testing.T) {
	rt := NewRuntime[int64]()
	same, differ := 0, 0
	for k := int64(0); k < 1000; k++ {
		require.Equal(t, rt.Hash(k, 42), rt.Hash(k, 42))
		if rt.Hash(k, 42) == rt.Hash(k, 43) {
			same++
		} else {
			differ++
		}
	}
	require.Equal(t, 1000, differ, "seed ignored for %d keys", same)
}

// Keys whose runtime hash function the compiler generates (24, 3 and 40
// bytes of regular memory; floats and a string held in a struct, hashed
// field by field), with NewRuntime called where the key's type is
// concrete, as in a user's program: this failed to link with Go 1.26 (see
// rt.mapDesc). The zero Runtime finds the same function.
func TestRuntimeGeneratedHashFunction(t *testing.T) {
	type triple struct{ A, B, C int64 }
	type odd [3]uint8
	type wide [5]uint64
	type named struct {
		S string
		N int
	}
	check := func(name string, same, other, zero uint64) {
		t.Helper()
		require.Equal(t, same, zero, "%s: NewRuntime's and the zero Runtime's", name)
		require.NotEqual(t, same, other, "%s: two keys, one hash", name)
	}
	h, zh := NewRuntime[triple](), Runtime[triple]{}
	check("triple", h.Hash(triple{1, 2, 3}, 9), h.Hash(triple{1, 2, 4}, 9), zh.Hash(triple{1, 2, 3}, 9))
	o, zo := NewRuntime[odd](), Runtime[odd]{}
	check("odd", o.Hash(odd{1, 2, 3}, 9), o.Hash(odd{1, 2, 4}, 9), zo.Hash(odd{1, 2, 3}, 9))
	w, zw := NewRuntime[wide](), Runtime[wide]{}
	check("wide", w.Hash(wide{1, 2, 3, 4, 5}, 9), w.Hash(wide{1, 2, 3, 4, 6}, 9), zw.Hash(wide{1, 2, 3, 4, 5}, 9))
	f, zf := NewRuntime[[2]float64](), Runtime[[2]float64]{}
	check("[2]float64", f.Hash([2]float64{0, 1}, 9), f.Hash([2]float64{0, 2}, 9), zf.Hash([2]float64{0, 1}, 9))
	require.Equal(t, f.Hash([2]float64{0, 1}, 9), f.Hash([2]float64{math.Copysign(0, -1), 1}, 9), "±0 hash alike")
	n, zn := NewRuntime[named](), Runtime[named]{}
	check("named", n.Hash(named{"a", 1}, 9), n.Hash(named{"b", 1}, 9), zn.Hash(named{"a", 1}, 9))
}

func TestRuntimeFloatKeys(t *testing.T) {
	rt := NewRuntime[float64]()
	require.Equal(t, rt.Hash(0, 7), rt.Hash(math.Copysign(0, -1), 7), "±0 must hash alike")
	nan := math.NaN()
	distinct := map[uint64]bool{}
	for range 16 {
		distinct[rt.Hash(nan, 7)] = true
	}
	require.Greater(t, len(distinct), 1, "NaN hashes are random in the runtime")
}

func TestXXH3Reproducible(t *testing.T) {
	// Frozen values: the same on every platform and in every process.
	h := XXH3[string]{}
	require.Equal(t, uint64(0x2d06800538d394c2), h.Hash("", 0))
	require.Equal(t, uint64(0x9555e8555c62dcfd), h.Hash("hello", 0))
	require.NotEqual(t, h.Hash("hello", 0), h.Hash("hello", 1))
	type name string
	require.Equal(t, h.Hash("hello", 5), XXH3[name]{}.Hash("hello", 5))
}

func TestWeakHashers(t *testing.T) {
	require.Equal(t, uint64(99), Constant[string]{Value: 99}.Hash("x", 1))
	require.Equal(t, uint64(0xfffffffffffffffe), Identity[int8]{}.Hash(-2, 5))
	require.Equal(t, uint64(1234), Identity[uint16]{}.Hash(1234, 5))
	m := Masked[uint64]{Inner: Identity[uint64]{}, Mask: 0xff00_0000_0000_00ff}
	require.Equal(t, uint64(0xab00_0000_0000_00cd), m.Hash(0xabcd_ef01_2345_67cd, 0))
	f := Func[int](func(k int, seed uint64) uint64 { return uint64(k) + seed })
	require.Equal(t, uint64(12), f.Hash(10, 2))
}
