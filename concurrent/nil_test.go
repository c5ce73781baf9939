package concurrent

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

// A nil *Map reads as an empty map, as a nil builtin map does; deleting
// from it does nothing, and storing into it panics with the runtime's
// message.
func TestNilMap(t *testing.T) {
	var m *Map[string, int]
	v, ok := m.Load("a")
	require.Zero(t, v)
	require.False(t, ok)
	require.Zero(t, m.Len())
	for range m.All() {
		t.Fatal("All of a nil map yields")
	}
	m.Range(func(string, int) bool { t.Fatal("Range of a nil map calls f"); return true })
	m.Delete("a")
	v, ok = m.LoadAndDelete("a")
	require.Zero(t, v)
	require.False(t, ok)
	m.Clear()
	require.Equal(t, Stats{}, m.Stats())
	require.False(t, CompareAndSwap(m, "a", 0, 1))
	require.False(t, CompareAndDelete(m, "a", 0))

	s := m.Snapshot()
	require.Zero(t, s.Len())
	_, ok = s.Get("a")
	require.False(t, ok)
	for range s.All() {
		t.Fatal("a snapshot of a nil map yields")
	}
	s.Close()

	const msg = "assignment to entry in nil map"
	require.PanicsWithError(t, msg, func() { m.Store("a", 1) })
	require.PanicsWithError(t, msg, func() { m.Swap("a", 1) })
	require.PanicsWithError(t, msg, func() { m.LoadOrStore("a", 1) })
	require.PanicsWithError(t, msg, func() {
		m.Compute("a", func(int, bool) (int, ComputeOp) { return 1, UpdateOp })
	})
}

func TestInvalidOptions(t *testing.T) {
	var nilHasher *hash.Runtime[int]
	cases := []struct {
		opt  Option
		want string
	}{
		{WithProbeCounting(0), "concurrent: WithProbeCounting(0): out of range: want 1 (count every Load) or more"},
		{WithHasher[int](nil), "concurrent: WithHasher(nil): want a non-nil hash.Hasher"},
		{WithHasher[int](nilHasher), "concurrent: WithHasher((*hash.Runtime[int])(nil)): want a non-nil hash.Hasher[int]"},
		{WithHasher(hash.XXH3[string]{}), "concurrent: WithHasher(hash.XXH3[string]): does not hash the map's keys; want a hash.Hasher[int]"},
		{WithHasher(hash.Func[int](nil)), "concurrent: WithHasher(hash.Func[int](nil)): want a non-nil hash.Hasher[int]"},
		{WithHasher(hash.Masked[int]{Mask: 1}), "concurrent: WithHasher(hash.Masked[int]{Inner: nil}): want a non-nil hash.Hasher[int] as Inner"},
		{nil, "concurrent: nil Option"},
	}
	for _, c := range cases {
		m, err := TryNew[int, int](0, WithSeed(1), c.opt)
		require.Nil(t, m)
		require.EqualError(t, err, c.want)
		require.PanicsWithError(t, c.want, func() { New[int, int](0, c.opt) })
	}
	_, err := TryNew[int, int](-1)
	require.EqualError(t, err, "concurrent: size hint -1 out of range: want 0 or more")
	require.PanicsWithError(t, "makemap: size out of range", func() { New[int, int](-1) })
}

// A nil map's write and a negative hint panic with a runtime.Error, as a
// builtin map's write does: a program that recovers and type-asserts
// error or runtime.Error sees the same from either map.
func TestNilMapPanicIsRuntimeError(t *testing.T) {
	var m *Map[string, int]
	var b map[string]int
	want := recoverValue(func() { b["a"] = 1 })
	require.Implements(t, (*runtime.Error)(nil), want)
	for name, f := range map[string]func(){
		"Store":       func() { m.Store("a", 1) },
		"Swap":        func() { m.Swap("a", 1) },
		"LoadOrStore": func() { m.LoadOrStore("a", 1) },
		"Compute":     func() { m.Compute("a", func(int, bool) (int, ComputeOp) { return 1, UpdateOp }) },
		"New(-1)":     func() { New[string, int](-1) },
	} {
		got := recoverValue(f)
		require.Implements(t, (*runtime.Error)(nil), got, name)
		if name != "New(-1)" {
			require.Equal(t, want.(error).Error(), got.(error).Error(), name)
		}
	}
}
