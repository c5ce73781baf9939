package table

import (
	"encoding/json"
	"maps"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/internal/registry"
	"github.com/hmaplab/hmap/internal/watchtest"
)

// utSampleRate sets the sampling rate for one test.
func utSampleRate(t *testing.T, n int) {
	old := registry.CurrentRate()
	registry.SetRate(n)
	t.Cleanup(func() { registry.SetRate(old) })
}

func TestWatchNamed(t *testing.T) {
	m := New[int, int](0, WithName("table-named"), WithHasher(hash.NewSeeded[int]()), WithSeed(3))
	require.NotZero(t, m.flags&flagWatched)
	for k := range 1000 {
		m.Put(k, k)
	}
	for k := range 10 {
		m.Delete(k)
	}
	m.Put(5, 5)  // an insert again
	m.Put(20, 0) // an update: no hash or probe recorded

	info := watchtest.Newest(t, "table-named")
	s := m.Stats()
	evacuated := 0 // the mark is listed only while a growth is in progress
	if s.Growing {
		evacuated = s.Nevacuate
	}
	require.Equal(t, registry.Stats{
		Count: 991, B: s.B, Buckets: s.Buckets, OverflowBuckets: s.OverflowBuckets,
		LoadFactor: s.LoadFactor, BytesAllocated: s.BytesAllocated,
		Growing: s.Growing, SameSizeGrowing: s.SameSizeGrow, OldBuckets: s.OldBuckets, Evacuated: evacuated,
		Growths: s.Events.Growths, SameSizeGrowths: s.Events.SameSizeGrowths,
		BucketsEvacuated: s.Events.BucketsEvacuated, Clears: 0,
		Inserts: 1001, Deletes: 10,
	}, info.Stats)
	require.Equal(t, 8, s.Events.Growths) // 1000 entries need B = 8 (1000/256 < 6.5 < 1000/128)
	require.False(t, info.Sampled)
	require.Equal(t, "table", info.Kind)
	require.Equal(t, "int", info.Key)
	require.Equal(t, "int", info.Elem)
	require.Equal(t, "github.com/hmaplab/hmap/table", info.Package)
	f, _ := runtime.CallersFrames(info.Stack).Next()
	require.Equal(t, "github.com/hmaplab/hmap/table.TestWatchNamed", f.Function, "the creating call first")
	require.WithinDuration(t, time.Now(), info.Created, time.Minute)

	require.Equal(t, 1001, info.Hashes.Seen)
	require.Zero(t, info.Hashes.Stuck(), "or %#x and %#x", info.Hashes.Or, info.Hashes.And)
	require.Equal(t, 1001, info.Probe.Entries)
	require.GreaterOrEqual(t, info.Probe.Max, 1)

	m.Clear()
	info = watchtest.Newest(t, "table-named")
	require.Equal(t, 0, info.Stats.Count)
	require.Equal(t, 1, info.Stats.Clears)
	require.Equal(t, 1001, info.Stats.Deletes)

	// Clear keeps the buckets; Shrink gives them back, and says so.
	before, after := m.Shrink()
	require.Less(t, after, before)
	info = watchtest.Newest(t, "table-named")
	require.Equal(t, 1, info.Stats.Shrinks)
	require.Equal(t, m.Stats().Events.Shrinks, info.Stats.Shrinks)
	require.Equal(t, after, info.Stats.BytesAllocated)
	runtime.KeepAlive(m)
}

// With every hash the same, every key lands in one chain, and the probe
// lengths are known exactly: eight keys per bucket of the chain.
func TestWatchProbeAndStuckBits(t *testing.T) {
	m := New[int, int](64, WithName("table-one-chain"), WithHasher(hash.Masked[int]{Inner: hash.NewSeeded[int](), Mask: 0}))
	for k := range 20 {
		m.Put(k, k)
	}
	require.Equal(t, 2, m.Stats().OverflowBuckets)
	info := watchtest.Newest(t, "table-one-chain")
	require.Equal(t, registry.Probe{Entries: 20, Max: 3, Sum: 8*1 + 8*2 + 4*3}, info.Probe)
	require.InDelta(t, 1.8, info.Probe.Mean(), 1e-12)
	require.Equal(t, 20, info.Hashes.Seen)
	require.Equal(t, ptrBits, info.Hashes.Stuck()) // every bit of the hash, a uintptr

	// A hasher that zeroes the low byte: eight stuck bits, whatever else.
	w := New[int, int](0, WithName("table-low-byte"), WithHasher(hash.Masked[int]{Inner: hash.NewSeeded[int](), Mask: ^uint64(0xff)}))
	for k := range 500 {
		w.Put(k, k)
	}
	require.Equal(t, 8, watchtest.Newest(t, "table-low-byte").Hashes.Stuck())
	runtime.KeepAlive(m)
	runtime.KeepAlive(w)
}

func TestWatchSampling(t *testing.T) {
	// Entries are numbered in order: those of this test are above last.
	var last uint64
	for _, info := range registry.Maps() {
		last = max(last, info.ID)
	}
	newer := func() []registry.Info {
		var out []registry.Info
		for _, info := range registry.Maps() {
			if info.ID > last {
				out = append(out, info)
			}
		}
		return out
	}
	utSampleRate(t, 0)
	m := New[string, int](0)
	var z Map[string, int]
	z.Put("a", 1) // a zero Map is set up, and decided on, by its first write

	// (With -tags hmapprobe every map has an extra, for its counters.)
	if !probesEnabled {
		require.Nil(t, m.extra, "no extra for an unwatched map")
	}
	require.Zero(t, m.flags&flagWatched)
	require.Zero(t, z.flags&flagWatched)
	require.Empty(t, newer())

	registry.SetRate(1)
	s := New[string, int](0)
	var zs Map[string, int]
	zs.Put("a", 1)
	require.NotZero(t, s.flags&flagWatched)
	require.NotZero(t, zs.flags&flagWatched)
	ours := newer()
	require.Len(t, ours, 2)
	require.True(t, ours[0].Sampled)
	require.Equal(t, "string", ours[0].Key)
	require.Equal(t, "", ours[0].Name)
	require.Equal(t, 1, ours[1].Stats.Count)
	f, _ := runtime.CallersFrames(ours[1].Stack).Next()
	require.Equal(t, "github.com/hmaplab/hmap/table.TestWatchSampling", f.Function, "Put's frames are left out")

	// A named map is not sampled a second time.
	n := New[int, int](0, WithName("table-named-sampled"))
	require.False(t, watchtest.Newest(t, "table-named-sampled").Sampled)
	runtime.KeepAlive(s)
	runtime.KeepAlive(n)
	runtime.KeepAlive(&zs)
}

// utLeaf is a key whose collection shows that the map that held it was
// collected too.
type utLeaf struct{ _ [16]byte }

// utMakeSampled makes a sampled map holding a key with a finalizer, and
// returns the map's registry ID.
func utMakeSampled(t *testing.T, freed chan<- struct{}) uint64 {
	k := new(utLeaf)
	runtime.SetFinalizer(k, func(*utLeaf) { close(freed) })
	m := New[*utLeaf, int](0)
	m.Put(k, 1)
	require.NotNil(t, m.extra.watch)
	return m.extra.watch.Handle().ID()
}

func TestCollectedMapLeaves(t *testing.T) {
	utSampleRate(t, 1)
	freed := make(chan struct{})
	id := utMakeSampled(t, freed)
	registry.SetRate(0)
	watchtest.RequireLeaves(t, freed, id)
}

func TestWatchNameErrors(t *testing.T) {
	for name, want := range map[string]string{
		"":                       `table: WithName(""): 0 bytes: want 1 to 128`,
		strings.Repeat("x", 129): `bytes: want 1 to 128`,
		"a\x00b":                 `holds U+0000, which does not print`,
		"\xff":                   `not valid UTF-8`,
	} {
		_, err := TryNew[int, int](0, WithName(name))
		require.ErrorContains(t, err, want, "%q", name)
	}
	_, err := TryNew[int, int](0, WithName("sessions (eu-west) ✓"))
	require.NoError(t, err)
}

// A tracer that panics leaves the registry up to date: the write's
// figures are published before its events are delivered.
func TestWatchPublishesBeforeTracer(t *testing.T) {
	m := New[int, int](0, WithName("table-tracer-panics"),
		WithTracer(&Tracer{GrowStart: func(GrowEvent) { panic("tracer") }}))
	for k := range 8 {
		m.Put(k, k)
	}
	require.PanicsWithValue(t, "tracer", func() { m.Put(8, 8) })
	require.Equal(t, 9, watchtest.Newest(t, "table-tracer-panics").Stats.Count)
	runtime.KeepAlive(m)
}

type utSelfRef struct {
	m    *Map[int, *utSelfRef]
	leaf *utLeaf
}

func utMakeSelfRef(t *testing.T, freed chan<- struct{}) uint64 {
	l := new(utLeaf)
	runtime.SetFinalizer(l, func(*utLeaf) { close(freed) })
	m := New[int, *utSelfRef](0, WithName("table-self-ref"))
	for k := range 100 {
		m.Put(k, &utSelfRef{m: m, leaf: l})
	}
	return m.extra.watch.Handle().ID()
}

// A map whose values point back to it is collected, and leaves the
// registry: the registry holds its figures, never the map.
func TestCollectedSelfReferencingMapLeaves(t *testing.T) {
	freed := make(chan struct{})
	id := utMakeSelfRef(t, freed)
	watchtest.RequireLeaves(t, freed, id)
}

// A map that json.Unmarshal or Collect sets up was created by their
// caller: hmap's and encoding/json's frames are left out of the stack.
func TestWatchCreationSite(t *testing.T) {
	utSampleRate(t, 1)
	var m Map[string, int]
	require.NoError(t, json.Unmarshal([]byte(`{"a": 1}`), &m))
	c := Collect(maps.All(map[string]int{"a": 1}))
	registry.SetRate(0)
	for _, id := range []uint64{m.extra.watch.Handle().ID(), c.extra.watch.Handle().ID()} {
		var info registry.Info
		for _, i := range registry.Maps() {
			if i.ID == id {
				info = i
			}
		}
		require.Equal(t, "github.com/hmaplab/hmap/table", info.Package)
		f, _ := runtime.CallersFrames(info.Stack).Next()
		require.Equal(t, "github.com/hmaplab/hmap/table.TestWatchCreationSite", f.Function)
	}
	runtime.KeepAlive(&m)
	runtime.KeepAlive(c)
}
