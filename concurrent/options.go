package concurrent

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/hmaplab/hmap/hash"
)

// Option configures a Map at construction. An invalid option makes New
// panic with an error that names it.
//
// The options carry the names and the meaning of package table's
// (WithHasher, WithSeed); they are a type of their own because table's
// configuration is internal to that package.
type Option func(*config)

type config struct {
	hasher     any // a hash.Hasher[K], checked against K in New
	source     hash.Source
	probeEvery int
	err        error
}

func (c *config) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("concurrent: "+format, args...)
	}
}

// WithHasher makes the map hash keys with h instead of the runtime's hash
// function. h must hash the map's key type. Default: hash.NewRuntime[K]().
func WithHasher[K any](h hash.Hasher[K]) Option {
	return func(c *config) {
		if h == nil {
			c.fail("WithHasher(nil): want a non-nil hash.Hasher")
			return
		}
		c.hasher = h
	}
}

// WithSeed makes the map's hash seeds (the first one, and the one drawn by
// each Clear) come from a sequence fixed by seed. With a reproducible hasher
// (not the runtime's, which is keyed per process) the layout of a map built
// by one goroutine then replays identically. Default: random.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.source = hash.Fixed(seed) }
}

// WithProbeCounting makes Load count its work (lookups, buckets visited,
// keys compared, tophash false positives) into Stats.Probes, for one Load
// in every, picked at random. Counting adds atomic additions to shared
// counters, whose cache lines then move between the cores that read: with
// every = 1 (exact counts, for experiments on one goroutine) reads no
// longer scale with cores; with every = 64 the cost is a random draw per
// Load and the ratios (buckets or comparisons per lookup) are unbiased
// estimates. every must be at least 1. Off by default, when Load counts
// nothing.
func WithProbeCounting(every int) Option {
	return func(c *config) {
		if every < 1 {
			c.fail("WithProbeCounting(%d): every must be at least 1 (1 counts every Load)", every)
			return
		}
		c.probeEvery = every
	}
}

var errNilOption = errors.New("concurrent: nil Option")

func hasherFor[K comparable](h any) (hash.Hasher[K], error) {
	if h == nil {
		return hash.NewRuntime[K](), nil
	}
	hk, ok := h.(hash.Hasher[K])
	if !ok {
		return nil, fmt.Errorf("concurrent: WithHasher(%T): does not hash the map's keys; want a hash.Hasher[%v]",
			h, reflect.TypeFor[K]())
	}
	if v := reflect.ValueOf(hk); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, fmt.Errorf("concurrent: WithHasher((%T)(nil)): want a non-nil hash.Hasher[%v]", h, reflect.TypeFor[K]())
	}
	return hk, nil
}
