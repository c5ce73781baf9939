package table_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

// A *Map prints as the builtin map with the same entries, keys sorted,
// whatever the verb.
func ExampleMap_String() {
	m := table.New[string, int](0)
	m.Put("pears", 2)
	m.Put("apples", 10)
	fmt.Println(m)
	fmt.Println(m.String())
	fmt.Printf("%v %+v %x\n", m, m, m)
	fmt.Printf("%#v\n", m) // the builtin's Go syntax

	var none *table.Map[string, int]
	fmt.Println(none)
	// Output:
	// map[apples:10 pears:2]
	// map[apples:10 pears:2]
	// map[apples:10 pears:2] map[apples:10 pears:2] map[6170706c6573:a 7065617273:2]
	// map[string]int{"apples":10, "pears":2}
	// map[]
}

// Width and precision apply to each key and value, as for a builtin map.
func ExampleMap_Format() {
	m := table.New[float64, float64](0)
	m.Put(1.5, 2.25)
	m.Put(-1, 100)
	fmt.Printf("%6.2f\n", m)
	fmt.Printf("%6.2f\n", map[float64]float64{1.5: 2.25, -1: 100})
	// Output:
	// map[ -1.00:100.00   1.50:  2.25]
	// map[ -1.00:100.00   1.50:  2.25]
}

// encoding/json writes a *Map as it writes the builtin map: an object with
// sorted keys, HTML escaped unless the Encoder is told otherwise.
func ExampleMap_MarshalJSON() {
	m := table.New[int, string](0)
	m.Put(10, "<ten>")
	m.Put(2, "two")
	b, err := json.Marshal(m)
	fmt.Println(string(b), err)

	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]any{"m": m})
	// Output:
	// {"10":"\u003cten\u003e","2":"two"} <nil>
	// {"m":{"10":"<ten>","2":"two"}}
}

// Decoding adds to the entries already there, as for a builtin map, and
// allocates a *Map field that is nil.
func ExampleMap_UnmarshalJSON() {
	m := table.New[string, int](0)
	m.Put("kept", 1)
	err := json.Unmarshal([]byte(`{"b":2,"kept":3,"a":1}`), m)
	fmt.Println(m, err)

	var config struct {
		Limits *table.Map[string, int]
	}
	err = json.Unmarshal([]byte(`{"Limits":{"cpu":4}}`), &config)
	fmt.Println(config.Limits, err)

	err = json.Unmarshal([]byte(`{"x":"not a number"}`), m)
	fmt.Println(err)
	// Output:
	// map[a:1 b:2 kept:3] <nil>
	// map[cpu:4] <nil>
	// json: cannot unmarshal string into Go value of type int
}

// Collect builds a map from any sequence of pairs: here a slice's indexes
// and elements, as maps.Collect(slices.All(s)) would.
func ExampleCollect() {
	m := table.Collect(slices.All([]string{"zero", "one", "two"}))
	fmt.Println(m.Len(), m)

	byLen := table.Collect(func(yield func(int, string) bool) {
		for _, w := range strings.Fields("a bb cc ddd") {
			if !yield(len(w), w) {
				return
			}
		}
	}, table.WithSeed(1))
	fmt.Println(byLen) // later pairs replace earlier ones
	// Output:
	// 3 map[0:zero 1:one 2:two]
	// map[1:a 2:cc 3:ddd]
}

// Insert copies in the pairs of a sequence: from a builtin map, or from
// another *Map.
func ExampleMap_Insert() {
	m := table.New[string, int](0)
	m.Put("a", 1)
	m.Insert(maps.All(map[string]int{"a": 10, "b": 20}))

	other := table.New[string, int](0)
	other.Put("c", 30)
	m.Insert(other.All())
	fmt.Println(m)
	// Output: map[a:10 b:20 c:30]
}

// DeleteFunc removes the entries a predicate selects, as maps.DeleteFunc.
func ExampleMap_DeleteFunc() {
	m := table.Collect(slices.All([]string{"apple", "fig", "kiwi", "banana", "plum"}))
	m.DeleteFunc(func(_ int, fruit string) bool { return len(fruit) <= 4 })
	fmt.Println(m)
	// Output: map[0:apple 3:banana]
}

// Two maps are equal with the same entries, however they were built; a
// nil *Map equals an empty one.
func ExampleEqual() {
	a := table.New[string, int](0)
	b := table.New[string, int](100)
	for i, k := range []string{"x", "y", "z"} {
		a.Put(k, i)
		b.Put(k, i)
	}
	fmt.Println(table.Equal(a, b))
	b.Put("z", 9)
	fmt.Println(table.Equal(a, b))

	var none *table.Map[string, int]
	fmt.Println(table.Equal(none, table.New[string, int](0)))
	// Output:
	// true
	// false
	// true
}

// EqualFunc compares maps whose values differ in type.
func ExampleEqualFunc() {
	ints := table.Collect(maps.All(map[string]int{"a": 1, "b": 2}))
	strs := table.Collect(maps.All(map[string]string{"a": "1", "b": "2"}))
	fmt.Println(table.EqualFunc(ints, strs, func(i int, s string) bool { return fmt.Sprint(i) == s }))
	// Output: true
}

// Stats is a slog.LogValuer: a handler prints each counter as its own
// attribute, nested groups (Events, Probes) with dotted keys. To keep the
// line short, ReplaceAttr drops the time and all but a few counters.
func ExampleStats_LogValue() {
	keep := []string{"Count", "B", "Buckets", "LoadFactor", "Growths", "BucketsEvacuated"}
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) > 0 && !slices.Contains(keep, a.Key) || len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	m := table.New[string, int](0, table.WithSeed(1), table.WithHasher(hash.XXH3[string]{}))
	for i := range 20 {
		m.Put(fmt.Sprint("k", i), i)
	}
	logger.Info("map", "stats", m.Stats())
	// Output:
	// level=INFO msg=map stats.Count=20 stats.B=2 stats.Buckets=4 stats.LoadFactor=5 stats.Events.Growths=2 stats.Events.BucketsEvacuated=3
}

// The iterators plug into the standard library: maps.Collect makes a
// builtin map of the entries, slices.Sorted the keys in order.
func ExampleMap_Keys() {
	m := table.New[string, int](0)
	for i, k := range []string{"c", "a", "b"} {
		m.Put(k, i)
	}
	builtin := maps.Collect(m.All())
	fmt.Println(builtin, len(builtin))
	fmt.Println(slices.Sorted(m.Keys()))
	fmt.Println(slices.Sorted(m.Values()))
	// Output:
	// map[a:1 b:2 c:0] 3
	// [a b c]
	// [0 1 2]
}
