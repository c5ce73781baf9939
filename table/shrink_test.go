package table

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/hash"
)

func TestShrinkReturnsToFreshSize(t *testing.T) {
	big, small := 1_000_000, 1_000
	if DebugInvariants {
		big = 5_000 // every write walks the table; still B 10 -> 8
	}
	m := New[int64, int64](0)
	for i := range int64(big) {
		m.Put(i, i)
	}
	wantBigB := New[int, int](big).logB
	require.Equal(t, wantBigB, m.Stats().B)
	for i := int64(small); i < int64(big); i++ {
		m.Delete(i)
	}
	require.Equal(t, small, m.Len())
	require.Equal(t, wantBigB, m.Stats().B, "deleting never shrinks")

	before, after := m.Shrink()
	require.NoError(t, m.checkInvariants())

	fresh := New[int64, int64](0)
	for i := range int64(small) {
		fresh.Put(i, i)
	}
	fs, ms := fresh.Stats(), m.Stats()
	require.Equal(t, fs.B, ms.B)
	require.Equal(t, uint8(8), ms.B) // 1000 > 6.5*128, <= 6.5*256
	require.Equal(t, len(fresh.array()), len(m.array()), "same array, spares included")
	require.Equal(t, fs.BytesAllocated, after)
	require.Equal(t, ms.BytesAllocated, after)
	require.Greater(t, before, 3*after)
	require.Equal(t, 1, ms.Events.Shrinks)
	for i := range int64(small) {
		v, ok := m.Get(i)
		require.True(t, ok)
		require.Equal(t, i, v)
	}
	// Nothing more to gain: a second Shrink does nothing.
	b2, a2 := m.Shrink()
	require.Equal(t, after, b2)
	require.Equal(t, after, a2)
	require.Equal(t, 1, m.Stats().Events.Shrinks)
}

func TestShrinkEmptyAndZero(t *testing.T) {
	var z Map[string, int]
	b, a := z.Shrink()
	require.Zero(t, b)
	require.Zero(t, a)

	m := New[int, int](1000)
	m.Put(1, 1)
	m.Delete(1)
	_, after := m.Shrink()
	require.Zero(t, after, "an empty map needs no bucket")
	require.Nil(t, m.array())
	m.Put(2, 2) // and is usable again
	require.Equal(t, 2, m.At(2))
	require.NoError(t, m.checkInvariants())
}

func TestShrinkDuringGrowth(t *testing.T) {
	m := New[int, int](0, WithHasher(hash.Identity[int]{}))
	for i := range 105 {
		m.Put(i, i)
	}
	require.True(t, m.growing(), "the 105th insert started a growth")
	_, _ = m.Shrink()
	require.False(t, m.growing())
	p := grow.Default()
	require.Equal(t, p.BForHint(105), m.logB)
	require.NoError(t, m.checkInvariants())
	for i := range 105 {
		require.Equal(t, i, m.At(i))
	}
}

// TestShrinkDuringIteration: entries present for the whole loop are
// yielded exactly once with their latest elems, deleted ones never.
func TestShrinkDuringIteration(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	rounds := 50
	if DebugInvariants {
		rounds = 2 // every write walks the table
	}
	for round := range rounds {
		m := New[int, int](0, WithSeed(uint64(round)))
		model := map[int]int{}
		for i := range 3000 {
			m.Put(i, i)
			model[i] = i
		}
		for i := range 3000 { // keep 1000: B 9 -> 8
			if i%3 != 1 {
				m.Delete(i)
				delete(model, i)
			}
		}
		seen := map[int]int{}
		deleted := map[int]bool{}
		shrinkAt := r.IntN(len(model))
		n := 0
		for k, v := range m.All() {
			require.False(t, deleted[k], "deleted key %d yielded", k)
			seen[k]++
			require.Equal(t, 1, seen[k], "key %d yielded twice", k)
			require.Equal(t, model[k], v, "key %d stale", k)
			if n == shrinkAt {
				for j := 0; j < 20; j++ { // update and delete keys ahead
					kk := 1 + 3*r.IntN(1000)
					if _, ok := model[kk]; ok && seen[kk] == 0 {
						if j%2 == 0 {
							m.Delete(kk)
							delete(model, kk)
							deleted[kk] = true
						} else {
							m.Put(kk, -kk)
							model[kk] = -kk
						}
					}
				}
				m.Shrink()
				require.Equal(t, uint8(8), m.logB)
				for j := 0; j < 20; j++ { // and after the shrink
					kk := 1 + 3*r.IntN(1000)
					if _, ok := model[kk]; ok && seen[kk] == 0 {
						m.Put(kk, kk*10)
						model[kk] = kk * 10
					}
				}
			}
			n++
		}
		for k := range model {
			require.Equal(t, 1, seen[k], "key %d present throughout but yielded %d times", k, seen[k])
		}
		require.NoError(t, m.checkInvariants())
	}
}
