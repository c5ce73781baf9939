package table

import (
	"errors"

	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/hash"
)

// Option configures a map at construction (New). An invalid option makes
// New panic with an error naming the option and its valid range.
type Option func(*config)

type config struct {
	hasher any // a hash.Hasher[K], checked against K by New
	source hash.Source
	policy grow.Policy
	err    error
}

// WithHasher makes the map hash keys with h instead of the runtime's hash
// function. h must hash the map's key type.
func WithHasher[K any](h hash.Hasher[K]) Option {
	return func(c *config) {
		if h == nil {
			c.setErr(errors.New("table: WithHasher: nil hasher; want a non-nil hash.Hasher"))
			return
		}
		c.hasher = h
	}
}

// WithSeed makes every random choice of the map deterministic: its hash
// seeds (initial, and redrawn when it empties or is cleared), the start of
// each iteration, and overflow sampling in large tables all come from a
// sequence fixed by seed. With a reproducible hasher (not the runtime's,
// which is keyed per process) a whole run then replays identically.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.source = hash.Fixed(seed) }
}

func (c *config) setErr(err error) {
	if c.err == nil {
		c.err = err
	}
}
