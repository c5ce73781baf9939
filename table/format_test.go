package table_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/table"
)

// kv is one Put, applied in order to a builtin map and to a *Map.
type kv[K comparable, V any] struct {
	k K
	v V
}

// both builds a builtin map and a *Map from the same sequence of writes.
func both[K comparable, V any](puts []kv[K, V]) (map[K]V, *table.Map[K, V]) {
	mm := map[K]V{}
	m := table.New[K, V](0)
	for _, p := range puts {
		mm[p.k] = p.v
		m.Put(p.k, p.v)
	}
	return mm, m
}

// verbs are the directives compared. Many do not suit every key or value
// type; fmt then writes %!verb(...) inside the map, and that must match
// too.
var verbs = []string{
	"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%X", "%o", "%O", "%b",
	"%c", "%U", "%e", "%E", "%f", "%g", "%G", "%t", "%p", "%z",
	"%5v", "%-5v|", "%05d", "%+d", "% d", "% x", "%#x", "%#q", "%+q",
	"%.2f", "%8.3f", "%-8.1e|", "%.1s", "%10s|", "%-10q|", "%#o", "%x %X",
	"[%v] [%+v]", "%[1]v %[1]d", "%*d", "%.*f",
}

// argsFor adds the width or precision argument that %*d and %.*f take
// before the map.
func argsFor(format string, m any) []any {
	if strings.Contains(format, "*") {
		return []any{3, m}
	}
	return []any{m}
}

// requireSamePrint compares every directive, and Print, Println and String,
// for a builtin map and a *Map holding the same entries.
func requireSamePrint[K comparable, V any](t *testing.T, mm map[K]V, m *table.Map[K, V]) {
	t.Helper()
	for _, f := range verbs {
		if f == "%p" {
			continue // fmt prints the address of each: different objects
		}
		want := fmt.Sprintf(f, argsFor(f, mm)...)
		got := fmt.Sprintf(f, argsFor(f, m)...)
		require.Equal(t, want, got, "format %q", f)
	}
	require.Equal(t, fmt.Sprint(mm), fmt.Sprint(m), "Sprint")
	require.Equal(t, fmt.Sprintln(mm, mm), fmt.Sprintln(m, m), "Sprintln")
	require.Equal(t, fmt.Sprint(mm), m.String(), "String")
}

func TestFormatStringKeys(t *testing.T) {
	mm, m := both([]kv[string, int]{
		{"pear", 3}, {"apple", 10}, {"fig", -7}, {"", 0}, {"é\n\"q\"", 255}, {"apple", 11},
	})
	require.Equal(t, `map[:0 apple:11 fig:-7 pear:3 é
"q":255]`, m.String()) // a fixed expectation, not only a comparison
	require.Equal(t, `map[string]int{"":0, "apple":11, "fig":-7, "pear":3, "é\n\"q\"":255}`, fmt.Sprintf("%#v", m))
	requireSamePrint(t, mm, m)
}

func TestFormatIntKeys(t *testing.T) {
	var puts []kv[int, string]
	for i := -20; i < 200; i += 7 {
		puts = append(puts, kv[int, string]{i, strconv.Itoa(i * i)})
	}
	mm, m := both(puts)
	requireSamePrint(t, mm, m)
}

// Floats: NaN keys (two entries, which both maps keep; equal values, since
// fmt's order among NaNs follows iteration order), ±0 (one entry, whose key
// is the last written: -0), infinities.
func TestFormatFloatKeys(t *testing.T) {
	nan := math.NaN()
	mm, m := both([]kv[float64, float64]{
		{1.5, 2}, {nan, 1}, {0, 3}, {math.Inf(-1), nan}, {nan, 1},
		{math.Copysign(0, -1), 4}, {math.Inf(1), -0.25}, {-1e300, 1e-300},
	})
	require.Len(t, mm, 7)
	require.Equal(t, 7, m.Len())
	require.Equal(t, "map[NaN:1 NaN:1 -Inf:NaN -1e+300:1e-300 -0:4 1.5:2 +Inf:-0.25]", m.String())
	requireSamePrint(t, mm, m)
}

type pair struct {
	A int
	B string
}

func TestFormatStructKeys(t *testing.T) {
	mm, m := both([]kv[pair, []int]{
		{pair{2, "b"}, []int{1, 2}}, {pair{1, "z"}, nil}, {pair{2, "a"}, []int{}}, {pair{}, []int{0}},
	})
	requireSamePrint(t, mm, m)
}

// Pointer keys sort by address, which both maps share; pointer values
// print as addresses inside a map.
func TestFormatPointerKeys(t *testing.T) {
	xs := make([]int, 6)
	var puts []kv[*int, *pair]
	for i := range xs {
		puts = append(puts, kv[*int, *pair]{&xs[len(xs)-1-i], &pair{i, "p"}})
	}
	puts = append(puts, kv[*int, *pair]{nil, nil})
	mm, m := both(puts)
	requireSamePrint(t, mm, m)
}

func TestFormatBoolKeys(t *testing.T) {
	mm, m := both([]kv[bool, rune]{{true, 'x'}, {false, 'é'}})
	require.Equal(t, "map[false:233 true:120]", m.String())
	requireSamePrint(t, mm, m)
}

// color is a key type with a String method, which fmt calls for keys and
// values alike.
type color int

func (c color) String() string { return [...]string{"red", "green", "blue"}[c] }

func TestFormatStringerKeys(t *testing.T) {
	mm, m := both([]kv[color, color]{{2, 0}, {0, 1}, {1, 2}})
	require.Equal(t, "map[red:green green:blue blue:red]", m.String()) // sorted by value, printed by name
	requireSamePrint(t, mm, m)
}

func TestFormatTextKeys(t *testing.T) {
	mm, m := both([]kv[point, string]{{point{3, -1}, "a"}, {point{-2, 5}, "b"}})
	requireSamePrint(t, mm, m)
}

// Interface keys mix types; fmt orders them by type, then by value.
func TestFormatInterfaceKeys(t *testing.T) {
	mm, m := both([]kv[any, any]{
		{1, "one"}, {"a", 2.5}, {2.5, nil}, {true, []byte("x")}, {nil, pair{1, "x"}}, {pair{}, map[int]int{1: 2}},
	})
	requireSamePrint(t, mm, m)
}

func TestFormatEmptyAndNil(t *testing.T) {
	requireSamePrint(t, map[string]int{}, table.New[string, int](0))
	requireSamePrint(t, map[string]int{}, new(table.Map[string, int]))
	var nilMap *table.Map[string, int]
	requireSamePrint(t, map[string]int(nil), nilMap)
	require.Equal(t, "map[]", nilMap.String())
	require.Equal(t, "map[string]int(nil)", fmt.Sprintf("%#v", nilMap))
	require.Equal(t, "map[string]int{}", fmt.Sprintf("%#v", new(table.Map[string, int])))
}

// A map emptied by deletes prints as empty, and one that grew and shrank
// prints only its live entries.
func TestFormatAfterDeletes(t *testing.T) {
	m := table.New[int, int](0)
	mm := map[int]int{}
	for i := range 1000 {
		m.Put(i, i)
		mm[i] = i
	}
	for i := range 1000 {
		if i%3 != 0 {
			m.Delete(i)
			delete(mm, i)
		}
	}
	require.Equal(t, fmt.Sprint(mm), fmt.Sprint(m))
	for i := range 1000 {
		m.Delete(i)
	}
	require.Equal(t, "map[]", fmt.Sprint(m))
}

// Nested: a *Map as a value prints as the builtin map it stands for, in
// every position fmt calls methods (map values, slice elements, exported
// struct fields, interfaces). %#v names the types, so it differs there.
func TestFormatNested(t *testing.T) {
	inner := func(n int) (map[string]int, *table.Map[string, int]) {
		return both([]kv[string, int]{{"x", n}, {"y", -n}})
	}
	mm := map[string]map[string]int{}
	m := table.New[string, *table.Map[string, int]](0)
	var bs []map[string]int
	var ts []*table.Map[string, int]
	for i, k := range []string{"b", "a", "c"} {
		b, tm := inner(i)
		mm[k], bs = b, append(bs, b)
		m.Put(k, tm)
		ts = append(ts, tm)
	}
	type holderB struct {
		Name string
		M    map[string]map[string]int
	}
	type holderT struct {
		Name string
		M    *table.Map[string, *table.Map[string, int]]
	}
	for _, f := range []string{"%v", "%+v", "%d", "%x", "%q", "%6v"} {
		require.Equal(t, fmt.Sprintf(f, mm), fmt.Sprintf(f, m), f)
		require.Equal(t, fmt.Sprintf(f, bs), fmt.Sprintf(f, ts), f)
		require.Equal(t, fmt.Sprintf(f, holderB{"h", mm}), fmt.Sprintf(f, holderT{"h", m}), f)
		require.Equal(t, fmt.Sprintf(f, []any{mm, 1}), fmt.Sprintf(f, []any{m, 1}), f)
	}
}
