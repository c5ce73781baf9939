package concurrent

import (
	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/internal/option"
	"github.com/hmaplab/hmap/internal/rng"
)

// Option configures a Map at construction. An option given an invalid
// value makes New panic, and TryNew return an error, naming the option and
// its valid range.
//
// The options package table's maps also take carry the same names and
// meaning (WithHasher, WithSeed); they are a type of their own because
// each map takes settings the other does not.
type Option func(*config)

type config struct {
	option.Config // hasher, seed, and the first invalid option
	probeEvery    int
	policy        grow.Policy
	tracer        *Tracer
}

// WithHasher makes the map hash keys with h instead of the default hash
// function. h must hash the map's key type. Default: for a key that is an
// integer of 8 bytes (int64, uint64, int, uint, uintptr, or a type defined
// as one), a hash of the map's own written into Load and the write path
// (two 64×64→128-bit multiplies, each folded by xor: the runtime's
// portable hash for such keys, with fixed constants); for any other key,
// the runtime's hash function. hash.Runtime[K] gives the runtime's for
// every key.
func WithHasher[K any](h hash.Hasher[K]) Option {
	return func(c *config) { option.SetHasher(&c.Config, h) }
}

// WithSeed makes the map's hash seeds (the first one, and the one drawn by
// each Clear) come from a sequence fixed by seed. With a reproducible hasher
// (the default one for 8-byte integer keys, not the runtime's, which is
// keyed per process) the layout of a map built by one goroutine then
// replays identically. Default: random.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.Source = rng.Fixed(seed) }
}

// WithLoadFactor sets the average number of entries per bucket above which
// the table doubles, as the ratio num/den, as package table's does: at most
// 8 (a bucket's slots), more than 0, with num and den at most 65536.
// Default 13/2 = 6.5.
func WithLoadFactor(num, den int) Option {
	return func(c *config) { option.SetLoadFactor(&c.Config, &c.policy, num, den) }
}

// WithEvacuationPace sets how many old buckets, taken in order, each write
// to a growing table moves besides the one its key is in, as package
// table's does; 0 makes the first write after a growth starts move them
// all. It must not be negative. Default 1.
func WithEvacuationPace(n int) Option {
	return func(c *config) { option.SetEvacuationPace(&c.Config, &c.policy, n) }
}

// WithProbeCounting makes Load count its work (lookups, hits and misses,
// buckets visited, keys compared, tophash false positives) into
// Stats.Probes, for one Load in every, picked at random. Counting adds
// atomic additions to shared counters, whose cache lines then move between
// the cores that read: with every = 1 (exact counts, for experiments on
// one goroutine) reads no longer scale with cores; with every = 64 the cost
// is a random draw per Load and the ratios (buckets or comparisons per
// lookup) are unbiased estimates. every must be at least 1. Off by
// default, when Load counts nothing.
func WithProbeCounting(every int) Option {
	return func(c *config) {
		if every < 1 {
			c.Failf("WithProbeCounting(%d): out of range: want 1 (count every Load) or more", every)
			return
		}
		c.probeEvery = every
	}
}
