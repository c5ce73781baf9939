// Package hash supplies the hash functions and the randomness that hmap's
// tables consume.
//
// A [Hasher] maps a key and a seed to a 64-bit hash. The table package uses
// the low B bits of that hash to pick a bucket and the top 8 bits as the
// slot's tophash, so a hasher decides everything about how keys spread. A
// table's hash is pointer wide: on 32-bit platforms it keeps those bits, the
// top byte and the low 24, so that with a fixed seed (a table.Map's seed is
// 32 bits on every platform) a hasher lays keys out alike on every
// platform, in tables of up to 2^24 buckets.
// Four families are provided:
//
//   - [Runtime]: the builtin map's own hash function for K, taken from the
//     running toolchain. For the same key and seed it returns exactly what the
//     builtin map computes, which is what lets hmap be compared bucket for
//     bucket with a live runtime map.
//   - [XXH3]: a portable hash for string-like keys whose output, for a given
//     seed, is the same in every process and on every platform. Use it when a
//     run must replay exactly.
//   - [Seeded]: a portable hash for every comparable key type, reproducible
//     like XXH3: it hashes a key's values (integers by value, ±0 alike,
//     strings by XXH3, interfaces by dynamic type name and value), never its
//     memory, so padding, byte order and word size cannot change it. NaNs
//     draw from a fixed sequence, and keys holding pointers hash by address,
//     which only one process can replay.
//   - Weak hashers for collision studies: [Constant] (every key collides),
//     [Identity] (integers hash to themselves), [Masked] (keeps only some
//     bits of another hasher) and [Func] (any plain function).
//
// A map's own random values (its 32-bit seed, the seed it draws when it
// empties, the start of every iteration) are another matter: the maps'
// WithSeed option fixes them.
//
// The package knows nothing of buckets.
package hash
