package option

import (
	"math/bits"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

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

func resolve[K comparable](t *testing.T, h hash.Hasher[K]) func(unsafe.Pointer, uintptr) uintptr {
	c := &Config{Hasher: h, pkg: "test"}
	_, fn, err := Hasher[K](c)
	require.NoError(t, err)
	return fn
}

// Every hasher panics on an unhashable key as the builtin map does.
func TestUnhashablePanics(t *testing.T) {
	putErr := panicOf(func() { m := map[any]int{}; m[[]int{1}] = 1 })
	require.EqualError(t, putErr, "runtime error: hash of unhashable type []int")
	wrapPutErr := panicOf(func() { m := map[wrap]int{}; m[wrap{map[int]int{}}] = 1 })
	require.Error(t, wrapPutErr)

	for name, h := range map[string]hash.Hasher[any]{
		"runtime":  hash.NewRuntime[any](),
		"constant": hash.Constant[any]{Value: 1},
		"func":     hash.Func[any](func(any, uint64) uint64 { return 0 }),
	} {
		fn := resolve(t, h)
		require.Equal(t, putErr, panicOf(func() {
			k := any([]int{1})
			fn(unsafe.Pointer(&k), 0)
		}), name)
	}
	// A struct holding an interface can fail too.
	for name, h := range map[string]hash.Hasher[wrap]{
		"runtime": hash.NewRuntime[wrap](),
		"func":    hash.Func[wrap](func(wrap, uint64) uint64 { return 0 }),
	} {
		fn := resolve(t, h)
		require.Equal(t, wrapPutErr, panicOf(func() {
			k := wrap{map[int]int{}}
			fn(unsafe.Pointer(&k), 0)
		}), name)
	}
}

// The runtime hasher, however given, is the runtime's function itself.
func TestRuntimeHasherIsDirect(t *testing.T) {
	for _, h := range []hash.Hasher[int]{nil, hash.NewRuntime[int](), hash.Runtime[int]{}, &hash.Runtime[int]{}} {
		c := &Config{pkg: "test"}
		if h != nil {
			c.Hasher = h
		}
		_, fn, err := Hasher[int](c)
		require.NoError(t, err)
		k := 12345
		require.Equal(t, uintptr(hash.NewRuntime[int]().Hash(k, 9)), fn(unsafe.Pointer(&k), 9))
	}
}

// TestWrappedHasherKeepsTopByte: a Hasher that sets only the top byte and
// the low bits (hash.Constant, hash.Masked) gives the table those bits on
// every platform; cutting the hash to 32 bits would drop the top byte.
func TestWrappedHasherKeepsTopByte(t *testing.T) {
	fn := resolve[int64](t, hash.Constant[int64]{Value: 0x5a00_0000_0000_0002})
	k := int64(7)
	h := fn(unsafe.Pointer(&k), 0)
	require.Equal(t, uintptr(0x5a), h>>(bits.UintSize-8))
	require.Equal(t, uintptr(2), h&(1<<24-1))
}

// TestRuntimeWrappedKeepsItsHash: a hasher wrapping the runtime's (which is
// 32 bits wide on a 32-bit platform) gives the table the runtime's own
// hash, its top byte included.
func TestRuntimeWrappedKeepsItsHash(t *testing.T) {
	rtHash := resolve[int64](t, hash.NewRuntime[int64]())
	wrapped := resolve[int64](t, hash.Func[int64](hash.NewRuntime[int64]().Hash))
	tops := map[uintptr]bool{}
	for k := range int64(1000) {
		want := rtHash(unsafe.Pointer(&k), 99)
		require.Equal(t, want, wrapped(unsafe.Pointer(&k), 99), "key %d", k)
		tops[want>>(bits.UintSize-8)] = true
	}
	require.Greater(t, len(tops), 200, "tophashes of 1000 keys")
}
