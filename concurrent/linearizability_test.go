package concurrent

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

// The linearizability tests record concurrent histories (each operation's
// input, output, and the logical times of its call and return) and check
// with porcupine that some sequential order of the operations, consistent
// with their real-time order, explains every output.

type linOp uint8

const (
	linLoad linOp = iota
	linStore
	linDelete
	linLoadOrStore
	linCAS
	linSwap
	linLoadAndDelete
	linSnapshot // per-key test: the key's entry in a snapshot; whole-map test: the snapshot
	linClear
	numLinOps
)

var linOpNames = [...]string{"Load", "Store", "Delete", "LoadOrStore", "CompareAndSwap", "Swap", "LoadAndDelete", "Snapshot", "Clear"}

// linVal is a key's state: present, and its value.
type linVal struct {
	ok bool
	v  int
}

type linIn struct {
	op       linOp
	key      int
	val, old int
}

type linOut struct {
	v       linVal // the value returned, or the key's entry in the snapshot
	flag    bool   // loaded, swapped
	entries string // whole-map snapshot: its entries, sorted
}

// linStep applies in to a key's state, sequentially: the specification.
func linStep(s linVal, in linIn) (linVal, linOut) {
	switch in.op {
	case linLoad, linSnapshot:
		return s, linOut{v: s}
	case linStore:
		return linVal{true, in.val}, linOut{}
	case linDelete:
		return linVal{}, linOut{}
	case linLoadOrStore:
		if s.ok {
			return s, linOut{v: s, flag: true}
		}
		return linVal{true, in.val}, linOut{v: linVal{true, in.val}}
	case linCAS:
		if s.ok && s.v == in.old {
			return linVal{true, in.val}, linOut{flag: true}
		}
		return s, linOut{}
	case linSwap:
		return linVal{true, in.val}, linOut{v: s, flag: s.ok}
	case linLoadAndDelete:
		return linVal{}, linOut{v: s, flag: s.ok}
	case linClear:
		return linVal{}, linOut{}
	}
	panic("unknown op")
}

// linApply runs in on m (and, for linSnapshot, reads key from snap).
func linApply(m *Map[int, int], in linIn) linOut {
	switch in.op {
	case linLoad:
		v, ok := m.Load(in.key)
		return linOut{v: linVal{ok, v}}
	case linStore:
		m.Store(in.key, in.val)
	case linDelete:
		m.Delete(in.key)
	case linLoadOrStore:
		v, loaded := m.LoadOrStore(in.key, in.val)
		return linOut{v: linVal{true, v}, flag: loaded}
	case linCAS:
		return linOut{flag: CompareAndSwap(m, in.key, in.old, in.val)}
	case linSwap:
		v, loaded := m.Swap(in.key, in.val)
		return linOut{v: linVal{loaded, v}, flag: loaded}
	case linLoadAndDelete:
		v, loaded := m.LoadAndDelete(in.key)
		return linOut{v: linVal{loaded, v}, flag: loaded}
	case linClear:
		m.Clear()
	}
	return linOut{}
}

func describeLin(input, output any) string {
	in, out := input.(linIn), output.(linOut)
	return fmt.Sprintf("%s(k%d, %d, old %d) -> %+v", linOpNames[in.op], in.key, in.val, in.old, out)
}

// perKeyModel checks each key's sub-history on its own (a map's
// operations on distinct keys commute, so the history is linearizable if
// and only if each key's is).
var perKeyModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[int][]porcupine.Operation{}
		for _, op := range history {
			k := op.Input.(linIn).key
			byKey[k] = append(byKey[k], op)
		}
		var parts [][]porcupine.Operation
		for _, p := range byKey {
			parts = append(parts, p)
		}
		return parts
	},
	Init: func() any { return linVal{} },
	Step: func(state, input, output any) (bool, any) {
		next, want := linStep(state.(linVal), input.(linIn))
		return want == output.(linOut), next
	},
	DescribeOperation: describeLin,
}

// recorder hands out logical timestamps: a call's is taken before the
// operation starts and a return's after it ends, so real-time order is kept.
type recorder struct {
	clock atomic.Int64
	mu    sync.Mutex
	ops   []porcupine.Operation
}

func (r *recorder) record(client int, in linIn, call int64, out linOut) {
	ret := r.clock.Add(1)
	r.mu.Lock()
	r.ops = append(r.ops, porcupine.Operation{ClientId: client, Input: in, Call: call, Output: out, Return: ret})
	r.mu.Unlock()
}

func randomLinIn(rng *rand.Rand, keys, client, i int) linIn {
	in := linIn{op: linOp(rng.IntN(int(linSnapshot))), key: rng.IntN(keys), val: client*1_000_000 + i + 1}
	in.old = rng.IntN(keys) // CAS: usually wrong, sometimes a recent value
	if rng.IntN(2) == 0 {
		in.old = in.val - rng.IntN(3)*1_000_000 - 1
	}
	return in
}

// TestLinearizable checks histories of Load, Store, Delete, LoadOrStore,
// CompareAndSwap, Swap and LoadAndDelete, and each key's entry in
// snapshots taken meanwhile, on maps that grow from empty during the
// history, with the runtime hasher and weak ones.
func TestLinearizable(t *testing.T) {
	deadline := time.Now().Add(testDuration(t, 2*time.Second))
	const (
		clients = 6
		keys    = 96
		ops     = 400
	)
	rounds := 0
	for rounds == 0 || time.Now().Before(deadline) {
		hc := hasherCases()[rounds%len(hasherCases())]
		m := New[int, int](0, hc.opts...)
		var rec recorder
		var wg sync.WaitGroup
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(rounds), uint64(c)))
				for i := range ops {
					if c == 0 && i%20 == 0 {
						// A snapshot, read key by key: each key's entry
						// must be its value at one instant of the call.
						call := rec.clock.Add(1)
						s := m.Snapshot()
						ret := rec.clock.Add(1)
						var snapOps []porcupine.Operation
						for k := range keys {
							v, ok := s.Get(k)
							snapOps = append(snapOps, porcupine.Operation{ClientId: c, Input: linIn{op: linSnapshot, key: k},
								Call: call, Output: linOut{v: linVal{ok, v}}, Return: ret})
						}
						s.Close()
						rec.mu.Lock()
						rec.ops = append(rec.ops, snapOps...)
						rec.mu.Unlock()
						continue
					}
					in := randomLinIn(rng, keys, c, i)
					call := rec.clock.Add(1)
					out := linApply(m, in)
					rec.record(c, in, call, out)
				}
			}()
		}
		wg.Wait()
		res, info := porcupine.CheckOperationsVerbose(perKeyModel, rec.ops, 30*time.Second)
		if res != porcupine.Ok {
			reportLin(t, res, info, perKeyModel, fmt.Sprintf("round %d (%s)", rounds, hc.name))
		}
		rounds++
	}
	t.Logf("%d rounds", rounds)
}

// wholeState is the whole map's state in the whole-map test: three keys.
type wholeState [3]linVal

func (s wholeState) String() string {
	var b []byte
	for k, v := range s {
		if v.ok {
			b = fmt.Appendf(b, "%d:%d ", k, v.v)
		}
	}
	return string(b)
}

var wholeModel = porcupine.Model{
	Init: func() any { return wholeState{} },
	Step: func(state, input, output any) (bool, any) {
		s, in, out := state.(wholeState), input.(linIn), output.(linOut)
		switch in.op {
		case linClear:
			return true, wholeState{}
		case linSnapshot:
			return out.entries == s.String(), s
		}
		next, want := linStep(s[in.key], in)
		s[in.key] = next
		return want == out, s
	},
	DescribeOperation: describeLin,
}

// TestLinearizableWhole checks that Snapshot and Clear are atomic: over
// three keys, with Clear among the writes, each snapshot's whole contents
// must be the map's state at one instant.
func TestLinearizableWhole(t *testing.T) {
	deadline := time.Now().Add(testDuration(t, time.Second))
	const (
		clients = 4
		ops     = 60
	)
	rounds := 0
	for rounds == 0 || time.Now().Before(deadline) {
		hc := hasherCases()[rounds%len(hasherCases())]
		m := New[int, int](0, hc.opts...)
		var rec recorder
		var wg sync.WaitGroup
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(rounds), uint64(c)))
				for i := range ops {
					in := randomLinIn(rng, len(wholeState{}), c, i)
					if r := rng.IntN(10); r == 0 {
						in = linIn{op: linClear}
					} else if r < 3 {
						in = linIn{op: linSnapshot}
					}
					call := rec.clock.Add(1)
					var out linOut
					if in.op == linSnapshot {
						s := m.Snapshot()
						var st wholeState
						n := 0
						for k, v := range s.All() {
							st[k] = linVal{true, v}
							n++
						}
						if n != s.Len() {
							t.Errorf("snapshot: All yields %d entries, Len %d", n, s.Len())
						}
						s.Close()
						out.entries = st.String()
					} else {
						out = linApply(m, in)
					}
					rec.record(c, in, call, out)
				}
			}()
		}
		wg.Wait()
		res, info := porcupine.CheckOperationsVerbose(wholeModel, rec.ops, 30*time.Second)
		if res != porcupine.Ok {
			reportLin(t, res, info, wholeModel, fmt.Sprintf("round %d (%s)", rounds, hc.name))
		}
		rounds++
	}
	t.Logf("%d rounds", rounds)
}

func reportLin(t *testing.T, res porcupine.CheckResult, info porcupine.LinearizationInfo, model porcupine.Model, what string) {
	t.Helper()
	if res == porcupine.Unknown {
		t.Logf("%s: the checker timed out; history not judged", what)
		return
	}
	msg := fmt.Sprintf("%s: history is not linearizable", what)
	// The longest partial linearizations show where it breaks.
	for _, part := range info.PartialLinearizationsOperations() {
		longest := slices.MaxFunc(part, func(a, b []porcupine.Operation) int { return len(a) - len(b) })
		if len(longest) == 0 {
			continue
		}
		msg += "\nlongest linearizable prefix of a failing partition ends with:"
		for _, op := range longest[max(0, len(longest)-8):] {
			msg += "\n  " + describeLin(op.Input, op.Output)
		}
	}
	t.Fatal(msg)
}
