package asm

import "math/bits"

// Bitset is a set of slots in the form the SWAR probes compute before they
// compress it: slot i is in the set when bit 8i+7 is set, and no other bit
// is. Walking it directly (First, RemoveFirst) spares a hot loop the
// multiply and shift of the compression into an 8-bit mask; the tables'
// probe loops do that.
type Bitset uint64

// MatchBits returns the slots of w whose byte equals top. Like every
// function the tables call on their hot paths, it is generic only so that
// it inlines in any package (see "Inlining" in the package doc): W is
// always uint64.
func MatchBits[W ~uint64](w W, top uint8) Bitset {
	return Bitset(zeroBytes(uint64(w) ^ (lsb * uint64(top))))
}

// MatchCandidates returns a set of slots of w that holds every slot whose
// byte equals top, the set MatchBits returns, and may hold more: slots
// whose byte is top^1, each right above a match or above another such
// slot. Its lowest slot is always a match, and it is empty exactly when
// MatchBits is, so a probe that compares each candidate's key finds what
// it would with MatchBits; it compares one key more only where a match
// that is not the key's sits right below a byte top^1.
//
// A probe may take its candidates only if it may read the key of any slot
// whose byte is top^1. For the tables that holds because top is at least
// MinTopHash, 5: top^1 is then at least 4, never an empty slot's 0 or 1
// nor an evacuated one's 2 or 3, and 4 (an evacuated empty slot) never
// shares a bucket with a full slot, as a bucket is evacuated whole.
//
// It is the classic (x-lsb)&^x&msb, on x the word xor top in every byte,
// which zeroBytes avoids because the subtraction's borrow runs from a zero
// byte into the bytes above it: a byte 1 above it then tests as zero too.
// A byte that is not zero borrows only if one below it did, so where no
// byte is zero, nothing borrows and the set is exact. The form costs one
// instruction fewer than MatchBits's, and two fewer operations one after
// the other between the load of the word and the first slot, on the path
// of every lookup.
func MatchCandidates[W ~uint64](w W, top uint8) Bitset {
	x := uint64(w) ^ (lsb * uint64(top))
	return Bitset((x - lsb) &^ x & msb)
}

// EmptyBits returns the slots of w whose byte is 0 or 1 (EmptyRest or
// EmptyOne).
func EmptyBits[W ~uint64](w W) Bitset {
	return Bitset(zeroBytes(uint64(w) &^ lsb))
}

// FullBits returns the slots of w whose byte is 2 or more: those an
// iteration must look at (an entry, or a mark left by evacuation), the
// complement of EmptyBits.
func FullBits[W ~uint64](w W) Bitset {
	return Bitset(^zeroBytes(uint64(w)&^lsb) & msb)
}

// Rotate returns s with slot i moved to slot (i-n)&7: walking the result
// from its lowest slot visits the slots of s in the order n, n+1, ..., 7,
// 0, ..., n-1.
func Rotate[S ~uint64](s S, n uint8) S {
	return S(bits.RotateLeft64(uint64(s), -8*int(n&7)))
}

// First returns the lowest slot in s, which must not be empty. The result
// is masked to 0..7 so that indexing an [8]T with it needs no bounds check.
func First[S ~uint64](s S) uint {
	return uint(bits.TrailingZeros64(uint64(s))>>3) & 7
}

// RemoveFirst returns s without its lowest slot.
func RemoveFirst[S ~uint64](s S) S {
	return s & (s - 1)
}

// Mask compresses s into the 8-bit mask the other probes return.
func (s Bitset) Mask() uint32 {
	return movemask(uint64(s))
}
