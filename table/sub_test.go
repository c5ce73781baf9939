package table_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/internal/statstest"
	"github.com/hmaplab/hmap/table"
)

func TestSubEveryCounter(t *testing.T) {
	statstest.CheckSub(t, table.Events.Sub)
	statstest.CheckSub(t, table.Probes.Sub)
}

// A study differences two readings: the events of what ran between them.
func TestEventsSubMeasuresAStep(t *testing.T) {
	m := table.New[int64, int](0, table.WithSeed(1))
	for i := range int64(100) {
		m.Put(i, 0)
	}
	before := m.Stats()
	for i := range int64(1000) {
		m.Put(100+i, 0)
	}
	d := m.Stats().Events.Sub(before.Events)
	require.Equal(t, 4, d.Growths, "B 4 -> 8: 1100 entries need 256 buckets at 6.5")
	require.Equal(t, uint8(4), before.B)
	require.Equal(t, uint8(8), m.Stats().B)
	require.Equal(t, m.Stats().Events.Growths-before.Events.Growths, d.Growths)
	require.Equal(t, 1100, m.Len(), "reading Stats changed nothing")
	require.Zero(t, m.Stats().Events.Sub(m.Stats().Events))
}
