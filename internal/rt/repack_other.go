//go:build !amd64

package rt

import "unsafe"

// Repack reports whether RuntimeHash hashes a 16-byte key from a copy
// written by Repack16 (see hashRepacked): on amd64 only.
const Repack = false

// Repack16 copies the 16 bytes at src to dst. On amd64 it reads them as
// two 8-byte words and writes them with one 16-byte store.
func Repack16(dst, src *[2]uint64) { *dst = *src }

// memhash is memhash128 with the size: hashRepacked, which calls it, is
// used on amd64 only.
func memhash(p unsafe.Pointer, h, _ uintptr) uintptr { return memhash128(p, h) }
