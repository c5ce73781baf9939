package main

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/internal/golden"
	"github.com/hmaplab/hmap/internal/rt"
	"github.com/hmaplab/hmap/table"
)

// runTourArgs runs "hmaplab tour args..." and returns its exit code, stdout
// and stderr. Tests never pass -step, so nothing sleeps.
func runTourArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"tour"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// tourWith plays the tour with the flags' defaults changed by args, and
// returns what it showed.
func tourWith(t *testing.T, args ...string) (*tourResult, string) {
	t.Helper()
	o := tourOptions{seed: 1, hasherName: "xxh3", loadNum: 13, loadDen: 2, keys: 26}
	for i := 0; i < len(args); i += 2 {
		switch v := args[i+1]; args[i] {
		case "-seed":
			_, err := fmt.Sscan(v, &o.seed)
			require.NoError(t, err)
		case "-hasher":
			o.hasherName = v
		case "-keys":
			_, err := fmt.Sscan(v, &o.keys)
			require.NoError(t, err)
		case "-load-factor":
			var err error
			o.loadNum, o.loadDen, err = parseLoadFactor(v)
			require.NoError(t, err)
		default:
			t.Fatalf("tourWith: flag %s", args[i])
		}
	}
	for _, h := range tourHashers {
		if h.name == o.hasherName {
			o.hasher = h.new()
		}
	}
	require.NotNil(t, o.hasher, o.hasherName)
	require.NoError(t, o.check())
	var out bytes.Buffer
	res, err := playTour(o, &out)
	require.NoError(t, err)
	return res, out.String()
}

// The acceptance run: "hmaplab tour -seed 1" prints the whole story and
// exits 0, the same text under every toolchain (XXH3 and the fixed seed are
// platform-independent).
func TestTourGolden(t *testing.T) {
	code, out, errOut := runTourArgs(t, "-seed", "1")
	require.Equal(t, 0, code, errOut)
	require.Empty(t, errOut)
	golden.Check(t, "tour_seed1", out)
}

func TestTourDeterministic(t *testing.T) {
	_, a, _ := runTourArgs(t, "-seed", "1")
	_, b, _ := runTourArgs(t, "-seed", "1")
	require.Equal(t, a, b, "same seed, same tour")
	_, c, _ := runTourArgs(t, "-seed", "2")
	require.NotEqual(t, a, c, "another seed, another tour")
	for _, h := range []string{"masked", "constant"} {
		_, x, _ := runTourArgs(t, "-hasher", h)
		_, y, _ := runTourArgs(t, "-hasher", h)
		require.Equal(t, x, y, h)
		require.NotEqual(t, a, x, h)
	}
	_, lf, _ := runTourArgs(t, "-load-factor", "4")
	require.NotEqual(t, a, lf)
	_, lf2, _ := runTourArgs(t, "-load-factor", "6.5")
	require.Equal(t, a, lf2, "6.5 is 13/2")
	_, k, _ := runTourArgs(t, "-keys", "20")
	require.NotEqual(t, a, k)
}

// Every chapter shows what it claims, checked on the maps themselves.
func TestTourChapters(t *testing.T) {
	res, out := tourWith(t)

	require.EqualValues(t, 2, res.Fill.B, "26 entries take 4 buckets")
	require.Equal(t, 26, res.Fill.Count)

	c := res.Collision
	require.True(t, c.Found)
	require.NotEqual(t, c.Key, c.Partner)
	require.True(t, c.SameBucketTop, "%s and %s share bucket and tophash", c.Key, c.Partner)
	require.True(t, c.LookupFound)
	require.GreaterOrEqual(t, c.Compared, 2, "the lookup compares both keys")

	o := res.Overflow
	require.Len(t, o.Keys, overflowKeys)
	require.GreaterOrEqual(t, o.ChainLen, 2, "nine keys in one bucket make a chain")
	require.Equal(t, 1, o.Allocations)
	require.True(t, o.LookupFound)

	g := res.Grow
	require.True(t, g.Started)
	require.Equal(t, 26, g.CountBefore, "the 27th entry crosses 6.5 x 4")
	require.EqualValues(t, 2, g.OldB)
	require.EqualValues(t, 3, g.NewB)
	require.True(t, g.GrowingAfter, "the growth is incremental")
	require.Contains(t, res.Events, "grow: B 2 -> 3 (doubling), 26 entries")

	e := res.Evacuation
	require.NotEmpty(t, e.Nevacuate)
	for i := 1; i < len(e.Nevacuate); i++ {
		require.Greater(t, e.Nevacuate[i], e.Nevacuate[i-1], "nevacuate advances with each write")
	}
	require.Equal(t, 4, e.Nevacuate[len(e.Nevacuate)-1], "all 4 old buckets evacuated")

	d := res.Done
	require.False(t, d.Growing)
	require.EqualValues(t, 3, d.B)
	require.True(t, d.AllFound)
	require.Equal(t, 26, d.MovedX+d.MovedY, "every entry moved once")
	require.Positive(t, d.MovedX)
	require.Positive(t, d.MovedY)

	del := res.Deletes
	require.Equal(t, []bucket.SlotState{bucket.StateEmptyOne, bucket.StateEmptyOne, bucket.StateEmptyRest}, del.After)
	require.Equal(t, []bucket.SlotState{bucket.StateEmptyOne, bucket.StateEmptyRest, bucket.StateEmptyRest}, del.Final,
		"the last delete turns the emptyOne before it into emptyRest; the first stays emptyOne")

	s := res.SameSize
	require.True(t, s.Possible)
	require.True(t, s.Happened)
	require.Equal(t, 1, s.SameSizeGrowths)
	require.Zero(t, s.Growths, "no doubling: the load stays under 6.5")
	require.GreaterOrEqual(t, s.OverflowBefore, 1<<s.B, "noverflow reached 2^B")
	require.Less(t, s.OverflowAfter, s.OverflowBefore, "the rebuild packs the chains")

	// The narration follows the tracer.
	for _, want := range []string{
		"grow: B 2 -> 3 (doubling), 26 entries",
		"evacuated old bucket ",
		"grow done: B 3",
		"overflow: chain ",
		"(same size: noverflow 8 reached 2^3)",
	} {
		require.Contains(t, out, want)
	}
	for i := 1; i <= chapters; i++ {
		require.Contains(t, out, fmt.Sprintf("[%d/%d] ", i, chapters))
	}
}

// The chapters' claims hold for other seeds and settings too.
func TestTourChaptersVary(t *testing.T) {
	type variant []string
	variants := []variant{
		{"-keys", "2"}, {"-keys", "8"}, {"-keys", "9"}, {"-keys", "20"}, {"-keys", "60"}, {"-keys", "200"},
		{"-load-factor", "4"}, {"-load-factor", "8"}, {"-load-factor", "1/2", "-keys", "20"},
		{"-hasher", "masked"}, {"-hasher", "constant"},
	}
	for seed := 1; seed <= 20; seed++ {
		variants = append(variants, variant{"-seed", fmt.Sprint(seed)})
	}
	for _, v := range variants {
		t.Run(strings.Join(v, " "), func(t *testing.T) {
			res, out := tourWith(t, v...)
			require.True(t, res.Collision.Found)
			require.True(t, res.Collision.SameBucketTop)
			require.GreaterOrEqual(t, res.Collision.Compared, 2)
			if !(v[0] == "-hasher" && v[1] == "constant") {
				// Chapter 4 introduces overflow buckets: chapter 3 takes none.
				require.Zero(t, res.Collision.NewOverflow, "the colliding key took an overflow bucket")
			}
			require.True(t, res.Collision.LookupFound)
			require.GreaterOrEqual(t, res.Overflow.ChainLen, 2)
			require.True(t, res.Overflow.LookupFound)
			require.True(t, res.Grow.Started)
			require.Equal(t, res.Grow.OldB+1, res.Grow.NewB)
			require.False(t, res.Done.Growing)
			require.True(t, res.Done.AllFound)
			n := len(res.Deletes.After)
			require.NotZero(t, n)
			require.Equal(t, bucket.StateEmptyRest, res.Deletes.After[n-1], "the chain's last entry leaves emptyRest")
			if n > 1 {
				require.Equal(t, bucket.StateEmptyOne, res.Deletes.After[0], "a delete before full slots leaves emptyOne")
			}
			s := res.SameSize
			require.Zero(t, s.Growths)
			if v[0] == "-hasher" && v[1] == "constant" {
				require.False(t, s.Possible)
				require.False(t, s.Happened)
				require.Contains(t, out, "there never will be")
			} else {
				require.True(t, s.Happened)
				require.Equal(t, 1, s.SameSizeGrowths)
				require.Less(t, s.OverflowAfter, s.OverflowBefore)
			}
			requireNarrow(t, out)
		})
	}
}

// keyListing matches the renderer's key listing lines, which may be wide.
var keyListing = regexp.MustCompile(`^ +\[\d+\] `)

// requireNarrow checks that every line but key listings fits 80 columns.
func requireNarrow(t *testing.T, out string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if !keyListing.MatchString(l) {
			require.LessOrEqual(t, len(l), 80, "line too wide: %q", l)
		}
	}
}

func TestTourWidth(t *testing.T) {
	_, out, _ := runTourArgs(t, "-seed", "1")
	requireNarrow(t, out)
	require.NotContains(t, out, "\t")
}

func TestTourColor(t *testing.T) {
	const esc = "\x1b["
	_, out, _ := runTourArgs(t, "-color", "always")
	require.Contains(t, out, esc)
	_, plain, _ := runTourArgs(t)
	require.Equal(t, plain, stripANSI(out), "colour adds escapes, nothing else")
	_, out, _ = runTourArgs(t, "-color", "never")
	require.NotContains(t, out, esc)
	_, out, _ = runTourArgs(t) // a buffer is not a terminal
	require.NotContains(t, out, esc)

	// Pretend the output is a terminal.
	saved := isTerminal
	defer func() { isTerminal = saved }()
	isTerminal = func(io.Writer) bool { return true }
	t.Setenv("NO_COLOR", "")
	_, out, _ = runTourArgs(t)
	require.Contains(t, out, esc, "auto colours a terminal")
	t.Setenv("NO_COLOR", "1")
	_, out, _ = runTourArgs(t)
	require.NotContains(t, out, esc, "NO_COLOR is respected")
	_, out, _ = runTourArgs(t, "-color", "never")
	require.NotContains(t, out, esc)
	_, out, _ = runTourArgs(t, "-color", "always")
	require.Contains(t, out, esc, "an explicit -color always overrides NO_COLOR")

	for _, c := range []struct {
		mode     string
		terminal bool
		noColor  string
		want     bool
	}{
		{"auto", true, "", true},
		{"auto", true, "1", false},
		{"auto", false, "", false},
		{"always", false, "1", true},
		{"never", true, "", false},
	} {
		require.Equal(t, c.want, colorEnabled(c.mode, c.terminal, c.noColor), "%+v", c)
	}
}

func stripANSI(s string) string {
	return regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(s, "")
}

func TestTourFlagErrors(t *testing.T) {
	cases := []struct {
		args []string
		want []string // in the error message
	}{
		{[]string{"-load-factor", "0"}, []string{"-load-factor", "0 < num/den <= 8"}},
		{[]string{"-load-factor", "9"}, []string{"-load-factor", "0 < num/den <= 8"}},
		{[]string{"-load-factor", "17/2"}, []string{"-load-factor", "0 < num/den <= 8"}},
		{[]string{"-load-factor", "1/0"}, []string{"-load-factor", "0 < num/den <= 8"}},
		{[]string{"-load-factor", "-1"}, []string{"-load-factor", "0 < num/den <= 8"}},
		{[]string{"-load-factor", "x/y"}, []string{"-load-factor", "(0, 8]"}},
		{[]string{"-load-factor", "6.5.1"}, []string{"-load-factor", "(0, 8]"}},
		{[]string{"-load-factor", ""}, []string{"-load-factor", "(0, 8]"}},
		{[]string{"-keys", "0"}, []string{"-keys 0", "want 2 to 200"}},
		{[]string{"-keys", "1"}, []string{"-keys 1", "want 2 to 200"}},
		{[]string{"-keys", "201"}, []string{"-keys 201", "want 2 to 200"}},
		{[]string{"-keys", "200", "-load-factor", "1/4"}, []string{"-keys 200", "-load-factor", "64"}},
		{[]string{"-hasher", "nope"}, []string{"-hasher", "xxh3, runtime, masked or constant"}},
		{[]string{"-color", "sometimes"}, []string{"-color", "auto, always or never"}},
		{[]string{"-step", "-1s"}, []string{"-step", "0 or more"}},
		{[]string{"-seed", "x"}, []string{"-seed"}},
		{[]string{"extra"}, []string{"unexpected argument"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, errOut := runTourArgs(t, c.args...)
			require.Equal(t, 2, code)
			require.Empty(t, out)
			require.True(t, strings.HasPrefix(errOut, "hmaplab tour: "), errOut)
			require.Equal(t, 1, strings.Count(errOut, "hmaplab tour: "), "the error is printed once: %s", errOut)
			for _, w := range c.want {
				require.Contains(t, errOut, w)
			}
		})
	}
}

func TestParseLoadFactor(t *testing.T) {
	for s, want := range map[string][2]int{
		"13/2": {13, 2}, "6.5": {13, 2}, "4": {4, 1}, "8": {8, 1}, "0.25": {1, 4},
		".5": {1, 2}, "1/3": {1, 3}, "26/4": {26, 4}, "7.125": {57, 8},
		"6.5e0": {13, 2}, "65e-1": {13, 2}, "1e-1": {1, 10}, "+8": {8, 1}, "0.000125e4": {5, 4},
	} {
		num, den, err := parseLoadFactor(s)
		require.NoError(t, err, s)
		require.Equal(t, want, [2]int{num, den}, s)
	}
	for _, s := range []string{"", ".", "x", "1/", "/2", "6.55555", "1e3", "0", "0.0", "8.5", "-0.5", "1/-2"} {
		_, _, err := parseLoadFactor(s)
		require.Error(t, err, s)
	}
	// Decimals that are out of range say so, rather than "not a decimal",
	// and a huge one does not wrap around into the range.
	for s, want := range map[string]string{
		"1844674407370956.0000": "0 < num/den <= 8",
		"1e-5":                  "0 < num/den <= 8, with 0 < num, den <= 65536",
		"1e30":                  "out of range: want a load factor in (0, 8]",
		"1e-30":                 "out of range: want a load factor in (0, 8]",
		"9223372036854775808":   "out of range: want a load factor in (0, 8]",
	} {
		_, _, err := parseLoadFactor(s)
		require.ErrorContains(t, err, want, s)
		require.NotContains(t, err.Error(), "not a ratio", s)
	}
	// What big.Rat reads beyond decimals is refused.
	for _, s := range []string{"0x1p-2", "Inf", "1e99999", "6.5e", "e5", "1_0", "0b101"} {
		_, _, err := parseLoadFactor(s)
		require.ErrorContains(t, err, "not a ratio num/den", s)
	}
}

func TestTourRuntimeHasher(t *testing.T) {
	// Not reproducible across processes, so no golden; it must still run.
	code, out, errOut := runTourArgs(t, "-hasher", "runtime")
	require.Equal(t, 0, code, errOut)
	prose := strings.Join(strings.Fields(out), " ") // undo the wrapping
	require.True(t, strings.Contains(prose, "this tour is not reproducible"), "the note is missing")
	require.True(t, strings.Contains(out, "The end"), "the tour did not finish")
}

func TestTourHelp(t *testing.T) {
	code, out, _ := runTourArgs(t, "-h")
	require.Equal(t, 0, code)
	for _, f := range []string{"-seed", "-hasher", "-load-factor", "-keys", "-step", "-color"} {
		require.Contains(t, out, f)
	}
	var top bytes.Buffer
	require.Equal(t, 0, run(nil, &top, io.Discard))
	require.Contains(t, top.String(), "tour")
}

// The tour's prose follows what its flags made happen: with the constant
// hasher every slot of the bucket shares the tophash, and the tour must not
// claim the byte makes false positives rare.
func TestTourTextFollowsHasher(t *testing.T) {
	prose := func(args ...string) string {
		code, out, errOut := runTourArgs(t, args...)
		require.Equal(t, 0, code, errOut)
		return strings.Join(strings.Fields(stripANSI(out)), " ")
	}
	good := prose()
	require.Contains(t, good, "the tophash only makes them rare")
	require.NotContains(t, good, "filters nothing")

	constant := prose("-hasher", "constant")
	require.Contains(t, constant, "with the constant hasher the keys share their tophash")
	require.Contains(t, constant, "filters nothing")
	require.NotContains(t, constant, "the tophash only makes them rare")
}

// TestTourLegend: the first drawing's legend explains every notation the
// tour draws: the cells, the links, the header's spare and noverflow, and
// the key listings ("[0] 0:k05=5").
func TestTourLegend(t *testing.T) {
	_, out := tourWith(t)
	first := out[:strings.Index(out, "[2/9]")]
	for _, want := range []string{
		"cells: a3 full", "links: > overflow bucket", "spare: preallocated overflow buckets not yet used",
		"noverflow: overflow buckets counted", "keys:  [j] s:key=elem  bucket j of the chain ([0] the regular one)",
	} {
		require.Contains(t, first, want)
	}
	require.Contains(t, out, "[0] 0:k05=5", "the notation the legend explains is drawn")
}

// TestTourHashIsTheTables: the hash the tour prints, the hasher's 64 bits,
// is the one the table uses: the same bits on a 64-bit platform, their top
// byte and low 24 bits on a 32-bit one, for every -hasher.
func TestTourHashIsTheTables(t *testing.T) {
	for _, th := range tourHashers {
		h := th.new()
		m := table.New[string, int](0, table.WithHasher(h), table.WithSeed(1))
		seed := uint64(m.Stats().Seed)
		for i := range 100 {
			k := keyName(i)
			m.Put(k, i)
			require.Equal(t, rt.TableHash(h.Hash(k, seed)), m.Locate(k).Hash, "-hasher %s, key %s", th.name, k)
		}
	}
}
