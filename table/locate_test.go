package table_test

import (
	"math/bits"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

// identity hashes an int64 key to itself, so that a test knows each key's
// bucket (its low B bits) and tophash.
var identity = hash.Func[int64](func(k int64, _ uint64) uint64 { return uint64(k) })

func TestLocateExact(t *testing.T) {
	m := table.New[int64, int](64, table.WithHasher(identity))
	require.Equal(t, uint8(4), m.Stats().B, "a hint of 64 takes 16 buckets")
	require.Equal(t, 104, m.Capacity(), "16 buckets * 6.5")

	// Ten keys of bucket 0: eight fill it, two go to an overflow bucket.
	for i := range int64(10) {
		m.Put(16*i, int(i))
	}
	loc := m.Locate(16 * 9)
	require.Equal(t, table.Location{
		Hash: 144, Tophash: asm.MinTopHash, B: 4, Bucket: 0,
		Old: false, OldBucket: -1, Found: true, Chain: 1, Slot: 1,
	}, loc)
	require.Equal(t, table.Location{
		Hash: 48, Tophash: asm.MinTopHash, B: 4, Bucket: 0,
		OldBucket: -1, Found: true, Chain: 0, Slot: 3,
	}, m.Locate(48))

	// An absent key: where it would be looked for. (On a 32-bit platform
	// the table's hash is the hasher's top byte and low 24 bits.)
	require.Equal(t, table.Location{
		Hash: 0x7f<<(bits.UintSize-8) | 5, Tophash: 0x7f, B: 4, Bucket: 5,
		OldBucket: -1, Chain: -1, Slot: -1,
	}, m.Locate(0x7f00_0000_0000_0005))

	// A deleted key leaves no trace.
	m.Delete(48)
	require.False(t, m.Locate(48).Found)
	require.Equal(t, 104, m.Capacity(), "deletes do not change the size")
}

// Through a growth, every key's Location names the chain and slot that
// InspectBucket or InspectOldBucket show it in, and the chain a lookup
// reads: the old one while it is not evacuated.
func TestLocateAgreesWithInspect(t *testing.T) {
	m := table.New[int64, int64](0, table.WithSeed(7), table.WithEvacuationPace(1))
	sawOld, sawNew := false, false
	check := func(n int64) {
		s := m.Stats()
		for k := range n + 3 { // three absent keys too
			loc := m.Locate(k)
			require.Equal(t, k < n, loc.Found, "key %d", k)
			require.Equal(t, s.B, loc.B)
			require.Equal(t, int(loc.Hash&(1<<s.B-1)), loc.Bucket)
			require.Equal(t, asm.Tophash(loc.Hash), loc.Tophash)
			require.Equal(t, s.Growing, loc.OldBucket >= 0, "key %d", k)
			if !loc.Found {
				require.Equal(t, [2]int{-1, -1}, [2]int{loc.Chain, loc.Slot})
				continue
			}
			chain := m.InspectBucket(loc.Bucket)
			if loc.Old {
				chain = m.InspectOldBucket(loc.OldBucket)
				sawOld = true
			} else {
				sawNew = true
			}
			require.Less(t, loc.Chain, len(chain), "key %d: %+v", k, loc)
			b := chain[loc.Chain]
			require.Equal(t, k, b.Keys[loc.Slot], "key %d: %+v", k, loc)
			require.Equal(t, loc.Tophash, b.Tophash[loc.Slot])
		}
	}
	for n := int64(0); n < 2000; n++ {
		m.Put(n, n)
		if (m.Stats().Growing && n%5 == 0) || n%97 == 0 {
			check(n + 1)
		}
	}
	require.True(t, sawOld, "no key was found in the old array: the growth went unobserved")
	require.True(t, sawNew)
}

func TestLocateNilAndZero(t *testing.T) {
	none := table.Location{Bucket: -1, OldBucket: -1, Chain: -1, Slot: -1}
	var nilMap *table.Map[int64, int]
	require.Equal(t, none, nilMap.Locate(3))
	require.Equal(t, 0, nilMap.Capacity())

	var zero table.Map[int64, int]
	require.Equal(t, none, zero.Locate(3), "no seed before the first write")
	require.Equal(t, 8, zero.Capacity())
	zero.Put(3, 1)
	loc := zero.Locate(3)
	require.True(t, loc.Found)
	require.Equal(t, [4]int{0, -1, 0, 0}, [4]int{loc.Bucket, loc.OldBucket, loc.Chain, loc.Slot})
	require.Equal(t, 8, zero.Capacity())

	// An unhashable key panics as a lookup's would, nil map included.
	var anyMap *table.Map[any, int]
	for _, m := range []*table.Map[any, int]{anyMap, table.New[any, int](0)} {
		var want, got any
		func() {
			defer func() { want = recover() }()
			m.Get([]int{1})
		}()
		func() {
			defer func() { got = recover() }()
			m.Locate([]int{1})
		}()
		require.NotNil(t, want)
		require.Equal(t, want, got)
	}
}

// Capacity follows the size: a table doubles when an insert would take it
// past Capacity.
func TestCapacityIsTheGrowthPoint(t *testing.T) {
	m := table.New[int64, int](0)
	for i := range int64(10_000) {
		before, b := m.Capacity(), m.Stats().B
		m.Put(i, 0)
		if m.Len() > before {
			require.Greater(t, m.Stats().B, b, "insert %d: past Capacity %d without a doubling", i, before)
			require.Equal(t, before+1, m.Len())
		} else {
			require.Equal(t, b, m.Stats().B, "insert %d: a doubling before Capacity %d", i, before)
		}
	}
	require.Equal(t, 13<<11/2, m.Capacity(), "2^11 buckets * 6.5")
}

func outcomes(l table.Lookup) []table.ProbeOutcome {
	var o []table.ProbeOutcome
	for _, p := range l.Probes {
		o = append(o, p.Outcome)
	}
	return o
}

func repeat(o table.ProbeOutcome, n int) []table.ProbeOutcome {
	s := make([]table.ProbeOutcome, n)
	for i := range s {
		s[i] = o
	}
	return s
}

func TestExplainLookupExact(t *testing.T) {
	m := table.New[int64, int](64, table.WithHasher(identity))
	for i := range int64(10) {
		m.Put(16*i, int(i)) // bucket 0: eight in the head, two in an overflow bucket
	}

	// Every key of bucket 0 has tophash MinTopHash: each full slot before
	// the key is a false positive.
	l := m.ExplainLookup(16 * 9)
	require.True(t, l.Found)
	require.False(t, l.Scan)
	require.Equal(t, append(repeat(table.KeyDiffers, 9), table.KeyFound), outcomes(l))
	require.Equal(t, 10, l.KeysCompared)
	require.Equal(t, 9, l.FalsePositives)
	last := l.Probes[len(l.Probes)-1]
	require.Equal(t, [2]int{1, 1}, [2]int{last.Chain, last.Slot})
	require.Equal(t, bucket.StateFull, last.State)

	// A miss whose tophash (0x7f) matches nothing reads both buckets'
	// bytes, compares no key, and stops at the overflow bucket's EmptyRest.
	l = m.ExplainLookup(0x7f00_0000_0000_0000)
	require.False(t, l.Found)
	want := append(repeat(table.SkippedTophash, 10), repeat(table.SkippedEmpty, 6)...)
	require.Equal(t, want, outcomes(l))
	require.Zero(t, l.KeysCompared)
	require.Equal(t, bucket.StateEmptyRest, l.Probes[15].State)

	// An empty bucket: eight EmptyRest slots, and the lookup is over.
	l = m.ExplainLookup(5)
	require.Equal(t, repeat(table.SkippedEmpty, 8), outcomes(l))

	// A deleted slot reads EmptyOne, and the chain goes on past it.
	m.Delete(0)
	l = m.ExplainLookup(16)
	require.Equal(t, []table.ProbeOutcome{table.SkippedEmpty, table.KeyFound}, outcomes(l))
	require.Equal(t, bucket.StateEmptyOne, l.Probes[0].State)
}

// A table of one bucket with small keys compares keys without hashing:
// every full slot before the key is compared, and none is a false
// positive.
func TestExplainLookupScan(t *testing.T) {
	m := table.New[int64, int](0, table.WithSeed(1))
	for i := range int64(6) {
		m.Put(i, 0)
	}
	require.Zero(t, m.Stats().B)
	l := m.ExplainLookup(3)
	require.True(t, l.Scan)
	require.True(t, l.Found)
	require.Equal(t, 3, l.Slot)
	require.Equal(t, append(repeat(table.KeyDiffers, 3), table.KeyFound), outcomes(l))
	require.Zero(t, l.FalsePositives)
	l = m.ExplainLookup(99)
	require.Equal(t, append(repeat(table.KeyDiffers, 6), table.SkippedEmpty, table.SkippedEmpty), outcomes(l))
}

// Through a growth, the explanation agrees with the lookup and with Locate.
func TestExplainLookupAgrees(t *testing.T) {
	m := table.New[int64, int64](0, table.WithSeed(3), table.WithEvacuationPace(1))
	for n := int64(0); n < 1500; n++ {
		m.Put(n, n)
		if n%11 != 0 {
			continue
		}
		for _, k := range []int64{n / 2, n, n + 1, -n} {
			l := m.ExplainLookup(k)
			require.Equal(t, m.Has(k), l.Found, "key %d", k)
			require.Equal(t, m.Locate(k), l.Location)
			compared := 0
			for _, p := range l.Probes {
				if p.Outcome >= table.KeyDiffers {
					compared++
				}
				require.Equal(t, p.Outcome == table.SkippedEmpty, p.State != bucket.StateFull)
			}
			require.Equal(t, compared, l.KeysCompared)
			if l.Found {
				last := l.Probes[len(l.Probes)-1]
				require.Equal(t, table.KeyFound, last.Outcome)
				require.Equal(t, [2]int{l.Chain, l.Slot}, [2]int{last.Chain, last.Slot})
			}
		}
	}
	var nilMap *table.Map[int64, int]
	require.Empty(t, nilMap.ExplainLookup(1).Probes)
}
