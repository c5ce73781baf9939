// Package bucket defines the unit of storage of a classic Go map: a bucket of
// eight slots, and everything that can be said about one bucket or the chain
// of overflow buckets behind it.
//
// # Layout
//
// A bucket holds, in this order: eight tophash bytes, eight keys, eight
// elems, and the link to the next bucket of its chain. Keys are packed
// together and elems together (rather than key/elem pairs) so that a type
// such as map[int64]int8 needs no padding between slots; the tophash bytes
// come first so that a probe reads one 8-byte word before touching any key.
// This is the Go 1.23 runtime's bmap, field for field; [LayoutOf] reports
// the offsets and padding for any key and elem type.
//
// The overflow link is a uintptr, not a pointer. With pointer-free keys and
// elems the whole bucket is then pointer-free and the garbage collector
// never scans bucket memory; the table keeps the overflow buckets it
// allocates reachable through a side list instead (the runtime does the
// same, for the same reason). A bucket reached through a link is therefore
// only valid while its table, or an iterator holding the side list, lives.
//
// # Tophash
//
// Each slot's tophash byte caches the top 8 bits of its key's hash, so most
// mismatching keys are rejected without a key comparison. Values below
// [asm.MinTopHash] are reserved to describe the slot instead:
//
//	0 EmptyRest       empty, and so is every later slot of the chain
//	1 EmptyOne        empty
//	2 EvacuatedX      moved to the same index of the new array
//	3 EvacuatedY      moved to index + old size of the new array
//	4 EvacuatedEmpty  empty, in a bucket that has been evacuated
//
// A hash whose top byte falls below 5 has 5 added to it. EmptyRest lets a
// search stop early, and a freshly zeroed bucket is all EmptyRest, which is
// why it is 0. EvacuatedX and EvacuatedY differ in their low bit only; an
// iterator uses that bit to place keys whose hash is not reproducible (NaN).
package bucket
