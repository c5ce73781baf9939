package asm

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// impl is one implementation of the probes.
type impl struct {
	name  string
	match func(uint64, uint8) uint32
	empty func(uint64) uint32
}

// impls returns every implementation available on the running architecture:
// SWAR, SWAR in word form (Bitset), the native one (if any), and the
// dispatching Match/Empty.
func impls() []impl {
	all := []impl{{"swar", MatchSWAR, EmptySWAR}, bitsetImpl}
	all = append(all, nativeImpls...)
	return append(all, impl{"dispatch", Match, Empty})
}

// refMatch is the byte-by-byte definition of Match.
func refMatch(w uint64, top uint8) uint32 {
	var m uint32
	for i := 0; i < 8; i++ {
		if uint8(w>>(8*i)) == top {
			m |= 1 << i
		}
	}
	return m
}

// refEmpty is the byte-by-byte definition of Empty.
func refEmpty(w uint64) uint32 {
	var m uint32
	for i := 0; i < 8; i++ {
		if uint8(w>>(8*i)) <= 1 {
			m |= 1 << i
		}
	}
	return m
}

func wordOf(b [8]uint8) uint64 { return Word(&b) }

// interestingBytes are the special tophash values and a few full ones.
var interestingBytes = []uint8{0, 1, 2, 3, 4, 5, 6, 0x7f, 0x80, 0x81, 0xfe, 0xff}

// interestingWords returns words built from interestingBytes: every word
// whose bytes all come from a small set (exhaustive over 0..4 plus pairs),
// plus words mixing all of them at every rotation.
func interestingWords() []uint64 {
	var ws []uint64
	// Every word over the alphabet {0, 1, 5, 255} (4^8 = 65536 words).
	alpha := []uint8{0, 1, 5, 255}
	for n := 0; n < 1<<16; n++ {
		var b [8]uint8
		for i := range b {
			b[i] = alpha[(n>>(2*i))&3]
		}
		ws = append(ws, wordOf(b))
	}
	// Rotations of words mixing every interesting byte.
	for s := range interestingBytes {
		var b [8]uint8
		for i := range b {
			b[i] = interestingBytes[(s+i)%len(interestingBytes)]
		}
		ws = append(ws, wordOf(b))
		for i := range b {
			b[i] = interestingBytes[(s+3*i)%len(interestingBytes)]
		}
		ws = append(ws, wordOf(b))
	}
	// Every word over the special values 0..4 at slots 0..5 with 5 and 255
	// in the top slots (5^6 words).
	for n := 0; n < 15625; n++ {
		b := [8]uint8{6: 5, 7: 255}
		k := n
		for i := 0; i < 6; i++ {
			b[i] = uint8(k % 5)
			k /= 5
		}
		ws = append(ws, wordOf(b))
	}
	// Uniform words.
	for _, v := range interestingBytes {
		ws = append(ws, lsb*uint64(v))
	}
	return ws
}

func TestWord(t *testing.T) {
	b := [8]uint8{1, 2, 3, 4, 5, 6, 7, 8}
	require.Equal(t, uint64(0x0807060504030201), Word(&b))
	for i := range b {
		require.Equal(t, b[i], uint8(Word(&b)>>(8*i)), "slot %d", i)
	}
}

func TestMatchInteresting(t *testing.T) {
	ws := interestingWords()
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) {
			for _, w := range ws {
				for top := 0; top < 256; top++ {
					if got, want := im.match(w, uint8(top)), refMatch(w, uint8(top)); got != want {
						t.Fatalf("Match(%#016x, %#x) = %#x, want %#x", w, top, got, want)
					}
				}
			}
		})
	}
}

func TestMatchSinglePosition(t *testing.T) {
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) {
			for top := 0; top < 256; top++ {
				for _, other := range interestingBytes {
					if int(other) == top {
						continue
					}
					for i := 0; i < 8; i++ {
						var b [8]uint8
						for j := range b {
							b[j] = other
						}
						b[i] = uint8(top)
						w := Word(&b)
						if got := im.match(w, uint8(top)); got != 1<<i {
							t.Fatalf("Match(%#016x, %#x) = %#x, want only slot %d", w, top, got, i)
						}
						// The complement: every slot but i matches.
						for j := range b {
							b[j] = uint8(top)
						}
						b[i] = other
						w = Word(&b)
						if got := im.match(w, uint8(top)); got != 0xff&^(1<<i) {
							t.Fatalf("Match(%#016x, %#x) = %#x, want all but slot %d", w, top, got, i)
						}
					}
				}
			}
		})
	}
}

func TestMatchAllAndNone(t *testing.T) {
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) {
			for top := 0; top < 256; top++ {
				all := lsb * uint64(top)
				if got := im.match(all, uint8(top)); got != 0xff {
					t.Fatalf("Match(%#016x, %#x) = %#x, want 0xff", all, top, got)
				}
				none := lsb * uint64(uint8(top+1))
				if got := im.match(none, uint8(top)); got != 0 {
					t.Fatalf("Match(%#016x, %#x) = %#x, want 0", none, top, got)
				}
				none = lsb * uint64(uint8(top^0x80))
				if got := im.match(none, uint8(top)); got != 0 {
					t.Fatalf("Match(%#016x, %#x) = %#x, want 0", none, top, got)
				}
			}
		})
	}
}

func TestMatchRandom(t *testing.T) {
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			for n := 0; n < 1_000_000; n++ {
				w := r.Uint64()
				var top uint8
				if n%2 == 0 {
					// Pick a byte of w so that about half the pairs match.
					top = uint8(w >> (8 * r.IntN(8)))
				} else {
					top = uint8(r.Uint32())
				}
				if got, want := im.match(w, top), refMatch(w, top); got != want {
					t.Fatalf("Match(%#016x, %#x) = %#x, want %#x", w, top, got, want)
				}
			}
		})
	}
}

func TestEmptyInteresting(t *testing.T) {
	ws := interestingWords()
	// Every word over {0, 1, 2, 3, 4, 5, 255} in slots 0..6, slot 7 cycling.
	mix := []uint8{0, 1, 2, 3, 4, 5, 255}
	for n := 0; n < 823543; n++ { // 7^7
		var b [8]uint8
		k := n
		for i := 0; i < 7; i++ {
			b[i] = mix[k%7]
			k /= 7
		}
		b[7] = mix[n%7]
		ws = append(ws, wordOf(b))
	}
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) {
			for _, w := range ws {
				if got, want := im.empty(w), refEmpty(w); got != want {
					t.Fatalf("Empty(%#016x) = %#x, want %#x", w, got, want)
				}
			}
			for v := 0; v < 256; v++ {
				var want uint32
				if v <= 1 {
					want = 0xff
				}
				w := lsb * uint64(v)
				if got := im.empty(w); got != want {
					t.Fatalf("Empty(%#016x) = %#x, want %#x", w, got, want)
				}
				for i := 0; i < 8; i++ {
					var b [8]uint8
					for j := range b {
						b[j] = 5
					}
					b[i] = uint8(v)
					w := Word(&b)
					if got, want := im.empty(w), refEmpty(w); got != want {
						t.Fatalf("Empty(%#016x) = %#x, want %#x", w, got, want)
					}
				}
			}
		})
	}
}

func TestEmptyRandom(t *testing.T) {
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, 4))
			for n := 0; n < 1_000_000; n++ {
				w := r.Uint64()
				if n%2 == 0 {
					// Clear the upper seven bits of some bytes so that about
					// half of them are 0 or 1.
					w &^= r.Uint64() & 0xfefefefefefefefe
					w &= r.Uint64() | 0x0101010101010101
				}
				if got, want := im.empty(w), refEmpty(w); got != want {
					t.Fatalf("Empty(%#016x) = %#x, want %#x", w, got, want)
				}
			}
		})
	}
}
