package asm

const (
	lsb   = 0x0101010101010101 // the low bit of every byte
	msb   = 0x8080808080808080 // the high bit of every byte
	low7  = 0x7f7f7f7f7f7f7f7f // the low seven bits of every byte
	gathr = 0x0102040810204080 // gathers bit 8i to bit 56+i, see movemask
)

// zeroBytes returns a word with the high bit of byte i set exactly when byte
// i of x is zero, and every other bit clear. Unlike the classic
// (x-lsb)&^x&msb, it never borrows across bytes: (x&low7)+low7 is at most
// 0xfe per byte, so no carry leaves a byte, and its high bit is set exactly
// when the low seven bits are not all zero; or-ing x adds the byte's own
// high bit.
func zeroBytes[W ~uint64](x W) W {
	// ^(t|low7) is ^t&msb: or-ing the low seven bits of every byte before
	// the complement clears them as and-ing msb after it would, with one
	// constant where the other form needs two.
	t := ((x & low7) + low7) | x | low7
	return ^t
}

// movemask compresses a word whose only set bits are byte high bits (bit
// 8i+7) into an 8-bit mask with bit i set for byte i. After the shift, bit 8i
// is multiplied by the bits 7j of gathr (j = 1..8); all 64 products land on
// distinct bit positions, so nothing carries, and bit 8i lands on 56+i.
func movemask(m uint64) uint32 {
	return uint32(((m >> 7) * gathr) >> 56)
}

// MatchSWAR returns the mask of the bytes of w that equal top: bit i is set
// when byte i of w == top. It is the portable reference implementation.
func MatchSWAR(w uint64, top uint8) uint32 {
	return MatchBits(w, top).Mask()
}

// EmptySWAR returns the mask of the bytes of w that are <= 1 (EmptyRest or
// EmptyOne): bit i is set when byte i of w is 0 or 1. It is the portable
// reference implementation.
func EmptySWAR(w uint64) uint32 {
	return EmptyBits(w).Mask()
}
