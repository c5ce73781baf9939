package asm

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// walked turns a Bitset into a mask by walking it with First and
// RemoveFirst, as the table's probe loop does, and checks on the way that
// the set holds nothing but byte high bits and that slots come in order.
func walked(s Bitset) uint32 {
	if s&^msb != 0 {
		panic("bitset has bits outside the byte high bits")
	}
	var m uint32
	last := -1
	for ; s != 0; s = RemoveFirst(s) {
		i := int(First(s))
		if i <= last {
			panic("bitset walk out of order")
		}
		last = i
		m |= 1 << i
	}
	return m
}

// bitsetImpl is the word-form probe, walked: the tests of probe_test.go run
// it beside the others.
var bitsetImpl = impl{
	name:  "bitset",
	match: func(w uint64, top uint8) uint32 { return walked(MatchBits(w, top)) },
	empty: func(w uint64) uint32 { return walked(EmptyBits(w)) },
}

func TestBitsetMask(t *testing.T) {
	for _, w := range interestingWords() {
		for _, top := range interestingBytes {
			require.Equal(t, refMatch(w, top), MatchBits(w, top).Mask())
		}
		require.Equal(t, refEmpty(w), EmptyBits(w).Mask())
	}
}

// MatchCandidates holds MatchBits's slots and may add, above them, only
// bytes equal to top^1 that the borrow reaches: each extra slot sits
// right above a match or above another extra slot. Its lowest slot is
// MatchBits's lowest.
func TestMatchCandidates(t *testing.T) {
	extras := 0
	for _, w := range interestingWords() {
		for _, top := range interestingBytes {
			exact := walked(MatchBits(w, top))
			got := walked(MatchCandidates(w, top))
			require.Equal(t, exact, got&exact, "%#016x top %d: a match is missing", w, top)
			require.Equal(t, exact&-exact, got&-got, "%#016x top %d: the lowest candidate is not the lowest match", w, top)
			for i := range 8 {
				if extra := got &^ exact; extra&(1<<i) != 0 {
					extras++
					require.Equal(t, top^1, uint8(w>>(8*i)), "%#016x top %d: slot %d", w, top, i)
					require.NotZero(t, got&(1<<(i-1)), "%#016x top %d: slot %d is not above a candidate", w, top, i)
				}
			}
		}
	}
	require.NotZero(t, extras, "no word made the borrow run: the test shows nothing")
	// A match followed by top^1 twice: both are candidates; a top^1 with
	// no match below it is not.
	w := wordOf([8]uint8{7, 9, 8, 8, 3, 8, 9, 8})
	require.Equal(t, uint32(0b11001110), walked(MatchCandidates(w, 9)))
	require.Equal(t, uint32(0b01000010), walked(MatchBits(w, 9)))
}

func TestBitsetFirst(t *testing.T) {
	for i := range 8 {
		s := Bitset(0x80) << (8 * i)
		require.Equal(t, uint(i), First(s))
		require.Zero(t, RemoveFirst(s))
	}
	s := MatchBits(wordOf([8]uint8{9, 5, 9, 9, 5, 5, 5, 9}), 9)
	var got []uint
	for ; s != 0; s = RemoveFirst(s) {
		got = append(got, First(s))
	}
	require.Equal(t, []uint{0, 2, 3, 7}, got)
}

func TestBitsetFull(t *testing.T) {
	for _, w := range interestingWords() {
		require.Equal(t, ^refEmpty(w)&0xff, walked(FullBits(w)), "%#016x", w)
	}
}

// Walking a rotated set visits the slots of the original from n upwards,
// wrapping past 7, which is the order an iteration with offset n uses.
func TestBitsetRotate(t *testing.T) {
	s := FullBits(wordOf([8]uint8{9, 0, 9, 9, 1, 5, 0, 9}))
	for n := range uint8(8) {
		var got []uint
		for r := Rotate(s, n); r != 0; r = RemoveFirst(r) {
			got = append(got, (First(r)+uint(n))&7)
		}
		var want []uint
		for i := range uint(8) {
			if slot := (i + uint(n)) & 7; slot != 1 && slot != 4 && slot != 6 {
				want = append(want, slot)
			}
		}
		require.Equal(t, want, got, "n=%d", n)
		require.Equal(t, Rotate(s, n), Rotate(s, n+8), "only n's low 3 bits count")
	}
}
