package table

import (
	"maps"
	"testing"

	"github.com/stretchr/testify/require"
)

// A nil *Map reads as an empty map, as a nil builtin map does, and writing
// to it panics with the runtime's message.
func TestNilMap(t *testing.T) {
	var m *Map[string, int]
	var b map[string]int // the builtin, side by side

	v, ok := m.Get("a")
	require.Zero(t, v)
	require.False(t, ok)
	require.Zero(t, m.At("a"))
	require.False(t, m.Has("a"))
	require.Equal(t, len(b), m.Len())
	require.Empty(t, maps.Collect(m.All()))
	for range m.Keys() {
		t.Fatal("Keys of a nil map yields")
	}
	for range m.Values() {
		t.Fatal("Values of a nil map yields")
	}
	m.Delete("a") // delete(b, "a") is a no-op too
	m.Clear()
	require.Equal(t, Stats{}, m.Stats())
	require.Equal(t, Shape{}, m.Shape())
	require.Equal(t, View[string, int]{}, m.Inspect())
	require.Nil(t, m.Clone())
	before, after := m.Shrink()
	require.Zero(t, before)
	require.Zero(t, after)

	const msg = "assignment to entry in nil map"
	require.PanicsWithError(t, msg, func() { m.Put("a", 1) })
	require.PanicsWithError(t, msg, func() { *m.Ptr("a")++ })
	require.PanicsWithError(t, msg, func() { b["a"] = 1 }, "the builtin's message")
}

// Unhashable keys panic on a nil map as on a nil builtin map.
func TestNilMapUnhashable(t *testing.T) {
	var m *Map[any, int]
	var b map[any]int
	key := []int{1}
	require.Equal(t, utRecover(func() { _ = b[key] }), utRecover(func() { m.Get(key) }))
	require.Equal(t, utRecover(func() { delete(b, key) }), utRecover(func() { m.Delete(key) }))
}
