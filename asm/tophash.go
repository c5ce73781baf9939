package asm

import "unsafe"

// SlotCount is the number of slots in a bucket: the bytes of one tophash
// word. Eight keeps the expected chain short at the default load factor of
// 6.5 entries per bucket, and lets a probe test every slot at once.
const SlotCount = 8

// MinTopHash is the smallest tophash of a full slot. Smaller values
// describe the slot instead (package bucket names them); of those, 0 and 1
// are the empty states, which EmptyBits finds.
const MinTopHash = 5

// Tophash returns the tophash byte of a hash: its top 8 bits, moved above
// the reserved values.
func Tophash[H ~uintptr](hash H) uint8 {
	top := uint8(hash >> (8*unsafe.Sizeof(hash) - 8))
	if top < MinTopHash {
		top += MinTopHash
	}
	return top
}
