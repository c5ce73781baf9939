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
//	header: count flags B noverflow seed thresholds hashfn
//	        buckets ──► [ b0 | b1 | ... | b(2^B-1) | spare | spare ]
//	                       │
//	                       └─► overflow ─► overflow
//	        overflow ──► the array's account: next spare, allocated buckets
//	        growth ──► the old array, its account, nevacuate (while growing)
//	        extra ──► policy, seed sequence, events, tracer (when needed)
//
// Arrays of 16 buckets or more carry spare buckets at the end (see package
// grow); chains take them in order before allocating. The array of a new map
// with a small hint is allocated on its first insert, as one bucket.
//
// The header is 80 bytes, what every map pays: the runtime's is 48, and a
// map of eight int64 entries costs 28 bytes an entry against the builtin's
// 24. It holds what lookups and inserts read. The state of a growth in
// progress is one pointer, and the rest, which a map filled and read with
// default options never needs (the policy, the seed sequence, the event
// counts, the tracer), another, allocated on first use as the runtime's
// mapextra is. The count shares its word with the write mark (its sign
// bit), so that a lookup's first test sends a nil, empty or written map to
// its slow path at once. A write loads the word once, keeps the count in a
// register and stores the word twice, the mark and then the new count,
// rather than modifying it in place three times: each of those would wait
// for the store before it, and a loop of writes would run one chain of
// them (int64 keys, 1K entries, Go 1.23: set-update 7.6 -> 6.5 ns,
// delete-reinsert 20.7 -> 19.1 ns, for two instructions more). The growth
// thresholds for the current B are kept, so that an insert compares two
// numbers.
//
// # Probing
//
// The eight tophash bytes of a bucket are one machine word, and lookups,
// inserts and deletes test all eight at once: a few integer instructions
// (package asm, MatchCandidates) give the set of matching slots, walked
// lowest first, with now and then a slot whose byte is one bit off, which
// the key comparison rules out; an insert finds the first free slot the
// same way (EmptyBits). A search for
// a key that is not there stops at a bucket whose last slot is EmptyRest
// (nothing follows it in the chain), as the runtime's does, without
// loading the overflow word, which lies on another cache line. The runtime
// compares one byte per slot, and for 8-byte keys it skips the tophash
// bytes and compares every key. The word at a time wins most on misses,
// where every slot of the chain is ruled out at once; bench/RESULTS.md has
// the figures.
//
// The word has a price where a table outgrows the last-level cache. The
// slot it gives is computed from the tophash word, so the loads of the
// key and the elem there wait for that word's cache line; the runtime's
// loop reaches a slot through branches, which the processor predicts, so
// on the predicted path they start with the tophash line's load, and a
// wrong path still brings the bucket's lines in. A chain of byte compares
// in place of the word (Go 1.23, an AMD Zen 5 with a 32 MB L3, keys
// updated in the order of their bytes, interleaved runs) took an update
// of a string key in a 1M map (a 54 MB array) from 82.9 ns to 62.0,
// against the builtin's 63.5, and of a struct16 key from 84.4 to 74.0;
// a struct16 get-hit from 68.9 to 62.6. But its mispredictions, which the
// misses hid there, doubled the same operations in the cache: an update
// of a string key took 21.2 ns where the word takes 11.6 at 64K entries,
// 22.0 where it takes 11.8 at 128K, and 20.4 where it takes 8.0 at 1K; it
// won only from 512K entries. Where it starts to win depends on the
// size of the last-level cache, which a portable package cannot see, so
// the tables keep the word at every size.
//
// The SSE2 and NEON versions of the probe in package asm are
// not used: a call into assembly cannot be inlined, and for eight bytes
// the inlined integer code is as fast as the call alone.
//
// The lookup (lookup, behind Get, At and Has, which inline where they are
// called) and the write (assign, behind Put and Ptr) are each one function
// on their common paths, with the bucket arithmetic written out; an insert
// that needs the array, a growth or an overflow bucket ends in insertSlow.
// lookup returns a pointer to the elem, as the runtime's mapaccess does, so
// a caller that discards the elem never loads it. Lookups hash with one indirect call, as the runtime does,
// except in a table of one bucket whose keys are small regular memory
// (integers, pointers, arrays and structs of them), where comparing the
// keys costs less than hashing one: there the keys are compared directly,
// as the fast paths of both Go runtimes (the classic and the Swiss table)
// do for 4- and 8-byte keys. That is a bet on the branch predictor.
// Scanning takes one branch per slot until the key's, and wins when the
// predictor has learned where the keys looked up are; hashing costs the
// same whatever the order. BenchmarkOneBucket, Go 1.23 on an AMD Zen 5,
// fastest of 12 runs: a hit takes 3.0 ns scanned and 5.4 ns hashed when the
// 8 keys are looked up in turn, but 10.8 and 5.4 ns in random order
// (struct16 keys: 3.4 and 7.4, 11.4 and 7.3); a miss costs about the same
// either way with int64 keys (4.9 and 4.6 ns), less scanned with struct16
// keys (4.8 and 6.7). (The benchmark is compiled in this package; package
// bench's size-8 get-hit cells, compiled as a user's program is, time the
// scanned hit in random order alike: 10.5 ns for int64 keys, 11.1 for
// struct16.) hmap keeps the runtimes' choice, so that a small map costs
// what the builtin one does in either pattern, and programs tend to look
// small maps up in patterns (a few fields, the same key again).
//
// Generic code is compiled in its caller's package, and there the compiler
// inlines the generic functions of packages the caller does not import,
// but not their plain ones (golang/go#56280): every helper of the hot
// paths is therefore generic (asm.MatchCandidates, asm.Tophash,
// bucket.IsEmpty, rt.NoEscape ...), or a method of a generic type.
// bench/hotcalls.sh, run by CI, checks that a program importing only this
// package makes no other call from its lookups, writes, deletes and
// iteration steps.
//
// A struct key of two words, passed by value, is stored to the stack field
// by field, and the runtime's hash function reads it with one 16-byte load,
// which the processor cannot forward from the two 8-byte stores: it waits
// for every older instruction to retire, and a run of lookups takes its
// cache misses one at a time (2.2 times the builtin map's time per lookup
// at 1M entries; the builtin map is handed the key's address). On amd64
// the default hasher therefore hashes such keys from a copy written with
// one 16-byte store, which gives the same hashes (internal/rt).
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
// the array it started on, chain by chain; in each bucket it visits only
// the slots one tophash word shows full, rereading each slot's tophash as
// it gets there, since the loop body may have deleted it. If a growth
// began before it, the iterator reads each bucket from the old array until
// it has been evacuated, keeping only the entries bound for the bucket it
// is at; if a growth began after, it walks the old array and looks up
// entries that have moved, so it sees their latest elems and skips deleted
// ones. Evacuation sends keys that are not equal to themselves (NaN),
// whose hash cannot be recomputed, by the low bit of their tophash when an
// iterator may be watching, so both agree.
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
// user code a write calls while it holds the table open. With a hasher
// from WithHasher, every key a write must rehash (an evacuation, Shrink's
// rebuild) is hashed before the table changes, so a hasher that panics
// leaves the map as it was; the runtime's hasher cannot panic on a key it
// has hashed before, and evacuation hashes each key as it moves it. Tracer
// functions run after the write, on a consistent table. So after any
// recovered panic the map is usable and holds what it held.
//
// # Watching in production
//
// A map named with WithName, or picked by package watch's sampling when it
// is made, joins watch's registry, which exports it to Prometheus, expvar
// and pprof. Such a map has flagWatched, which shares the test every write
// already makes for pending tracer events: a write that changed the
// map's figures then publishes them to the registry's entry, under that
// entry's lock, so that readers of the registry never read the map. A map
// that is not watched pays for none of it. A misuse panic can carry a dump
// of the map's state (watch.SetMisuseDump); building it costs nothing
// until the panic.
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
