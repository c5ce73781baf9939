package rt

import (
	"testing"
	"unsafe"

	"github.com/dolthub/maphash"
	"github.com/stretchr/testify/require"
)

// maphash.Hasher hashes with a seed of its own; reading it out checks the
// layout mirror that RuntimeHash relies on.
func TestRuntimeHashMatchesDolthub(t *testing.T) {
	dh := maphash.NewHasher[string]()
	seed := (*dolthubHasher)(unsafe.Pointer(&dh)).seed
	fn := RuntimeHash[string]()
	for _, k := range []string{"", "a", "hello, world", string(make([]byte, 100))} {
		require.Equal(t, uintptr(dh.Hash(k)), fn(unsafe.Pointer(&k), seed), "key %q", k)
	}
}

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

func TestCheckHashable(t *testing.T) {
	wrapGetErr := panicOf(func() { m := map[wrap]int{}; _ = m[wrap{map[int]int{}}] })
	require.Error(t, wrapGetErr)
	require.Equal(t, wrapGetErr, panicOf(func() { CheckHashable(wrap{map[int]int{}}) }))
	var nilMap map[any]int
	require.Equal(t, panicOf(func() { _ = nilMap[[]int{1}] }), panicOf(func() { CheckHashable[any]([]int{1}) }))
	require.ErrorContains(t, panicOf(func() { CheckHashable[any]([]int{1}) }), "hash of unhashable type")
	require.NoError(t, panicOf(func() { CheckHashable[any](1) }))
	require.NoError(t, panicOf(func() { CheckHashable(1.5) }))
}
