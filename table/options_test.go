package table

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

func TestInvalidOptions(t *testing.T) {
	var nilHasher *hash.Runtime[int]
	cases := []struct {
		opt  Option
		want string
	}{
		{WithLoadFactor(0, 2), "table: WithLoadFactor(0, 2): load factor out of range: want 0 < num/den <= 8, with 0 < num, den <= 65536"},
		{WithLoadFactor(-1, 2), "WithLoadFactor(-1, 2): load factor out of range"},
		{WithLoadFactor(17, 2), "WithLoadFactor(17, 2): load factor out of range"},
		{WithLoadFactor(1, 0), "WithLoadFactor(1, 0): load factor out of range"},
		{WithLoadFactor(1<<17, 1<<16), "WithLoadFactor(131072, 65536): load factor out of range"},
		{WithOverflowThreshold(-1), "table: WithOverflowThreshold(-1): out of range: want a log2 in [0, 15]"},
		{WithOverflowThreshold(16), "WithOverflowThreshold(16): out of range"},
		{WithEvacuationPace(-1), "table: WithEvacuationPace(-1): out of range: want 0 (all at once) or more"},
		{WithHasher[int](nil), "table: WithHasher(nil): want a non-nil hash.Hasher"},
		{WithHasher[int](nilHasher), "table: WithHasher((*hash.Runtime[int])(nil)): want a non-nil hash.Hasher[int]"},
		{WithHasher(hash.XXH3[string]{}), "table: WithHasher(hash.XXH3[string]): does not hash the map's keys; want a hash.Hasher[int]"},
		{WithHasher(hash.Func[int](nil)), "table: WithHasher(hash.Func[int](nil)): want a non-nil hash.Hasher[int]"},
		{WithHasher(hash.Masked[int]{Mask: 1}), "table: WithHasher(hash.Masked[int]{Inner: nil}): want a non-nil hash.Hasher[int] as Inner"},
		{WithHasher(hash.Masked[int]{Inner: hash.Masked[int]{Inner: hash.Func[int](nil)}}), "table: WithHasher(hash.Masked[int]{Inner: hash.Masked[int]{Inner: hash.Func[int](nil)}}): want a non-nil hash.Hasher[int] as Inner"},
		{nil, "table: nil Option"},
	}
	for _, c := range cases {
		m, err := TryNew[int, int](0, WithSeed(1), c.opt)
		require.Nil(t, m)
		require.ErrorContains(t, err, c.want)
		require.PanicsWithError(t, err.Error(), func() { New[int, int](0, c.opt) })
	}
	// The first invalid option is the one reported.
	_, err := TryNew[int, int](0, WithEvacuationPace(-2), WithOverflowThreshold(99))
	require.ErrorContains(t, err, "WithEvacuationPace(-2)")

	_, err = TryNew[int, int](-1)
	require.EqualError(t, err, "table: size hint -1 out of range: want 0 or more")
	require.PanicsWithError(t, "makemap: size out of range", func() { New[int, int](-1) })
}

// Hashers that are valid, if unusual, are accepted and work.
func TestUnusualValidHashers(t *testing.T) {
	for _, h := range []hash.Hasher[int]{
		hash.Runtime[int]{}, // the zero Runtime: the runtime's function all the same
		&hash.Masked[int]{Inner: hash.Identity[int]{}, Mask: 0xff},
		hash.Masked[int]{Inner: &hash.Masked[int]{Inner: hash.NewRuntime[int](), Mask: ^uint64(0)}, Mask: ^uint64(0)},
	} {
		m, err := TryNew[int, int](0, WithHasher(h))
		require.NoError(t, err, "%#v", h)
		for i := range 100 {
			m.Put(i, i)
		}
		require.Equal(t, 100, m.Len())
		require.Equal(t, 42, m.At(42))
		require.NoError(t, m.checkInvariants())
	}
}

func TestValidOptionsTakeEffect(t *testing.T) {
	// Load factor 4: a hint of 33 needs 2^4 buckets (33 > 4*8), not 2^3.
	m := New[int, int](33, WithLoadFactor(4, 1))
	require.Equal(t, uint8(4), m.logB)
	require.Equal(t, uint8(3), New[int, int](33).logB)
	// The extreme valid settings.
	full, err := TryNew[int, int](64, WithLoadFactor(8, 1), WithOverflowThreshold(0), WithEvacuationPace(0))
	require.NoError(t, err)
	require.Equal(t, uint8(3), full.logB)

	// Identity-hashed keys 0, 1, 2, ... fill buckets round-robin, at most 7
	// per bucket when each growth triggers, so no overflow bucket ever
	// forms. The 105th insert (key 104) takes 2^4 buckets past 6.5 per
	// bucket: B becomes 5, and that write evacuates old bucket 104&15 = 8,
	// then Pace more from nevacuate = 0 (earlier growths had finished).
	for _, c := range []struct {
		pace          int
		growing       bool
		wantNevacuate uintptr
	}{
		{0, false, 16}, // all 16 moved at once; nevacuate keeps its final value
		{1, true, 1},   // the runtime's pace
		{3, true, 3},
	} {
		p := New[uint64, int](0, WithEvacuationPace(c.pace), WithHasher(hash.Identity[uint64]{}))
		for k := range uint64(104) {
			p.Put(k, 0)
		}
		require.Equal(t, uint8(4), p.logB)
		require.False(t, p.growing())
		p.Put(104, 0)
		require.Equal(t, uint8(5), p.logB, "pace %d", c.pace)
		require.Equal(t, c.growing, p.growing(), "pace %d", c.pace)
		require.Equal(t, c.wantNevacuate, p.evacMark(), "pace %d", c.pace)
		if c.growing {
			require.True(t, p.oldArray()[8].Evacuated())
			require.False(t, p.oldArray()[c.wantNevacuate].Evacuated())
		}
		require.NoError(t, p.checkInvariants())
	}
}
