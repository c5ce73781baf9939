// Package table implements Map, the classic Go hash map — the one the
// runtime shipped up to Go 1.23 — as an ordinary generic type whose
// machinery can be read: every header counter through Stats, every bucket
// through Inspect.
//
// # Layout
//
// A Map is a header and an array of 2^B buckets. A bucket (package bucket)
// has eight slots: eight tophash bytes, eight keys, eight elems, and a link
// to an overflow bucket, forming a chain. A key's hash picks its chain by
// its low B bits and is summarised in the slot by its top 8 bits, the
// tophash, so a probe compares a key only when its slot's byte matches.
//
//	header: count B noverflow seed flags nevacuate
//	        buckets ──► [ b0 | b1 | ... | b(2^B-1) | spare | spare ]
//	                       │
//	                       └─► overflow ─► overflow
//	        oldbuckets ──► the previous array, while growing
//
// Arrays of 16 buckets or more carry spare buckets at the end (see package
// grow); chains take them in order before allocating. The array of a new map
// with a small hint is allocated on its first insert, as one bucket.
//
// # Probing
//
// The eight tophash bytes of a bucket are one machine word, and lookups,
// inserts and deletes test all eight at once: a few integer instructions
// (package asm, MatchBits) give the set of matching slots, walked lowest
// first; an insert finds the first free slot the same way. The runtime
// compares one byte per slot, and for 8-byte keys it skips the tophash
// bytes and compares every key. The word at a time wins most on misses,
// where every slot of the chain is ruled out at once; bench/RESULTS.md has
// the figures. The SSE2 and NEON versions of the probe in package asm are
// not used: a call into assembly cannot be inlined, and for eight bytes
// the inlined integer code is as fast as the call alone.
//
// The lookup (Get) and the write (assign, behind Put and Ptr) are each one
// function, with the bucket arithmetic written out: the helpers they
// would call are just over the compiler's inlining budget, and on a hit a
// call costs about as much as probing the bucket. Lookups hash with one
// indirect call, as the runtime does.
//
// # Growth
//
// When an insert would take the table over 6.5 entries per bucket it
// doubles; when the table has as many overflow buckets as regular ones (the
// mark of many deletes) it is rebuilt at the same size. Either way a new
// array is allocated and the old one kept, and entries move incrementally:
// every later insert or delete first evacuates the old bucket it is about to
// use, then the next one in order (nevacuate), so no single write pays for
// the whole table. A doubling splits each old chain in two, X (same index)
// and Y (index plus old size), by the hash bit the new mask adds, keeping
// the order of entries within each half. Every evacuated slot is marked
// with where its entry went; reads of a bucket not yet evacuated look in the
// old array.
//
// # Deletion and seeds
//
// A deleted slot becomes EmptyOne, and if nothing full follows it in its
// chain, it and the EmptyOne run before it become EmptyRest, where searches
// stop. A map that becomes empty by deletion, or is cleared, draws a new
// 32-bit hash seed, so that collisions found by trial do not last.
//
// # Iteration
//
// An iteration starts at a random bucket and a random slot offset and walks
// the array it started on, chain by chain. If a growth began before it, the
// iterator reads each bucket from the old array until it has been
// evacuated, keeping only the entries bound for the bucket it is at; if a
// growth began after, it walks the old array and looks up entries that have
// moved, so it sees their latest elems and skips deleted ones. Evacuation
// sends keys that are not equal to themselves (NaN), whose hash cannot be
// recomputed, by the low bit of their tophash when an iterator may be
// watching, so both agree.
//
// # Invariants
//
// checkInvariants (in invariants.go) states what holds between operations;
// tests run it after their sequences, and building with -tags hmapdebug runs
// it after every write.
//
// # Faults
//
// A write either happens entirely or not at all. The hasher is the only
// user code a write calls while it holds the table open, and every key a
// write must rehash (an evacuation, Shrink's rebuild) is hashed before the
// table changes, so a hasher that panics leaves the map as it was. Tracer
// functions run after the write, on a consistent table. So after any
// recovered panic the map is usable and holds what it held.
//
// # Using a Map as a builtin map
//
// A *Map stands where a map[K]V stood (see the README's translation
// table): a nil *Map reads as empty and panics on Put with the runtime's
// message; fmt prints it, and encoding/json encodes and decodes it, exactly
// as a builtin map with the same entries; Stats is a slog.LogValuer. A Map
// value must not be copied once written to: the copy would share the
// original's buckets. The map records its own address when it is
// initialised, and a write through a copy panics, as a strings.Builder's
// does; reads through a stale copy stay memory-safe, because every array's
// overflow list is made with the array and kept by whoever holds it.
//
// # Differences from the builtin map
//
// Defaults reproduce Go 1.23; a seed-for-seed comparison with a live runtime
// map is part of the tests. The differences: keys and elems larger than 128
// bytes are stored in the bucket rather than behind a pointer; a negative
// size hint panics; the panics for concurrent misuse are ordinary panics, not
// fatal errors; and hashers, seeds and the growth policy can be chosen.
package table
