package concurrent

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/internal/golden"
)

// topKey hashes a small key k to k<<56 | k: its bucket is its
// low bits and its tophash byte is k itself (raised by 5 below 5).
var topKey = hash.Func[uint64](func(k, _ uint64) uint64 { return k<<56 | k })

// seed1 is the seed WithSeed(1) draws first, and mapSeed1 what a map made
// with it keeps: all of it, or its low half on 32-bit platforms, where a
// seed is a uintptr.
const (
	seed1    uint64 = 0x910a2dec89025cc1
	mapSeed1        = uintptr(seed1 & (1<<hashBits - 1))
)

// sameOn32 makes h hash alike on 32-bit and 64-bit platforms in a map
// made WithSeed(1), so that the map's drawing is the same on both: it
// gives h back the high half of seed1, which a 32-bit map's seed lacks.
// On 64-bit platforms it is h itself.
func sameOn32[K any](h hash.Hasher[K]) hash.Hasher[K] {
	return hash.Func[K](func(k K, seed uint64) uint64 {
		return h.Hash(k, seed|seed1&^(1<<hashBits-1))
	})
}

func render[K comparable, V any](v View[K, V], o RenderOptions) string {
	var sb strings.Builder
	if err := v.Render(&sb, o); err != nil {
		panic(err)
	}
	return sb.String()
}

// growingMap returns a map of identity-hashed keys 0..104 plus key 105:
// the 105th insert (key 104, count 105 > 13*16/2) starts a doubling from
// 16 to 32 buckets, after the insert, so nothing has moved yet; the
// insert of key 105 then evacuates its own old bucket, 9, and the one
// the cursor points at, 0 (pace 1), and lands in new bucket 105&31 = 9.
func growingMap(t testing.TB) *Map[uint64, uint64] {
	m := New[uint64, uint64](0, WithHasher(hash.Identity[uint64]{}), WithSeed(1), WithEvacuationPace(1))
	for k := range uint64(106) {
		m.Store(k, k)
	}
	st := m.Stats()
	require.True(t, st.Growing)
	require.Equal(t, 16, st.OldBuckets)
	require.Equal(t, 2, st.Evacuated)
	return m
}

// Every drawing here is fixed by a seed and a reproducible hasher, and
// is the same on 32-bit platforms but for the seed in the header, which
// the golden files show whole.
func TestRenderGolden(t *testing.T) {
	identity := WithHasher(hash.Identity[uint64]{})

	empty := New[uint64, string](0, identity, WithSeed(1))

	small := New[string, int](0, WithHasher(sameOn32[string](hash.XXH3[string]{})), WithSeed(1))
	for i := range 40 {
		small.Store(fmt.Sprintf("k%02d", i), i)
	}
	for i := 0; i < 40; i += 3 {
		small.Delete(fmt.Sprintf("k%02d", i))
	}

	growing := growingMap(t)

	// A constant hash puts every key in bucket 0: a chain of three bodies.
	chained := New[uint64, uint64](0, WithHasher(hash.Constant[uint64]{Value: 0xa300_0000_0000_0000}), WithSeed(1))
	for k := range uint64(20) {
		chained.Store(k, k)
	}

	large := New[uint64, uint64](0, WithHasher(sameOn32[uint64](hash.Func[uint64](func(k, seed uint64) uint64 {
		return hash.XXH3[string]{}.Hash(fmt.Sprint(k), seed)
	}))), WithSeed(1))
	for k := range uint64(3000) {
		large.Store(k, k)
	}

	// A live snapshot keeps the version of bucket 1 that the update of
	// key 1 replaced with a copy; the deletes of 3 and 11 then change the
	// copy in place. Bucket 0, unwritten, is shared with the snapshot.
	versions := New[uint64, string](0, WithHasher(topKey), WithSeed(1))
	for k := range uint64(12) {
		versions.Store(k, fmt.Sprint(k))
	}
	snap := versions.Snapshot()
	defer snap.Close()
	versions.Store(1, "one")
	versions.Delete(3)
	versions.Delete(11)

	cases := []struct {
		name string
		got  string
	}{
		{"nil", render((*Map[int, int])(nil).Inspect(), RenderOptions{})},
		{"empty", render(empty.Inspect(), RenderOptions{})},
		{"small_keys_legend", render(small.Inspect(), RenderOptions{Keys: true, Legend: true})},
		{"growing", render(growing.Inspect(), RenderOptions{Keys: true})},
		{"chained", render(chained.Inspect(), RenderOptions{Keys: true})},
		{"large_summary", render(large.Inspect(), RenderOptions{MaxBuckets: 8})},
		{"versions", render(versions.Inspect(), RenderOptions{Keys: true})},
		{"versions_snapshot", render(snap.Inspect(), RenderOptions{Keys: true})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			requireWidth(t, c.got)
			got := c.got
			if hashBits == 32 {
				got = strings.Replace(got, fmt.Sprintf(" seed=%#x", mapSeed1), fmt.Sprintf(" seed=%#x", seed1), 1)
			}
			golden.Check(t, c.name, got)
		})
	}
}

// requireWidth checks that every line of a drawing but the key listings
// fits in Width columns.
func requireWidth(t *testing.T, drawing string) {
	t.Helper()
	for _, line := range strings.Split(drawing, "\n") {
		if strings.HasPrefix(line, indent+"[") {
			continue // a key listing
		}
		require.LessOrEqual(t, len(line), Width, "line too wide: %q", line)
	}
}

func TestRenderMarksGrowth(t *testing.T) {
	m := growingMap(t)
	var sb strings.Builder
	require.NoError(t, m.Render(&sb, RenderOptions{}))
	out := sb.String()
	lines := strings.Split(out, "\n")
	require.Equal(t, fmt.Sprintf("count=106 B=5 buckets=32 overflow=0 epoch=1 seed=%#x", mapSeed1), lines[0])
	require.Equal(t, "growing from 16 old buckets: evacuated=2 nevacuate=1", lines[1])
	require.Equal(t, "old table:", lines[2])
	require.Equal(t, "   0 evacuated to 0 and 16", lines[3])
	require.Equal(t, "   1 05 05 05 05 05 05 05 ..   <- nevacuate", lines[4])
	require.Equal(t, "   9 evacuated to 9 and 25", lines[12])
	require.Equal(t, "  15 05 05 05 05 05 05 .. ..", lines[18])
	require.Equal(t, "new table:", lines[19])
	// New bucket 0 holds old bucket 0's keys with bit 4 clear: 0, 32, 64,
	// 96; bucket 1, whose old bucket has not moved, has no chain.
	require.Equal(t, "   0 05 05 05 05 .. .. .. ..", lines[20])
	require.Equal(t, "   1 -", lines[21])
	require.Equal(t, "   9 05 05 05 05 .. .. .. ..", lines[29], "9, 41, 73 moved, then 105")
	require.Equal(t, "  16 05 05 05 .. .. .. .. ..", lines[36])
	require.Equal(t, "  25 05 05 05 .. .. .. .. ..", lines[45])
}

func TestViewString(t *testing.T) {
	v := growingMap(t).Inspect()
	require.Equal(t, render(v, RenderOptions{}), v.String())
	require.Contains(t, v.String(), "<- nevacuate")
	require.NotContains(t, v.String(), "cells:", "no legend by default")
	require.Contains(t, render(v, RenderOptions{Legend: true}), "cells: a3 full")
}

// Every part of a drawing that grows with the numbers it shows wraps
// before Width: long chains in an old table, with an epoch, versions and
// the cursor, and a header of large figures.
func TestRenderWidthExtremes(t *testing.T) {
	// Counts are ints: 2^62, 2^61 and 2^40 on 64-bit platforms, 2^30,
	// 2^29 and 2^20 where an int is 32 bits.
	const intBits = hashBits // an int is as wide as a uintptr
	const huge, half, versions = 1 << (intBits - 2), 1 << (intBits - 3), 1 << (intBits * 5 / 8)
	long := Chain[int, int]{Epoch: 1<<64 - 1, Versions: versions}
	for i := range 12 {
		var b BucketView[int, int]
		for s := range b.Tophash {
			b.Tophash[s] = uint8(0x10*i + s + 5)
		}
		long.Bodies = append(long.Bodies, b)
	}
	two := long
	two.Bodies = long.Bodies[:2]
	marker := Chain[int, int]{Evacuated: true, Epoch: 1<<64 - 1, Versions: versions}
	old := []Chain[int, int]{two, marker, long, two, two, marker}
	v := View[int, int]{
		Stats: Stats{
			Count: huge, B: 63, Buckets: huge, OverflowBuckets: huge,
			Growing: true, OldBuckets: half, Evacuated: half,
			SnapshotsAlive: versions, Epoch: 1<<64 - 1,
		},
		Seed:       1<<64 - 1,
		Nevacuate:  3,
		Buckets:    []Chain[int, int]{long, two, marker, {}},
		OldBuckets: old,
	}
	for _, o := range []RenderOptions{{}, {Legend: true}, {MaxBuckets: 2}, {MaxBuckets: 1, Keys: true, Legend: true}} {
		out := render(v, o)
		requireWidth(t, out)
		require.Contains(t, out, "+4 more")
		require.Contains(t, out, "<- nevacuate")
	}
}

// The legend speaks only of what a concurrent map has: no emptyOne or
// emptyRest states, no preallocated overflow buckets, no per-slot
// evacuation marks.
func TestRenderLegendIsConcurrents(t *testing.T) {
	out := render(growingMap(t).Inspect(), RenderOptions{Legend: true, Keys: true})
	for _, word := range []string{"emptyOne", "emptyRest", "spare", "prealloc", "noverflow", "X>", "-."} {
		require.NotContains(t, out, word)
	}
	for _, word := range []string{"evacuation marker", "<- nevacuate", "overflow body", "no chain", "@e", "older", "keys:"} {
		require.Contains(t, out, word)
	}
}
