package asm

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

var sink uint32

// benchWords are random tophash words of full slots (bytes >= 5) with some
// empty ones, like a half-full table.
var benchWords = func() []uint64 {
	r := rand.New(rand.NewPCG(5, 6))
	ws := make([]uint64, 1024)
	for i := range ws {
		var b [8]uint8
		for j := range b {
			if r.IntN(4) == 0 {
				b[j] = uint8(r.IntN(2))
			} else {
				b[j] = uint8(5 + r.IntN(251))
			}
		}
		ws[i] = Word(&b)
	}
	return ws
}()

func BenchmarkMatch(b *testing.B) {
	for _, im := range append([]impl{{"swar", nil, nil}}, nativeImpls...) {
		b.Run("impl="+im.name, func(b *testing.B) {
			ws := benchWords
			var acc uint32
			switch im.name {
			case "swar":
				// Call MatchSWAR directly so that it is inlined, as it
				// would be in a caller.
				for i := 0; i < b.N; i++ {
					w := ws[i&(len(ws)-1)]
					acc += MatchSWAR(w, uint8(w)|uint8(i))
				}
			default:
				// The native implementation, through Match, which is
				// inlined to a direct call of the assembly function.
				for i := 0; i < b.N; i++ {
					w := ws[i&(len(ws)-1)]
					acc += Match(w, uint8(w)|uint8(i))
				}
			}
			sink = acc
		})
	}
}

func BenchmarkEmpty(b *testing.B) {
	for _, im := range append([]impl{{"swar", nil, nil}}, nativeImpls...) {
		b.Run("impl="+im.name, func(b *testing.B) {
			ws := benchWords
			var acc uint32
			switch im.name {
			case "swar":
				for i := 0; i < b.N; i++ {
					acc += EmptySWAR(ws[i&(len(ws)-1)])
				}
			default:
				for i := 0; i < b.N; i++ {
					acc += Empty(ws[i&(len(ws)-1)])
				}
			}
			sink = acc
		})
	}
}

// BenchmarkMatchWalk measures what a lookup does with a probe: match a
// word, then visit every matching slot. The word-form Bitset is walked
// directly; the masks are walked with TrailingZeros32.
func BenchmarkMatchWalk(b *testing.B) {
	names := []string{"bitset", "swar"}
	for _, im := range nativeImpls {
		names = append(names, im.name)
	}
	for _, name := range names {
		b.Run("impl="+name, func(b *testing.B) {
			ws := benchWords
			var acc uint
			switch name {
			case "bitset":
				for i := 0; i < b.N; i++ {
					w := ws[i&(len(ws)-1)]
					for s := MatchBits(w, uint8(w)|uint8(i)); s != 0; s = RemoveFirst(s) {
						acc += First(s)
					}
				}
			case "swar":
				for i := 0; i < b.N; i++ {
					w := ws[i&(len(ws)-1)]
					for m := MatchSWAR(w, uint8(w)|uint8(i)); m != 0; m &= m - 1 {
						acc += uint(bits.TrailingZeros32(m))
					}
				}
			default:
				for i := 0; i < b.N; i++ {
					w := ws[i&(len(ws)-1)]
					for m := Match(w, uint8(w)|uint8(i)); m != 0; m &= m - 1 {
						acc += uint(bits.TrailingZeros32(m))
					}
				}
			}
			sink = uint32(acc)
		})
	}
}
