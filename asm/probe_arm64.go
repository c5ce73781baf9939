package asm

// MatchNEON is MatchSWAR written with NEON (VCMEQ, VAND, VADDV).
//
//go:noescape
func MatchNEON(w uint64, top uint8) uint32

// EmptyNEON is EmptySWAR written with NEON (VUSHR, VCMEQ, VAND, VADDV).
//
//go:noescape
func EmptyNEON(w uint64) uint32

// Match returns the mask of the bytes of w equal to top (bit i for slot i).
// On arm64 it is MatchNEON.
func Match(w uint64, top uint8) uint32 { return MatchNEON(w, top) }

// Empty returns the mask of the bytes of w that are 0 or 1 (bit i for slot
// i). On arm64 it is EmptyNEON.
func Empty(w uint64) uint32 { return EmptyNEON(w) }
