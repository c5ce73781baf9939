//go:build !amd64 && !arm64

package asm

// Match returns the mask of the bytes of w equal to top (bit i for slot i).
// On this architecture it is MatchSWAR.
func Match(w uint64, top uint8) uint32 { return MatchSWAR(w, top) }

// Empty returns the mask of the bytes of w that are 0 or 1 (bit i for slot
// i). On this architecture it is EmptySWAR.
func Empty(w uint64) uint32 { return EmptySWAR(w) }
