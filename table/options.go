package table

import (
	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/internal/option"
	"github.com/hmaplab/hmap/internal/rng"
)

// Option configures a map at construction. An option given an invalid
// value makes New panic, and TryNew return an error, naming the option and
// its valid range. The defaults reproduce the Go 1.23 runtime map.
type Option func(*config)

type config struct {
	option.Config // hasher, seed, and the first invalid option
	policy        grow.Policy
	tracer        *Tracer
}

// WithHasher makes the map hash keys with h instead of the runtime's hash
// function. h must hash the map's key type. Default: hash.NewRuntime[K]().
func WithHasher[K any](h hash.Hasher[K]) Option {
	return func(c *config) { option.SetHasher(&c.Config, h) }
}

// WithSeed makes every random choice of the map deterministic: its hash
// seeds (initial, and redrawn when it empties or is cleared), the start of
// each iteration, and overflow sampling in large tables all come from a
// sequence fixed by seed. With a reproducible hasher (not the runtime's,
// which is keyed per process) a whole run then replays identically.
// Default: random.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.Source = rng.Fixed(seed) }
}

// WithLoadFactor sets the average number of entries per bucket above which
// the table doubles, as the ratio num/den: at most 8 (a bucket's slots),
// more than 0, with num and den at most 65536. Default 13/2 = 6.5. A table
// of one bucket always holds 8 entries before it grows.
func WithLoadFactor(num, den int) Option {
	return func(c *config) { option.SetLoadFactor(&c.Config, &c.policy, num, den) }
}

// WithOverflowThreshold sets when too many overflow buckets trigger a
// same-size growth: when their count reaches 2^min(B, log) for a table of
// 2^B buckets. log must be in [0, 15]; 0 rebuilds the table at its first
// overflow bucket. Default 15 (the counter is 16 bits wide).
func WithOverflowThreshold(log int) Option {
	return func(c *config) {
		if log < 0 || log > 15 {
			c.Failf("WithOverflowThreshold(%d): out of range: want a log2 in [0, 15]", log)
			return
		}
		c.policy.OverflowLog = uint8(log)
	}
}

// WithEvacuationPace sets how many old buckets, in order, each write to a
// growing table evacuates after the bucket it touches. 0 evacuates the
// whole table as soon as a growth starts: a stop-the-world growth, for
// comparison. It must not be negative. Default 1.
func WithEvacuationPace(n int) Option {
	return func(c *config) { option.SetEvacuationPace(&c.Config, &c.policy, n) }
}
