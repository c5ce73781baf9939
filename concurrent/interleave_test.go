package concurrent

import (
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

// pausedStore is a Store stopped just after it entered its epoch section:
// a writer that a Snapshot starting now has to wait for. resume does the
// rest of what mutate does, in the same order.
type pausedStore struct {
	m        *Map[int, int]
	t        *table[int, int]
	h        uintptr
	st       *stripe
	e        uint64
	key, val int
}

func startStore(m *Map[int, int], key, val int) *pausedStore {
	t := m.table()
	h := m.hash(&key, t.lin.seed)
	st := t.lin.stripe(h)
	return &pausedStore{m: m, t: t, h: h, st: st, e: m.enter(st), key: key, val: val}
}

func (w *pausedStore) resume(tb testing.TB) {
	m, t := w.m, w.t
	var finish *table[int, int]
	if o := t.old.Load(); o != nil {
		if m.helpGrow(t, o, w.h, w.e, w.st) {
			finish = o
		}
	}
	b := t.at(w.h & t.mask)
	lock(b, w.st)
	p := b.body.Load()
	if p.isMarker() {
		tb.Fatal("the paused write's table was replaced")
	}
	r := m.apply(b, p, w.h, w.key, opStore, w.val, nil, w.e, w.st)
	b.mu.Unlock()
	sectionEnd(w.st, w.e, r.landing, int64(r.counted))
	if finish != nil {
		m.finishGrow(t, finish)
	}
}

// TestSnapshotWriterAcrossEvacuation forces, step by step, an interleaving
// that the stress tests hit only rarely: a write that entered its epoch
// section before a Snapshot bumped the epoch (so the Snapshot waits for
// it) inserts into a bucket of the new table that an evacuation done under
// the new epoch left without a chain. The Snapshot reads the old bucket's
// chain as it was before that evacuation, which does not hold the insert;
// its Len must not count it either.
func TestSnapshotWriterAcrossEvacuation(t *testing.T) {
	// Identity hashing, hint 14: four buckets, growth to eight at the
	// 27th entry. Keys 0, 8, 16, ... all sit in old bucket 0 and move to
	// new bucket 0, so its sibling, new bucket 4, gets no chain; old
	// bucket 1 stays empty, and so do new buckets 1 and 5. Each case
	// evacuates two old buckets of four: the growth does not end, so
	// neither write needs the map's mutex, which the Snapshot holds.
	cases := []struct {
		name   string
		paused int // the write that straddles the epoch bump
		evac   int // a write under the new epoch that evacuates its old bucket
	}{
		{"empty half of a split chain", 4, 27 * 8},
		{"empty old bucket", 5, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := New[int, int](14, WithHasher[int](hash.Identity[int]{}))
			before := map[int]int{}
			for k := 0; k < 27*8; k += 8 {
				m.Store(k, k)
				before[k] = k
			}
			require.NotNil(t, m.root.Load().old.Load(), "no growth under way")

			w := startStore(m, c.paused, c.paused)
			taken := make(chan *Snapshot[int, int])
			go func() { taken <- m.Snapshot() }()
			for m.epoch.Load() == w.e {
				time.Sleep(time.Millisecond)
			}
			m.Store(c.evac, c.evac) // evacuates under the new epoch
			select {
			case <-taken:
				t.Fatal("Snapshot returned before a write of the previous epoch ended")
			case <-time.After(10 * time.Millisecond):
			}
			w.resume(t)
			s := <-taken
			defer s.Close()

			got := collect(s.All())
			require.Equal(t, len(got), s.Len(), "snapshot Len against the entries All yields")
			for k := range 28 * 8 {
				v, ok := s.Get(k)
				gv, gok := got[k]
				require.Equal(t, gok, ok, "Get(%d) against All", k)
				require.Equal(t, gv, v, "Get(%d) against All", k)
			}
			// Both writes ran during the Snapshot: each may be in it or
			// not; nothing else may differ from the state before.
			rest := maps.Clone(got)
			delete(rest, c.paused)
			delete(rest, c.evac)
			require.Equal(t, before, rest)
			if v, ok := got[c.evac]; ok {
				require.Equal(t, c.evac, v)
			}
			if v, ok := got[c.paused]; ok {
				require.Equal(t, c.paused, v)
			}

			want := maps.Clone(before)
			want[c.paused], want[c.evac] = c.paused, c.evac
			require.Equal(t, want, collect(m.All()))
			require.Equal(t, len(want), m.Len())
		})
	}
}

// TestLoadRetry: loadRetry, where a Load goes when it finds its table
// replaced (which takes a growth's end or a Clear between two of its
// loads, so that the races reach it only now and then), finds what Load
// finds, for present and absent keys, while a growth is under way (both
// tables read), after it and after a Clear. The keys are int64s, which
// hashWord hashes on every platform (an int is 4 bytes on 32-bit ones).
func TestLoadRetry(t *testing.T) {
	for _, word := range []bool{true, false} {
		var opts []Option
		if !word {
			opts = append(opts, WithHasher[int64](hash.NewSeeded[int64]()))
		}
		m := New[int64, int64](0, append(opts, WithSeed(4), WithEvacuationPace(1))...)
		require.Equal(t, word, m.wordHash)
		check := func(what string, n int64) {
			for k := range n + 100 {
				v, ok := m.loadRetry(k)
				wv, wok := m.Load(k)
				require.Equal(t, wok, ok, "%s: key %d", what, k)
				require.Equal(t, k < n, ok, "%s: key %d", what, k)
				require.Equal(t, wv, v, "%s: key %d", what, k)
			}
		}
		n, growing := int64(0), false
		for ; n < 5000 && !growing; n++ {
			m.Store(n, n*10)
			growing = m.Stats().Growing
		}
		require.True(t, growing, "wordHash %v: no growth under way after %d stores", word, n)
		check("growing", n)
		for ; m.Stats().Growing; n++ {
			m.Store(n, n*10)
		}
		check("grown", n)
		m.Clear()
		check("cleared", 0)
	}
}
