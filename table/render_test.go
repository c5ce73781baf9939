package table

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/internal/golden"
)

func render[K comparable, V any](m *Map[K, V], o RenderOptions) string {
	var sb strings.Builder
	if err := m.Inspect().Render(&sb, o); err != nil {
		panic(err)
	}
	return sb.String()
}

// Every drawing here is determined by a fixed seed and a reproducible hasher.
func TestRenderGolden(t *testing.T) {
	identity := WithHasher(hash.Identity[uint64]{})

	empty := New[uint64, string](0, identity, WithSeed(1))

	small := New[string, int](0, WithHasher(hash.XXH3[string]{}), WithSeed(1))
	for i := range 40 {
		small.Put(fmt.Sprintf("k%02d", i), i)
	}
	for i := 0; i < 40; i += 3 {
		small.Delete(fmt.Sprintf("k%02d", i))
	}

	// Identity keys 0..104: the 105th insert starts a doubling from 16 to
	// 32 buckets; it evacuates old bucket 8 (104&15) and then bucket 0.
	growing := New[uint64, uint64](0, identity, WithSeed(1))
	for k := range uint64(105) {
		growing.Put(k, k)
	}
	require.True(t, growing.Stats().Growing)

	// Keys 0, 16, 32, ... all land in bucket 0 of a 16-bucket table: a
	// chain taking the array's two preallocated spares (three on 32-bit),
	// then allocating.
	chained := New[uint64, uint64](100, identity, WithSeed(1))
	for k := range uint64(40) {
		chained.Put(k*16, k)
	}

	large := New[uint64, uint64](0, WithHasher(hash.Func[uint64](func(k, seed uint64) uint64 {
		return hash.XXH3[string]{}.Hash(fmt.Sprint(k), seed)
	})), WithSeed(1))
	for k := range uint64(3000) {
		large.Put(k, k)
	}

	// A drawing of an array of 16 buckets or more shows its spare buckets,
	// as a count and as the overflow links into them (>*). How many an
	// array has depends on the size of a bucket, which ends with a
	// pointer-wide link: such drawings have a golden file per width, the
	// 32-bit one named name.32bit.
	cases := []struct {
		name   string
		got    string
		spares bool
	}{
		{"empty", render(empty, RenderOptions{}), false},
		{"small_keys_legend", render(small, RenderOptions{Keys: true, Legend: true}), false},
		{"growing", render(growing, RenderOptions{Keys: true}), true},
		{"chained", render(chained, RenderOptions{Keys: true}), true},
		{"large_summary", render(large, RenderOptions{MaxBuckets: 8}), true},
		{"styled", render(chained, RenderOptions{Style: testStyle, MaxBuckets: 4}), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := c.name
			if c.spares && ptrBits == 32 {
				file += ".32bit"
			}
			golden.Check(t, file, c.got)
			if !strings.Contains(c.name, "keys") && c.name != "growing" && c.name != "chained" {
				for _, line := range strings.Split(c.got, "\n") {
					require.LessOrEqual(t, visibleWidth(line), Width, "line too wide: %q", line)
				}
			}
		})
	}
}

// visibleWidth is the width of s without ANSI escapes.
func visibleWidth(s string) int {
	n, esc := 0, false
	for _, r := range s {
		switch {
		case r == 0x1b:
			esc = true
		case esc && r == 'm':
			esc = false
		case !esc:
			n++
		}
	}
	return n
}

func TestRenderMarksGrowth(t *testing.T) {
	m := New[uint64, uint64](0, WithHasher(hash.Identity[uint64]{}), WithSeed(1))
	for k := range uint64(105) {
		m.Put(k, k)
	}
	var sb strings.Builder
	require.NoError(t, m.Render(&sb, RenderOptions{}))
	out := sb.String()
	require.Contains(t, out, "growing (doubling) from 16 old buckets, nevacuate=1")
	lines := strings.Split(out, "\n")
	// Old buckets 0 and 8 are evacuated: keys 0, 16, 32, ... alternate
	// between X and Y by bit 4; bucket 1 carries the cursor.
	require.Contains(t, out, "   1 ")
	var cursorLine string
	for _, l := range lines {
		if strings.Contains(l, "<- nevacuate") {
			cursorLine = l
		}
	}
	require.True(t, strings.HasPrefix(cursorLine, "   1 "), "cursor on old bucket 1: %q", cursorLine)
	require.Contains(t, out, "   0 X> Y> X> Y> X> Y> X> -.")
	require.Contains(t, out, "   8 X> Y> X> Y> X> Y> -. -.")
}

// testStyle marks each cell with its state in an escape sequence, which
// the width check ignores as it ignores terminal colours.
func testStyle(text string, state bucket.SlotState) string {
	return fmt.Sprintf("\x1b[%dm%s\x1b[0m", state, text)
}
