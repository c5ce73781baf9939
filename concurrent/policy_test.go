package concurrent

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The options both maps take are validated the same way, with the same
// words.
func TestPolicyOptionErrors(t *testing.T) {
	for _, c := range []struct {
		opt  Option
		want string
	}{
		{WithLoadFactor(0, 1), "concurrent: WithLoadFactor(0, 1): load factor out of range: want 0 < num/den <= 8, with 0 < num, den <= 65536"},
		{WithLoadFactor(17, 2), "concurrent: WithLoadFactor(17, 2): load factor out of range"},
		{WithLoadFactor(1, 1<<17), "with 0 < num, den <= 65536"},
		{WithEvacuationPace(-1), "concurrent: WithEvacuationPace(-1): out of range: want 0 (all at once) or more"},
	} {
		_, err := TryNew[int, int](0, c.opt)
		require.ErrorContains(t, err, c.want)
	}
}

// A load factor of 4 doubles the table past 4 entries per bucket (the
// check is a striped estimate, so not at the exact entry: 1300 is well
// past 1024, and well short of 6.5 * 256), and a size hint is sized for
// it.
func TestLoadFactor(t *testing.T) {
	m := New[int, int](0, WithLoadFactor(4, 1))
	for k := range 1300 {
		m.Store(k, k)
	}
	for k := 0; m.Stats().Growing; k++ {
		m.Store(k, k) // finish the growth in progress
	}
	require.Equal(t, uint8(9), m.Stats().B, "1300 entries > 4 * 256")
	require.Equal(t, uint8(8), New[int, int](1024, WithLoadFactor(4, 1)).Stats().B)
	require.Equal(t, uint8(8), New[int, int](1024).Stats().B, "6.5 * 128 < 1024")
}

// With pace 0 the first write after a growth starts (the write that starts
// it moves nothing) moves every old bucket; with pace 3 each write moves
// its own and three more.
func TestEvacuationPace(t *testing.T) {
	grow := func(pace int) (*Map[int, int], int) {
		m := New[int, int](0, WithEvacuationPace(pace))
		k := 0
		for ; !m.Stats().Growing || m.Stats().B < 6; k++ {
			m.Store(k, k)
		}
		return m, k
	}
	m, k := grow(0)
	m.Store(k, k)
	require.False(t, m.Stats().Growing, "the next write moved it all")

	m, k = grow(3)
	s := m.Stats()
	require.True(t, s.Growing)
	before := s.Evacuated
	m.Store(-1, -1)
	after := m.Stats().Evacuated
	require.GreaterOrEqual(t, after-before, 3)
	require.LessOrEqual(t, after-before, 4)
	for i := range k {
		v, ok := m.Load(i)
		require.True(t, ok)
		require.Equal(t, i, v)
	}
}
