package option

import (
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
