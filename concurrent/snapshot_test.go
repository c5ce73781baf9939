package concurrent

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSnapshotConsistency takes snapshots while writers run, on maps that
// grow from empty, and checks each against a model at its cut. Each writer
// owns a range of keys and logs its operations; a snapshot must show, for
// every writer, the state of its keys after exactly j of its operations,
// where j lies between the operations it had finished before Snapshot was
// called and those it had started when Snapshot returned. Each snapshot is
// also iterated twice (the same entries), read with Get (the same again)
// and counted (Len).
func TestSnapshotConsistency(t *testing.T) {
	deadline := time.Now().Add(testDuration(t, 2*time.Second))
	rounds := 0
	for rounds == 0 || time.Now().Before(deadline) {
		hc := hasherCases()[rounds%len(hasherCases())]
		if err := snapshotRound(rounds, hc.opts); err != nil {
			t.Fatalf("round %d (%s): %v", rounds, hc.name, err)
		}
		rounds++
	}
	t.Logf("%d rounds", rounds)
}

type logged struct {
	key, val int // val 0: delete
}

type writerLog struct {
	ops              []logged
	started, stopped atomic.Int64 // operations started, finished
}

type takenSnapshot struct {
	lo, hi  []int64
	entries map[int]int
}

func snapshotRound(round int, opts []Option) error {
	const (
		writers = 4
		keys    = 150 // per writer
		ops     = 3000
		takers  = 2
	)
	m := New[int, int](0, opts...)
	logs := make([]*writerLog, writers)
	for w := range logs {
		rng := rand.New(rand.NewPCG(uint64(round), uint64(w)))
		l := &writerLog{ops: make([]logged, ops)}
		for i := range l.ops {
			l.ops[i].key = w*keys + rng.IntN(keys)
			if rng.IntN(4) != 0 || i < ops/4 {
				l.ops[i].val = i + 1
			}
		}
		logs[w] = l
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for _, l := range logs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, op := range l.ops {
				l.started.Add(1)
				if op.val == 0 {
					m.Delete(op.key)
				} else {
					m.Store(op.key, op.val)
				}
				l.stopped.Add(1)
			}
		}()
	}
	taken := make([][]takenSnapshot, takers)
	errs := make([]error, takers)
	var twg sync.WaitGroup
	for i := range takers {
		twg.Add(1)
		go func() {
			defer twg.Done()
			for !stop.Load() {
				ts := takenSnapshot{lo: make([]int64, writers), hi: make([]int64, writers)}
				for w, l := range logs {
					ts.lo[w] = l.stopped.Load()
				}
				s := m.Snapshot()
				for w, l := range logs {
					ts.hi[w] = l.started.Load()
				}
				ts.entries = map[int]int{}
				for k, v := range s.All() {
					if _, dup := ts.entries[k]; dup {
						errs[i] = fmt.Errorf("snapshot yields key %d twice", k)
					}
					ts.entries[k] = v
				}
				if again := collect(s.All()); !maps.Equal(again, ts.entries) {
					errs[i] = fmt.Errorf("a snapshot's second iteration differs from its first")
				}
				if s.Len() != len(ts.entries) {
					// Say which of the two is wrong: the entries, if they
					// match no cut of the writers' logs.
					verdict := "the entries match the model"
					if err := checkCut(logs, keys, ts); err != nil {
						verdict = "the entries do not match the model: " + err.Error()
					}
					errs[i] = fmt.Errorf("snapshot Len %d, All yields %d; %s", s.Len(), len(ts.entries), verdict)
				}
				for k := range writers * keys {
					v, ok := s.Get(k)
					if w, wok := ts.entries[k]; ok != wok || v != w {
						errs[i] = fmt.Errorf("snapshot Get(%d) = %d, %v; its All yields %d, %v", k, v, ok, w, wok)
					}
				}
				s.Close()
				if errs[i] != nil {
					return
				}
				taken[i] = append(taken[i], ts)
			}
		}()
	}
	wg.Wait()
	stop.Store(true)
	twg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for _, list := range taken {
		for n, ts := range list {
			if err := checkCut(logs, keys, ts); err != nil {
				return fmt.Errorf("snapshot %d: %v", n, err)
			}
		}
	}
	if m.Stats().SnapshotsAlive != 0 {
		return fmt.Errorf("%d snapshots alive after all were closed", m.Stats().SnapshotsAlive)
	}
	return nil
}

// checkCut finds, for each writer, a prefix of its log within the
// snapshot's window whose state equals the snapshot's entries for its keys.
func checkCut(logs []*writerLog, keys int, ts takenSnapshot) error {
	for w, l := range logs {
		want := map[int]int{}
		for k, v := range ts.entries {
			if k/keys == w {
				want[k] = v
			}
		}
		state := map[int]int{}
		apply := func(op logged) {
			if op.val == 0 {
				delete(state, op.key)
			} else {
				state[op.key] = op.val
			}
		}
		for _, op := range l.ops[:ts.lo[w]] {
			apply(op)
		}
		found := maps.Equal(state, want)
		for j := ts.lo[w]; !found && j < ts.hi[w]; j++ {
			apply(l.ops[j])
			found = maps.Equal(state, want)
		}
		if !found {
			return fmt.Errorf("writer %d: no state after %d..%d of its operations matches the snapshot", w, ts.lo[w], ts.hi[w])
		}
	}
	return nil
}
