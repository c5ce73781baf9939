package concurrent_test

import (
	"fmt"

	"github.com/hmaplab/hmap/concurrent"
	"github.com/hmaplab/hmap/hash"
)

// topByte hashes a small key k to k<<56 | k, so that a drawing shows each
// key as its own tophash byte (in hex), in the bucket of its low bits.
var topByte = concurrent.WithHasher(hash.Func[int](func(k int, _ uint64) uint64 {
	return uint64(k)<<56 | uint64(k)
}))

// Locate tells where a key is looked for: during a growth, in its old
// bucket until that bucket is evacuated.
func ExampleMap_Locate() {
	m := concurrent.New[int, string](0, topByte, concurrent.WithSeed(1))
	for k := 0x10; k <= 0x18; k++ {
		m.Store(k, fmt.Sprint(k))
	}
	loc := m.Locate(0x18)
	fmt.Printf("tophash=%#x bucket=%d old=%v old bucket=%d chain=%d slot=%d\n",
		loc.Tophash, loc.Bucket, loc.Old, loc.OldBucket, loc.Chain, loc.Slot)
	m.Store(0x19, "25") // evacuates the old bucket and ends the growth
	loc = m.Locate(0x18)
	fmt.Printf("tophash=%#x bucket=%d old=%v old bucket=%d chain=%d slot=%d\n",
		loc.Tophash, loc.Bucket, loc.Old, loc.OldBucket, loc.Chain, loc.Slot)
	// Output:
	// tophash=0x18 bucket=0 old=true old bucket=0 chain=1 slot=0
	// tophash=0x18 bucket=0 old=false old bucket=-1 chain=0 slot=4
}

// A Snapshot's view keeps the version of each bucket the snapshot reads,
// while the map's own view shows the copy a later write made.
func ExampleSnapshot_Inspect() {
	m := concurrent.New[int, string](0, topByte, concurrent.WithSeed(1))
	m.Store(0x21, "a")
	s := m.Snapshot()
	defer s.Close()
	m.Store(0x21, "b") // copies the chain: s reads the one before
	then, now := s.Inspect().Buckets[0], m.Inspect().Buckets[0]
	fmt.Println(then.Bodies[0].Elems[0], then.Epoch, then.Versions)
	fmt.Println(now.Bodies[0].Elems[0], now.Epoch, now.Versions)
	// Output:
	// a 0 0
	// b 1 1
}
