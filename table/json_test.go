package table_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/table"
)

// point is a struct key that JSON can use only through its text form.
type point struct{ X, Y int }

func (p point) MarshalText() ([]byte, error) { return fmt.Appendf(nil, "%d,%d", p.X, p.Y), nil }

func (p *point) UnmarshalText(b []byte) error {
	_, err := fmt.Sscanf(string(b), "%d,%d", &p.X, &p.Y)
	return err
}

// shout is a string-kind key with text methods. encoding/json encodes a
// string-kind key as the string itself, ignoring MarshalText, but decodes
// keys through UnmarshalText when there is one: a round trip is not the
// identity, and a *Map must reproduce that asymmetry.
type shout string

func (s shout) MarshalText() ([]byte, error) { return []byte("ignored"), nil }

func (s *shout) UnmarshalText(b []byte) error {
	*s = shout(strings.ToUpper(string(b)))
	return nil
}

// encodings returns v encoded every way encoding/json offers, each as a
// line: Marshal, MarshalIndent, Encoders with and without HTML escaping and
// with indentation, and inside a struct and a slice.
func encodings(t *testing.T, v any) string {
	t.Helper()
	var out bytes.Buffer
	add := func(b []byte, err error) {
		require.NoError(t, err)
		out.Write(b)
		out.WriteByte('\n')
	}
	add(json.Marshal(v))
	add(json.MarshalIndent(v, ">", "\t"))
	add(json.Marshal(struct {
		A int
		M any `json:"m"`
		S []any
	}{1, v, []any{v, v}}))
	for _, escape := range []bool{true, false} {
		for _, indent := range []string{"", "  "} {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(escape)
			enc.SetIndent("", indent)
			require.NoError(t, enc.Encode(v))
			out.Write(buf.Bytes())
		}
	}
	return out.String()
}

// requireSameJSON requires a builtin map and a *Map to encode identically.
func requireSameJSON[K comparable, V any](t *testing.T, mm map[K]V, m *table.Map[K, V]) {
	t.Helper()
	require.Equal(t, encodings(t, mm), encodings(t, m))
}

func TestMarshalJSONStringKeys(t *testing.T) {
	mm, m := both([]kv[string, any]{
		{"b", 1}, {"a", "x"}, {"", nil}, {"é", []int{1, 2}}, {"<tag>&", "</script>"},
		{"line\u2028sep", "para\u2029sep"}, {"bad\xffutf8", "\x00\x1f"}, {"n", 1.5e300},
		{"nested", map[string]bool{"z": true, "y": false}},
	})
	requireSameJSON(t, mm, m)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(b, []byte(`{"":null,"\u003ctag\u003e\u0026":"\u003c/script\u003e","a":"x","b":1,`)), "%s", b)
}

func TestMarshalJSONIntKeys(t *testing.T) {
	var puts []kv[int64, uint8]
	for i := int64(-5); i <= 5; i++ {
		puts = append(puts, kv[int64, uint8]{i * 1e17, uint8(i + 100)})
	}
	mm, m := both(puts)
	requireSameJSON(t, mm, m)

	mu, tu := both([]kv[uint16, []byte]{{65535, []byte("hi")}, {0, nil}, {10, []byte{}}, {9, []byte{0xff}}})
	requireSameJSON(t, mu, tu)
	b, err := json.Marshal(tu)
	require.NoError(t, err)
	require.Equal(t, `{"0":null,"10":"","65535":"aGk=","9":"/w=="}`, string(b)) // keys sorted as strings
}

func TestMarshalJSONTextKeys(t *testing.T) {
	mm, m := both([]kv[point, pair]{{point{1, 2}, pair{1, "a"}}, {point{-1, 0}, pair{}}, {point{10, 2}, pair{3, "<"}}})
	requireSameJSON(t, mm, m)
	ms, ts := both([]kv[shout, int]{{"b", 2}, {"a", 1}})
	requireSameJSON(t, ms, ts)
}

// Nested maps, either way round.
func TestMarshalJSONNested(t *testing.T) {
	mm := map[string]map[int]string{}
	m := table.New[string, *table.Map[int, string]](0)
	for i, k := range []string{"y", "x", "&"} {
		b, tm := both([]kv[int, string]{{i, k}, {-i, k + k}})
		mm[k] = b
		m.Put(k, tm)
	}
	require.Equal(t, encodings(t, mm), encodings(t, m))

	var nilMap *table.Map[int, string]
	mm["nil"] = nil
	m.Put("nil", nilMap)
	require.Equal(t, encodings(t, mm), encodings(t, m))
}

func TestMarshalJSONEmptyAndNil(t *testing.T) {
	requireSameJSON(t, map[string]int{}, table.New[string, int](0))
	requireSameJSON(t, map[string]int{}, new(table.Map[string, int]))
	var nilMap *table.Map[string, int]
	requireSameJSON(t, map[string]int(nil), nilMap)
	b, err := nilMap.MarshalJSON()
	require.NoError(t, err)
	require.Equal(t, "null", string(b))
	b, err = json.Marshal(table.New[string, int](0))
	require.NoError(t, err)
	require.Equal(t, "{}", string(b))
}

// MarshalJSON itself leaves HTML alone; the caller's encoder escapes it or
// not, once.
func TestMarshalJSONHTMLEscaping(t *testing.T) {
	mm, m := both([]kv[string, string]{{"<a>", "b&c"}})
	direct, err := m.MarshalJSON()
	require.NoError(t, err)
	require.Equal(t, `{"<a>":"b&c"}`, string(direct))

	escaped, err := json.Marshal(m)
	require.NoError(t, err)
	require.Equal(t, `{"\u003ca\u003e":"b\u0026c"}`, string(escaped))

	for _, escape := range []bool{true, false} {
		var want, got bytes.Buffer
		for _, p := range []struct {
			buf *bytes.Buffer
			v   any
		}{{&want, mm}, {&got, m}} {
			enc := json.NewEncoder(p.buf)
			enc.SetEscapeHTML(escape)
			require.NoError(t, enc.Encode(p.v))
		}
		require.Equal(t, want.String(), got.String(), "escape %v", escape)
		require.Equal(t, !escape, strings.Contains(got.String(), "<a>"), "escape %v: %s", escape, got.String())
	}
}

// Keys encoding/json cannot encode give the builtin's error, wrapped.
func TestMarshalJSONUnsupported(t *testing.T) {
	check := func(builtin, m any) {
		t.Helper()
		_, want := json.Marshal(builtin)
		require.Error(t, want)
		_, got := json.Marshal(m)
		require.Error(t, got)
		var me *json.MarshalerError
		require.ErrorAs(t, got, &me)
		require.Equal(t, want.Error(), me.Unwrap().Error())
		require.Equal(t, fmt.Sprintf("json: error calling MarshalJSON for type %T: %v", m, want), got.Error())
		require.IsType(t, want, me.Unwrap())
	}
	mf, tf := both([]kv[float64, int]{{1, 1}})
	check(mf, tf)
	ms, ts := both([]kv[pair, int]{{pair{}, 1}})
	check(ms, ts)
	mb, tb := both([]kv[bool, int]{})
	check(mb, tb) // even empty: the key type is the problem
	var ute *json.UnsupportedTypeError
	_, err := json.Marshal(tf)
	require.ErrorAs(t, err, &ute)
	require.Equal(t, "map[float64]int", ute.Type.String())

	mv, tv := both([]kv[string, float64]{{"a", math.NaN()}})
	check(mv, tv) // unsupported value
	var uve *json.UnsupportedValueError
	_, err = json.Marshal(tv)
	require.ErrorAs(t, err, &uve)
}

func TestJSONRoundTrip(t *testing.T) {
	_, src := both([]kv[point, []string]{{point{1, 2}, []string{"a"}}, {point{-3, 4}, nil}, {point{0, 0}, []string{}}})
	b, err := json.Marshal(src)
	require.NoError(t, err)
	dst := table.New[point, []string](0)
	require.NoError(t, json.Unmarshal(b, dst))
	require.True(t, table.EqualFunc(src, dst, func(x, y []string) bool { return fmt.Sprintf("%#v", x) == fmt.Sprintf("%#v", y) }),
		"%v != %v", src, dst)

	// A string-kind key with UnmarshalText: decoding goes through it.
	_, ts := both([]kv[shout, int]{{"b", 2}, {"a", 1}})
	b, err = json.Marshal(ts)
	require.NoError(t, err)
	require.Equal(t, `{"a":1,"b":2}`, string(b))
	var back table.Map[shout, int]
	require.NoError(t, json.Unmarshal(b, &back))
	var want map[shout]int
	require.NoError(t, json.Unmarshal(b, &want))
	require.Equal(t, map[shout]int{"A": 1, "B": 2}, want)
	require.Equal(t, fmt.Sprint(want), fmt.Sprint(&back))
}

// unmarshalBoth decodes data into a copy of init as a builtin map and as a
// *Map and requires the same entries and the same error.
func unmarshalBoth[K comparable, V any](t *testing.T, init map[K]V, data string) (*table.Map[K, V], error) {
	t.Helper()
	mm := map[K]V{}
	m := table.New[K, V](0)
	for k, v := range init {
		mm[k] = v
		m.Put(k, v)
	}
	want := json.Unmarshal([]byte(data), &mm)
	got := json.Unmarshal([]byte(data), m)
	if want == nil {
		require.NoError(t, got, data)
	} else {
		require.Error(t, got, data)
		require.Equal(t, want.Error(), got.Error(), data)
		require.IsType(t, want, got, data)
	}
	require.Equal(t, mm, maps.Collect(m.All()), data) // deep: pointer values compared by what they point to
	return m, got
}

func TestUnmarshalJSONIntoExisting(t *testing.T) {
	m, err := unmarshalBoth(t, map[string]int{"keep": 1, "over": 2}, `{"over":20,"new":30,"new":31}`)
	require.NoError(t, err)
	require.Equal(t, "map[keep:1 new:31 over:20]", m.String())

	// A value replaces the old one whole: it is decoded into a zero value.
	ms, err := unmarshalBoth(t, map[string]pair{"a": {1, "x"}, "b": {2, "y"}}, `{"a":{"B":"z"}}`)
	require.NoError(t, err)
	require.Equal(t, pair{0, "z"}, ms.At("a"))

	unmarshalBoth(t, map[int]*pair{7: {7, "seven"}}, `{"7":{"A":8},"-1":null}`)
	unmarshalBoth(t, map[point]bool{{1, 1}: true}, `{"1,1":false,"2,3":true}`)
	unmarshalBoth(t, map[uint8]string{}, `{"0":"a","255":"b"}`)
	unmarshalBoth(t, map[string]any{}, `{"a":[1,{"b":null}],"c":1e3,"d":"\u003c"}`)
}

func TestUnmarshalJSONIntoZeroAndNil(t *testing.T) {
	data := []byte(`{"b":2,"a":1}`)

	var zero table.Map[string, int]
	require.NoError(t, json.Unmarshal(data, &zero))
	require.Equal(t, "map[a:1 b:2]", zero.String())

	var p *table.Map[string, int] // json allocates the Map, as it does a builtin map
	require.NoError(t, json.Unmarshal(data, &p))
	require.NotNil(t, p)
	require.Equal(t, "map[a:1 b:2]", p.String())

	type holder struct {
		M *table.Map[string, int]
		N int
	}
	var h holder
	require.NoError(t, json.Unmarshal([]byte(`{"M":{"x":9},"N":3}`), &h))
	require.Equal(t, "map[x:9]", h.M.String())
	require.Equal(t, 3, h.N)

	m := table.New[string, int](0, table.WithSeed(3))
	m.Put("x", 9)
	h.M = m
	require.NoError(t, json.Unmarshal([]byte(`{"M":{"y":8}}`), &h))
	require.Same(t, m, h.M, "an existing *Map is reused")
	require.Equal(t, "map[x:9 y:8]", h.M.String())
}

// null leaves a Map unchanged (an Unmarshaler cannot make its receiver
// nil), while a *Map field is set to nil by encoding/json, as a map field.
func TestUnmarshalJSONNull(t *testing.T) {
	m := table.New[string, int](0)
	m.Put("a", 1)
	require.NoError(t, json.Unmarshal([]byte("null"), m))
	require.NoError(t, m.UnmarshalJSON([]byte(" null\n")))
	require.Equal(t, "map[a:1]", m.String())

	type holderB struct{ M map[string]int }
	type holderT struct{ M *table.Map[string, int] }
	hb := holderB{map[string]int{"a": 1}}
	ht := holderT{m}
	require.NoError(t, json.Unmarshal([]byte(`{"M":null}`), &hb))
	require.NoError(t, json.Unmarshal([]byte(`{"M":null}`), &ht))
	require.Nil(t, hb.M)
	require.Nil(t, ht.M)
	require.Equal(t, "map[a:1]", m.String(), "the Map itself is untouched")
	p := m
	require.NoError(t, json.Unmarshal([]byte("null"), &p))
	require.Nil(t, p, "a *Map variable is set to nil")

	var nilMap *table.Map[string, int]
	require.NoError(t, nilMap.UnmarshalJSON([]byte("null")))
	require.Error(t, nilMap.UnmarshalJSON([]byte("{}")))
}

// On a type error the builtin map keeps what decoded (the misfit value as
// its zero value) and returns the error: so does a *Map, with the same
// message.
func TestUnmarshalJSONTypeErrors(t *testing.T) {
	m, err := unmarshalBoth(t, map[string]int{"old": 1}, `{"a":1,"b":"x","c":3,"d":1.5,"e":{}}`)
	var ute *json.UnmarshalTypeError
	require.ErrorAs(t, err, &ute)
	require.Contains(t, err.Error(), "cannot unmarshal string into Go value of type int")
	require.True(t, m.Has("c") && m.Has("old"))

	unmarshalBoth(t, map[int]string{}, `{"1":"a","x":"b","3":"c"}`) // bad key
	unmarshalBoth(t, map[uint8]bool{}, `{"256":true,"2":false}`)    // key overflow
	unmarshalBoth(t, map[int8]int{}, `{"-129":1}`)                  // key overflow
	unmarshalBoth(t, map[point]int{}, `{"1,2":1,"nope":2,"3,4":3}`) // UnmarshalText fails
	unmarshalBoth(t, map[string]int{}, `[1,2]`)                     // not an object
	unmarshalBoth(t, map[string]int{}, `"str"`)
	unmarshalBoth(t, map[string]int{}, `17`)
	unmarshalBoth(t, map[float64]int{}, `{"1":1}`)              // key type json cannot decode
	unmarshalBoth(t, map[string]uint{"k": 5}, `{"k":-1,"j":2}`) // value out of range
}

func TestUnmarshalJSONSyntaxError(t *testing.T) {
	for _, data := range []string{`{"a":1,`, `{"a" 1}`, `{"a":1}x`, ``} {
		_, err := unmarshalBoth(t, map[string]int{"k": 1}, data)
		require.Error(t, err)
		m := table.New[string, int](0)
		require.Error(t, m.UnmarshalJSON([]byte(data)), "direct call: %q", data)
		require.Equal(t, 0, m.Len(), "nothing stored from %q", data)
	}
}

// A *Map field decodes, and reports errors, as a map field does, with the
// struct and field named in the message.
func TestUnmarshalJSONInStruct(t *testing.T) {
	type holderB struct {
		M map[string]int `json:"m"`
	}
	type holderT struct {
		M *table.Map[string, int] `json:"m"`
	}
	for _, data := range []string{`{"m":{"a":1}}`, `{"m":{"a":"x"}}`, `{"m":[]}`, `{"m":{"a":1,"b":true}}`} {
		var hb holderB
		var ht holderT
		want := json.Unmarshal([]byte(data), &hb)
		got := json.Unmarshal([]byte(data), &ht)
		if want == nil {
			require.NoError(t, got)
		} else {
			require.IsType(t, want, got, data)
			require.Equal(t, strings.ReplaceAll(want.Error(), "holderB", "holderT"), got.Error(), data)
		}
		require.Equal(t, fmt.Sprint(hb.M), fmt.Sprint(ht.M), data)
	}
}

// The difference that cannot be removed: the builtin map records a type
// error and the decoder goes on with the rest of the document; an error
// from UnmarshalJSON ends the decode, so later fields keep their values.
// (If encoding/json ever lets an Unmarshaler report a soft error, this
// fails, and the documentation in json.go should change.)
func TestUnmarshalJSONTypeErrorEndsDecode(t *testing.T) {
	data := []byte(`{"M":{"a":1,"b":"x"},"N":5}`)
	var hb struct {
		M map[string]int
		N int
	}
	var ht struct {
		M *table.Map[string, int]
		N int
	}
	require.Error(t, json.Unmarshal(data, &hb))
	require.Error(t, json.Unmarshal(data, &ht))
	require.Equal(t, fmt.Sprint(hb.M), fmt.Sprint(ht.M), "the map's own entries agree")
	require.Equal(t, 5, hb.N)
	require.Equal(t, 0, ht.N, "decoding stopped at the *Map's error")
}

// The decoder's settings do not reach an Unmarshaler: with UseNumber, a
// builtin map[string]any gets json.Number values, a *Map float64 ones.
func TestUnmarshalJSONDecoderSettings(t *testing.T) {
	dec := func(v any) {
		d := json.NewDecoder(strings.NewReader(`{"n":12}`))
		d.UseNumber()
		require.NoError(t, d.Decode(v))
	}
	mm := map[string]any{}
	m := table.New[string, any](0)
	dec(&mm)
	dec(m)
	require.Equal(t, json.Number("12"), mm["n"])
	require.Equal(t, float64(12), m.At("n"))
}
