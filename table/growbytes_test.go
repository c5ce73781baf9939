package table_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/table"
)

// Growth events carry the bytes: the new array at GrowStart, with the peak
// the map then holds, and the old array let go of at GrowDone.
func TestGrowEventBytes(t *testing.T) {
	var m *table.Map[int64, int64]
	var starts, dones []table.GrowEvent
	// heldAfterDone is Stats().BytesAllocated when GrowDone is delivered,
	// at the end of the write; laterOverflow is what the same write
	// allocated after the growth ended: overflow buckets (144 bytes, a size
	// class of their own) beyond the spares, whose events follow.
	var heldAfterDone, laterOverflow []int
	lastDone := -1
	m = table.New[int64, int64](0, table.WithTracer(&table.Tracer{
		GrowStart: func(e table.GrowEvent) { starts = append(starts, e) },
		GrowDone: func(e table.GrowEvent) {
			dones = append(dones, e)
			heldAfterDone = append(heldAfterDone, m.Stats().BytesAllocated)
			laterOverflow = append(laterOverflow, 0)
			lastDone = len(dones) - 1
		},
		OverflowAllocated: func(e table.OverflowEvent) {
			if lastDone >= 0 && !e.Spare {
				laterOverflow[lastDone] += 144
			}
		},
	}))
	for i := range int64(5000) {
		m.Put(i, i)
		lastDone = -1 // the write, and the delivery of its events, is over
	}
	require.Len(t, starts, 10, "B 0 -> 10")
	require.Len(t, dones, 10)

	// A bucket of int64 pairs is 8+64+64+8 = 144 bytes, and B 0 -> 1
	// allocates two (288, a size class of its own) beside the first.
	require.Equal(t, 288, starts[0].BytesAllocated)
	require.Equal(t, 144+288, starts[0].BytesHeld)
	require.Equal(t, 144, dones[0].BytesReleased)
	require.Equal(t, 288, dones[0].BytesHeld)

	for i, s := range starts {
		d := dones[i]
		require.Equal(t, [2]uint8{s.OldB, s.NewB}, [2]uint8{d.OldB, d.NewB})
		require.Positive(t, s.BytesAllocated)
		require.Zero(t, s.BytesReleased)
		require.Zero(t, d.BytesAllocated)
		// What the growth lets go of is what the map held before it.
		require.Equal(t, s.BytesHeld-s.BytesAllocated, d.BytesReleased, "growth %d", i)
		require.Equal(t, heldAfterDone[i], d.BytesHeld+laterOverflow[i], "growth %d", i)
		if i > 0 {
			require.GreaterOrEqual(t, s.BytesHeld-s.BytesAllocated, dones[i-1].BytesHeld, "growth %d", i)
		}
	}
	require.Equal(t, m.Stats().BytesAllocated, dones[len(dones)-1].BytesHeld)
}
