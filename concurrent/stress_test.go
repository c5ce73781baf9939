package concurrent

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hmaplab/hmap/hash"
)

// How long the concurrent tests run. By default each runs for a fraction
// of a second (less with -short, the race detector slowing it down the
// same); a long stress run sets the duration of each:
//
//	go test ./concurrent -run 'Stress|Linearizable|Consistency' -concurrent.stress=10m
var stress = flag.Duration("concurrent.stress", 0,
	"run each concurrent stress, linearizability and snapshot test for this long (default: a short run)")

func testDuration(t *testing.T, def time.Duration) time.Duration {
	if *stress > 0 {
		return *stress
	}
	if testing.Short() {
		return def / 4
	}
	return def
}

// hasherCase is a hasher the concurrent tests build maps with: weak ones
// put many keys in one chain, so that chains, overflow bodies and their
// copies are common.
type hasherCase struct {
	name string
	opts []Option
}

func hasherCases() []hasherCase {
	return []hasherCase{
		{"default", nil}, // hashWord for int keys, the runtime's where an int is 4 bytes
		{"runtime", []Option{WithHasher[int](hash.NewRuntime[int]())}},
		{"constant", []Option{WithHasher[int](hash.Constant[int]{Value: 0xdead_beef_0000_0005})}},
		{"masked-low", []Option{WithHasher[int](hash.Masked[int]{Inner: hash.NewRuntime[int](), Mask: 0x0f00_0000_0000_0003})}},
		{"identity", []Option{WithHasher[int](hash.Identity[int]{})}},
	}
}

// TestStress runs goroutines over private keys (whose values each checks
// exactly, in the map and in its own snapshots) and shared keys (counters
// incremented with Compute, whose sum is checked at the end), on maps that
// grow from empty while it runs.
func TestStress(t *testing.T) {
	deadline := time.Now().Add(testDuration(t, 2*time.Second))
	const (
		workers = 8
		private = 300
		shared  = 16
		opsPer  = 3000
	)
	rounds := 0
	for rounds == 0 || time.Now().Before(deadline) {
		hc := hasherCases()[rounds%len(hasherCases())]
		m := New[int, int](0, hc.opts...)
		var incs atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- stressWorker(m, w, private, shared, opsPer, &incs, uint64(rounds))
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d (%s): %v", rounds, hc.name, err)
			}
		}
		var sum int
		for k := range shared {
			v, _ := m.Load(-1 - k)
			sum += v
		}
		if int64(sum) != incs.Load() {
			t.Fatalf("round %d (%s): shared counters sum to %d, want %d", rounds, hc.name, sum, incs.Load())
		}
		n := 0
		for range m.All() {
			n++
		}
		if n != m.Len() {
			t.Fatalf("round %d (%s): All yields %d entries, Len is %d", rounds, hc.name, n, m.Len())
		}
		rounds++
	}
	t.Logf("%d rounds", rounds)
}

func stressWorker(m *Map[int, int], w, private, shared, ops int, incs *atomic.Int64, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, uint64(w)))
	model := map[int]int{}
	base := w * private
	for i := range ops {
		k := base + rng.IntN(private)
		switch r := rng.IntN(100); {
		case r < 30:
			m.Store(k, i)
			model[k] = i
		case r < 40:
			v, loaded := m.LoadOrStore(k, i)
			mv, mok := model[k]
			if loaded != mok || (mok && v != mv) || (!mok && v != i) {
				return fmt.Errorf("LoadOrStore(%d) = %d, %v; model %d, %v", k, v, loaded, mv, mok)
			}
			if !mok {
				model[k] = i
			}
		case r < 55:
			v, loaded := m.LoadAndDelete(k)
			mv, mok := model[k]
			if loaded != mok || v != mv {
				return fmt.Errorf("LoadAndDelete(%d) = %d, %v; model %d, %v", k, v, loaded, mv, mok)
			}
			delete(model, k)
		case r < 60:
			v, loaded := m.Swap(k, i)
			mv, mok := model[k]
			if loaded != mok || v != mv {
				return fmt.Errorf("Swap(%d) = %d, %v; model %d, %v", k, v, loaded, mv, mok)
			}
			model[k] = i
		case r < 65:
			mv, mok := model[k]
			if CompareAndSwap(m, k, mv, i) != mok {
				return fmt.Errorf("CompareAndSwap(%d, %d) disagrees with the model (%v)", k, mv, mok)
			}
			if mok {
				model[k] = i
			}
		case r < 80:
			v, ok := m.Load(k)
			mv, mok := model[k]
			if ok != mok || v != mv {
				return fmt.Errorf("Load(%d) = %d, %v; model %d, %v", k, v, ok, mv, mok)
			}
		case r < 95:
			m.Compute(-1-rng.IntN(shared), func(old int, _ bool) (int, ComputeOp) { return old + 1, UpdateOp })
			incs.Add(1)
		case r < 98:
			s := m.Snapshot()
			for j := base; j < base+private; j++ {
				v, ok := s.Get(j)
				mv, mok := model[j]
				if ok != mok || v != mv {
					s.Close()
					return fmt.Errorf("Snapshot.Get(%d) = %d, %v; model %d, %v", j, v, ok, mv, mok)
				}
			}
			n, mine := 0, 0
			for k, v := range s.All() {
				n++
				if k >= base && k < base+private {
					mine++
					if mv, mok := model[k]; !mok || mv != v {
						s.Close()
						return fmt.Errorf("Snapshot.All yields %d: %d; model %d, %v", k, v, mv, mok)
					}
				}
			}
			if n != s.Len() || mine != len(model) {
				s.Close()
				return fmt.Errorf("snapshot: All yields %d entries (%d mine), Len %d, model %d", n, mine, s.Len(), len(model))
			}
			s.Close()
		case r < 99:
			m.Shrink()
		default:
			seen := map[int]bool{}
			var err error
			m.Range(func(k, v int) bool {
				if seen[k] {
					err = fmt.Errorf("Range yields %d twice", k)
					return false
				}
				seen[k] = true
				return true
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}
