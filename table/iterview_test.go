package table_test

import (
	"testing"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

func identityMap(loadNum, loadDen int) *table.Map[int64, int64] {
	return table.New[int64, int64](0, table.WithHasher(hash.Identity[int64]{}), table.WithSeed(7),
		table.WithLoadFactor(loadNum, loadDen), table.WithEvacuationPace(1))
}

// TestIterationStartAndOrder: a full table of four buckets under the
// identity hash, where bucket b holds b, b+4, ..., b+28 in slots 0-7. The
// iteration must walk bucket StartBucket first, from slot Offset round,
// then the next buckets in order, wrapping: every entry's place and key
// follow from the start alone.
func TestIterationStartAndOrder(t *testing.T) {
	m := identityMap(8, 1)
	for k := int64(0); k < 32; k++ {
		m.Put(k, -k)
	}
	if st := m.Stats(); st.B != 2 || st.Growing {
		t.Fatalf("B = %d, growing %v: want B = 2 and no growth", st.B, st.Growing)
	}
	x := m.StartIteration()
	defer x.Stop()
	s := x.Start()
	if s.Empty || s.B != 2 || s.StartBucket < 0 || s.StartBucket > 3 || s.Offset < 0 || s.Offset > 7 || s.Growing {
		t.Fatalf("start %+v: want B 2, a bucket in [0, 4), an offset in [0, 8), not growing", s)
	}
	for n := 0; n < 32; n++ {
		e, ok := x.Next()
		if !ok {
			t.Fatalf("the iteration ended after %d entries, want 32", n)
		}
		b, slot := (s.StartBucket+n/8)%4, (s.Offset+n%8)%8
		want := int64(b + 4*slot)
		if e.Bucket != b || e.Slot != slot || e.Chain != 0 || e.Key != want || e.Elem != -want || e.Old || e.OldBucket != -1 || e.Moved {
			t.Fatalf("entry %d: %+v, want key %d in bucket %d slot %d of the current array", n, e, want, b, slot)
		}
	}
	if e, ok := x.Next(); ok {
		t.Fatalf("a 33rd entry: %+v", e)
	}
	if m.Inspect().Iterator == false {
		t.Fatal("the map does not keep the iterator flag after an iteration (the runtime's flag stays until a growth)")
	}
}

// TestIterationSameDrawAsAll: two maps made alike draw alike, so an
// Iteration yields the entries in the order All yields them.
func TestIterationSameDrawAsAll(t *testing.T) {
	a, b := identityMap(13, 2), identityMap(13, 2)
	for k := int64(0); k < 40; k++ {
		a.Put(k*3, k)
		b.Put(k*3, k)
	}
	var want []int64
	for k := range a.All() {
		want = append(want, k)
	}
	x := b.StartIteration()
	for i := 0; ; i++ {
		e, ok := x.Next()
		if !ok {
			if i != len(want) {
				t.Fatalf("%d entries, All yielded %d", i, len(want))
			}
			break
		}
		if e.Key != want[i] {
			t.Fatalf("entry %d is %d, All yielded %d", i, e.Key, want[i])
		}
	}
	if s := b.StartIteration().Start(); s.Empty {
		t.Fatal("a second iteration of a full map reports empty")
	}
}

// TestIterationDuringGrowth: started while a doubling from 8 to 16
// buckets has moved old buckets 4 (the insert's) and 0 (the mark's), the
// iteration reads new buckets 0, 4, 8 and 12 from the new array and every
// other bucket from its old bucket, keeping only that bucket's keys.
func TestIterationDuringGrowth(t *testing.T) {
	m := identityMap(13, 2)
	for k := int64(0); k < 53; k++ { // the 53rd goes over 6.5 * 8
		m.Put(k, k)
	}
	if st := m.Stats(); !st.Growing || st.B != 4 || st.Nevacuate != 1 {
		t.Fatalf("stats %+v: want a growth to B = 4 with nevacuate 1", st)
	}
	x := m.StartIteration()
	defer x.Stop()
	if s := x.Start(); !s.Growing || s.B != 4 {
		t.Fatalf("start %+v: want B 4, growing", s)
	}
	seen := map[int64]bool{}
	for {
		e, ok := x.Next()
		if !ok {
			break
		}
		moved := e.Bucket%8 == 0 || e.Bucket%8 == 4
		if e.Key%16 != int64(e.Bucket) || e.Old == moved || e.Moved {
			t.Fatalf("%+v: want key ≡ bucket mod 16, read from the old array unless old bucket %d was evacuated", e, e.Bucket%8)
		}
		if e.Old && e.OldBucket != e.Bucket%8 || !e.Old && e.OldBucket != -1 {
			t.Fatalf("%+v: wrong old bucket", e)
		}
		if seen[e.Key] {
			t.Fatalf("key %d yielded twice", e.Key)
		}
		seen[e.Key] = true
	}
	if len(seen) != 53 {
		t.Fatalf("%d keys yielded, want 53", len(seen))
	}
}

// TestIterationAcrossGrowth: an iteration started before a growth walks
// what becomes the old array; the buckets the growth moves under it
// (4 by the insert, 0 at the mark) carry evacuation marks, and their
// entries are found by key in the new array: Moved.
func TestIterationAcrossGrowth(t *testing.T) {
	m := identityMap(13, 2)
	for k := int64(0); k < 52; k++ {
		m.Put(k, k)
	}
	x := m.StartIteration()
	defer x.Stop()
	if s := x.Start(); s.Growing || s.B != 3 {
		t.Fatalf("start %+v: want B 3, not growing", s)
	}
	first, ok := x.Next()
	if !ok || first.Old || first.Moved {
		t.Fatalf("first entry %+v, %v: want one from the current array", first, ok)
	}
	m.Put(52, 52) // starts the growth; evacuates old buckets 4 and 0
	n := 1
	for {
		e, ok := x.Next()
		if !ok {
			break
		}
		n++
		moved := e.Bucket == 0 || e.Bucket == 4
		if !e.Old || e.OldBucket != e.Bucket || e.Moved != moved || e.Key%8 != int64(e.Bucket) {
			t.Fatalf("%+v: want it read from old bucket %d, moved %v", e, e.Bucket, moved)
		}
	}
	if n != 52 && n != 53 {
		t.Fatalf("%d entries, want the 52 present throughout (and maybe 52, added during)", n)
	}
	// The growth moved the iterator flag to oldIterator, as the runtime's
	// hashGrow does.
	if v := m.Inspect(); v.Iterator || !v.OldIterator {
		t.Fatalf("flags after the growth: iterator %v, oldIterator %v: want false, true", v.Iterator, v.OldIterator)
	}
	empty := table.New[int64, int64](0).StartIteration()
	if s := empty.Start(); !s.Empty || s.StartBucket != -1 || s.Offset != -1 {
		t.Fatalf("empty map: start %+v", s)
	}
	if _, ok := empty.Next(); ok {
		t.Fatal("an empty map yielded an entry")
	}
	empty.Stop()
}

// TestIterationAfterGrowth: an iteration started before a growth that
// then finishes walks the array it started with, which the map has
// released; every entry it yields from there has moved.
func TestIterationAfterGrowth(t *testing.T) {
	m := identityMap(13, 2)
	for k := int64(0); k < 52; k++ {
		m.Put(k, k)
	}
	x := m.StartIteration()
	defer x.Stop()
	if _, ok := x.Next(); !ok {
		t.Fatal("no first entry")
	}
	for k := int64(52); m.Stats().Growing || k == 52; k++ {
		m.Put(k, k) // pace 1: each write moves two old buckets of eight
	}
	for {
		e, ok := x.Next()
		if !ok {
			break
		}
		if !e.Released || e.Old || e.OldBucket != -1 || !e.Moved || e.Key%8 != int64(e.Bucket) {
			t.Fatalf("%+v: want it read from the released array, moved", e)
		}
	}
}
