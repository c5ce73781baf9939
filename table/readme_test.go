package table_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/table"
)

// TestReadmeTranslation checks each row of the README's "From the builtin
// map" table: the builtin form and the hmap form, run side by side on the
// same contents, give the same result.
func TestReadmeTranslation(t *testing.T) {
	pairs := func() (map[string]int, *table.Map[string, int]) {
		b := map[string]int{"a": 1, "b": 2, "c": 3}
		m := table.New[string, int](0)
		for k, v := range b {
			m.Put(k, v)
		}
		return b, m
	}
	rows := map[string]func(t *testing.T){
		"var m map[K]V (nil)": func(t *testing.T) {
			var b map[string]int
			var m *table.Map[string, int]
			require.Equal(t, len(b), m.Len())
			require.Equal(t, b["x"], m.At("x"))
			delete(b, "x")
			m.Delete("x")
			require.PanicsWithError(t, "assignment to entry in nil map", func() { b["x"] = 1 })
			require.PanicsWithError(t, "assignment to entry in nil map", func() { m.Put("x", 1) })
		},
		"m := map[K]V{}": func(t *testing.T) {
			b, m := map[string]int{}, table.New[string, int](0)
			require.Equal(t, len(b), m.Len())
		},
		"make(map[K]V, n)": func(t *testing.T) {
			b, m := make(map[string]int, 100), table.New[string, int](100)
			require.Equal(t, len(b), m.Len())
			require.Equal(t, uint8(4), m.Stats().B, "room for 100 without growing")
		},
		"v := m[k]": func(t *testing.T) {
			b, m := pairs()
			require.Equal(t, b["b"], m.At("b"))
			require.Equal(t, b["zz"], m.At("zz"))
		},
		"v, ok := m[k]": func(t *testing.T) {
			b, m := pairs()
			bv, bok := b["c"]
			mv, mok := m.Get("c")
			require.Equal(t, []any{bv, bok}, []any{mv, mok})
			bv, bok = b["zz"]
			mv, mok = m.Get("zz")
			require.Equal(t, []any{bv, bok}, []any{mv, mok})
		},
		"_, ok := m[k]": func(t *testing.T) {
			b, m := pairs()
			_, ok := b["a"]
			require.Equal(t, ok, m.Has("a"))
			_, ok = b["zz"]
			require.Equal(t, ok, m.Has("zz"))
		},
		"m[k] = v": func(t *testing.T) {
			b, m := pairs()
			b["d"], b["a"] = 4, 10
			m.Put("d", 4)
			m.Put("a", 10)
			require.Equal(t, b, maps.Collect(m.All()))
		},
		"m[k] += x, m[k]++": func(t *testing.T) {
			b, m := pairs()
			b["a"] += 5
			b["new"]++
			*m.Ptr("a") += 5
			*m.Ptr("new")++
			require.Equal(t, b, maps.Collect(m.All()))
		},
		"delete(m, k)": func(t *testing.T) {
			b, m := pairs()
			delete(b, "b")
			delete(b, "zz")
			m.Delete("b")
			m.Delete("zz")
			require.Equal(t, b, maps.Collect(m.All()))
		},
		"len(m)": func(t *testing.T) {
			b, m := pairs()
			require.Equal(t, len(b), m.Len())
		},
		"clear(m)": func(t *testing.T) {
			b, m := pairs()
			clear(b)
			m.Clear()
			require.Equal(t, len(b), m.Len())
		},
		"for k, v := range m": func(t *testing.T) {
			b, m := pairs()
			got := map[string]int{}
			for k, v := range m.All() {
				got[k] = v
			}
			require.Equal(t, b, got)
		},
		"for k := range m": func(t *testing.T) {
			b, m := pairs()
			var bk, mk []string
			for k := range b {
				bk = append(bk, k)
			}
			for k := range m.Keys() {
				mk = append(mk, k)
			}
			require.ElementsMatch(t, bk, mk)
		},
		"maps.Values(m)": func(t *testing.T) {
			b, m := pairs()
			require.ElementsMatch(t, slices.Collect(maps.Values(b)), slices.Collect(m.Values()))
		},
		"maps.Clone(m)": func(t *testing.T) {
			b, m := pairs()
			bc, mc := maps.Clone(b), m.Clone()
			b["a"], *m.Ptr("a") = 100, 100 // the clones are independent
			require.Equal(t, bc, maps.Collect(mc.All()))
		},
		"maps.Collect(seq)": func(t *testing.T) {
			b, _ := pairs()
			require.Equal(t, maps.Collect(maps.All(b)), maps.Collect(table.Collect(maps.All(b)).All()))
		},
		"maps.Insert(m, seq)": func(t *testing.T) {
			b, m := pairs()
			more := map[string]int{"a": 9, "z": 26}
			maps.Insert(b, maps.All(more))
			m.Insert(maps.All(more))
			require.Equal(t, b, maps.Collect(m.All()))
		},
		"maps.DeleteFunc(m, del)": func(t *testing.T) {
			b, m := pairs()
			odd := func(_ string, v int) bool { return v%2 == 1 }
			maps.DeleteFunc(b, odd)
			m.DeleteFunc(odd)
			require.Equal(t, b, maps.Collect(m.All()))
		},
		"maps.Equal(a, b)": func(t *testing.T) {
			b, m := pairs()
			b2, m2 := pairs()
			require.Equal(t, maps.Equal(b, b2), table.Equal(m, m2))
			b2["a"], *m2.Ptr("a") = 0, 0
			require.Equal(t, maps.Equal(b, b2), table.Equal(m, m2))
		},
		"maps.EqualFunc(a, b, eq)": func(t *testing.T) {
			b, m := pairs()
			s := map[string]string{"a": "1", "b": "2", "c": "3"}
			ms := table.Collect(maps.All(s))
			eq := func(v int, w string) bool { return fmt.Sprint(v) == w }
			require.Equal(t, maps.EqualFunc(b, s, eq), table.EqualFunc(m, ms, eq))
			require.True(t, table.EqualFunc(m, ms, eq))
		},
		"slices.Sorted(maps.Keys(m))": func(t *testing.T) {
			b, m := pairs()
			require.Equal(t, slices.Sorted(maps.Keys(b)), slices.Sorted(m.Keys()))
		},
		"maps.Collect(m.All())": func(t *testing.T) {
			b, m := pairs()
			require.Equal(t, b, maps.Collect(m.All()))
		},
		"fmt.Println(m)": func(t *testing.T) {
			b, m := pairs()
			require.Equal(t, fmt.Sprintln(b), fmt.Sprintln(m))
			require.Equal(t, fmt.Sprintf("%v %+v %#v", b, b, b), fmt.Sprintf("%v %+v %#v", m, m, m))
		},
		"json.Marshal, json.Unmarshal": func(t *testing.T) {
			b, m := pairs()
			bj, err := json.Marshal(b)
			require.NoError(t, err)
			mj, err := json.Marshal(m)
			require.NoError(t, err)
			require.Equal(t, string(bj), string(mj))
			var back *table.Map[string, int]
			require.NoError(t, json.Unmarshal(mj, &back))
			require.Equal(t, b, maps.Collect(back.All()))
		},
		"slog: m.Stats()": func(t *testing.T) {
			_, m := pairs()
			require.Equal(t, m.Len(), int(m.Stats().LogValue().Group()[0].Value.Int64()), "Count first")
		},
		"m2 := m (shares the map)": func(t *testing.T) {
			b, m := pairs()
			b2, m2 := b, m
			b2["shared"], *m2.Ptr("shared") = 1, 1
			require.Equal(t, b, maps.Collect(m.All()))
		},
	}
	for name, row := range rows {
		t.Run(name, row)
	}
}
