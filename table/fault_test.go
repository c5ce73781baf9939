package table

import (
	"fmt"
	"maps"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

// faultHasher is a reproducible hasher that panics on its n-th call after
// being armed, to inject a fault at every point where a write hashes.
type faultHasher struct {
	calls, armAt int
}

var errInjected = fmt.Errorf("injected hasher fault")

func (f *faultHasher) hasher() hash.Func[int] {
	return func(k int, seed uint64) uint64 {
		f.calls++
		if f.armAt > 0 && f.calls == f.armAt {
			panic(errInjected)
		}
		return rgMix(uint64(k) ^ seed)
	}
}

// TestHasherPanicKeepsMap makes the hasher panic at each of its calls in
// turn during writes that evacuate (pace 1 and 4), grow all at once (pace
// 0), shrink and clone, and checks after each fault that the map is usable,
// holds exactly what it held before the faulting write or what it holds
// after it (a write happens entirely or not at all), and keeps its
// invariants.
func TestHasherPanicKeepsMap(t *testing.T) {
	// An op prepares with writes that cannot fault (setup), then makes
	// one write with the hasher armed. model applies that write to a
	// model of the map. Ptr's caller updates the elem after Ptr returns,
	// so if Ptr panics once its write is done, the key is present with its
	// previous elem: partial says so.
	type op struct {
		name    string
		setup   func(m *Map[int, int], model map[int]int, i int)
		write   func(m *Map[int, int], i int)
		model   func(model map[int]int, i int)
		partial func(model map[int]int, i int)
	}
	noSetup := func(*Map[int, int], map[int]int, int) {}
	ops := []op{
		{"Put", noSetup, func(m *Map[int, int], i int) { m.Put(i, i) },
			func(model map[int]int, i int) { model[i] = i }, nil},
		{"Ptr", noSetup, func(m *Map[int, int], i int) { *m.Ptr(i % 200) += 7 },
			func(model map[int]int, i int) { model[i%200] += 7 },
			func(model map[int]int, i int) { model[i%200] += 0 }},
		{"Delete", func(m *Map[int, int], model map[int]int, i int) { m.Put(i, i); model[i] = i },
			func(m *Map[int, int], i int) { m.Delete(i / 2) },
			func(model map[int]int, i int) { delete(model, i/2) }, nil},
		{"Shrink", func(m *Map[int, int], model map[int]int, i int) {
			m.Put(i, i)
			model[i] = i
			if i%16 == 0 {
				for k := range i / 2 {
					m.Delete(k)
					delete(model, k)
				}
			}
		}, func(m *Map[int, int], i int) {
			if i%16 == 0 {
				m.Shrink()
			}
		}, func(map[int]int, int) {}, nil},
	}
	faults := 0
	for _, pace := range []int{0, 1, 4} {
		for _, o := range ops {
			for armAt := 1; armAt < 60; armAt++ {
				f := &faultHasher{}
				m := New[int, int](0, WithHasher(f.hasher()), WithSeed(uint64(armAt)), WithEvacuationPace(pace))
				if armAt%2 == 0 {
					m = m.Clone() // a clone takes the same care of the hasher
				}
				model := map[int]int{}
				var fault any
				for i := range 300 {
					o.setup(m, model, i)
					before := maps.Clone(model)
					after := maps.Clone(model)
					o.model(after, i)
					f.calls, f.armAt = 0, armAt
					fault = utRecover(func() { o.write(m, i) })
					f.armAt = 0
					if fault == nil {
						model = after
						continue
					}
					require.Equal(t, errInjected, fault, "pace %d %s fault %d", pace, o.name, armAt)
					require.NoError(t, m.checkInvariants(), "pace %d %s fault %d", pace, o.name, armAt)
					got := maps.Collect(m.All())
					switch {
					case maps.Equal(got, before):
						model = before
					case maps.Equal(got, after):
						model = after
					default:
						require.NotNil(t, o.partial, "pace %d %s fault %d: neither the state before nor after", pace, o.name, armAt)
						o.partial(before, i)
						require.Equal(t, before, got, "pace %d %s fault %d: neither the state before, nor after, nor partial", pace, o.name, armAt)
						model = before
					}
					faults++
					break
				}
				if fault == nil {
					continue // no write of this op hashes that often
				}
				// Usable: every operation works, and agrees with the model.
				for i := range 400 {
					m.Put(i+500, i)
					model[i+500] = i
					if i%3 == 0 {
						m.Delete(i + 500)
						delete(model, i+500)
					}
				}
				require.Equal(t, model, maps.Collect(m.All()))
				require.Equal(t, len(model), m.Len())
				for k, v := range model {
					require.Equal(t, v, m.At(k))
				}
				require.NoError(t, m.checkInvariants())
				c := m.Clone()
				require.Equal(t, model, maps.Collect(c.All()))
				m.Clear()
				require.Zero(t, m.Len())
				m.Put(1, 1)
				require.Equal(t, 1, m.At(1))
			}
		}
	}
	require.Greater(t, faults, 100, "too few faults injected to mean anything")
}
