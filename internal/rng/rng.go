// Package rng is where a map's random values come from: the runtime's
// generator, or a fixed sequence that makes a run replay.
package rng

import (
	"math/rand/v2"
	"sync/atomic"
	_ "unsafe" // go:linkname
)

// Source yields the random values a map draws: seeds, iteration start
// points, and overflow-count samples in large tables. The zero Source is
// random; WithSeed makes a map's Fixed.
//
// A fixed Source is a SplitMix64 sequence: a counter advanced atomically by
// an odd constant and put through a bijective mixer. Each value depends only
// on the fixed seed and how many values came before, so a single-goroutine
// run replays exactly, and concurrent readers (iterations may start on
// several goroutines at once) stay race-free.
type Source struct {
	state uint64
	fixed bool
}

// Random returns a Source backed by the runtime's random generator.
func Random() Source { return Source{} }

// Fixed returns a deterministic Source for seed.
func Fixed(seed uint64) Source { return Source{state: seed, fixed: true} }

// Deterministic reports whether s is a fixed sequence.
func (s Source) Deterministic() bool { return s.fixed }

// Next returns the next value of the sequence.
func (s *Source) Next() uint64 {
	if !s.fixed {
		return rand.Uint64()
	}
	return mix64(atomic.AddUint64(&s.state, 0x9e3779b97f4a7c15))
}

// Draw returns the next value of s, or of the runtime's generator if s is
// nil, as for a map with no Source of its own. A random draw is then a
// direct call of the runtime's generator, where Next reaches it through
// three calls, one of them through an interface.
func Draw(s *Source) uint64 {
	if s != nil && s.fixed {
		return s.Next()
	}
	return runtimeRand()
}

// runtimeRand is the runtime's generator, which rand.Uint64 reaches
// through its global Rand and that Rand's Source. The runtime keeps it for
// other packages to link to ("Do not change signature").
//
//go:linkname runtimeRand runtime.rand
func runtimeRand() uint64

// Fork returns a new Source for a map derived from this one (a clone): random
// if s is random, otherwise fixed at a seed drawn from s, so the clone's
// sequence is reproducible too but not a copy of its parent's.
func (s *Source) Fork() Source {
	if !s.fixed {
		return Random()
	}
	return Fixed(s.Next())
}

// mix64 is SplitMix64's finaliser.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
