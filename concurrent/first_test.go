package concurrent

import (
	"encoding/binary"
	"maps"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hmaplab/hmap/hash"
	"github.com/stretchr/testify/require"
)

// A bucket's chain starts in its first body: on an insert into an empty
// bucket, and again once deletes have emptied and dropped the chain. A
// write while a snapshot is alive copies the chain apart and leaves first
// as the snapshot's version; the snapshot's Close clears it, and the
// bucket's chain starts in it again only once the chain is nil.
func TestChainStartsInFirst(t *testing.T) {
	// Identity hashing, 8 buckets: keys 0, 8 and 16 share bucket 0.
	m := New[int, int](8, WithHasher[int](hash.Identity[int]{}))
	b := m.root.Load().at(0)
	require.True(t, firstClear(&b.first), "a new table's first bodies are clear")

	m.Store(0, 0)
	require.Same(t, &b.first, b.body.Load(), "an insert into an empty bucket")
	m.Store(8, 8)
	require.Same(t, &b.first, b.body.Load())

	s := m.Snapshot()
	m.Store(16, 16) // copies the chain: the snapshot reads first
	p := b.body.Load()
	require.NotSame(t, &b.first, p, "copied apart")
	require.Same(t, &b.first, p.prev.Load(), "first is the version before")
	require.True(t, b.first.slots[0].Load() != nil && b.first.slots[1].Load() != nil, "first holds keys 0 and 8 still")
	v, ok := s.Get(16)
	require.False(t, ok, "the snapshot does not see 16: %d", v)
	require.Equal(t, 2, s.Len())
	s.Close()
	require.Same(t, p, b.body.Load())
	require.Nil(t, p.prev.Load(), "Close unlinks the version")
	require.True(t, firstClear(&b.first), "Close clears first, which nothing reads")
	require.NoError(t, checkInvariants(m))

	m.Store(24, 24) // a write to the chain apart, in place
	require.Same(t, p, b.body.Load())
	for _, k := range []int{0, 8, 16, 24} {
		m.Delete(k)
	}
	require.Nil(t, b.body.Load(), "emptied, dropped")
	m.Store(32, 32)
	require.Same(t, &b.first, b.body.Load(), "the chain starts in first again")
	require.Equal(t, b.first.stamp.Load(), m.epoch.Load(), "stamped with the write's epoch")
	v, ok = m.Load(32)
	require.True(t, ok)
	require.Equal(t, 32, v)
	require.NoError(t, checkInvariants(m))
}

// stale says when a search that missed must look again: its chain was
// the bucket's first and is not any more, or was a marker.
func TestStale(t *testing.T) {
	m := New[int, int](8, WithHasher[int](hash.Identity[int]{}))
	b := m.root.Load().at(0)
	require.False(t, b.stale(nil), "a nil chain")
	m.Store(0, 0)
	require.False(t, b.stale(&b.first), "first, still the chain")
	s := m.Snapshot()
	m.Store(8, 8)
	p := b.body.Load()
	require.True(t, b.stale(&b.first), "first, replaced by a copy")
	require.False(t, b.stale(p), "the copy, the chain")
	require.True(t, b.stale(m.marker), "a marker")
	s.Close()
	m.Delete(0)
	m.Delete(8)
	require.Nil(t, b.body.Load())
	require.True(t, b.stale(&b.first), "first, while the chain is nil")
	m.Store(0, 0)
	require.False(t, b.stale(&b.first), "first, the chain again: it was nil in between")
}

// A Load that finds its chain in a bucket's first body and misses looks
// again if that body is not the chain any more: a growth or a Shrink that
// moved the bucket cleared it meanwhile. Keys that are always present are
// then always found. The keys are long strings that differ only at their
// end, with one tophash for all, so that a Load compares each key of the
// bucket in full and spends long enough in the body to see it cleared.
// So are keys that their owner stores and deletes at once. (Without the
// look again in Load, keys are missed on every run; without it in
// Delete's search, on most: 4 runs of 6.)
func TestLoadFindsKeysMovedUnderIt(t *testing.T) {
	const keep, churn = 64, 4096
	prefix := strings.Repeat("k", 2<<10)
	key := func(i int) string {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], uint64(i))
		return prefix + string(b[:])
	}
	// The index as the hash: one tophash (0, raised to the least), and
	// key i in bucket i mod 2^B.
	index := hash.Func[string](func(s string, _ uint64) uint64 {
		return binary.LittleEndian.Uint64([]byte(s[len(s)-8:]))
	})
	m := New[string, int](0, WithHasher[string](index))
	keys := make([]string, keep+churn)
	for i := range keys {
		keys[i] = key(i)
	}
	for i := range keep {
		m.Store(keys[i], i)
	}
	var (
		stop   atomic.Bool
		misses atomic.Int64
		loads  atomic.Int64
		wg     sync.WaitGroup
	)
	for r := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := r; !stop.Load(); i++ {
				if _, ok := m.Load(keys[i%keep]); !ok {
					misses.Add(1)
				}
				loads.Add(1)
			}
		}()
	}
	// An owner of keys of its own stores each and deletes it: the
	// LoadAndDelete, which searches without the lock first, must find it.
	var lost atomic.Int64
	owned := make([]string, 16)
	for i := range owned {
		owned[i] = key(-1 - i)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			k := owned[i%len(owned)]
			m.Store(k, i)
			if _, loaded := m.LoadAndDelete(k); !loaded {
				lost.Add(1)
			}
		}
	}()
	deadline := time.Now().Add(2 * time.Second)
	rounds := 0
	for ; rounds < 5 || time.Now().Before(deadline) && rounds < 200; rounds++ {
		for _, k := range keys[keep:] {
			m.Store(k, 0) // growths move the kept keys
		}
		for _, k := range keys[keep:] {
			m.Delete(k)
		}
		m.Shrink() // and so does this
		runtime.Gosched()
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("%d rounds, %d Loads", rounds, loads.Load())
	require.Zero(t, misses.Load(), "Loads of keys always present missed")
	require.Zero(t, lost.Load(), "LoadAndDeletes of keys just stored missed")
	require.NoError(t, checkInvariants(m))
}

// Values deleted after a growth moved them are collectable though the
// growth has not ended: moving a bucket clears its first body, which would
// keep them reachable through the old table otherwise.
func TestMovedValuesFreedDuringGrowth(t *testing.T) {
	m, freed := growingTracked(growingTrackedN)
	moved := moveSome(t, m, growingTrackedN)
	for _, k := range moved {
		m.Delete(k)
	}
	require.True(t, m.Stats().Growing, "the growth ended: the test needs it in progress")
	require.True(t, collectedAtLeast(freed, int64(len(moved))), "%d of %d deleted values collected", freed.Load(), len(moved))
	require.NoError(t, checkInvariants(m))
	runtime.KeepAlive(m)
}

// An evacuation with no snapshot alive clears the old bucket's first body
// when the entries hold pointers (TestMovedValuesFreedDuringGrowth), and
// leaves it as it was when they hold none: it keeps no value alive then,
// and the eight pointer stores are spared.
func TestEvacuationKeepsPlainFirst(t *testing.T) {
	plain := New[int, int](0, WithEvacuationPace(1))
	ptrs := New[int, *int](0, WithEvacuationPace(1))
	for k := 0; k < 2000 || !plain.Stats().Growing; k++ {
		plain.Store(k, k)
	}
	for k := 0; k < 2000 || !ptrs.Stats().Growing; k++ {
		ptrs.Store(k, &k)
	}
	plain.Store(-1, 0) // moves old buckets: the one of -1, and the next at nevacuate
	ptrs.Store(-1, nil)
	o := plain.root.Load().old.Load()
	holding := 0
	for i := range o.mask + 1 {
		if b := o.at(i); b.body.Load().isMarker() && !firstClear(&b.first) {
			holding++
		}
	}
	require.NotZero(t, holding, "no moved bucket of int values kept its first body's entries")
	po := ptrs.root.Load().old.Load()
	pm := 0
	for i := range po.mask + 1 {
		if b := po.at(i); b.body.Load().isMarker() {
			pm++
			require.True(t, firstClear(&b.first), "old bucket %d of *int values: first not cleared", i)
		}
	}
	require.NotZero(t, pm)
	require.NoError(t, checkInvariants(plain))
	require.NoError(t, checkInvariants(ptrs))
}

// deleteFound deletes only from a body of the bucket's chain. Between
// deletePlain's search, which found the key in an overflow body of the
// bucket's first, and the lock, first may have been replaced, cleared
// (which cuts its overflow link, not what the body holds) and made the
// chain again: the chain is the same pointer, and the body still holds
// the entry, but is not in the chain. Whether the key has been stored
// again (in first) or not, the Delete must look again.
func TestDeleteFoundChecksBodyInChain(t *testing.T) {
	for _, back := range []bool{false, true} {
		m := New[int, int](64, WithHasher[int](hash.Identity[int]{}))
		n := m.root.Load().len()
		for j := range 9 {
			m.Store(n*j, j) // bucket 0: eight keys in first, the ninth in an overflow body
		}
		k := 8 * n
		tb := m.root.Load()
		b, q, i := bucketOf(m, k)
		p := b.body.Load()
		require.Same(t, &b.first, p)
		require.Same(t, q, p.overflow.Load(), "the key is in first's overflow body")
		x, h := q.slots[i].Load(), m.Locate(k).Hash

		s := m.Snapshot()
		m.Store(0, 100) // the chain is copied apart
		s.Close()       // and first cleared
		for j := range 9 {
			m.Delete(n * j) // the copy is emptied, and dropped
		}
		if back {
			m.Store(k, 7)
		} else {
			m.Store(9*n, 9)
		}
		require.Same(t, &b.first, b.body.Load(), "the chain starts in first again")
		require.Same(t, x, q.slots[i].Load(), "the body cut off holds the entry still")
		want := contents(t, m)
		require.Nil(t, m.deleteFound(tb, b, h, p, q, i, x, k), "back=%v: deleted from a body out of the chain", back)
		require.Equal(t, want, contents(t, m))
		require.Equal(t, len(want), m.Len())
	}
}

// failedBucket7 returns a map of 8 buckets, hashed by identity and
// growing at pace 1, whose old bucket 7 holds keys (key i storing i), with
// its new and old tables: a Store of write, a key of old bucket 7, has
// tried to move that bucket, and its hasher panicked with value on key
// bad, so the bucket has not moved.
func failedBucket7(t *testing.T, keys []int, bad int, value any, write int) (m *Map[int, int], tb, o *table[int, int]) {
	armed := new(atomic.Bool)
	panicky := hash.Func[int](func(k int, _ uint64) uint64 {
		if armed.Load() && k == bad {
			panic(value)
		}
		return uint64(k)
	})
	m = New[int, int](40, WithHasher[int](panicky), WithEvacuationPace(1))
	require.EqualValues(t, 3, m.Stats().B)
	for i, k := range keys {
		m.Store(k, i)
	}
	for k := 0; !m.Stats().Growing; k++ {
		if k%8 != 7 {
			m.Store(1000+k, 0)
		}
	}
	tb = m.root.Load()
	o = tb.old.Load()
	require.False(t, o.at(7).body.Load().isMarker(), "old bucket 7 moved already")
	armed.Store(true)
	require.PanicsWithValue(t, value, func() { m.Store(write, 0) })
	armed.Store(false)
	return m, tb, o
}

// bucket7Keys returns n keys of old bucket 7, stride apart.
func bucket7Keys(n, stride int) []int {
	keys := make([]int, n)
	for j := range keys {
		keys[j] = 7 + stride*j
	}
	return keys
}

// An evacuation whose hasher panics may have begun filling a new bucket's
// first body, unpublished. If writes delete those entries from the old
// bucket before the evacuation is done again (writes that loaded the root
// before the growth started write to the old table), the new bucket gets
// no chain: what the first attempt left in its first body must not come
// back when the bucket's chain starts there, as Range would yield it.
func TestEvacuationRetryClearsFirst(t *testing.T) {
	// Bucket 7: j < 8 in first, 8 and 9 in an overflow body.
	// A write to old bucket 7 moves it; the hasher panics on key 71, in
	// the overflow body, after the keys of first went to the new
	// buckets' chains: even j to bucket 7, odd j to bucket 15.
	m, tb, o := failedBucket7(t, bucket7Keys(10, 8), 71, "hasher: 71", 7+8*1000)
	require.Nil(t, tb.at(7).body.Load())
	require.NotNil(t, tb.at(7).first.slots[0].Load(), "the first attempt began bucket 7's chain")

	for _, j := range []int{0, 2, 4, 6, 8} {
		require.True(t, m.writePlain(o, 7+8*j, 0, plainDelete, nil)) // a Delete that loaded o
	}
	m.Store(15+16*1000, 0) // moves old bucket 7 again: bucket 7 gets nothing
	require.True(t, o.at(7).body.Load().isMarker())
	require.Nil(t, tb.at(7).body.Load())
	require.NoError(t, checkInvariants(m))

	m.Store(7+16*500, 1) // bucket 7's chain starts in first
	for _, j := range []int{0, 2, 4, 6} {
		_, ok := maps.Collect(m.All())[7+8*j]
		require.False(t, ok, "Range yields %d, deleted", 7+8*j)
	}
	require.Equal(t, m.Len(), len(maps.Collect(m.All())))
	require.NoError(t, checkInvariants(m))
}

// A retried evacuation whose first attempt extended the new chain past
// first (so first.tophash and first.overflow were written), and whose
// retry builds a chain that fits in first, must not keep first's stale
// overflow link: All would yield the deleted keys behind it.
func TestEvacuationRetryClearsFirstOverflow(t *testing.T) {
	// Old bucket 7, all to new bucket 7: three bodies.
	m, tb, o := failedBucket7(t, bucket7Keys(17, 16), 7+16*16, "hasher", 7+8*1001)
	require.Nil(t, tb.at(7).body.Load())
	require.NotNil(t, tb.at(7).first.overflow.Load(), "the first attempt extended bucket 7's chain")
	for j := 7; j < 16; j++ {
		require.True(t, m.writePlain(o, 7+16*j, 0, plainDelete, nil))
	}
	m.Store(15+16*1000, 0) // moves old bucket 7 again: 8 entries to new bucket 7
	require.True(t, o.at(7).body.Load().isMarker())
	for j := 7; j < 16; j++ {
		_, ok := m.Load(7 + 16*j)
		require.False(t, ok, "key %d deleted, found", 7+16*j)
	}
	for k := range maps.Collect(m.All()) {
		require.False(t, k%16 == 7 && k < 7+16*16 && k >= 7+16*7, "All yields %d, deleted", k)
	}
	require.NoError(t, checkInvariants(m))
}

// The same, with every key of the half deleted and a snapshot alive: the
// retry gives the half an empty chain in first, which must hold no stale
// tophash byte.
func TestEvacuationRetryClearsFirstTophash(t *testing.T) {
	m, tb, o := failedBucket7(t, bucket7Keys(17, 16), 7+16*16, "hasher", 7+8*1001)
	require.NotZero(t, tb.at(7).first.tophash.Load())
	for j := range 17 {
		require.True(t, m.writePlain(o, 7+16*j, 0, plainDelete, nil))
	}
	s := m.Snapshot()
	m.Store(15+16*1000, 0) // moves old bucket 7 again, live: new bucket 7 gets an empty chain
	require.True(t, o.at(7).body.Load().isMarker())
	c, ok := m.InspectBucket(7)
	require.True(t, ok)
	for _, bv := range c.Bodies {
		require.Zero(t, bv.Full(), "an empty chain shows full slots: %v", bv.Tophash)
	}
	s.Close()
	require.NoError(t, checkInvariants(m))
	require.Equal(t, m.Len(), len(maps.Collect(m.All())))
}
