package concurrent

import (
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/internal/registry"
	"github.com/hmaplab/hmap/internal/watchtest"
)

// The registry reads a concurrent map's own counters: what Stats says.
func TestWatchNamed(t *testing.T) {
	m := New[int, int](0, WithName("concurrent-named"), WithHasher(hash.NewSeeded[int]()))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := g; k < 4000; k += 4 {
				m.Store(k, k)
			}
		}()
	}
	wg.Wait()
	// Finish the growth in progress, if any, with writes that move it on.
	for k := 0; m.Stats().Growing; k++ {
		m.Store(k, k)
	}
	info := watchtest.Newest(t, "concurrent-named")
	s := m.Stats()
	require.Equal(t, registry.Stats{
		Count: 4000, B: s.B, Buckets: s.Buckets, OverflowBuckets: s.OverflowBuckets,
		LoadFactor: float64(4000) / float64(s.Buckets),
		Growths:    s.Events.Growths, BucketsEvacuated: s.Events.BucketsEvacuated,
	}, info.Stats)
	require.Equal(t, 10, s.Events.Growths) // 4000 entries need B = 10 (4000/1024 < 6.5), from B = 0
	require.Equal(t, "concurrent", info.Kind)
	require.Equal(t, "github.com/hmaplab/hmap/concurrent", info.Package)
	f, _ := runtime.CallersFrames(info.Stack).Next()
	require.Equal(t, "github.com/hmaplab/hmap/concurrent.TestWatchNamed", f.Function)

	// Growths record every entry they move.
	require.Equal(t, s.Events.BucketsEvacuated > 0, info.Hashes.Seen > 0)
	require.Equal(t, info.Hashes.Seen, info.Probe.Entries)
	require.Zero(t, info.Hashes.Stuck())
	require.GreaterOrEqual(t, info.Probe.Max, 1)

	m.Clear()
	info = watchtest.Newest(t, "concurrent-named")
	require.Equal(t, 0, info.Stats.Count)
	require.Equal(t, 1, info.Stats.Clears)

	// Clear keeps the bucket array; Shrink gives it back, and says so.
	for k := range 4000 {
		m.Store(k, k)
	}
	for k := range 4000 {
		m.Delete(k)
	}
	before, after := m.Shrink()
	require.Less(t, after, before)
	info = watchtest.Newest(t, "concurrent-named")
	require.Equal(t, 1, info.Stats.Shrinks)
	require.Equal(t, m.Stats().Events.Shrinks, info.Stats.Shrinks)
	require.Equal(t, m.Stats().Buckets, info.Stats.Buckets)
	runtime.KeepAlive(m)
}

func TestWatchStuckBits(t *testing.T) {
	m := New[int, int](0, WithName("concurrent-low-byte"),
		WithHasher(hash.Masked[int]{Inner: hash.NewSeeded[int](), Mask: ^uint64(0xff)}))
	for k := range 2000 {
		m.Store(k, k)
	}
	info := watchtest.Newest(t, "concurrent-low-byte")
	require.Positive(t, info.Hashes.Seen)
	require.Equal(t, 8, info.Hashes.Stuck())
	runtime.KeepAlive(m)
}

func TestWatchSampling(t *testing.T) {
	old := registry.CurrentRate()
	defer registry.SetRate(old)
	registry.SetRate(0)
	m := New[int, int](0)
	require.Nil(t, m.watched)
	registry.SetRate(1)
	s := New[int, int](0)
	var z Map[int, int]
	z.Store(1, 1)
	require.NotNil(t, s.watched)
	require.NotNil(t, z.watched)
	runtime.KeepAlive(&z)
}

type leaf struct{ _ [16]byte }

func makeSampled(t *testing.T, freed chan<- struct{}) uint64 {
	k := new(leaf)
	runtime.SetFinalizer(k, func(*leaf) { close(freed) })
	m := New[*leaf, int](0)
	m.Store(k, 1)
	require.NotNil(t, m.watched)
	return m.watched.entry.ID()
}

func TestCollectedMapLeaves(t *testing.T) {
	old := registry.CurrentRate()
	defer registry.SetRate(old)
	registry.SetRate(1)
	freed := make(chan struct{})
	id := makeSampled(t, freed)
	registry.SetRate(0)
	watchtest.RequireLeaves(t, freed, id)
}

// selfRef is a value that points back to the map holding it, as a value
// holding its container, or a closure capturing it, does.
type selfRef struct {
	m    *Map[int, *selfRef]
	leaf *leaf
}

func makeSelfRef(t *testing.T, freed chan<- struct{}) uint64 {
	l := new(leaf)
	runtime.SetFinalizer(l, func(*leaf) { close(freed) })
	m := New[int, *selfRef](0, WithName("self-ref"))
	for k := range 100 { // through a growth: the registry reads the map's growth state too
		m.Store(k, &selfRef{m: m, leaf: l})
	}
	return m.watched.entry.ID()
}

// The registry reads a watched map's counters, never its entries: a map
// whose values point back to it is collected, and leaves the registry.
func TestCollectedSelfReferencingMapLeaves(t *testing.T) {
	freed := make(chan struct{})
	id := makeSelfRef(t, freed)
	watchtest.RequireLeaves(t, freed, id)
}

// A growth records each entry it moves with its depth in the chain it
// moves to, x or y: here old bucket 0 sends nine entries to x, whose ninth
// goes into a second body (depth 2), and the four after them to y, where
// they are the first (depth 1).
func TestWatchMovedDepths(t *testing.T) {
	m := New[int, int](13, WithName("concurrent-moved-depths"), WithHasher[int](hash.Identity[int]{}))
	require.EqualValues(t, 1, m.Stats().B)
	for k := 0; k <= 32; k += 4 { // hash bits 1-0 are 00: bucket 0, then x
		m.Store(k, k)
	}
	for k := 2; k <= 14; k += 4 { // bits 1-0 are 10: bucket 0, then y
		m.Store(k, k)
	}
	require.False(t, m.Stats().Growing)
	m.Store(1, 1) // the 14th entry: over 6.5 a bucket
	for m.Stats().Growing {
		m.Store(0, 0)
	}
	s := m.Stats()
	require.EqualValues(t, 2, s.B)
	require.EqualValues(t, 1, s.Events.Growths)
	info := watchtest.Newest(t, "concurrent-moved-depths")
	// Key 1 is moved too, from old bucket 1 at depth 1: the Store that
	// starts a growth inserts first.
	require.Equal(t, registry.Probe{Entries: 14, Max: 2, Sum: 15}, info.Probe,
		"one entry at depth 2, every other at depth 1")
	runtime.KeepAlive(m)
}
