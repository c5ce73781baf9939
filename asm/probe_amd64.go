package asm

// MatchSSE2 is MatchSWAR written with SSE2 (PCMPEQB, PMOVMSKB).
//
//go:noescape
func MatchSSE2(w uint64, top uint8) uint32

// EmptySSE2 is EmptySWAR written with SSE2 (PSUBUSB, PCMPEQB, PMOVMSKB).
//
//go:noescape
func EmptySSE2(w uint64) uint32

// Match returns the mask of the bytes of w equal to top (bit i for slot i).
// On amd64 it is MatchSSE2.
func Match(w uint64, top uint8) uint32 { return MatchSSE2(w, top) }

// Empty returns the mask of the bytes of w that are 0 or 1 (bit i for slot
// i). On amd64 it is EmptySSE2.
func Empty(w uint64) uint32 { return EmptySSE2(w) }
