package concurrent

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/hash"
)

func TestLocateExact(t *testing.T) {
	m := New[uint64, int](64, WithHasher(hash.Identity[uint64]{}), WithSeed(1))
	require.Equal(t, uint8(4), m.Stats().B, "a hint of 64 takes 16 buckets")

	// Ten keys of bucket 0: eight fill its head, two go to an overflow body.
	for i := range uint64(10) {
		m.Store(16*i, int(i))
	}
	require.Equal(t, Location{
		Hash: 144, Tophash: asm.MinTopHash, B: 4, Bucket: 0,
		OldBucket: -1, Found: true, Chain: 1, Slot: 1,
	}, m.Locate(16*9))
	require.Equal(t, Location{
		Hash: 48, Tophash: asm.MinTopHash, B: 4, Bucket: 0,
		OldBucket: -1, Found: true, Chain: 0, Slot: 3,
	}, m.Locate(48))

	// An absent key: where it would be looked for. (On a 32-bit platform
	// the map's hash is the hasher's top byte and low 24 bits.)
	absent := uint64(0x7f00_0000_0000_0005)
	require.Equal(t, Location{
		Hash: 0x7f<<(hashBits-8) | 5, Tophash: 0x7f, B: 4, Bucket: 5,
		OldBucket: -1, Chain: -1, Slot: -1,
	}, m.Locate(absent))

	// A deleted key leaves no trace, and the next insert into the chain
	// takes the first empty slot, the one it left.
	m.Delete(48)
	require.Equal(t, Location{
		Hash: 48, Tophash: asm.MinTopHash, B: 4, Bucket: 0,
		OldBucket: -1, Chain: -1, Slot: -1,
	}, m.Locate(48))
	m.Store(16*10, 10)
	require.Equal(t, [2]int{0, 3}, chainSlot(m.Locate(16*10)))
}

func chainSlot(l Location) [2]int { return [2]int{l.Chain, l.Slot} }

// With a constant hash every key shares one chain, filled in insert
// order: key i is in body i/8, slot i%8.
func TestLocateOverflowBodies(t *testing.T) {
	h := uint64(0xc400_0000_0000_0002)
	m := New[int, int](0, WithHasher[int](hash.Constant[int]{Value: h}), WithSeed(1))
	for i := range 20 {
		m.Store(i, i)
	}
	B := m.Stats().B
	require.Equal(t, uint8(2), B, "20 entries take 4 buckets")
	for i := range 20 {
		require.Equal(t, Location{
			Hash: 0xc4<<(hashBits-8) | 2, Tophash: 0xc4, B: B, Bucket: 2,
			OldBucket: -1, Found: true, Chain: i / 8, Slot: i % 8,
		}, m.Locate(i), "key %d", i)
	}
	require.False(t, m.Locate(20).Found)
}

// During a growth a key is looked for in its old bucket until that bucket
// is evacuated, then in the new one.
func TestLocateDuringGrowth(t *testing.T) {
	m := New[uint64, uint64](0, WithHasher(hash.Identity[uint64]{}), WithSeed(1), WithEvacuationPace(1))
	for k := range uint64(105) {
		m.Store(k, k)
	}
	// The insert of key 104 made 105 entries, over 13*16/2: a doubling
	// from 16 to 32 buckets has started, and moved nothing yet.
	st := m.Stats()
	require.True(t, st.Growing)
	require.Equal(t, [3]int{32, 16, 0}, [3]int{st.Buckets, st.OldBuckets, st.Evacuated})

	// Old bucket 7 holds 7, 23, ..., 103 in insert order.
	require.Equal(t, Location{
		Hash: 103, Tophash: 5, B: 5, Bucket: 7,
		Old: true, OldBucket: 7, Found: true, Chain: 0, Slot: 6,
	}, m.Locate(103))

	// Key 105 evacuates its old bucket, 9, and the cursor's, 0; then it
	// lands in new bucket 9 after the keys of old bucket 9 with bit 4
	// clear (9, 41, 73).
	m.Store(105, 105)
	require.Equal(t, 2, m.Stats().Evacuated)
	require.Equal(t, Location{
		Hash: 105, Tophash: 5, B: 5, Bucket: 9,
		OldBucket: 9, Found: true, Chain: 0, Slot: 3,
	}, m.Locate(105))
	require.Equal(t, Location{
		Hash: 89, Tophash: 5, B: 5, Bucket: 25,
		OldBucket: 9, Found: true, Chain: 0, Slot: 2,
	}, m.Locate(89), "25, 57, 89 moved to the Y half")
	require.Equal(t, Location{
		Hash: 16, Tophash: 5, B: 5, Bucket: 16,
		OldBucket: 0, Found: true, Chain: 0, Slot: 0,
	}, m.Locate(16))
	// Old bucket 1 has not moved.
	require.Equal(t, Location{
		Hash: 33, Tophash: 5, B: 5, Bucket: 1,
		Old: true, OldBucket: 1, Found: true, Chain: 0, Slot: 2,
	}, m.Locate(33))
	// An absent key of an old bucket not yet moved is looked for there.
	require.Equal(t, Location{
		Hash: 200, Tophash: 5, B: 5, Bucket: 8,
		Old: true, OldBucket: 8, Chain: -1, Slot: -1,
	}, m.Locate(200))

	// Fifteen more writes finish the growth, each claiming one more old
	// bucket (1 to 15): no old table is left.
	for k := range uint64(15) {
		m.Store(k, k)
	}
	require.False(t, m.Stats().Growing)
	require.Equal(t, Location{
		Hash: 33, Tophash: 5, B: 5, Bucket: 1,
		OldBucket: -1, Found: true, Chain: 0, Slot: 1,
	}, m.Locate(33), "old bucket 1 split 1, 33, 65, 97 to new bucket 1")
}

// Through growths, every key's Location names the chain and slot that
// Inspect and InspectBucket or InspectOldBucket show it in, and the chain
// a lookup reads: the old one while it is not evacuated.
func TestLocateAgreesWithInspect(t *testing.T) {
	m := New[int64, int64](0, WithHasher(hash.NewSeeded[int64]()), WithSeed(7), WithEvacuationPace(1))
	sawOld, sawNew := false, false
	check := func(n int64) {
		v := m.Inspect()
		for k := range n + 3 { // three absent keys too
			loc := m.Locate(k)
			require.Equal(t, k < n, loc.Found, "key %d", k)
			require.Equal(t, v.B, loc.B)
			require.Equal(t, int(loc.Hash&(1<<v.B-1)), loc.Bucket)
			require.Equal(t, asm.Tophash(loc.Hash), loc.Tophash)
			require.Equal(t, v.Growing, loc.OldBucket >= 0, "key %d", k)
			if v.Growing {
				require.Equal(t, int(loc.Hash&uintptr(v.Stats.OldBuckets-1)), loc.OldBucket)
				require.Equal(t, !v.OldBuckets[loc.OldBucket].Evacuated, loc.Old, "key %d", k)
			}
			if !loc.Found {
				require.Equal(t, [2]int{-1, -1}, chainSlot(loc))
				continue
			}
			chain, ok := m.InspectBucket(loc.Bucket)
			viewed := v.Buckets[loc.Bucket]
			if loc.Old {
				chain, ok = m.InspectOldBucket(loc.OldBucket)
				viewed = v.OldBuckets[loc.OldBucket]
				sawOld = true
			} else {
				sawNew = true
			}
			require.True(t, ok)
			require.Equal(t, viewed, chain, "key %d: Inspect and InspectBucket disagree", k)
			require.Less(t, loc.Chain, len(chain.Bodies), "key %d: %+v", k, loc)
			b := chain.Bodies[loc.Chain]
			require.Equal(t, k, b.Keys[loc.Slot], "key %d: %+v", k, loc)
			require.Equal(t, k*10, b.Elems[loc.Slot])
			require.Equal(t, loc.Tophash, b.Tophash[loc.Slot])
		}
	}
	for n := int64(1); n <= 300; n++ {
		m.Store(n-1, (n-1)*10)
		if n%7 == 0 || n > 100 && n < 120 {
			check(n)
		}
	}
	require.True(t, sawOld, "no key was located in an old bucket")
	require.True(t, sawNew)
}

func TestLocateNilAndZero(t *testing.T) {
	none := Location{Bucket: -1, OldBucket: -1, Chain: -1, Slot: -1}
	var nilMap *Map[string, int]
	require.Equal(t, none, nilMap.Locate("a"))

	var zero Map[string, int]
	require.Equal(t, none, zero.Locate("a"))
	require.Nil(t, zero.root.Load(), "Locate does not set a zero Map up")
	zero.Store("a", 1)
	loc := zero.Locate("a")
	require.True(t, loc.Found)
	require.Equal(t, [3]int{0, 0, 0}, [3]int{loc.Bucket, loc.Chain, loc.Slot})

	// Like Load, Locate panics on a key that cannot be hashed.
	var anyMap *Map[any, int]
	require.Contains(t, panicOf(func() { anyMap.Locate([]int{1}) }), "unhashable type")
	require.Contains(t, panicOf(func() { New[any, int](0).Locate([]int{1}) }), "unhashable type")
}

// Locate reads without a lock: it runs alongside writers that grow the
// table (the race detector checks the reads).
func TestLocateConcurrent(t *testing.T) {
	m := New[int, int](0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 5000 {
			m.Store(i, i)
		}
	}()
	for i := 0; ; i = (i + 1) % 5000 {
		select {
		case <-done:
			for k := range 5000 {
				require.True(t, m.Locate(k).Found, "key %d", k)
			}
			return
		default:
		}
		if loc := m.Locate(i); loc.Found {
			require.GreaterOrEqual(t, loc.Chain, 0)
		}
	}
}

// panicOf returns what f panics with, as text ("" if it returns).
func panicOf(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}
