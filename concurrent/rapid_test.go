package concurrent

import (
	"maps"
	"testing"

	"pgregory.net/rapid"

	"github.com/hmaplab/hmap/hash"
)

// rapidMachine runs a Map and a map[int]int side by side through random
// sequences of operations, with snapshots taken along the way and checked
// against copies of the model taken with them, until they are closed.
type rapidMachine struct {
	m     *Map[int, int]
	model map[int]int
	snaps []rapidSnap
	keys  *rapid.Generator[int]
}

type rapidSnap struct {
	s    *Snapshot[int, int]
	want map[int]int
}

func (r *rapidMachine) key(t *rapid.T) int { return r.keys.Draw(t, "key") }

func (r *rapidMachine) Store(t *rapid.T) {
	k, v := r.key(t), rapid.Int().Draw(t, "v")
	r.m.Store(k, v)
	r.model[k] = v
}

func (r *rapidMachine) StoreMany(t *rapid.T) {
	from, n := r.key(t), rapid.IntRange(1, 100).Draw(t, "n")
	for k := from; k < from+n; k++ {
		r.m.Store(k, k)
		r.model[k] = k
	}
}

func (r *rapidMachine) Load(t *rapid.T) {
	k := r.key(t)
	v, ok := r.m.Load(k)
	w, wok := r.model[k]
	if ok != wok || v != w {
		t.Fatalf("Load(%d) = %d, %v; want %d, %v", k, v, ok, w, wok)
	}
}

func (r *rapidMachine) LoadOrStore(t *rapid.T) {
	k, v := r.key(t), rapid.Int().Draw(t, "v")
	got, loaded := r.m.LoadOrStore(k, v)
	w, wok := r.model[k]
	if !wok {
		w = v
		r.model[k] = v
	}
	if got != w || loaded != wok {
		t.Fatalf("LoadOrStore(%d, %d) = %d, %v; want %d, %v", k, v, got, loaded, w, wok)
	}
}

func (r *rapidMachine) Delete(t *rapid.T) {
	k := r.key(t)
	got, loaded := r.m.LoadAndDelete(k)
	w, wok := r.model[k]
	delete(r.model, k)
	if got != w || loaded != wok {
		t.Fatalf("LoadAndDelete(%d) = %d, %v; want %d, %v", k, got, loaded, w, wok)
	}
}

func (r *rapidMachine) DeleteMany(t *rapid.T) {
	from, n := r.key(t), rapid.IntRange(1, 100).Draw(t, "n")
	for k := from; k < from+n; k++ {
		r.m.Delete(k)
		delete(r.model, k)
	}
}

func (r *rapidMachine) Swap(t *rapid.T) {
	k, v := r.key(t), rapid.Int().Draw(t, "v")
	got, loaded := r.m.Swap(k, v)
	w, wok := r.model[k]
	r.model[k] = v
	if got != w || loaded != wok {
		t.Fatalf("Swap(%d, %d) = %d, %v; want %d, %v", k, v, got, loaded, w, wok)
	}
}

func (r *rapidMachine) CompareAndSwap(t *rapid.T) {
	k, v := r.key(t), rapid.Int().Draw(t, "v")
	old := r.model[k]
	if rapid.Bool().Draw(t, "wrong old") {
		old++
	}
	got := CompareAndSwap(r.m, k, old, v)
	w, wok := r.model[k]
	want := wok && w == old
	if want {
		r.model[k] = v
	}
	if got != want {
		t.Fatalf("CompareAndSwap(%d, %d, %d) = %v; want %v", k, old, v, got, want)
	}
}

func (r *rapidMachine) CompareAndDelete(t *rapid.T) {
	k := r.key(t)
	old := r.model[k]
	if rapid.Bool().Draw(t, "wrong old") {
		old++
	}
	got := CompareAndDelete(r.m, k, old)
	w, wok := r.model[k]
	want := wok && w == old
	if want {
		delete(r.model, k)
	}
	if got != want {
		t.Fatalf("CompareAndDelete(%d, %d) = %v; want %v", k, old, got, want)
	}
}

func (r *rapidMachine) Compute(t *rapid.T) {
	k := r.key(t)
	op := ComputeOp(rapid.IntRange(0, 2).Draw(t, "op"))
	got, ok := r.m.Compute(k, func(old int, loaded bool) (int, ComputeOp) { return old*2 + 1, op })
	w, wok := r.model[k]
	switch op {
	case UpdateOp:
		w, wok = w*2+1, true
		r.model[k] = w
	case DeleteOp:
		w, wok = 0, false
		delete(r.model, k)
	}
	if got != w || ok != wok {
		t.Fatalf("Compute(%d, %v) = %d, %v; want %d, %v", k, op, got, ok, w, wok)
	}
}

func (r *rapidMachine) Clear(t *rapid.T) {
	r.m.Clear()
	clear(r.model)
}

func (r *rapidMachine) Shrink(t *rapid.T) {
	before, after := r.m.Shrink()
	if after > before {
		t.Fatalf("Shrink: %d bytes before, %d after", before, after)
	}
}

func (r *rapidMachine) Snapshot(t *rapid.T) {
	r.snaps = append(r.snaps, rapidSnap{r.m.Snapshot(), maps.Clone(r.model)})
}

func (r *rapidMachine) CloseSnapshot(t *rapid.T) {
	if len(r.snaps) == 0 {
		t.Skip("no snapshot")
	}
	i := rapid.IntRange(0, len(r.snaps)-1).Draw(t, "snapshot")
	r.checkSnap(t, r.snaps[i])
	r.snaps[i].s.Close()
	r.snaps = append(r.snaps[:i], r.snaps[i+1:]...)
}

func (r *rapidMachine) checkSnap(t *rapid.T, sn rapidSnap) {
	if got := collect(sn.s.All()); !maps.Equal(got, sn.want) {
		t.Fatalf("snapshot holds %v; want %v", got, sn.want)
	}
	if sn.s.Len() != len(sn.want) {
		t.Fatalf("snapshot Len %d; want %d", sn.s.Len(), len(sn.want))
	}
	k := r.key(t)
	v, ok := sn.s.Get(k)
	if w, wok := sn.want[k]; v != w || ok != wok {
		t.Fatalf("snapshot Get(%d) = %d, %v; want %d, %v", k, v, ok, w, wok)
	}
}

func (r *rapidMachine) Check(t *rapid.T) {
	if r.m.Len() != len(r.model) {
		t.Fatalf("Len %d; want %d", r.m.Len(), len(r.model))
	}
	if got := collect(r.m.All()); !maps.Equal(got, r.model) {
		t.Fatalf("All yields %v; want %v", got, r.model)
	}
	if len(r.snaps) > 0 {
		r.checkSnap(t, r.snaps[len(r.snaps)-1])
	}
	if st := r.m.Stats(); st.SnapshotsAlive != len(r.snaps) {
		t.Fatalf("Stats.SnapshotsAlive %d; want %d", st.SnapshotsAlive, len(r.snaps))
	}
	if err := checkInvariants(r.m); err != nil {
		t.Fatal(err)
	}
}

// TestRapidMachine checks the sequential semantics against map[int]int.
func TestRapidMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var opts []Option
		switch rapid.IntRange(0, 3).Draw(t, "hasher") {
		case 1:
			opts = append(opts, WithHasher[int](hash.Constant[int]{Value: 7 << 56}))
		case 2:
			opts = append(opts, WithHasher[int](hash.Identity[int]{}))
		case 3:
			opts = append(opts, WithHasher[int](hash.Masked[int]{Inner: hash.NewRuntime[int](), Mask: 0x8000_0000_0000_0007}))
		}
		r := &rapidMachine{
			m:     New[int, int](rapid.IntRange(0, 100).Draw(t, "hint"), opts...),
			model: map[int]int{},
			keys:  rapid.IntRange(-20, 300),
		}
		if rapid.Bool().Draw(t, "zero Map") {
			r.m = new(Map[int, int])
		}
		t.Repeat(rapid.StateMachineActions(r))
		for _, sn := range r.snaps {
			r.checkSnap(t, sn)
			sn.s.Close()
		}
	})
}
