package explore

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

func settings(key, hasher string, pace int) Settings {
	s := DefaultSettings()
	s.Key, s.Hasher, s.Pace = key, hasher, pace
	return s
}

func mustReplay(t *testing.T, s Settings, ops []Op) State {
	t.Helper()
	st, err := Replay(s, ops)
	if err != nil {
		t.Fatalf("Replay(%+v, %v): %v", s, ops, err)
	}
	return st
}

func ins(k string) Op  { return Op{Kind: OpInsert, Key: k, Value: k} }
func del(k string) Op  { return Op{Kind: OpDelete, Key: k} }
func look(k string) Op { return Op{Kind: OpLookup, Key: k} }
func batch(n int) Op   { return Op{Kind: OpBatch, N: n} }

// A session replays to the same state every time, for every
// reproducible hasher, and the runtime's within one process.
func TestReplayDeterministic(t *testing.T) {
	ops := []Op{batch(40), ins("77"), del("3"), look("5"), batch(20), del("10"), ins("1000")}
	for _, h := range Hashers() {
		for _, key := range h.Keys {
			s := settings(key, h.Name, 1)
			o := ops
			if key == "string" {
				o = []Op{batch(40), ins("x"), del("k3"), look("k5"), batch(20), del("k10"), ins("y")}
			}
			a, _ := json.Marshal(mustReplay(t, s, o))
			b, _ := json.Marshal(mustReplay(t, s, o))
			if string(a) != string(b) {
				t.Errorf("%s/%s: two replays differ", key, h.Name)
			}
		}
	}
}

// The state drawn is the table's own: every slot of both arrays equals
// what Inspect reports of a map built here with the same options.
func TestStateEqualsInspect(t *testing.T) {
	// Stop in the middle of a growth, so the old array is there too.
	ops := []Op{batch(52), ins("52"), ins("53"), del("20"), del("52")}
	st := mustReplay(t, settings("int", "identity", 1), ops)
	m := table.New[int64, string](0, table.WithHasher(hash.Identity[int64]{}), table.WithSeed(1),
		table.WithLoadFactor(13, 2), table.WithEvacuationPace(1))
	for k := int64(0); k < 54; k++ {
		m.Put(k, strconv.FormatInt(k, 10))
	}
	m.Delete(20)
	m.Delete(52)
	v := m.Inspect()
	if !v.Growing || len(st.OldBuckets) == 0 {
		t.Fatalf("want a growth in progress: growing %v, %d old chains drawn", v.Growing, len(st.OldBuckets))
	}
	cells := 0
	for _, arr := range []struct {
		name string
		got  []ChainView
		want []table.Chain[int64, string]
	}{{"new", st.Buckets, v.Buckets}, {"old", st.OldBuckets, v.OldBuckets}} {
		if len(arr.got) != len(arr.want) {
			t.Fatalf("%s: %d chains, want %d", arr.name, len(arr.got), len(arr.want))
		}
		for i, c := range arr.want {
			if len(arr.got[i].Buckets) != len(c) {
				t.Fatalf("%s %d: chain of %d, want %d", arr.name, i, len(arr.got[i].Buckets), len(c))
			}
			for j := range c {
				for s := range c[j].Tophash {
					g := arr.got[i].Buckets[j].Slots[s]
					w := SlotView{Tophash: c[j].Tophash[s], State: c[j].State(s).String()}
					if c[j].Full() > 0 && c[j].State(s).String() == "full" {
						w.Key, w.Elem = strconv.FormatInt(c[j].Keys[s], 10), c[j].Elems[s]
					}
					if g != w {
						t.Errorf("%s %d/%d/%d: %+v, want %+v", arr.name, i, j, s, g, w)
					}
					cells++
				}
			}
		}
	}
	if st.Nevacuate != v.Nevacuate || st.Header.Count != v.Count || st.Header.B != v.B {
		t.Errorf("header: nevacuate %d count %d B %d, want %d %d %d", st.Nevacuate, st.Header.Count, st.Header.B, v.Nevacuate, v.Count, v.B)
	}
	t.Logf("compared %d slots", cells)
}

func TestExplanations(t *testing.T) {
	s := settings("int", "identity", 1)
	st := mustReplay(t, s, []Op{batch(52), ins("52")})
	text := strings.Join(st.Explanation, "\n")
	// Under the identity hasher 52's hash is 52, a pointer-wide number
	// whose top byte, 0, is reserved: the slot stores 5.
	hash52 := fmt.Sprintf("Its hash is 0x%0*x;", 2*unsafe.Sizeof(uintptr(0)), 52)
	for _, want := range []string{"B goes 3 → 4", "old bucket", "A doubling is in progress", hash52, "its top byte, 0x00, is one of the reserved values below 5, so the slot stores it plus 5: tophash 0x05."} {
		if !strings.Contains(text, want) {
			t.Errorf("growth explanation lacks %q:\n%s", want, text)
		}
	}
	kinds := []string{}
	for _, e := range st.Events {
		kinds = append(kinds, e.Kind)
	}
	if len(kinds) == 0 || kinds[0] != "GrowStart" {
		t.Errorf("events %v: want GrowStart first", kinds)
	}
	if len(st.Changed) == 0 {
		t.Error("a growth changed no slot")
	}

	st = mustReplay(t, s, []Op{batch(30), look("20")})
	if st.Lookup == nil || !st.Lookup.Found || st.Lookup.FalsePositives == 0 {
		t.Fatalf("lookup of 20 under identity: %+v, want found after a tophash collision", st.Lookup)
	}
	if got := st.Lookup.Probes[0].Outcome; got != "differs" {
		t.Errorf("first probe %q, want differs", got)
	}

	st = mustReplay(t, s, []Op{batch(30), del("29")})
	if !strings.Contains(st.Explanation[0], "emptyRest") {
		t.Errorf("delete of a chain's last key: %q, want emptyRest explained", st.Explanation[0])
	}
	st = mustReplay(t, s, []Op{batch(3), del("0"), del("1"), del("2")})
	found := false
	for _, e := range st.Events {
		found = found || e.Kind == "Reseed"
	}
	if !found {
		t.Errorf("emptying the map: events %+v, want Reseed", st.Events)
	}
	st = mustReplay(t, settings("string", "constant", 1), []Op{batch(9)})
	if !strings.Contains(strings.Join(st.Explanation, " "), "grew to 2 buckets") {
		t.Errorf("constant hasher, 9 keys: %q, want an overflow bucket explained", st.Explanation)
	}
}

func TestValidation(t *testing.T) {
	for _, c := range []struct {
		s    Settings
		ops  []Op
		want string
	}{
		{Settings{Key: "float", Hasher: "xxh3", LoadNum: 13, LoadDen: 2}, nil, `key type "float": want int or string`},
		{settings("int", "sha256", 1), nil, `hasher "sha256": want one of`},
		{settings("string", "identity", 1), nil, "hashes int keys only"},
		{func() Settings { s := DefaultSettings(); s.Seed = 1 << 60; return s }(), nil, "seed 1152921504606846976: out of range: want 0 to 9007199254740991"},
		{func() Settings { s := DefaultSettings(); s.LoadNum = 9; s.LoadDen = 1; return s }(), nil, "load factor 9/1: out of range"},
		{func() Settings { s := DefaultSettings(); s.LoadDen = 0; return s }(), nil, "load factor 13/0"},
		{settings("int", "xxh3", -1), nil, "pace -1: out of range: want 0 (all at once) to 1024"},
		{func() Settings { s := settings("int", "masked", 1); s.Mask = "xyz"; return s }(), nil, `mask "xyz": want 1 to 16 hex digits`},
		{DefaultSettings(), []Op{ins("1"), ins("x")}, `op 2 (insert): key "x": want a decimal integer`},
		{DefaultSettings(), []Op{batch(0)}, "op 1 (batch): batch size 0: want 1 to 1024"},
		{DefaultSettings(), []Op{{Kind: "clear"}}, `op 1 (clear): kind "clear"`},
		{DefaultSettings(), []Op{batch(1024), batch(1024), batch(1024), batch(1024), ins("-1")}, "more than 4096 keys"},
		{settings("string", "xxh3", 1), []Op{ins(strings.Repeat("k", 65))}, "key of 65 bytes: want at most 64"},
		{DefaultSettings(), make([]Op, MaxOps+1), "ops: 2001 of them: want at most 2000"},
	} {
		_, err := Replay(c.s, c.ops)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Replay(%+v, %d ops): %v, want an error with %q", c.s, len(c.ops), err, c.want)
		}
	}
}

var awkward = []string{"", "0", "-5", ".", "_", "~", "~zz", "a.b_c~d", "ключ", "\x00\xff", "i1.d2", "%20", "#", "&o=", "a b"}

func TestOpsRoundTrip(t *testing.T) {
	var ops []Op
	for _, k := range awkward {
		ops = append(ops, ins(k), Op{Kind: OpInsert, Key: k, Value: "v" + k}, Op{Kind: OpInsert, Key: k, Value: ""}, del(k), look(k))
	}
	ops = append(ops, batch(1), batch(1024))
	checkRoundTrip(t, ops)

	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		ops := make([]Op, r.IntN(6))
		for j := range ops {
			b := make([]byte, r.IntN(6))
			for k := range b {
				b[k] = byte(r.IntN(256))
			}
			switch r.IntN(4) {
			case 0:
				ops[j] = Op{Kind: OpInsert, Key: string(b), Value: string(b[:r.IntN(len(b)+1)])}
			case 1:
				ops[j] = del(string(b))
			case 2:
				ops[j] = look(string(b))
			default:
				ops[j] = batch(1 + r.IntN(MaxBatch))
			}
		}
		checkRoundTrip(t, ops)
	}
}

func checkRoundTrip(t *testing.T, ops []Op) {
	t.Helper()
	enc := EncodeOps(ops)
	for _, c := range []byte(enc) {
		if !plain(c) && c != '.' && c != '_' && c != '~' {
			t.Fatalf("EncodeOps(%q) = %q: byte %q is not URL-safe", ops, enc, c)
		}
	}
	got, err := DecodeOps(enc)
	if err != nil {
		t.Fatalf("DecodeOps(%q): %v", enc, err)
	}
	if len(ops) == 0 {
		ops = nil
	}
	if !reflect.DeepEqual(got, ops) {
		t.Fatalf("round trip of %q: %q, want %q", enc, got, ops)
	}
}

func TestDecodeOpsErrors(t *testing.T) {
	for text, want := range map[string]string{
		"i1..i2": "op 2 (\"\"): empty",
		"x5":     `unknown op letter 'x'`,
		"bten":   `batch size "ten"`,
		"b07":    `batch size "07"`,
		"i1~2":   "escape at byte 1",
		"i~zz":   "escape at byte 0",
		"ia%20":  "byte '%' at 1",
	} {
		if _, err := DecodeOps(text); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("DecodeOps(%q): %v, want an error with %q", text, err, want)
		}
	}
}

func TestSessionRoundTrip(t *testing.T) {
	for _, s := range []Settings{DefaultSettings(), settings("string", "masked", 0), settings("int", "runtime", 1024),
		func() Settings {
			s := settings("int", "masked", 3)
			s.Mask = "0xFF00_0000_0000_0001"
			s.Seed = MaxSeed
			return s
		}()} {
		ops := []Op{batch(3), ins("1"), look("2")}
		gotS, gotOps, err := ParseSession("#" + Session(s, ops))
		if err != nil {
			t.Fatalf("ParseSession(Session(%+v)): %v", s, err)
		}
		if gotS != s.normal() || !reflect.DeepEqual(gotOps, ops) {
			t.Errorf("session round trip: %+v %v, want %+v %v", gotS, gotOps, s.normal(), ops)
		}
	}
	if s, ops, err := ParseSession(""); err != nil || s != DefaultSettings() || ops != nil {
		t.Errorf("empty session: %+v %v %v", s, ops, err)
	}
	for text, want := range map[string]string{
		"s=int.xxh3.1.13-2":                       "want key.hasher.seed.num-den.pace[.mask]",
		"s=int.xxh3.1.13-2.1.ff":                  "a mask is for the masked hasher only",
		"s=int.xxh3.x.13-2.1":                     `seed "x"`,
		"s=int.xxh3.1.13.1":                       `load factor "13"`,
		"s=int.identity.1.13-2.1&x=1":             `unknown part "x"`,
		"s=string.identity.1.13-2.1":              "hashes int keys only",
		"s=int.xxh3.1.13-2.1&o=q":                 "unknown op letter",
		"s=int.masked.1.13-2.1.123456789abcdef01": "want 1 to 16 hex digits",
	} {
		if _, _, err := ParseSession(text); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSession(%q): %v, want an error with %q", text, err, want)
		}
	}
}

// FuzzDecodeOps: whatever DecodeOps accepts, it reads back the same from
// its own encoding.
func FuzzDecodeOps(f *testing.F) {
	for _, k := range awkward {
		f.Add(EncodeOps([]Op{ins(k), del(k)}))
	}
	f.Add("b30.i1_x.l~2e.d-")
	f.Fuzz(func(t *testing.T, text string) {
		ops, err := DecodeOps(text)
		if err != nil {
			return
		}
		again, err := DecodeOps(EncodeOps(ops))
		if err != nil || !reflect.DeepEqual(again, ops) {
			t.Fatalf("%q: decoded %v, re-encoded %q, decoded %v (%v)", text, ops, EncodeOps(ops), again, err)
		}
	})
}

func ExampleEncodeOps() {
	fmt.Println(EncodeOps([]Op{batch(30), ins("7"), {Kind: OpInsert, Key: "a.b", Value: "x y"}, del("7"), look("-1")}))
	// Output: b30.i7.ia~2eb_x~20y.d7.l-1
}
