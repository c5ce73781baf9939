package concurrent

import (
	"maps"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

func collect[K comparable, V any](seq func(func(K, V) bool)) map[K]V {
	got := map[K]V{}
	for k, v := range seq {
		got[k] = v
	}
	return got
}

func TestZeroMap(t *testing.T) {
	var m Map[string, int]
	_, ok := m.Load("a")
	require.False(t, ok)
	require.Equal(t, 0, m.Len())
	require.Equal(t, Stats{}, m.Stats())
	m.Range(func(string, int) bool { t.Fatal("entry in an empty map"); return true })
	m.Delete("a")
	m.Store("a", 1)
	v, ok := m.Load("a")
	require.True(t, ok)
	require.Equal(t, 1, v)
	require.Equal(t, 1, m.Len())
}

func TestOperations(t *testing.T) {
	m := New[string, int](0)
	v, loaded := m.LoadOrStore("a", 1)
	require.Equal(t, 1, v)
	require.False(t, loaded)
	v, loaded = m.LoadOrStore("a", 2)
	require.Equal(t, 1, v)
	require.True(t, loaded)

	v, loaded = m.Swap("a", 3)
	require.Equal(t, 1, v)
	require.True(t, loaded)
	v, loaded = m.Swap("b", 4)
	require.Equal(t, 0, v)
	require.False(t, loaded)

	require.False(t, CompareAndSwap(m, "a", 1, 5))
	require.True(t, CompareAndSwap(m, "a", 3, 5))
	require.False(t, CompareAndSwap(m, "x", 0, 5))
	require.False(t, CompareAndDelete(m, "a", 3))
	require.True(t, CompareAndDelete(m, "a", 5))
	_, ok := m.Load("a")
	require.False(t, ok)

	v, loaded = m.LoadAndDelete("b")
	require.Equal(t, 4, v)
	require.True(t, loaded)
	_, loaded = m.LoadAndDelete("b")
	require.False(t, loaded)
	require.Equal(t, 0, m.Len())

	// Compute: insert, update, cancel, delete.
	v, ok = m.Compute("c", func(old int, loaded bool) (int, ComputeOp) {
		require.False(t, loaded)
		return old + 1, UpdateOp
	})
	require.Equal(t, 1, v)
	require.True(t, ok)
	v, ok = m.Compute("c", func(old int, loaded bool) (int, ComputeOp) { return old + 10, UpdateOp })
	require.Equal(t, 11, v)
	require.True(t, ok)
	v, ok = m.Compute("c", func(old int, loaded bool) (int, ComputeOp) { return 99, CancelOp })
	require.Equal(t, 11, v)
	require.True(t, ok)
	_, ok = m.Compute("d", func(old int, loaded bool) (int, ComputeOp) { return 99, CancelOp })
	require.False(t, ok)
	_, ok = m.Compute("c", func(old int, loaded bool) (int, ComputeOp) { return 0, DeleteOp })
	require.False(t, ok)
	_, ok = m.Compute("d", func(old int, loaded bool) (int, ComputeOp) { return 0, DeleteOp })
	require.False(t, ok)
	require.Equal(t, 0, m.Len())
}

func TestGrowthAndDelete(t *testing.T) {
	m := New[int, int](0)
	const n = 20000
	for i := range n {
		m.Store(i, -i)
	}
	require.Equal(t, n, m.Len())
	for i := range n {
		v, ok := m.Load(i)
		require.True(t, ok)
		require.Equal(t, -i, v)
	}
	require.Len(t, collect(m.All()), n)
	s := m.Stats()
	require.Positive(t, s.Events.Growths)
	for i := range n {
		m.Delete(i)
	}
	require.Equal(t, 0, m.Len())
	require.Empty(t, collect(m.All()))
	// Emptied chains are freed.
	for i := range m.root.Load().len() {
		require.Nil(t, m.root.Load().at(uintptr(i)).body.Load())
	}
}

func TestClear(t *testing.T) {
	m := New[int, string](100)
	for i := range 100 {
		m.Store(i, "x")
	}
	B := m.Stats().B
	m.Clear()
	require.Equal(t, 0, m.Len())
	_, ok := m.Load(3)
	require.False(t, ok)
	require.Equal(t, B, m.Stats().B)
	require.Equal(t, 1, m.Stats().Events.Clears)
	m.Store(3, "y")
	require.Equal(t, map[int]string{3: "y"}, collect(m.All()))
	var z Map[int, int]
	z.Clear()
	require.Equal(t, 0, z.Len())
}

func TestFloatKeys(t *testing.T) {
	var m Map[float64, int]
	nan := math.NaN()
	m.Store(nan, 1)
	m.Store(nan, 2)
	_, ok := m.Load(nan)
	require.False(t, ok)
	m.Delete(nan)
	require.Equal(t, 2, m.Len())
	n := 0
	for k := range m.All() {
		require.True(t, math.IsNaN(k))
		n++
	}
	require.Equal(t, 2, n)

	negZero := math.Copysign(0, -1)
	m.Store(0, 1)
	m.Store(negZero, 2)
	v, ok := m.Load(0)
	require.True(t, ok)
	require.Equal(t, 2, v)
	for k := range m.All() {
		if k == 0 {
			require.True(t, math.Signbit(k), "the stored key is the last one written")
		}
	}
	// NaNs survive growths.
	for i := range 100 {
		m.Store(float64(i+1), i)
	}
	n = 0
	for k := range m.All() {
		if math.IsNaN(k) {
			n++
		}
	}
	require.Equal(t, 2, n)
	require.Equal(t, 103, m.Len())
}

func TestUnhashable(t *testing.T) {
	var m Map[any, int]
	require.Panics(t, func() { m.Load([]int{1}) })
	require.Panics(t, func() { m.Store([]int{1}, 1) })
	m.Store(1, 1)
	require.Panics(t, func() { m.Load([]int{1}) })
	require.Panics(t, func() { m.Delete([]int{1}) })
	require.Equal(t, 1, m.Len())
}

func TestOptions(t *testing.T) {
	m := New[int64, int](0, WithHasher[int64](hash.Identity[int64]{}), WithSeed(7))
	for i := range int64(64) {
		m.Store(i, int(i))
	}
	require.Equal(t, 64, m.Len())
	require.Panics(t, func() { New[int64, int](0, WithHasher[string](hash.NewRuntime[string]())) })
	require.Panics(t, func() { New[int64, int](0, WithHasher[int64](nil)) })
	require.Panics(t, func() { New[int64, int](0, nil) })
	require.Panics(t, func() { New[int64, int](-1) })
	// A constant hasher: one chain, every key compared.
	c := New[int, int](0, WithHasher[int](hash.Constant[int]{Value: 42}), WithProbeCounting(1))
	for i := range 50 {
		c.Store(i, i)
	}
	for i := range 50 {
		v, ok := c.Load(i)
		require.True(t, ok)
		require.Equal(t, i, v)
	}
	s := c.Stats()
	require.Equal(t, 50, s.Probes.Lookups)
	require.Equal(t, 50, s.Probes.Hits)
	require.Zero(t, s.Probes.Misses)
	require.Positive(t, s.Probes.FalsePositives)
	require.Equal(t, s.Probes.KeysComparedHit-50, s.Probes.FalsePositives, "every compare but the last of each hit is a false positive")
	require.True(t, s.Probes.Enabled)
	require.Positive(t, s.OverflowBuckets)
	require.Equal(t, 1, s.Probes.Every)
	// Hint sizing.
	require.Equal(t, uint8(4), New[int, int](100).Stats().B)
}

func TestProbeSampling(t *testing.T) {
	require.PanicsWithError(t, "concurrent: WithProbeCounting(0): out of range: want 1 (count every Load) or more",
		func() { New[int, int](0, WithProbeCounting(0)) })
	m := New[int, int](0, WithProbeCounting(16))
	for i := range 1000 {
		m.Store(i, i)
	}
	const loads = 160_000
	for i := range loads {
		v, ok := m.Load(i % 1000)
		require.True(t, ok)
		require.Equal(t, i%1000, v)
	}
	p := m.Stats().Probes
	require.Equal(t, 16, p.Every)
	// One in 16 sampled: 10,000 expected, with a standard deviation of
	// about 97; the bounds are more than 10 of them away.
	require.InDelta(t, loads/16, float64(p.Lookups), 1000)
	require.Equal(t, p.Lookups, p.Hits, "every Load finds its key")
	require.GreaterOrEqual(t, p.BucketsVisited, p.Lookups, "every counted Load visits at least one body")
	require.GreaterOrEqual(t, p.KeysComparedHit, p.Hits, "every counted Load finds its key")
	require.Zero(t, New[int, int](0).Stats().Probes.Every)
}

func TestSnapshotBasics(t *testing.T) {
	m := New[int, int](0)
	for i := range 1000 {
		m.Store(i, i)
	}
	s := m.Snapshot()
	want := collect(s.All())
	require.Len(t, want, 1000)
	for i := range 3000 {
		m.Store(i, -1)
		if i%3 == 0 {
			m.Delete(i)
		}
	}
	m.Clear()
	for i := range 100 {
		m.Store(i, 7)
	}
	require.Equal(t, 1000, s.Len())
	require.Equal(t, want, collect(s.All()))
	require.True(t, maps.Equal(want, collect(s.All())))
	for i := range 1000 {
		v, ok := s.Get(i)
		require.True(t, ok)
		require.Equal(t, i, v)
	}
	_, ok := s.Get(5000)
	require.False(t, ok)
	require.Equal(t, 1, m.Stats().SnapshotsAlive)
	s.Close()
	s.Close()
	require.Equal(t, 0, m.Stats().SnapshotsAlive)
	require.PanicsWithValue(t, errClosed, func() { s.Len() })
	// Break out of an iteration.
	s = m.Snapshot()
	defer s.Close()
	n := 0
	for range s.All() {
		n++
		break
	}
	require.Equal(t, 1, n)
}

// TestSnapshotDuringGrowth takes snapshots at every step of growths and
// checks each against the model at its cut, after the map has moved on.
func TestSnapshotDuringGrowth(t *testing.T) {
	m := New[int, int](0, WithHasher[int](hash.Func[int](func(k int, seed uint64) uint64 {
		return uint64(k)*0x9e3779b97f4a7c15 ^ seed
	})), WithSeed(1))
	model := map[int]int{}
	type snap struct {
		s    *Snapshot[int, int]
		want map[int]int
	}
	var snaps []snap
	for i := range 3000 {
		k := (i * 7) % 1500
		if i%5 == 4 {
			m.Delete(k)
			delete(model, k)
		} else {
			m.Store(k, i)
			model[k] = i
		}
		if i%97 == 0 {
			snaps = append(snaps, snap{m.Snapshot(), maps.Clone(model)})
		}
		if i%401 == 0 && len(snaps) > 3 {
			snaps[0].s.Close()
			snaps = snaps[1:]
		}
	}
	for _, sn := range snaps {
		require.Equal(t, len(sn.want), sn.s.Len())
		require.Equal(t, sn.want, collect(sn.s.All()))
		for k := range 1500 {
			v, ok := sn.s.Get(k)
			w, wok := sn.want[k]
			require.Equal(t, wok, ok)
			require.Equal(t, w, v)
		}
		sn.s.Close()
	}
	require.Equal(t, model, collect(m.All()))
	require.Equal(t, len(model), m.Len())
}
