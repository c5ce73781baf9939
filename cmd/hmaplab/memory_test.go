package main

import (
	"bytes"
	"io"
	"math"
	"strconv"
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
	f := measure(1, buildHmap)
	require.Greater(t, f.bytes, uint64(entries*16), "the measurement saw the table")
	require.Less(t, float64(f.scannable), 0.01*float64(f.bytes),
		"scannable %d of %d bytes", f.scannable, f.bytes)
}

// TestBytesPerEntryMatchBuiltin compares with the builtin map of the
// toolchain running the test; the 5% bound holds against the classic map
// (Go 1.23), the same layout. Against a Swiss-table builtin it is reported.
func TestBytesPerEntryMatchBuiltin(t *testing.T) {
	h, b := measure(1, buildHmap), measure(1, buildBuiltin)
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
	require.Equal(t, 2, run([]string{"memory", "-n", "0"}, &out, &errOut))
	require.Contains(t, errOut.String(), "-n 0 out of range: want 1 to 50000000")
	out.Reset()
	require.Equal(t, 0, run([]string{"memory", "-n", "1000"}, &out, &errOut))
	require.True(t, strings.Contains(out.String(), "hmap/builtin bytes per entry"), out.String())
}

// A command-line mistake is reported once, on standard error, with exit
// status 2 and nothing on standard output; -h prints the help and exits 0.
func TestMemoryFlagErrors(t *testing.T) {
	maxInt := strconv.Itoa(math.MaxInt)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "0"}, "-n 0 out of range: want 1 to 50000000"},
		{[]string{"-n", "200000000"}, "-n 200000000 out of range: want 1 to 50000000"},
		{[]string{"-n", maxInt}, "-n " + maxInt + " out of range"}, // the largest int the flag parses
		{[]string{"-n", "2e8"}, `invalid value "2e8" for flag -n`},
		{[]string{"-x"}, "flag provided but not defined: -x"},
		{[]string{"-n", "10", "stray"}, `unexpected argument "stray": memory takes only flags`},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			require.Equal(t, 2, run(append([]string{"memory"}, c.args...), &out, &errOut))
			require.Empty(t, out.String())
			require.Equal(t, 1, strings.Count(errOut.String(), "hmaplab memory: "), errOut.String())
			require.Contains(t, errOut.String(), c.want)
			require.Contains(t, errOut.String(), "Run 'hmaplab memory -h'")
		})
	}
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"memory", "-h"}, &out, &errOut))
	require.Contains(t, out.String(), "Usage: hmaplab memory")
	require.Contains(t, out.String(), "-n int")
	require.Empty(t, errOut.String())
}

// A map of 8 entries is measured as the mean of many: its scannable heap
// cannot exceed its heap, and its bytes per entry are those of one bucket
// and a header, not the collector's noise.
func TestMemorySmallMaps(t *testing.T) {
	var out bytes.Buffer
	require.Equal(t, 0, run([]string{"memory", "-n", "8"}, &out, io.Discard))
	require.Contains(t, out.String(), "per map: the mean of 131072 maps")
	rows := 0
	for _, line := range strings.Split(out.String(), "\n") {
		f := strings.Fields(line)
		if len(f) != 5 || (f[0] != "hmap" && f[0] != "builtin") {
			continue
		}
		rows++
		heap, err := strconv.ParseUint(f[1], 10, 64)
		require.NoError(t, err, line)
		scan, err := strconv.ParseUint(f[3], 10, 64)
		require.NoError(t, err, line)
		require.LessOrEqual(t, scan, heap, line)
		perEntry, err := strconv.ParseFloat(f[2], 64)
		require.NoError(t, err, line)
		require.InDelta(t, 30, perEntry, 20, "%s: a bucket of 8 int64 pairs is 144 bytes, a header 48 to 80", line)
	}
	require.Equal(t, 2, rows, out.String())
}
