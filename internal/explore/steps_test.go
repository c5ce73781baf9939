package explore

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

func kinds(steps []Step) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = s.Kind
	}
	return out
}

// identityTable is the engine's map for settings(int, identity, 1),
// made here with the table's own options.
func identityTable() *table.Map[int64, string] {
	return table.New[int64, string](0, table.WithHasher(hash.Identity[int64]{}), table.WithSeed(1),
		table.WithLoadFactor(13, 2), table.WithEvacuationPace(1))
}

// The insert that starts a growth to B = 4 (identity hash, 52 keys in 8
// buckets): its parts are the walk in the old layout, the growth, the
// evacuation of old bucket 4 (the key's), then of old bucket 0 (paced, at
// the mark), the walk of new bucket 4 and the slot it took, slot 3.
func TestStepsInsertStartingGrowth(t *testing.T) {
	ops, _ := DecodeOps("b52.i100")
	st := mustReplay(t, settings("int", "identity", 1), ops)
	want := []string{"probe", "grow", "evacuate", "evacuate", "probe", "place"}
	if got := kinds(st.Steps); !reflect.DeepEqual(got, want) {
		t.Fatalf("steps %v, want %v", got, want)
	}
	if m := st.Steps[0].Marks; len(m) != 9 || m[0] != (Mark{"old", 4, 0, -1, "read"}) || m[1].What != "differs" || m[8] != (Mark{"old", 4, 0, 7, "empty"}) {
		t.Fatalf("first walk marks %+v: want old bucket 4 read, slots 0-5 compared (tophash 0x05 everywhere), 6 and 7 empty", m)
	}
	ev := st.Steps[2]
	if !reflect.DeepEqual(ev.Marks, []Mark{{"old", 4, 0, -1, "evacuated"}, {"new", 4, 0, -1, "x"}, {"new", 12, 0, -1, "y"}}) ||
		!strings.Contains(ev.Text, "4, 20, 36 to X, bucket 4; 12, 28, 44 to Y, bucket 12") || strings.Contains(ev.Text, "Paced") {
		t.Fatalf("first evacuation %+v", ev)
	}
	ev = st.Steps[3]
	if !reflect.DeepEqual(ev.Marks, []Mark{{"old", 0, 0, -1, "evacuated"}, {"new", 0, 0, -1, "x"}, {"new", 8, 0, -1, "y"}}) ||
		!strings.HasPrefix(ev.Text, "Paced evacuation: old bucket 0") {
		t.Fatalf("second evacuation %+v", ev)
	}
	walk := st.Steps[4].Marks
	wantWalk := []Mark{{"new", 4, 0, -1, "read"}, {"new", 4, 0, 0, "differs"}, {"new", 4, 0, 1, "differs"}, {"new", 4, 0, 2, "differs"},
		{"new", 4, 0, 3, "free"}, {"new", 4, 0, 4, "empty"}, {"new", 4, 0, 5, "empty"}, {"new", 4, 0, 6, "empty"}, {"new", 4, 0, 7, "empty"}}
	if !reflect.DeepEqual(walk, wantWalk) {
		t.Fatalf("walk %+v, want %+v", walk, wantWalk)
	}
	m := identityTable()
	for k := int64(0); k < 52; k++ {
		m.Put(k, "")
	}
	m.Put(100, "")
	loc := m.Locate(100)
	if got := st.Steps[5].Marks; !reflect.DeepEqual(got, []Mark{{"new", loc.Bucket, loc.Chain, loc.Slot, "took"}}) {
		t.Fatalf("place %+v, table says %+v", got, loc)
	}
}

// A delete of a key whose old bucket had not moved: the delete evacuates
// it first, and the walk finds the key where the evacuation put it.
func TestStepsDeleteDuringGrowth(t *testing.T) {
	ops, _ := DecodeOps("b52.i100.d21")
	st := mustReplay(t, settings("int", "identity", 1), ops)
	want := []string{"evacuate", "evacuate", "probe", "remove"}
	if got := kinds(st.Steps); !reflect.DeepEqual(got, want) {
		t.Fatalf("steps %v, want %v", got, want)
	}
	if st.Steps[0].Marks[0] != (Mark{"old", 5, 0, -1, "evacuated"}) || st.Steps[1].Marks[0] != (Mark{"old", 1, 0, -1, "evacuated"}) {
		t.Fatalf("evacuations %+v %+v: want old 5 (the key's) then old 1 (the mark)", st.Steps[0].Marks, st.Steps[1].Marks)
	}
	// Old bucket 5 held 5, 13, 21, 29, 37, 45; to X (bucket 5) went 5, 21,
	// 37 in that order, so 21 was in slot 1.
	if got := st.Steps[3].Marks; !reflect.DeepEqual(got, []Mark{{"new", 5, 0, 1, "removed"}}) {
		t.Fatalf("remove %+v, want new bucket 5 slot 1", got)
	}
	if w := st.Steps[2].Marks; w[len(w)-1] != (Mark{"new", 5, 0, 1, "found"}) || len(w) != 3 {
		t.Fatalf("walk %+v: want slot 0 compared, slot 1 found", w)
	}
}

// A lookup's parts are the buckets of its chain, each with its probes.
func TestStepsLookup(t *testing.T) {
	ops, _ := DecodeOps("b20.l99")
	st := mustReplay(t, settings("int", "constant", 1), ops)
	want := []string{"probe", "probe", "probe", "result"}
	if got := kinds(st.Steps); !reflect.DeepEqual(got, want) {
		t.Fatalf("steps %v, want %v (a chain of 3 buckets, key absent)", got, want)
	}
	n := 0
	for _, s := range st.Steps[:3] {
		n += len(s.Marks)
	}
	if n != len(st.Lookup.Probes) {
		t.Fatalf("%d slots marked, the lookup read %d", n, len(st.Lookup.Probes))
	}
	if st := mustReplay(t, settings("int", "constant", 1), []Op{batch(3)}); len(st.Steps) != 0 {
		t.Fatalf("a batch has steps: %+v", st.Steps)
	}
}

// An iteration open across writes: the engine reports what
// table.Iteration reports on the same map driven the same way.
func TestIterateAcrossOps(t *testing.T) {
	ops, err := DecodeOps("b52.i100.r5.i101.r60.r1")
	if err != nil || EncodeOps(ops) != "b52.i100.r5.i101.r60.r1" || ops[2] != (Op{Kind: OpIterate, N: 5}) {
		t.Fatalf("ops %v, %v", ops, err)
	}
	s := settings("int", "identity", 1)
	m := identityTable()
	for k := int64(0); k < 52; k++ {
		m.Put(k, "")
	}
	m.Put(100, "")
	x := m.StartIteration()
	var want []IterEntryView
	next := func(op, n int) {
		for i := 0; i < n; i++ {
			e, ok := x.Next()
			if !ok {
				return
			}
			v := IterEntryView{Op: op, Key: itoa(e.Key), Bucket: e.Bucket, Array: "new", ArrayBucket: e.Bucket, Chain: e.Chain, Slot: e.Slot, Moved: e.Moved}
			if e.Old {
				v.Array, v.ArrayBucket = "old", e.OldBucket
			}
			want = append(want, v)
		}
	}
	next(3, 5)
	st := mustReplay(t, s, ops[:3])
	it := st.Iteration
	if it == nil || !it.Open || it.StartedAt != 3 || it.New != 5 || it.StartBucket != x.Start().StartBucket || it.Offset != x.Start().Offset || !it.Growing || it.B != 4 {
		t.Fatalf("iteration %+v, table's start %+v", it, x.Start())
	}
	m.Put(101, "")
	next(5, 60)
	st = mustReplay(t, s, ops[:5])
	got := st.Iteration.Entries
	for i := range got {
		got[i].Elem = ""
	}
	if !reflect.DeepEqual(got, want) || st.Iteration.Open || len(want) != 54 {
		t.Fatalf("entries %+v\nwant %+v (open %v)", got, want, st.Iteration.Open)
	}
	old := 0
	for _, e := range want {
		if e.Array == "old" {
			old++
		}
	}
	if old == 0 || old == len(want) {
		t.Fatalf("%d of %d entries from the old array: the growth should split them", old, len(want))
	}
	st = mustReplay(t, s, ops)
	if it := st.Iteration; it.StartedAt != 6 || len(it.Entries) != 1 || !it.Open {
		t.Fatalf("the iterate after the end: %+v, want a new iteration with 1 entry", it)
	}
	if st := mustReplay(t, s, append(ops[:3:3], ins("7"))); st.Iteration == nil || len(st.Iteration.Entries) != 5 || st.Iteration.New != 0 {
		t.Fatalf("an open iteration is not shown after a later op: %+v", st.Iteration)
	}
	if _, err := Replay(s, []Op{{Kind: OpIterate, N: 0}}); err == nil || !strings.Contains(err.Error(), "iterate count 0") {
		t.Fatalf("iterate 0: %v", err)
	}
}

func itoa(k int64) string { return intKeys.format(k) }

// A walk for a key that is not there stops after the first bucket whose
// last slot is EmptyRest, as table's inserts and deletes do: the empty
// overflow bucket after it is not read.
func TestWalkMarksStopAtEmptyRest(t *testing.T) {
	const top = 0x42
	var head, tail table.BucketView[int, string]
	for s := range 5 {
		head.Tophash[s] = top + uint8(s)
	}
	// head's slots 5..7 are EmptyRest (0); tail is empty too.
	marks := walkMarks("new", 3, table.Chain[int, string]{head, tail}, top, -1, -1, -1, true)
	for _, m := range marks {
		if m.Chain != 0 {
			t.Fatalf("the walk read %+v, past a bucket ending in EmptyRest", m)
		}
	}
	if got, want := len(marks), 1+8; got != want {
		t.Fatalf("%d marks, want %d (the bucket, then its eight slots)", got, want)
	}

	// With head's last slot EmptyOne, the chain may go on: tail is read.
	head.Tophash[7] = bucket.EmptyOne
	marks = walkMarks("new", 3, table.Chain[int, string]{head, tail}, top, -1, -1, -1, true)
	if got, want := len(marks), 1+16; got != want {
		t.Fatalf("%d marks, want %d (the bucket, then both buckets' slots)", got, want)
	}
}
