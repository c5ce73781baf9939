package rt

import "unsafe"

// Repack reports whether RuntimeHash hashes a 16-byte key from a copy
// written by Repack16 (see hashRepacked).
const Repack = true

// Repack16 copies the 16 bytes at src to dst, reading them as two 8-byte
// words and writing them with one 16-byte store.
//
//go:noescape
func Repack16(dst, src *[2]uint64)

// memhash is the runtime's hash of s bytes of memory, which its hash of a
// 16-byte key (memhash128) calls with s = 16. The runtime keeps it for
// other packages to link to ("Do not remove or change the type
// signature"), and calling it saves memhash128's call to it.
//
//go:linkname memhash runtime.memhash
//go:noescape
func memhash(p unsafe.Pointer, h, s uintptr) uintptr
