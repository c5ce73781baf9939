package rt

import "math/bits"

// A table's hash is pointer wide (HashFunc's result); a hash.Hasher's is 64
// bits. TableHash and WidenHash convert between the two, so that the
// tophash (the top byte) and the bucket index (the low bits) mean the same
// in both.

// TableHash returns a Hasher's 64 bits as a table's hash. On a 64-bit
// platform they are the same bits. On a 32-bit one it keeps the top byte,
// which a table reads as the tophash, and the low 24 bits, from which it
// takes the bucket index: a hasher's top byte and low bits then mean the
// same on every platform (for tables of up to 2^24 buckets), so a run with
// a fixed hasher and seed lays its keys out alike on both, and a weak
// hasher built to keep only those bits (hash.Masked, hash.Constant) stays
// as weak. Cutting the hash to its low 32 bits would lose the top byte,
// and with it the tophash of such hashers.
//
// It is generic, as NoEscape is, so that it inlines in the package where
// the generic code calling it is compiled, the user's: a plain function
// would stay a call there. Its type argument is always uint64.
func TableHash[H ~uint64](x H) uintptr {
	if bits.UintSize == 32 {
		return uintptr(x>>56)<<24 | uintptr(x)&(1<<24-1)
	}
	return uintptr(x)
}

// WidenHash returns a table's hash as a Hasher's 64 bits, which TableHash
// maps back to it: the same bits on a 64-bit platform; on a 32-bit one the
// hash in the low 32 bits, with its top byte also in the top 8.
func WidenHash(h uintptr) uint64 {
	if bits.UintSize == 32 {
		return uint64(h) | uint64(h>>24)<<56
	}
	return uint64(h)
}
