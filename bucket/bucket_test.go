package bucket_test

import (
	"slices"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
)

// checkLayout compares LayoutOf's arithmetic with the compiler's layout.
func checkLayout[K comparable, V any](t *testing.T) bucket.Layout {
	t.Helper()
	var b bucket.Bucket[K, V]
	l := bucket.LayoutOf[K, V]()
	require.Equal(t, unsafe.Offsetof(b.Tophash), l.TophashOffset, "tophash offset")
	require.Equal(t, unsafe.Offsetof(b.Keys), l.KeysOffset, "keys offset")
	require.Equal(t, unsafe.Offsetof(b.Elems), l.ElemsOffset, "elems offset")
	require.Equal(t, unsafe.Sizeof(b)-unsafe.Sizeof(uintptr(0)), l.OverflowOffset, "overflow is the last word")
	require.Equal(t, unsafe.Sizeof(b), l.Size, "size")
	require.Equal(t, unsafe.Alignof(b), l.Align, "align")
	return l
}

type pair struct {
	A int32
	B string
}

func TestLayout(t *testing.T) {
	const ptr = unsafe.Sizeof(uintptr(0)) // the overflow link; a string is two
	l := checkLayout[int64, string](t)
	require.Equal(t, []uintptr{0, 8, 72, 72 + 8*2*ptr, 72 + 8*2*ptr + ptr}, // 200 and 208 on 64-bit platforms
		[]uintptr{l.TophashOffset, l.KeysOffset, l.ElemsOffset, l.OverflowOffset, l.Size})
	require.Zero(t, l.Padding)
	require.True(t, l.HasPointers)

	l = checkLayout[int64, int64](t)
	require.Equal(t, 136+ptr, l.Size) // 144 on 64-bit platforms
	require.False(t, l.HasPointers)

	// int8 keys and int64 elems: 8+8 bytes, then elems at 16.
	l = checkLayout[int8, int64](t)
	require.Equal(t, uintptr(16), l.ElemsOffset)
	require.Zero(t, l.Padding)

	// int64 keys and int8 elems: the elems end at 80, the link is
	// aligned to 80, no padding; with [3]byte elems, 8+64+24 = 96.
	l = checkLayout[int64, [3]byte](t)
	require.Equal(t, uintptr(96), l.OverflowOffset)
	l = checkLayout[int16, [3]byte](t)
	require.Equal(t, uintptr(8+16+24), l.OverflowOffset)
	require.Equal(t, uintptr(0), l.Padding)
	l = checkLayout[int16, byte](t)
	require.Equal(t, uintptr(8+16+8), l.OverflowOffset)
	l = checkLayout[byte, [5]byte](t)
	require.Equal(t, uintptr(8+8+40), l.OverflowOffset)
	require.Equal(t, uintptr(0), l.Padding)
	l = checkLayout[byte, [3]byte](t)
	require.Equal(t, uintptr(8+8+24), l.OverflowOffset)
	l = checkLayout[[3]byte, int32](t)
	require.Equal(t, uintptr(32), l.ElemsOffset)
	l = checkLayout[struct{}, struct{}](t)
	require.Equal(t, 8+ptr, l.Size)
	checkLayout[string, pair](t)
	checkLayout[pair, [200]byte](t)
	checkLayout[complex128, bool](t)
	checkLayout[any, *int](t)

	big := bucket.LayoutOf[[129]byte, int]()
	require.True(t, big.RuntimeIndirectKey)
	require.False(t, big.RuntimeIndirectElem)
	require.Contains(t, bucket.LayoutOf[int64, string]().String(), "keys     [8]int64 @8 (64 bytes)")
}

func TestTophash(t *testing.T) {
	const shift = 8*unsafe.Sizeof(uintptr(0)) - 8
	for top := 0; top < 256; top++ {
		h := uintptr(top)<<shift | 0x1234
		want := uint8(top)
		if top < asm.MinTopHash {
			want += asm.MinTopHash
		}
		require.Equal(t, want, asm.Tophash(h), "top byte %#x", top)
	}
}

func TestSlotStates(t *testing.T) {
	want := []string{"emptyRest", "emptyOne", "evacuatedX", "evacuatedY", "evacuatedEmpty", "full"}
	for top := 0; top < 7; top++ {
		require.Equal(t, want[min(top, 5)], bucket.StateOf(uint8(top)).String())
	}
	require.Equal(t, "full", bucket.StateOf(255).String())
	require.True(t, bucket.IsEmpty[uint8](bucket.EmptyRest))
	require.True(t, bucket.IsEmpty[uint8](bucket.EmptyOne))
	require.False(t, bucket.IsEmpty[uint8](bucket.EvacuatedEmpty))
	require.False(t, bucket.IsEmpty[uint8](asm.MinTopHash))
}

// chain builds a chain of n buckets.
func chain(n int) []*bucket.Bucket[int, int] {
	bs := make([]*bucket.Bucket[int, int], n)
	for i := range bs {
		bs[i] = new(bucket.Bucket[int, int])
		if i > 0 {
			bs[i-1].SetOverflow(bs[i])
		}
	}
	return bs
}

func TestSearch(t *testing.T) {
	bs := chain(2)
	for i := range asm.SlotCount {
		bs[0].Tophash[i], bs[0].Keys[i] = 7, i // all share one tophash
	}
	bs[1].Tophash[0], bs[1].Keys[0] = 9, 100
	bs[1].Tophash[1], bs[1].Keys[1] = 7, 5 // a key compared only after bucket 0
	b, i := bucket.Search(bs[0], 7, 5)
	require.Equal(t, bs[0], b)
	require.Equal(t, 5, i)
	b, i = bucket.Search(bs[0], 9, 100)
	require.Equal(t, bs[1], b)
	require.Equal(t, 0, i)
	// Same tophash, other key: not found.
	b, i = bucket.Search(bs[0], 9, 101)
	require.Nil(t, b)
	require.Equal(t, -1, i)
	// An EmptyRest before a key hides it (the search stops there).
	bs[0].Tophash[3] = bucket.EmptyRest
	b, _ = bucket.Search(bs[0], 9, 100)
	require.Nil(t, b)
	// EmptyOne does not stop the search.
	bs[0].Tophash[3] = bucket.EmptyOne
	b, _ = bucket.Search(bs[0], 9, 100)
	require.Equal(t, bs[1], b)
	require.Equal(t, 2, bucket.ChainLen(bs[0]))
	require.Equal(t, 1, bucket.ChainLen(bs[1]))
}

func TestMarkEmptyRest(t *testing.T) {
	bs := chain(2)
	for i := range asm.SlotCount {
		bs[0].Tophash[i] = 10
	}
	bs[1].Tophash[0] = 10 // rest of bs[1] is EmptyRest

	// A middle slot: followed by a full slot, stays EmptyOne.
	bs[0].Tophash[3] = bucket.EmptyOne
	bucket.MarkEmptyRest(bs[0], bs[0], 3)
	require.Equal(t, [8]uint8{10, 10, 10, 1, 10, 10, 10, 10}, bs[0].Tophash)

	// Slots 4..7 of bs[0] go, then the only entry of bs[1]: the run back
	// to slot 3 becomes EmptyRest, slot 2 (full) stops it.
	for i := 4; i < 8; i++ {
		bs[0].Tophash[i] = bucket.EmptyOne
		bucket.MarkEmptyRest(bs[0], bs[0], i)
	}
	require.Equal(t, [8]uint8{10, 10, 10, 1, 1, 1, 1, 1}, bs[0].Tophash, "bs[1] still holds an entry")
	bs[1].Tophash[0] = bucket.EmptyOne
	bucket.MarkEmptyRest(bs[0], bs[1], 0)
	require.Equal(t, [8]uint8{}, bs[1].Tophash)
	require.Equal(t, [8]uint8{10, 10, 10, 0, 0, 0, 0, 0}, bs[0].Tophash)

	// The last slot of a bucket whose overflow holds entries stays EmptyOne.
	cs := chain(2)
	cs[0].Tophash = [8]uint8{10, 10, 10, 10, 10, 10, 10, 10}
	cs[1].Tophash[0] = 10
	cs[0].Tophash[7] = bucket.EmptyOne
	bucket.MarkEmptyRest(cs[0], cs[0], 7)
	require.Equal(t, uint8(bucket.EmptyOne), cs[0].Tophash[7])
}

func TestOverflowLinkIsNotAPointer(t *testing.T) {
	// The link must not make a pointer-free bucket scannable.
	require.False(t, bucket.LayoutOf[int64, int64]().HasPointers)
	var b bucket.Bucket[int64, int64]
	require.Nil(t, b.Overflow())
	next := new(bucket.Bucket[int64, int64])
	b.SetOverflow(next)
	require.Same(t, next, b.Overflow())
	b.SetOverflow(nil)
	require.Nil(t, b.Overflow())
}

func TestMatch(t *testing.T) {
	var b bucket.Bucket[int, int]
	b.Tophash = [asm.SlotCount]uint8{7, bucket.EmptyOne, 9, 7, bucket.EmptyRest, 7, 200, bucket.EmptyRest}
	var got []uint
	for s := b.Match(7); s != 0; s = asm.RemoveFirst(s) {
		got = append(got, asm.First(s))
	}
	if want := []uint{0, 3, 5}; !slices.Equal(got, want) {
		t.Fatalf("Match(7) walks slots %v, want %v", got, want)
	}
	if s := b.Match(8); s != 0 {
		t.Fatalf("Match(8) = %#x, want no slot", uint64(s))
	}
}
