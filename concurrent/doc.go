// Package concurrent provides Map, a hash map safe for concurrent use by
// any number of goroutines, built on the classic map's ideas: 8-slot
// buckets with tophash bytes matched a word at a time, overflow chains,
// and incremental evacuation, so that growth never stops the world. It
// adds what sync.Map and its peers lack: a typed API, Len in O(1), atomic
// read-modify-write (Compute), counters (Stats), and consistent
// point-in-time snapshots (Snapshot).
//
// # API
//
// Map has sync.Map's vocabulary, typed: Load, Store, LoadOrStore,
// LoadAndDelete, Delete, Swap, Range, Clear, plus All (an iter.Seq2),
// Compute, Len, Snapshot, Stats and Shrink. CompareAndSwap and CompareAndDelete
// need a comparable value type, which a method of Map[K, V any] cannot
// require, so they are generic functions with V comparable:
// concurrent.CompareAndSwap(m, k, old, new). The zero Map is ready to use;
// New takes a size hint and options (WithHasher, WithSeed, WithLoadFactor,
// WithEvacuationPace, as in package table, and WithProbeCounting; WithName
// registers the map with package watch).
//
// Every operation on a key is linearizable: it takes effect at one instant
// between its call and its return. Clear and Snapshot are too, for the
// whole map. Len is exact when no write and no Snapshot is in flight; during
// writes it is a sum of striped counters, off by at most the writes in
// flight (a Snapshot moves counts between two counters of a stripe, and a
// Len that reads between the two moves is off by those too). Range and
// All promise only what sync.Map's Range does: no key is visited twice, and
// keys written during the loop may or may not be seen (today they iterate a
// snapshot, but that is not promised). Snapshot is the consistent view.
//
// # Layout
//
// A table is an array of 2^B buckets, allocated in up to 16 segments
// (see Growth). A bucket is a mutex, an atomic
// pointer to its chain, and a body of its own, first, where its chain
// most often starts. A body is eight slots, with the eight tophash bytes
// in one atomic word, then an overflow link to the next body. A slot is an
// atomic pointer to an immutable entry {key, value}: a Go value of generic
// type cannot be read atomically (a string is two words), so a write
// publishes a new entry instead of writing into one.
//
// The chain pointer is what makes a chain a version: one atomic store
// replaces it, by a copy with a write applied while a snapshot reads the
// version it replaces, or by an evacuation marker, and the version it
// replaced stays whole for the snapshots that read it. A chain starts in
// the bucket's first body when the chain is nil: a growth or a Shrink
// builds the new table's chains there, and an insert into an empty bucket
// starts one there. A copy made for a snapshot is allocated apart, and
// first stays the snapshot's version until no snapshot reads it; then it
// is cleared, so as to keep nothing alive, and the bucket's chain starts in
// it again only once deletes have emptied the chain (or a growth or a
// Shrink has moved it). A first body is never a copy, and never a marker.
//
// # Reads
//
// Load takes no lock and writes nothing shared. It hashes the key, loads
// the table, and if a growth is under way, the old bucket; if that one has
// not moved (it is not an evacuation marker), it searches it, otherwise the
// new one. Searching loads a body's tophash word, matches the key's byte
// against all eight at once (asm.MatchCandidates), loads the matching
// slots and compares keys, and follows the overflow link.
//
// If the bucket's chain is its first body, as it most often is, Load
// searches that body at the address the bucket's own gives, not at the one
// the chain pointer holds: the processor then loads the pointer and the
// body's words at once, not one after the other, and on a large map the
// bucket's lines are its only misses before the entry's. A Load that
// searched a first body and missed looks again if that body is not the
// chain any more (a copy, a growth or a Shrink replaced it, and may have
// cleared it under the search); a first body that is the chain again was
// nil in between, when the key was absent, so that miss stands.
//
// The new table's bucket is a marker too if a growth replaced the whole
// table since Load loaded it; a marker holds no entry, so Load searches the
// bucket's chain without testing for one first, and only a miss tests, and
// looks again from the map's current table: a hit pays for no test. Its
// only call is to the hash function, and none for an 8-byte integer key
// under the default hasher (see WithHasher), whose hash is written into
// Load; every other path (a nil map, probe counting, a table or a first
// body replaced under the Load) is a call whose result Load returns, so
// that nothing Load holds is saved around a call on the way. How a hit
// reads the value (a word, a pointer word, or through probe counting) is
// one byte of the map, tested once. A loop of Loads on a 1K map of int64
// keys and values (bench/internal/concops; callgrind, alignment padding
// excluded) takes 106 instructions per iteration; xsync v4's Map takes 83
// in the same loop. (The array in segments cost 2, see Growth; searching
// first from the bucket's address cost 3, and the arrangement of the
// marker and value tests saved 4.)
//
// The operations that may write but find nothing to change are reads too:
// a LoadOrStore of a key that is present, and a CompareAndSwap or
// CompareAndDelete whose old value is not the key's, are a Load, without
// the bucket's lock, so that callers who all find a warm key do not queue
// on it; so is a Delete or LoadAndDelete of a key that is absent, while no
// growth is under way, no snapshot is alive and the map has no tracer (see
// Writes). (Only when the Load says the write may happen does the
// operation lock the bucket, and decide again: a CompareAndSwap that
// succeeds pays for that Load, 34 -> 39 ns in a loop on one goroutine,
// where one that fails went from 26 to 8 ns.)
//
// # Writes
//
// A write locks its bucket in the current table (after helping the growth,
// below; a Delete that found its key without the lock, below, helps none,
// and may find the table replaced since, as any write may), searches the
// chain, and changes it in place: an insert stores the
// slot, then the tophash word; a delete clears the slot, then the byte; an
// update stores a new entry in the same slot. A chain emptied by deletes is
// dropped (the bucket's pointer becomes nil) when no snapshot is alive, so
// deleting every key gives back the bodies allocated apart, and what the
// entries held (the first bodies are the bucket array's: see Shrinking).
// If the locked
// bucket turns out to be an evacuation marker, the table was replaced
// while the writer was on its way, and it starts again from the new one.
//
// An update of a value of one aligned word (an int64, a float64, a
// pointer, a map) is written into the entry in place, atomically, when no
// snapshot is alive and the key type's equal values are identical (not
// floats, strings or interfaces, which an assignment replaces as the
// builtin map does): it allocates nothing, and Load reads the word
// atomically. While a snapshot is alive the entry may be shared with a
// version the snapshot reads, so the update publishes a new entry.
//
// Store, Swap, Delete, and a LoadOrStore whose Load missed, first try the
// plain way (writePlain): when no snapshot is alive and the map has no
// tracer, which is most of the time, the write is one function that helps
// a growth under way, locks, changes the chain and counts itself, with
// nothing of the other cases on its way. Anything else it finds, before
// changing anything, it leaves to the general way (mutate), which every
// other write takes: so does a LoadOrStore that finds its key present
// once it holds the lock. The plain way spends about a fifth fewer
// instructions: on a 1K map of int64 keys, 229 against 293 for a Store
// that updates in place, 732 against 963 for a Delete and a Store back;
// a Delete and a LoadOrStore back take 813, where they took 930 with the
// LoadOrStore the general way (callgrind, bench/internal/concops built
// with Go 1.26, alignment padding excluded).
//
// Before that, while no growth is under way, a Delete (or LoadAndDelete)
// searches its key's chain without the lock, as Load does (deletePlain):
// if the key is absent it is done, having written nothing; if not, it
// locks the bucket and deletes the key's entry in the slot where it found
// the key, unless that slot's body is no longer in the bucket's chain or
// the slot no longer holds the key (a write never moves an entry within a
// version), in which case it looks again. (The chain's pointer being the
// one searched is not enough: a bucket's first body may have been
// replaced, cleared and made the chain again since, its old overflow
// bodies cut off but still holding what they held.) On a 1K map of int64 keys a Delete of an
// absent key takes 123 instructions where it took 230 under the lock, and
// a Delete and a Store back 732 where they took 740 (callgrind,
// bench/internal/concops built with Go 1.26, alignment padding excluded).
//
// # Growth
//
// When a write finds the entries over the classic load factor (6.5 per
// bucket), it allocates a table twice the size whose old pointer is the
// current table and publishes it; nothing is copied then. From then on each
// write first evacuates, under the old bucket's lock, the old bucket of its
// own key and one more taken from an atomic cursor (WithEvacuationPace
// sets how many more), as the runtime's
// growWork does. Evacuating splits the old chain between the new buckets i
// and i+2^(B-1) by the next hash bit (NaN keys by their tophash's low bit),
// stores the two new chains (while a snapshot is alive, a half that gets no
// entry gets an empty chain rather than none: see Snapshots), and then
// replaces the old bucket's chain with an evacuation marker. The old
// bucket's first body is cleared, so that a key deleted after it moved
// leaves no value alive there, unless the entries hold no pointer: then
// it keeps only their own bytes, in an old array held anyway until the
// growth ends, and is left as it was. The write that evacuates the last
// old bucket drops the old table. No write ever
// waits for a whole growth: the worst one moves two chains, and allocates
// the new array's segment they go to.
//
// The new array is allocated in segments, each by the first evacuation
// into it, not whole by the write that starts the growth. The runtime
// zeroes an allocation that reuses freed memory before returning it, and
// a growth's mostly does: 2^18 buckets of 112 bytes (the growth past
// 851,968 int64 entries) took 0.90 to 1.03 ms in one write (three fills,
// GOGC off, on the machine of bench/RESULTS.md). A table of 2^10 buckets
// or more has 16 segments, and both new buckets of an old one are in the
// same segment, so an evacuation allocates at most a sixteenth of the
// array (a write makes one evacuation, and as many more as the evacuation
// pace says, but the first evacuations of a growth allocate most
// segments). Filling maps to 1M int64 entries on one goroutine (GOGC off,
// five fills, two rounds), the Store that starts the growth to 2^18
// buckets took 2.1 to 4.4 µs, where with one array it took 0.67 to 0.77
// ms (52 µs in a first fill, whose memory is fresh), and the longest
// Store while that growth ran took 107 to 224 µs (one fill 2.0 ms), where
// it took 0.67 to 2.3 ms. With a reader running beside the fill (bench/peers
// BenchmarkConcurrentGrowth), the longest Store is as much the machine's
// as the map's: bench/RESULTS.md's runs gave the median of six fills at
// 309 µs and, in a noisier run, at 1.13 ms, where sync.Map, which never
// pauses to grow, took 1.2 and 4.0 ms in two of its fills. The price is
// on the way to a bucket: the segment's address, at an index the hash
// gives, in place of the array's (see segment.go). A Load takes 106
// instructions on a 1K map, where it took 104 with one array, and 105 on
// a 1M map, as before, with the same misses (see Costs).
//
// # Shrinking
//
// A table never shrinks by itself: deletes drop emptied chains, but the
// bucket array, which holds each bucket's first body (112 bytes a bucket
// for int64 keys and values on 64-bit platforms: 28 MiB for a table that
// held 1M entries), keeps the size the most entries needed, as the
// builtin map's does. Shrink rebuilds it
// at the size the entries left need. It completes a growth in progress,
// locks every bucket (writes wait; reads do not), hashes every entry (a
// hasher that panics leaves the map as it was), builds the new table's
// chains from the same immutable entries, publishes it, and marks the old
// buckets as moved, as a growth does: a reader or writer that finds a
// marker in the table it loaded goes to the new root. Shrink holds the
// map's mutex, so no snapshot starts meanwhile and every write in flight
// is of the current epoch, which stamps the new chains; a live snapshot
// keeps reading the old chains through the markers' links.
//
// # Snapshots
//
// Every chain version carries a stamp: the snapshot epoch it was created
// in. Snapshot registers itself, increments the epoch (to E, say), waits
// until the writes that entered under epoch E-1 have left, and records the
// current table. After that, a write that finds its bucket's chain stamped
// before E while a snapshot is alive does not modify it: it copies the
// chain (compacting it), applies the write to the copy stamped with its own
// epoch, links the copy to the version it replaces, and publishes it. The
// snapshot reads, in each bucket, the newest version stamped before E,
// walking those links back; no version stamped before E changes after the
// wait. Evacuations follow the same rule (the marker is a version too), so
// a snapshot taken during a growth sees the old and new tables as they
// were. Taking a snapshot copies nothing and blocks no write (except one
// that starts or ends a growth meanwhile, for a few microseconds); the first
// write to each bucket afterwards pays for one chain copy. A write that
// copies a chain also unlinks, behind the new version, every version that
// no live snapshot reads (writers see the live epochs), so the versions a
// bucket keeps are bounded by the live snapshots. When a snapshot closes
// (or its finalizer closes it) after writes copied chains, a sweep of the
// table unlinks what it alone read, clears the first bodies that were
// versions no snapshot reads any more, and drops the chains that deletes
// emptied meanwhile: what they held can then be collected. With no
// snapshot alive writes copy nothing at all.
//
// Writes run inside an epoch section: a writer reads the epoch e, counts
// itself in a per-stripe counter of parity e&1, and reads the epoch again,
// retrying if it moved. A snapshot bumps the epoch, then waits for the
// counters of the previous parity to reach zero. The entry count is kept
// the same way, in per-stripe changes by the parity of the version a write
// landed in, so the snapshot knows its exact Len: the wait ends the
// changes of epoch E-1, which it folds into the base. A parity's count of
// writers and its count change share one word (the writers in the low 30
// bits), so that the atomic addition that ends a write's section also
// counts the entry it added or removed: a write that changes the count
// makes one atomic addition fewer, which at 1K entries in a 50/50 mix is
// 4% of the time on one core and 9% on two.
//
// A write enters its section even when no snapshot is alive, though the
// section serves only snapshots. Skipping the entry there is worth about
// as much again: with the addition that enters left out whenever no
// snapshot was alive (an experiment, which no Snapshot could rely on), a
// Delete and a Store back on a 1K map took 10% less time in the 50/50 mix,
// on one core and on two, and 3% and 7% less in the 90/10 mix (bench/peers,
// eight interleaved runs). What keeps it is the wait. A Snapshot taken
// while a write that skipped its section is under way must wait for that
// write to end: the write changes in place a chain the snapshot is to
// read, and once Snapshot has returned, a Load must see what the write
// did. To wait for it, Snapshot must find it, so the write must have told
// something that Snapshot reads before it read that no snapshot was
// alive. The one word a write changes anyway, its bucket's lock, would
// serve, but Snapshot would then read every bucket's lock, 2^18 of them
// at 1M entries, where it now reads the stripes, 8 to 64. Any word fewer
// than the buckets is shared by writers, who then need an atomic addition
// to count themselves into it: the addition that enters the section.
//
// # Faults
//
// A write can panic in user code: a Compute function, the comparison of
// CompareAndSwap on values that cannot be compared (as sync.Map's does),
// or the hasher, when a growth rehashes the keys it moves. It does so
// before changing anything, and the lock and epoch section it holds are
// released as the panic leaves: the map keeps what it held, and every
// other operation goes on. (A deferred unlock in the write's loop could not
// be open-coded, so only the two places that call user code defer it; a
// Store that calls none costs what it did.)
//
// # Memory ordering
//
// All shared words are accessed through sync/atomic (the hot ones through
// atomicUint64, whose methods inline in the user's package where
// sync/atomic's types' would not), whose operations Go's memory model
// makes sequentially consistent; everything else a reader touches (an
// entry's key, and its value but for the words written in place) is
// immutable once published by an atomic store.
// The arguments:
//
//   - A Load that finds an entry returns a value the key held while the
//     Load ran: the bucket version it reads was current when it loaded the
//     pointer, and each slot it then reads holds either that value still,
//     or the value it had when the version was frozen (copied or
//     evacuated) after that load, or, if the version was a first body
//     cleared and started again since, a value of the chain that started
//     there, after that load too. A key present throughout a Load stays in
//     one slot of its chain (writes never move entries within a version),
//     so a Load that searches a version that stays the chain, or is only
//     frozen, finds it. A first body that is cleared is no longer the
//     chain, and becomes the chain again only from a nil chain: a Load
//     that missed in a first body and finds it the chain still, after the
//     search, has either searched the chain or seen it nil meanwhile, and
//     one that finds it no longer the chain looks again. So a Load that
//     misses saw an instant when the key was absent.
//   - Evacuation stores both new chains before the marker, and writers to
//     the new buckets first take the old bucket's lock and see the marker:
//     so no write reaches a new bucket before its entries do, and a reader
//     that sees the marker sees them.
//   - A table's segment pointers are the one exception to atomic access:
//     each is stored once, atomically, and the hot paths read it plainly,
//     without testing it. They read a growing table's bucket only after
//     seeing its old bucket's marker, which the evacuation stores after
//     the segments of both new buckets; a table that is not growing has
//     had its every segment stored before its growth ended (old set to
//     nil, after the last evacuation) or, for a table made whole (New,
//     Clear, Shrink), before it was published. What walks all of a
//     growing table's buckets loads each segment atomically, and skips
//     one not yet stored: its buckets hold nothing.
//   - A table's old array is dropped, and a growth starts, only under the
//     map's mutex, which Snapshot holds from its registration to its
//     reading of the table: a snapshot never misses an old array it needs.
//   - A writer reads whether a snapshot is alive after loading the chain it
//     changes: a snapshot registered after that read has an epoch above
//     the writer's and above the chain's stamp, so it reads what the writer
//     leaves there; a snapshot registered before it is seen.
//   - A write counts in the parity of the later of its epoch and the stamp
//     of the chain it finds: a write of epoch E-1 that finds a version
//     stamped E (made since the bump) lands in it, outside the snapshot,
//     and outside its Len. A nil chain has no stamp, so a write that finds
//     one counts in its own epoch; a chain is therefore set to nil only
//     where no write of an older epoch can come after: in a new table, by
//     a delete or a sweep (which runs in an epoch section, as a write
//     does) with no snapshot alive, and by an evacuation with no
//     snapshot alive (a write of an older epoch in flight means that the
//     snapshot which bumped the epoch past it is still waiting for it, so
//     alive). An evacuation while a snapshot is alive gives a half that
//     gets no entry an empty chain stamped like the marker; with nil
//     there, a write of epoch E-1 reaching that new bucket after an
//     evacuation under E would count in parity E-1, in the Len of a
//     snapshot that, seeing the marker stamped E, reads the old chain,
//     without it.
//   - The writes a snapshot contains are exactly those that landed in
//     versions stamped before E. That set is closed under real-time order:
//     a write that starts after another one ended reads an epoch at least
//     as high, and a write landing in a version stamped E or later happens
//     after the bump. The wait makes the set final before the snapshot is
//     read.
//   - Clear publishes a new, empty table (and counters) under the mutex: a
//     write still under way in the old one is ordered before the Clear.
//
// These properties are what the tests check: porcupine on recorded
// histories (per key, and for whole snapshots and Clear on small maps),
// snapshots against per-writer models while writers run, a race-detector
// stress run over growths, a rapid state machine against map[K]V, and a
// fuzz target in package fuzz.
//
// # Costs
//
// A bucket is 112 bytes (its first body 96), an overflow body 96, and an
// entry is a separate allocation (16 bytes for int64 keys and values), so
// a Map of small entries takes from about 33 bytes per entry (at a load
// of 6.5 entries a bucket, as a growth starts) to about 50 (at 3.25, as
// one ends), against 22 to 44 for the builtin map, whose buckets of 144
// bytes hold the entries. A write takes the bucket's lock and two
// atomic additions on its stripe (one enters its epoch section, one ends
// it and counts the entry added or removed); a read takes none. Stats
// reads a few dozen words.
//
// At 2^20 int64 entries, a load of 4, the Map takes 44.5 bytes per entry:
// 28.0 of buckets (2^18 of 112 bytes), 16.0 of entries and 0.5 of
// overflow bodies. 40 would take buckets of at most 88 bytes (38.5). A
// first body without its stamp and its link to older versions, were they
// kept elsewhere (snapshots read both, and where a write's count lands
// goes by its chain's stamp), would make them 96 (40.5); the lock
// would have to go too, into a bit of the chain pointer, which every
// Load would then mask, or into a lock of another kind than sync.Mutex.
//
// A Load of a large map waits for two cache misses, one after the other:
// the bucket's lines (its chain pointer, and its first body, loaded
// together; see Reads), then the entry's, after the table's segment
// pointers, which stay cached. xsync's Map, which keeps its first slots
// in the bucket array too, waits for the same two, with buckets of 64 bytes (five
// slots), one cache line, where what a Load reads of a bucket here spans
// two lines about one time in two.
// Measured with callgrind, simulating a 2 MiB last-level cache, 200K
// Loads in random order on a map of 1M int64 entries, one goroutine,
// GOGC=off (bench/internal/concops, and for xsync
// bench/peers/internal/xsyncops; per iteration of their loops, which add
// the same few instructions to each), when the layout was chosen, with
// alignment padding counted: 105.2 instructions, 2.56 first-level and
// 2.45 last-level misses per Load (104.3 to 106.0, 2.58 and 2.47 with the
// array in one allocation, over runs whose seeds differ; 100.8, 3.42 and
// 3.21 when every chain was a body allocated apart), against 86.9, 2.13
// and 2.05 for xsync v4's Map; a Store that updates, 234.6, 3.61 and 3.47
// (232.9, 3.61 and 3.47 with the array whole; 230.0, 4.13 and 3.92)
// against 353.2, 2.49 and 2.33. A Store misses on its stripe's counters
// too. The same counts with the padding left out (bench/internal/cgnops),
// with Go 1.26.8: a Load 104.4, 2.56 and 2.47 against xsync's 81.4, 2.11
// and 2.06; a Store that updates 248.1, 3.68 and 3.49 against 321.0, 2.51
// and 2.35 (runs whose seeds differ move these by about one instruction).
//
// The second line is not what keeps a large map's Load behind xsync's.
// Buckets padded to 128 bytes, so that the chain pointer, the tophash
// word and the first six slots always share a line, brought the Load's
// last-level misses to xsync's (2.06), but its time on a 1M map only
// from 96 to 94 ns against xsync's 81 (one goroutine, three interleaved
// runs), for 4 more bytes per entry; they were not kept. What remains
// goes with the instruction counts above: the tests that the zero Map,
// growth, snapshots and probes need, which also limit how many Loads of
// a loop the processor has under way at once.
//
// Filling a map costs more than xsync's, and most of the difference is
// growth. Filling an empty map with 2^20 int64 keys from one goroutine
// takes, per Store, 782 instructions, 7.0 first-level and 5.8 last-level
// misses, against 621, 5.1 and 4.4 for xsync v4 (concops and xsyncops
// -op fill, callgrind as above, padding excluded). By function (padding
// included): the evacuations take 301 instructions a Store against the
// 229 of xsync's resize, the entry's allocation 187 against 197, and the
// rest of the Store 316 against 216. An evacuation hashes every key
// again, as xsync's resize does, with a miss on each entry. Clearing the
// old bucket's first body, which a map whose entries hold pointers does
// (see Growth), costs 50 instructions a Store more, as each slot's nil
// is a pointer store with its write barrier, a call: the int64 fill took
// 832 with it. (Adding to the new chains without a call took the
// evacuations from 373 to 346, and leaving first as it was to 301.)
//
// Each insert allocates its entry: about 170 instructions of the
// allocator for an entry of two int64s, as in xsync's Map. Entries of
// types without pointers were tried taken from blocks of 15 that a
// stripe hands out (an atomic addition each, one allocation a block): a
// Delete and a Store back on a 1K map went from 736 to 603 instructions,
// below xsync's 606, and a fill from 832 to 697 a Store (with the old
// first bodies still cleared, which took 50 of those 832). They were not
// kept: a block stays allocated while any of its entries is reachable,
// and a map of 2^20 int64 entries, after 4×2^20 replacements of a key
// drawn at random by a new one (a Delete and a Store), held 98 bytes of
// heap per entry against 58 with entries allocated one by one (a slice
// of the keys included, after a collection).
//
// Probe counting (WithProbeCounting) is sampled: a Load that is counted
// adds to shared counters, and those cache lines then travel between the
// cores that read, which is what would stop reads from scaling if every
// Load counted. Drawing one Load in 64 (a per-thread random number, no
// shared state) keeps the counts' ratios and the reads' scaling; counting
// every Load is for experiments on one goroutine.
//
// The Map header keeps what every operation reads (the current table, the
// hash function) on cache lines apart from what each Snapshot writes (the
// epoch and the live-snapshot bookkeeping), so that snapshots taken back
// to back do not slow the readers down.
//
// # Scaling beyond two cores
//
// The design was measured on two cores only. What would limit it at 16
// and 64, in the order a profile would show them:
//
//   - The stripes. A write makes two atomic additions on the cache line
//     of its key's stripe (entering its epoch section, and ending it with
//     the count change of an insert or delete). There are
//     four stripes per P, at most 64: with 16 writers running, a write
//     finds another writer on its stripe about one time in five
//     (1-(63/64)^15); with 64, about two times in three, and each such
//     write moves the line between cores. The cap is the first thing to
//     raise on a large machine; Len and Snapshot read every stripe, so it
//     trades their cost for the writes'.
//   - The bucket locks. Writes to one bucket serialise on its mutex. A 1K
//     map has 256 buckets: with 64 writers, up to one write in four
//     finds its bucket's lock taken, which Stats.Events.LockContention
//     counts. A 1M map has 2^18
//     buckets, where collisions are rare but each write misses the cache
//     on the bucket, the entry and the stripe.
//   - The global epoch. Every write reads it twice; only Snapshot writes
//     it, so it stays shared in every core's cache until a snapshot is
//     taken, and then every core misses on it once. Back-to-back snapshots
//     make that a miss per write per snapshot, and each snapshot waits for
//     the writes in flight on every stripe.
//   - Growth. Writes during a growth take old buckets from one atomic
//     cursor (nevacuate): one contended line for the growth's duration,
//     taken once per write (a line of its own: the table's fields that
//     Loads and writes read are not on it). The growth's start and end
//     take the map's mutex, once each. The first evacuations into each
//     of a large table's 16 segments allocate it, each on its own, outside
//     any lock: with many writers starting at once, up to 16 zero their
//     segment in parallel, and those whose segment another published
//     first have allocated for nothing (garbage, once).
//   - Allocation. An insert allocates an entry, as does an update of a
//     value wider than a word; allocation is per P, but the collector's
//     work grows with the write rate.
//   - Reads share nothing: a Load writes no shared memory, so reads scale
//     until memory bandwidth does, at two dependent cache misses per
//     Load of a large map (the bucket, the entry).
//
// To measure it on a larger machine, run the benchmark matrix at rising
// GOMAXPROCS, against sync.Map:
//
//	go test ./bench -run '^$' -bench '^BenchmarkConcurrent$' -cpu 1,2,4,8,16,32,64
//
// and against xsync, in the peers module:
//
//	cd bench/peers && go test -run '^$' -bench '^BenchmarkConcurrent$' -cpu 1,2,4,8,16,32,64
//
// Each cell (size 1K or 1M, mix of loads and stores 100/0 to 50/50) runs
// b.RunParallel with one goroutine per P; ns/op falling in proportion to
// -cpu is linear scaling. Stats().Events.LockContention after a run says
// how much of the loss is the bucket locks.
package concurrent
