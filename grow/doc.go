// Package grow holds the growth policy of a classic Go map as data and small
// pure functions: when to grow, to what size, how many overflow buckets to
// preallocate, how to count overflow buckets, and how fast to evacuate.
//
// # Load factor
//
// A table grows to twice its size when an insert would bring the average
// above 6.5 entries per 8-slot bucket. The Go authors measured chain length,
// wasted slots and probe counts for load factors from 4 to 8: 6.5 is where
// overflow chains are still short (about 1 bucket in 5 has one) while 80% of
// the slots are used. The comparison is done in integer arithmetic, as
// count > 13 * (2^B / 2), and a table of one bucket is never grown below 9
// entries, so a small map holds 8 entries in one bucket.
//
// # Overflow
//
// Deleting entries never shrinks chains, so a table can be at a low load yet
// have long chains. When the number of overflow buckets reaches the number
// of regular buckets (capped at 2^15), the table is rebuilt at the same size,
// which packs the chains again. Above B = 15 the counter is only sampled (it
// is 16 bits wide): each new overflow bucket counts with probability
// 1/2^(B-15), so the count estimates overflow/2^(B-15) and the threshold
// keeps its meaning.
//
// # Preallocation
//
// For B >= 4 a new bucket array carries 2^(B-4) spare buckets behind the
// 2^B regular ones, plus whatever fits into the malloc size class the array
// is rounded up to anyway; overflow buckets are taken from there in order
// before any is allocated. The size classes are those of Go 1.23, so the
// spare count matches the runtime's whatever toolchain builds hmap.
//
// # Evacuation pace
//
// A growth moves entries incrementally: every write to a growing table first
// evacuates the old bucket it is about to touch, then Pace more buckets in
// order. With the default pace of 1 a growth finishes within 2^(B-1)
// writes, and at the default load factor inserts alone cannot make the next
// growth due before then; at a load factor below 1 they can, and one write
// then finishes a growth and starts the next, as the runtime would. Pace 0
// evacuates the whole table when the growth starts, as a stop-the-world
// comparison.
package grow
