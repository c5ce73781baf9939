package table

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/internal/rt"
)

// The header is small: what every map pays for, whatever it holds. Rarely
// used state lives behind extra, allocated when first needed; the old
// array behind growth, while a growth is in progress.
func TestHeaderSize(t *testing.T) {
	// 80 bytes is a size class of Go's allocator: a header and a bucket of
	// int64 keys and elems take 80 + 144 bytes, 28 per entry of a map of
	// 8, where the builtin's take 48 + 144, 24.
	require.LessOrEqual(t, unsafe.Sizeof(Map[int64, int64]{}), uintptr(80))
	require.LessOrEqual(t, unsafe.Sizeof(Map[string, [64]byte]{}), uintptr(80), "the header does not depend on K and V")

	// A small map filled and read with default options has no extra.
	m := New[int64, int64](0)
	for i := range int64(8) {
		m.Put(i, i)
	}
	for i := range int64(8) {
		require.Equal(t, i, m.At(i))
	}
	for range m.All() {
	}
	m.Delete(3)
	if !probesEnabled { // (with -tags hmapprobe every map counts)
		require.Nil(t, m.extra, "no extra for a map that never needed one")
	}
}

// A one-bucket table whose keys compare more cheaply than they hash is
// searched without hashing; its chain can still be longer than one bucket
// when the table is over its load factor, as the clone of a table grown
// under load factor 1 is (9 entries, and B = 1 holds only 8).
func TestScanOneBucketFollowsChain(t *testing.T) {
	src := New[int64, int](0, WithLoadFactor(1, 1), WithSeed(3))
	for i := range int64(9) {
		src.Put(i*1000, int(i))
	}
	c := src.Clone()
	require.Equal(t, uint8(0), c.logB)
	require.NotZero(t, c.flags&flagScan, "int64 keys are scanned")
	require.Equal(t, 2, len(c.InspectBucket(0)), "one chain of two buckets")
	for i := range int64(9) {
		v, ok := c.Get(i * 1000)
		require.True(t, ok, "key %d", i*1000)
		require.Equal(t, int(i), v)
	}
	require.False(t, c.Has(1))
	require.NoError(t, c.checkInvariants())

	// Keys that compare by content are hashed.
	s := New[string, int](0)
	s.Put("a", 1)
	require.Zero(t, s.flags&flagScan)
	require.Equal(t, 1, s.At("a"))
}

// The flags a map takes from its key and elem types are rt.Traits moved up
// by traitShift, bit for bit (flagsOf); and a map sets each of them as the
// type calls for.
func TestFlagsOfTraits(t *testing.T) {
	require.Equal(t, uint32(flagPointers), flagsOf(rt.TraitPointers))
	require.Equal(t, uint32(flagSmallKeys), flagsOf(rt.TraitSmallRegularKey))
	require.Equal(t, uint32(flagKeyUpdate), flagsOf(rt.TraitIrregularKey))
	require.Equal(t, uint32(flagStringKey), flagsOf(rt.TraitStringKey))
	const typeFlags = flagPointers | flagSmallKeys | flagKeyUpdate | flagStringKey
	require.Equal(t, uint32(typeFlags), flagsOf(rt.TraitAll), "a trait without its flag")
	require.Zero(t, typeFlags&(flagIterator|flagOldIterator|flagSameSizeGrow|flagPending|flagScan|flagWatched|flagUserHasher|iterMask),
		"the type's flags overlap others")

	type triple struct{ A, B, C int64 }
	i := New[int64, int64](0)
	s := New[string, int64](0)
	f := New[float64, *int](0)
	p := New[triple, int](0)
	require.Equal(t, uint32(flagSmallKeys|flagScan), i.flags&(typeFlags|flagScan))
	require.Equal(t, uint32(flagPointers|flagKeyUpdate|flagStringKey), s.flags&(typeFlags|flagScan))
	require.Equal(t, uint32(flagPointers|flagKeyUpdate), f.flags&(typeFlags|flagScan))
	require.Equal(t, uint32(0), p.flags&(typeFlags|flagScan))
}
