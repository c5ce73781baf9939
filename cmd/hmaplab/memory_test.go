package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/table"
)

const entries = 1_000_000

func buildHmap() any {
	m := table.New[int64, int64](0)
	for i := range int64(entries) {
		m.Put(i, i)
	}
	return m
}

func buildBuiltin() any {
	m := map[int64]int64{}
	for i := range int64(entries) {
		m[i] = i
	}
	return m
}

// TestPointerFreeBucketsAreNotScanned: the buckets of a Map[int64, int64]
// hold no pointers, so the collector has (almost) nothing to scan.
func TestPointerFreeBucketsAreNotScanned(t *testing.T) {
	f := measure(buildHmap)
	require.Greater(t, f.bytes, uint64(entries*16), "the measurement saw the table")
	require.Less(t, float64(f.scannable), 0.01*float64(f.bytes),
		"scannable %d of %d bytes", f.scannable, f.bytes)
}

// TestBytesPerEntryMatchBuiltin compares with the builtin map of the
// toolchain running the test; the 5% bound holds against the classic map
// (Go 1.23), the same layout. Against a Swiss-table builtin it is reported.
func TestBytesPerEntryMatchBuiltin(t *testing.T) {
	h, b := measure(buildHmap), measure(buildBuiltin)
	ratio := float64(h.bytes) / float64(b.bytes)
	t.Logf("hmap %d bytes, builtin %d bytes, ratio %.3f", h.bytes, b.bytes, ratio)
	if classicBuiltin {
		require.InDelta(t, 1, ratio, 0.05)
	}
}

func TestCommands(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"help"}, &out, &errOut))
	require.Contains(t, out.String(), "memory")
	out.Reset()
	require.Equal(t, 2, run([]string{"nope"}, &out, &errOut))
	require.Contains(t, errOut.String(), `unknown command "nope"`)
	errOut.Reset()
	require.Equal(t, 1, run([]string{"memory", "-n", "0"}, &out, &errOut))
	require.Contains(t, errOut.String(), "-n 0 out of range: want at least 1")
	out.Reset()
	require.Equal(t, 0, run([]string{"memory", "-n", "1000"}, &out, &errOut))
	require.True(t, strings.Contains(out.String(), "hmap/builtin bytes per entry"), out.String())
}
