package table_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/table"
)

// logStats logs s under "stats" with a handler built by mk, without the
// time.
func logStats(mk func(*bytes.Buffer, *slog.HandlerOptions) slog.Handler, s table.Stats) string {
	var buf bytes.Buffer
	opts := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	slog.New(mk(&buf, opts)).Info("map", "stats", s)
	return buf.String()
}

func textHandler(w *bytes.Buffer, o *slog.HandlerOptions) slog.Handler {
	return slog.NewTextHandler(w, o)
}
func jsonHandler(w *bytes.Buffer, o *slog.HandlerOptions) slog.Handler {
	return slog.NewJSONHandler(w, o)
}

// statsMap returns a map that has grown, deleted and cleared, so that most
// counters are not zero.
func statsMap() *table.Map[int, int] {
	m := table.New[int, int](0, table.WithSeed(5))
	for i := range 100 {
		m.Put(i, i)
	}
	m.Clear()
	for i := range 30 {
		m.Put(i, i)
	}
	m.Delete(3)
	return m
}

// fieldPaths lists the dotted paths of t's leaf fields, nested structs
// expanded, arrays as leaves: every attribute a log line must carry.
func fieldPaths(t reflect.Type, prefix string) []string {
	var out []string
	for f := range fieldsOf(t) {
		if f.Type.Kind() == reflect.Struct {
			out = append(out, fieldPaths(f.Type, prefix+f.Name+".")...)
		} else {
			out = append(out, prefix+f.Name)
		}
	}
	return out
}

func fieldsOf(t reflect.Type) func(func(reflect.StructField) bool) {
	return func(yield func(reflect.StructField) bool) {
		for i := range t.NumField() {
			if !yield(t.Field(i)) {
				return
			}
		}
	}
}

// Every field of Stats, nested ones included, is its own attribute with
// its value.
func TestStatsLogValueText(t *testing.T) {
	s := statsMap().Stats()
	out := logStats(textHandler, s)
	require.True(t, strings.HasPrefix(out, fmt.Sprintf("level=INFO msg=map stats.Count=29 stats.B=%d stats.Seed=%d ", s.B, s.Seed)), out)
	paths := fieldPaths(reflect.TypeFor[table.Stats](), "")
	require.Greater(t, len(paths), 30)
	v := reflect.ValueOf(s)
	for _, p := range paths {
		fv := v.FieldByIndex(indexOf(reflect.TypeFor[table.Stats](), p))
		want := fmt.Sprintf(" stats.%s=%v", p, fv.Interface())
		require.Contains(t, out, want, "field %s", p)
	}
	require.Contains(t, out, " stats.Events.Clears=1 ")
	require.Contains(t, out, fmt.Sprintf(" stats.Events.Reseeds=%d ", s.Events.Reseeds))
	require.Equal(t, len(paths)+2, strings.Count(out, "="), "level, msg and one per field: %s", out)
}

// indexOf resolves a dotted field path to a field index.
func indexOf(t reflect.Type, path string) []int {
	var index []int
	for _, name := range strings.Split(path, ".") {
		f, _ := t.FieldByName(name)
		index = append(index, f.Index...)
		t = f.Type
	}
	return index
}

func TestStatsLogValueJSON(t *testing.T) {
	s := statsMap().Stats()
	out := logStats(jsonHandler, s)
	var rec struct {
		Msg   string
		Stats map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rec), out)
	require.Equal(t, "map", rec.Msg)
	require.Equal(t, float64(s.Count), rec.Stats["Count"])
	require.Equal(t, s.Growing, rec.Stats["Growing"])
	events, ok := rec.Stats["Events"].(map[string]any)
	require.True(t, ok, "Events is a group: %s", out)
	require.Equal(t, float64(s.Events.Growths), events["Growths"])
	require.Equal(t, float64(1), events["Clears"])
	require.Len(t, rec.Stats, reflect.TypeFor[table.Stats]().NumField())
}

// A Stats inside a group, and a Stats logged through slog.Any, resolve the
// same way.
func TestStatsLogValueResolve(t *testing.T) {
	s := table.New[string, int](0).Stats()
	v := slog.AnyValue(s)
	require.Equal(t, slog.KindLogValuer, v.Kind())
	r := v.Resolve()
	require.Equal(t, slog.KindGroup, r.Kind())
	require.Equal(t, "Count", r.Group()[0].Key)
	require.Equal(t, int64(0), r.Group()[0].Value.Int64())
}
