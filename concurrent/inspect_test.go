package concurrent

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/hash"
)

// bodyOf builds the BucketView of a body holding keys, in slots 0, 1, ...,
// under the tophash topKey gives each, with values value(k).
func bodyOf[V any](value func(uint64) V, keys ...uint64) BucketView[uint64, V] {
	var b BucketView[uint64, V]
	for s, k := range keys {
		top := uint8(k)
		if top < 5 {
			top += 5
		}
		b.Tophash[s], b.Keys[s], b.Elems[s] = top, k, value(k)
	}
	return b
}

func TestInspectExact(t *testing.T) {
	m := New[uint64, string](0, WithHasher(topKey), WithSeed(1))
	for k := range uint64(12) {
		m.Store(k, fmt.Sprint(k))
	}
	m.Delete(3)
	v := m.Inspect()
	require.Equal(t, uint8(0), v.Buckets[1].Bodies[0].Tophash[1], "deleted: tophash 0")
	require.Equal(t, 5, v.Buckets[1].Bodies[0].Full())
	require.Equal(t, 6, v.Buckets[0].Bodies[0].Full())
	str := func(k uint64) string { return fmt.Sprint(k) }
	require.Equal(t, View[uint64, string]{
		Stats: Stats{
			Count: 11, B: 1, Buckets: 2, Epoch: 1,
			Events: Events{Growths: 1, BucketsEvacuated: 1, Snapshots: 1},
			// Probes: zero, as they are off.
		},
		Seed: uint64(m.root.Load().lin.seed),
		Buckets: []Chain[uint64, string]{
			{Bodies: []BucketView[uint64, string]{bodyOf(str, 0, 2, 4, 6, 8, 10)}},
			{Bodies: []BucketView[uint64, string]{bodyOf(str, 1, 3, 5, 7, 9, 11)}},
		},
	}, fixSlot(v, 1, 0, 1))

	// Each Inspect takes a snapshot of its own: the epoch moves on.
	m.Store(3, "three")
	v = m.Inspect()
	require.Equal(t, uint64(2), v.Epoch)
	require.Equal(t, 2, v.Events.Snapshots)
	require.Equal(t, bodyOf(str, 1, 3, 5, 7, 9, 11).Tophash, v.Buckets[1].Bodies[0].Tophash)
	require.Equal(t, "three", v.Buckets[1].Bodies[0].Elems[1], "reinserted in the first empty slot")
	require.Equal(t, uint64(0), v.Buckets[1].Epoch, "written in place: no snapshot was alive")
}

// fixSlot refills, in place, slot s of body j of chain i of v as bodyOf
// would have it, so that a view with one emptied slot can be compared
// whole; it checks first that the slot is empty.
func fixSlot(v View[uint64, string], i, j, s int) View[uint64, string] {
	b := &v.Buckets[i].Bodies[j]
	if b.Tophash[s] != 0 || b.Keys[s] != 0 || b.Elems[s] != "" {
		panic(fmt.Sprintf("slot %d of body %d of chain %d is not empty", s, j, i))
	}
	full := bodyOf(func(k uint64) string { return fmt.Sprint(k) }, 1, 3, 5, 7, 9, 11)
	b.Tophash[s], b.Keys[s], b.Elems[s] = full.Tophash[s], full.Keys[s], full.Elems[s]
	return v
}

// checkView checks a view against itself and against the map: every
// entry sits in the chain its hash chooses, under its tophash, once; the
// entries number Count; the counts of overflow bodies and evacuated
// buckets match the chains; a new bucket whose old one has not moved is
// empty. With want set (the map is quiet), every entry is loadable with
// its value, the entries are exactly want, and the figures are the map's
// Stats.
func checkView(t *testing.T, m *Map[int, int], v View[int, int], want map[int]int) {
	t.Helper()
	seen := map[int]int{}
	ovf, evacuated := 0, 0
	walk := func(c Chain[int, int], mask uintptr, i int) {
		ovf += max(len(c.Bodies)-1, 0)
		for _, b := range c.Bodies {
			for s, top := range b.Tophash {
				if top == 0 {
					require.Zero(t, b.Keys[s])
					continue
				}
				k := b.Keys[s]
				h := m.hash(&k, uintptr(v.Seed))
				require.Equal(t, i, int(h&mask), "key %d in the wrong chain", k)
				require.Equal(t, asm.Tophash(h), top, "key %d", k)
				_, dup := seen[k]
				require.False(t, dup, "key %d twice", k)
				seen[k] = b.Elems[s]
			}
		}
	}
	require.Len(t, v.Buckets, v.Stats.Buckets)
	require.Equal(t, 1<<v.B, v.Stats.Buckets)
	for i, c := range v.Buckets {
		require.False(t, c.Evacuated, "a current table holds no marker")
		walk(c, uintptr(len(v.Buckets)-1), i)
	}
	if v.Growing {
		n := len(v.OldBuckets)
		require.Equal(t, v.Stats.OldBuckets, n)
		require.Equal(t, 2*n, len(v.Buckets))
		for i, c := range v.OldBuckets {
			if c.Evacuated {
				evacuated++
				require.Empty(t, c.Bodies)
				continue
			}
			require.Empty(t, v.Buckets[i].Bodies, "new bucket %d filled before its old one moved", i)
			require.Empty(t, v.Buckets[i+n].Bodies, "new bucket %d filled before its old one moved", i+n)
			walk(c, uintptr(n-1), i)
		}
	} else {
		require.Nil(t, v.OldBuckets)
	}
	require.Equal(t, v.Count, len(seen))
	require.Equal(t, v.OverflowBuckets, ovf)
	require.Equal(t, v.Evacuated, evacuated)
	if want == nil {
		return
	}
	require.Equal(t, want, seen)
	for k, x := range seen {
		got, ok := m.Load(k)
		require.True(t, ok, "key %d", k)
		require.Equal(t, x, got, "key %d", k)
	}
	st := m.Stats()
	require.Equal(t, m.Len(), v.Count)
	require.Equal(t, st.B, v.B)
	require.Equal(t, st.OverflowBuckets, v.OverflowBuckets)
	require.Equal(t, st.Growing, v.Growing)
	require.Equal(t, st.OldBuckets, v.Stats.OldBuckets)
	require.Equal(t, st.Evacuated, v.Evacuated)
	require.Equal(t, st.Epoch, v.Epoch)
	if v.Growing {
		// Quiet: every old bucket the cursor passed has moved.
		for i := range v.Nevacuate {
			require.True(t, v.OldBuckets[i].Evacuated, "old bucket %d below nevacuate %d", i, v.Nevacuate)
		}
	} else {
		require.Zero(t, v.Nevacuate)
	}
}

// Inspect agrees with Load, Len and Stats through inserts, updates,
// deletes and growths, with chains long enough to overflow.
func TestInspectAgreesWithLoad(t *testing.T) {
	for _, c := range []struct {
		name string
		opts []Option
	}{
		{"seeded", []Option{WithHasher(hash.NewSeeded[int]())}},
		{"masked", []Option{WithHasher(hash.Masked[int]{Inner: hash.NewSeeded[int](), Mask: 0xff00_0000_0000_0003})}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := New[int, int](0, append(c.opts, WithSeed(3), WithEvacuationPace(1))...)
			want := map[int]int{}
			growing := 0
			for i := range 600 {
				k := (i * 7) % 400
				switch i % 5 {
				case 4:
					m.Delete(k)
					delete(want, k)
				default:
					m.Store(k, i)
					want[k] = i
				}
				if i%13 == 0 || i > 200 && i < 260 {
					v := m.Inspect()
					checkView(t, m, v, want)
					if v.Growing {
						growing++
					}
				}
			}
			require.Positive(t, growing, "no view during a growth")
			require.Positive(t, m.Stats().OverflowBuckets, "no overflow body")
		})
	}
}

// A snapshot's view does not change when the map does: not through
// updates, deletes, a growth and its end, nor a Clear.
func TestSnapshotInspectUnchanged(t *testing.T) {
	m := New[int, int](0, WithHasher(hash.NewSeeded[int]()), WithSeed(5), WithEvacuationPace(1))
	for k := range 110 {
		m.Store(k, k)
	}
	require.True(t, m.Stats().Growing)
	s := m.Snapshot()
	defer s.Close()
	before := s.Inspect()
	require.Equal(t, -1, before.Nevacuate, "a snapshot does not record the cursor")
	require.True(t, before.Growing)
	checkView(t, m, before, nil)
	entries := collect(s.All())
	require.Len(t, entries, before.Count)
	for _, c := range append(before.OldBuckets, before.Buckets...) {
		for _, b := range c.Bodies {
			for i, top := range b.Tophash {
				if top != 0 {
					require.Equal(t, entries[b.Keys[i]], b.Elems[i])
				}
			}
		}
	}

	for k := range 300 {
		m.Store(k, -k)
	}
	for k := 0; k < 300; k += 3 {
		m.Delete(k)
	}
	require.Equal(t, before, s.Inspect())
	require.NotEqual(t, before.Buckets, m.Inspect().Buckets)
	m.Clear()
	require.Equal(t, before, s.Inspect())
	require.Equal(t, 0, m.Inspect().Count)

	s.Close()
	require.PanicsWithValue(t, errClosed, func() { s.Inspect() })
}

// A chain copied for a live snapshot shows its epoch and the version it
// keeps behind; closing the snapshot unlinks it.
func TestInspectVersions(t *testing.T) {
	m := New[uint64, string](0, WithHasher(topKey), WithSeed(1))
	for k := range uint64(12) {
		m.Store(k, fmt.Sprint(k))
	}
	s := m.Snapshot()
	m.Store(1, "one") // copies bucket 1's chain
	v := m.Inspect()
	require.Equal(t, uint64(2), v.Epoch)
	require.Equal(t, 1, v.SnapshotsAlive, "s; Inspect's own is closed")
	require.Equal(t, 1, v.Events.BucketCopies)
	require.Equal(t, Chain[uint64, string]{Bodies: v.Buckets[0].Bodies}, v.Buckets[0], "bucket 0: stamp 0, no older version, in the bucket")
	require.Equal(t, uint64(1), v.Buckets[1].Epoch, "bucket 1: copied in s's epoch")
	require.Equal(t, 1, v.Buckets[1].Versions)
	require.True(t, v.Buckets[1].Apart, "bucket 1: the copy is allocated apart")
	require.Equal(t, "one", v.Buckets[1].Bodies[0].Elems[0])

	// s reads the version behind.
	sv := s.Inspect()
	require.Equal(t, uint64(1), sv.Epoch)
	require.Equal(t, uint64(0), sv.Buckets[1].Epoch)
	require.Equal(t, 0, sv.Buckets[1].Versions)
	require.False(t, sv.Buckets[1].Apart, "s's version is the bucket's first body")
	require.Equal(t, "1", sv.Buckets[1].Bodies[0].Elems[0])
	c, ok := m.InspectBucket(1)
	require.True(t, ok)
	require.Equal(t, v.Buckets[1], c)

	s.Close()
	v = m.Inspect()
	require.Equal(t, 0, v.Buckets[1].Versions, "the sweep after Close unlinked it")
	require.Equal(t, uint64(1), v.Buckets[1].Epoch)
	require.Equal(t, 0, v.SnapshotsAlive)
}

// During a growth with a live snapshot, an evacuated bucket is a marker
// stamped with the evacuating write's epoch, which keeps the chain it
// replaced for the snapshot.
func TestInspectEvacuatedMarker(t *testing.T) {
	m := growingMap(t) // old buckets 0 and 9 evacuated, no snapshot alive
	v := m.Inspect()
	require.Equal(t, Chain[uint64, uint64]{Evacuated: true}, v.OldBuckets[0])
	require.Equal(t, Chain[uint64, uint64]{Evacuated: true}, v.OldBuckets[9])
	require.Equal(t, [3]int{2, 1, 16}, [3]int{v.Evacuated, v.Nevacuate, v.Stats.OldBuckets})

	s := m.Snapshot()
	defer s.Close()
	// Key 1 evacuates its old bucket, 1, then claims the cursor's, 1
	// again, which has moved: the cursor passes it.
	m.Store(1, 1)
	v = m.Inspect()
	require.Equal(t, Chain[uint64, uint64]{Evacuated: true, Epoch: s.epoch, Versions: 1}, v.OldBuckets[1])
	require.Equal(t, [2]int{3, 2}, [2]int{v.Evacuated, v.Nevacuate})
	old, ok := m.InspectOldBucket(1)
	require.True(t, ok)
	require.Equal(t, v.OldBuckets[1], old)
	// The snapshot still reads old bucket 1 whole: 1, 17, ..., 97.
	sv := s.Inspect()
	require.False(t, sv.OldBuckets[1].Evacuated)
	require.Equal(t, 7, sv.OldBuckets[1].Bodies[0].Full())
	require.Equal(t, 2, sv.Evacuated, "s sees old buckets 0 and 9 moved")
	require.Empty(t, sv.Buckets[1].Bodies, "and new bucket 1 empty")
}

func TestInspectBucketBounds(t *testing.T) {
	var nilMap *Map[int, int]
	var zero Map[int, int]
	for _, m := range []*Map[int, int]{nilMap, &zero} {
		_, ok := m.InspectBucket(0)
		require.False(t, ok)
		_, ok = m.InspectOldBucket(0)
		require.False(t, ok)
	}
	m := New[uint64, string](0, WithHasher(topKey), WithSeed(1))
	for k := range uint64(12) {
		m.Store(k, fmt.Sprint(k))
	}
	for _, i := range []int{-1, 2} {
		_, ok := m.InspectBucket(i)
		require.False(t, ok, "bucket %d", i)
	}
	_, ok := m.InspectOldBucket(0)
	require.False(t, ok, "not growing")
	c, ok := m.InspectBucket(1)
	require.True(t, ok)
	require.Equal(t, Chain[uint64, string]{Bodies: []BucketView[uint64, string]{
		bodyOf(func(k uint64) string { return fmt.Sprint(k) }, 1, 3, 5, 7, 9, 11),
	}}, c)
	m.Delete(0)
	m.Delete(2)
	m.Delete(4)
	m.Delete(6)
	m.Delete(8)
	m.Delete(10)
	c, ok = m.InspectBucket(0)
	require.True(t, ok)
	require.Equal(t, Chain[uint64, string]{}, c, "emptied by deletes with no snapshot alive: dropped")
}

func TestInspectNilAndZero(t *testing.T) {
	var nilMap *Map[int, int]
	require.Equal(t, View[int, int]{}, nilMap.Inspect())
	s := nilMap.Snapshot()
	require.Equal(t, View[int, int]{}, s.Inspect())
	s.Close()

	var zero Map[int, int]
	require.Equal(t, View[int, int]{}, zero.Inspect())
	require.Nil(t, zero.root.Load(), "Inspect does not set a zero Map up")
	zero.Store(1, 1)
	require.Equal(t, 1, zero.Inspect().Count)
}

// While writers run, each view is consistent: its entries number its
// Count, each in its chain once, each with a value its key held. Writers
// store k -> k*10 + round, and delete.
func TestInspectWhileWriting(t *testing.T) {
	m := New[int, int](0, WithHasher(hash.NewSeeded[int]()), WithSeed(9), WithEvacuationPace(1))
	const writers, keys, rounds = 4, 2000, 3
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				for k := w; k < keys; k += writers {
					m.Store(k, k*10+r)
					if k%5 == 0 {
						m.Delete(k)
					}
				}
			}
		}()
	}
	views := 0
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for running := true; running; views++ {
		select {
		case <-done:
			running = false
		default:
		}
		v := m.Inspect()
		checkView(t, m, v, nil)
		for _, c := range append(v.OldBuckets, v.Buckets...) {
			for _, b := range c.Bodies {
				for s, top := range b.Tophash {
					if top != 0 {
						k := b.Keys[s]
						require.Equal(t, k, b.Elems[s]/10, "key %d holds %d", k, b.Elems[s])
					}
				}
			}
		}
	}
	require.Greater(t, views, 1)
	want := map[int]int{}
	for k := range keys {
		if k%5 != 0 {
			want[k] = k*10 + rounds - 1
		}
	}
	checkView(t, m, m.Inspect(), want)
	require.Zero(t, m.Stats().SnapshotsAlive)
}
