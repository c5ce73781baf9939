package table_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/table"
)

// The same program twice: first against the builtin map, then translated
// line for line to *table.Map by the README's "From the builtin map" table
// (and the maps-package helpers: DeleteFunc, Equal). The two functions
// have the same shape, statement for statement; only the map operations
// differ. TestDropInProgram requires their outputs to be identical.

const dropInText = `The map is a hash table. The table has buckets; the buckets
have slots, and a slot holds a key and an elem. When the table grows, the
old buckets are evacuated, bucket by bucket, into the new table. R&D on the
map: "the <b>map</b> is the table", said R&D. Is the map fast? It is!`

// words splits dropInText into lower-case words, trimming punctuation.
func words() []string {
	var out []string
	for _, w := range strings.Fields(strings.ToLower(dropInText)) {
		if w = strings.Trim(w, `.,;:!?"`); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func builtinProgram(w io.Writer) error {
	counts := map[string]int{}
	for _, word := range words() {
		counts[word]++
	}
	fmt.Fprintln(w, "distinct:", len(counts))
	n, ok := counts["the"]
	_, zebra := counts["zebra"]
	fmt.Fprintln(w, "the:", n, ok, "zebra:", zebra, counts["zebra"])

	byCount := make([]string, 0, len(counts))
	for k := range counts {
		byCount = append(byCount, k)
	}
	slices.SortFunc(byCount, func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b))
	})
	for _, k := range byCount[:6] {
		fmt.Fprintf(w, "%-8s %2d\n", k, counts[k])
	}

	maps.DeleteFunc(counts, func(k string, v int) bool { return v < 2 || len(k) < 2 })
	delete(counts, "and")
	counts["hmap"] = 40
	counts["hmap"] += 2
	fmt.Fprintln(w, counts)
	fmt.Fprintf(w, "%v|%+v|%6x|%q|%#v\n", counts, counts, counts, counts, counts)

	data, err := json.Marshal(counts)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, string(data))
	back := map[string]int{"kept": 7}
	if err := json.Unmarshal(data, &back); err != nil {
		return err
	}
	fmt.Fprintln(w, len(back), back["kept"], maps.Equal(counts, back))
	delete(back, "kept")
	fmt.Fprintln(w, maps.Equal(counts, back), back)

	clone := maps.Clone(back)
	clear(back)
	fmt.Fprintln(w, len(back), len(clone), back, clone)
	return nil
}

func tableProgram(w io.Writer) error {
	counts := table.New[string, int](0)
	for _, word := range words() {
		*counts.Ptr(word)++
	}
	fmt.Fprintln(w, "distinct:", counts.Len())
	n, ok := counts.Get("the")
	zebra := counts.Has("zebra")
	fmt.Fprintln(w, "the:", n, ok, "zebra:", zebra, counts.At("zebra"))

	byCount := make([]string, 0, counts.Len())
	for k := range counts.Keys() {
		byCount = append(byCount, k)
	}
	slices.SortFunc(byCount, func(a, b string) int {
		return cmp.Or(cmp.Compare(counts.At(b), counts.At(a)), strings.Compare(a, b))
	})
	for _, k := range byCount[:6] {
		fmt.Fprintf(w, "%-8s %2d\n", k, counts.At(k))
	}

	counts.DeleteFunc(func(k string, v int) bool { return v < 2 || len(k) < 2 })
	counts.Delete("and")
	counts.Put("hmap", 40)
	*counts.Ptr("hmap") += 2
	fmt.Fprintln(w, counts)
	fmt.Fprintf(w, "%v|%+v|%6x|%q|%#v\n", counts, counts, counts, counts, counts)

	data, err := json.Marshal(counts)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, string(data))
	back := table.New[string, int](0)
	back.Put("kept", 7)
	if err := json.Unmarshal(data, back); err != nil {
		return err
	}
	fmt.Fprintln(w, back.Len(), back.At("kept"), table.Equal(counts, back))
	back.Delete("kept")
	fmt.Fprintln(w, table.Equal(counts, back), back)

	clone := back.Clone()
	back.Clear()
	fmt.Fprintln(w, back.Len(), clone.Len(), back, clone)
	return nil
}

func TestDropInProgram(t *testing.T) {
	var want, got bytes.Buffer
	require.NoError(t, builtinProgram(&want))
	require.NoError(t, tableProgram(&got))
	require.Equal(t, want.String(), got.String())

	// The comparison is only as good as what the program prints: make sure
	// it printed the interesting parts.
	out := got.String()
	require.Contains(t, out, "the      10\n")
	require.Contains(t, out, `"r\u0026d":2`)
	require.Contains(t, out, `map[string]int{"bucket":2`)
	require.Contains(t, out, "true map[")
}
