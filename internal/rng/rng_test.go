package rng

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSource(t *testing.T) {
	a, b, c := Fixed(1), Fixed(1), Fixed(2)
	require.True(t, a.Deterministic())
	var seqA, seqB, seqC []uint64
	for range 8 {
		seqA, seqB, seqC = append(seqA, a.Next()), append(seqB, b.Next()), append(seqC, c.Next())
	}
	require.Equal(t, seqA, seqB)
	require.NotEqual(t, seqA, seqC)
	// SplitMix64 of seed 0: the published first output.
	z := Fixed(0)
	require.Equal(t, uint64(0xe220a8397b1dcdaf), z.Next())

	fa, fb := a.Fork(), b.Fork()
	require.True(t, fa.Deterministic())
	require.Equal(t, fa.Next(), fb.Next())

	r := Random()
	require.False(t, r.Deterministic())
	require.False(t, r.Fork().Deterministic())
	require.NotEqual(t, r.Next(), r.Next())
}

// Draw follows a fixed Source's sequence, and draws from the runtime's
// generator for a random Source or none.
func TestDraw(t *testing.T) {
	a, b := Fixed(7), Fixed(7)
	for range 4 {
		require.Equal(t, a.Next(), Draw(&b))
	}
	r := Random()
	seen := map[uint64]bool{}
	for range 64 {
		seen[Draw(nil)] = true
		seen[Draw(&r)] = true
	}
	require.Len(t, seen, 128, "64-bit draws from the runtime's generator repeat")
	require.Equal(t, Random(), r, "a random Source has no state to advance")
	z := Fixed(0)
	require.NotEqual(t, z.Next(), Draw(&r), "a random Source drew a fixed sequence")
	require.Zero(t, testing.AllocsPerRun(100, func() { Draw(nil) }))
}
