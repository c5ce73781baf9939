package table_test

import (
	"fmt"
	"math"
	"slices"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

// The zero Map is ready to use; the methods translate the builtin syntax.
func Example() {
	var m table.Map[string, int] // m := map[string]int{}

	m.Put("apples", 3)      // m["apples"] = 3
	*m.Ptr("apples") += 2   // m["apples"] += 2
	*m.Ptr("pears")++       // m["pears"]++
	v, ok := m.Get("plums") // v, ok := m["plums"]
	fmt.Println(m.At("apples"), m.At("pears"), v, ok, m.Len())

	m.Delete("pears") // delete(m, "pears")
	for k, v := range m.All() {
		fmt.Println(k, v)
	}
	// Output:
	// 5 1 0 false 2
	// apples 5
}

// New takes a size hint, like make: a map sized for 100 entries starts with
// 2^4 buckets and grows no more before its 105th entry.
func ExampleNew() {
	m := table.New[int, string](100)
	fmt.Println(m.Stats().B, m.Stats().Buckets)
	// Output: 4 16
}

// Stats exposes the header. The 9th insert into a fresh map crosses the
// load factor (more than 8 entries in one bucket) and starts a growth to
// two buckets; the old array has a single bucket, which that same insert
// evacuates before placing its key, so the growth is already over.
func ExampleMap_Stats() {
	m := table.New[int, int](0)
	for i := range 8 {
		m.Put(i, i)
	}
	s := m.Stats()
	fmt.Println(s.Count, s.B, s.Growing)
	m.Put(8, 8)
	s = m.Stats()
	fmt.Println(s.Count, s.B, s.Growing, s.OldBuckets)
	// Output:
	// 8 0 false
	// 9 1 false 0
}

// With a reproducible hasher and a fixed seed, everything about a map is
// determined: here the identity hasher puts key k in bucket k mod 2^B with
// tophash = top byte of k (all zero, bumped to 5).
func ExampleMap_Inspect() {
	m := table.New[uint64, string](9,
		table.WithHasher(hash.Identity[uint64]{}), table.WithSeed(1))
	for k := range uint64(5) {
		m.Put(k, fmt.Sprint("v", k))
	}
	v := m.Inspect()
	for i, chain := range v.Buckets {
		b := chain[0]
		fmt.Printf("bucket %d: tophash %v keys %v %v\n", i, b.Tophash[:3], b.Keys[:3], b.State(2))
	}
	// Output:
	// bucket 0: tophash [5 5 5] keys [0 2 4] full
	// bucket 1: tophash [5 5 0] keys [1 3 0] emptyRest
}

// Iteration order is random, as with the builtin map, but every entry is
// yielded once, even if the loop body writes to the map.
func ExampleMap_All() {
	m := table.New[int, int](0)
	for i := range 100 {
		m.Put(i, i*i)
	}
	var keys []int
	for k := range m.All() {
		if k%2 == 1 {
			m.Delete(k) // deleting during iteration is allowed
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fmt.Println(len(keys), keys[:5], m.Len())
	// Output: 50 [0 2 4 6 8] 50
}

// NaN is never equal to itself, so every NaN key is a new entry that no
// lookup finds, exactly as with the builtin map.
func ExampleMap_Put_nan() {
	var m table.Map[float64, string]
	m.Put(math.NaN(), "a")
	m.Put(math.NaN(), "b")
	_, ok := m.Get(math.NaN())
	m.Put(0, "zero")
	m.Put(math.Copysign(0, -1), "negative zero") // the same key as 0
	for k, v := range m.All() {
		if k == 0 {
			fmt.Println(math.Signbit(k), v)
		}
	}
	fmt.Println(m.Len(), ok)
	// Output:
	// true negative zero
	// 3 false
}

// Clone copies entries, seed and options.
func ExampleMap_Clone() {
	m := table.New[string, int](0)
	m.Put("a", 1)
	c := m.Clone()
	c.Put("b", 2)
	fmt.Println(m.Len(), c.Len(), c.At("a"), m.Stats().Seed == c.Stats().Seed)
	// Output: 1 2 1 true
}

// Keys whose hashes share a tophash byte but not the key must be compared;
// a constant hasher makes every key collide, in one chain.
func ExampleWithHasher() {
	m := table.New[string, int](0, table.WithHasher(hash.Constant[string]{Value: 42}))
	for i := range 8 {
		m.Put(fmt.Sprint(i), i)
	}
	chain := m.InspectBucket(0)
	fmt.Println(m.Stats().B, len(chain), chain[0].Full(), chain[0].Tophash[0] == asm.Tophash(uintptr(42)))
	// Output: 0 1 8 true
}

// Locate tells where a key sits: its hash, bucket, tophash, and the
// position of its slot in the chain.
func ExampleMap_Locate() {
	// An identity hash makes the arithmetic visible: bucket = hash & 7.
	identity := hash.Func[int64](func(k int64, _ uint64) uint64 { return uint64(k) })
	m := table.New[int64, string](40, table.WithHasher(identity))
	for i := range int64(10) {
		m.Put(8*i, "x") // ten keys of bucket 0: the last two overflow
	}
	loc := m.Locate(72)
	fmt.Printf("hash %d, B %d, bucket %d, tophash %#x, found %v in bucket %d of the chain, slot %d\n",
		loc.Hash, loc.B, loc.Bucket, loc.Tophash, loc.Found, loc.Chain, loc.Slot)
	fmt.Println("capacity before the next doubling:", m.Capacity())
	// Output:
	// hash 72, B 3, bucket 0, tophash 0x5, found true in bucket 1 of the chain, slot 1
	// capacity before the next doubling: 52
}

// ExplainLookup shows the work of one lookup, slot by slot.
func ExampleMap_ExplainLookup() {
	identity := hash.Func[int64](func(k int64, _ uint64) uint64 { return uint64(k) })
	m := table.New[int64, string](40, table.WithHasher(identity))
	m.Put(0, "a")
	m.Put(8, "b")        // bucket 0, the same tophash as key 0
	m.Put(1<<56|16, "c") // bucket 0, another tophash
	l := m.ExplainLookup(1<<56 | 16)
	for _, p := range l.Probes {
		fmt.Printf("slot %d, tophash %#02x (%v): %v\n", p.Slot, p.Tophash, p.State, p.Outcome)
	}
	fmt.Println("keys compared:", l.KeysCompared, "false positives:", l.FalsePositives)
	// Output:
	// slot 0, tophash 0x05 (full): tophash differs, skipped
	// slot 1, tophash 0x05 (full): tophash differs, skipped
	// slot 2, tophash 0x06 (full): key compared, found
	// keys compared: 1 false positives: 0
}
