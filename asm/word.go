package asm

import "unsafe"

// Word returns the eight tophash bytes as one word, byte i (slot i) in bits
// 8i..8i+7, on every architecture.
//
// It is one load (plus a byte swap on big-endian machines). The obvious
// binary.LittleEndian.Uint64(tophash[:]) compiles to the same load, but
// its slice and bounds check count against the inliner's budget, enough
// to keep the probe of a bucket from being inlined into the lookup loop.
func Word[T ~[SlotCount]uint8](tophash *T) uint64 {
	return fromLittleEndian(*(*uint64)(unsafe.Pointer(tophash)))
}
