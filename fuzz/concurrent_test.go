package fuzz

import (
	"maps"
	"testing"

	"github.com/hmaplab/hmap/concurrent"
)

// FuzzConcurrent decodes its input into a sequence of operations on a
// concurrent.Map[int64, int] and runs them against map[int64]int,
// comparing every result, with snapshots taken along the way and checked
// against copies of the model until they are closed.
//
// Byte 0 picks the hasher (bits 0-2, int64Keys.hashers) and whether to use
// the zero Map (bit 7); byte 1 the key mask (bits 0-1, keyMasks). Then each
// operation is an opcode byte (mod 16) and, for most, a key byte.
func FuzzConcurrent(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0, 2, 0, 3, 12, 8, 1, 9, 2, 13, 0, 14, 15})
	f.Add(append([]byte{1, 2}, seq(0, 200)...))
	f.Add(append([]byte{2, 0, 12}, stride(0, 17, 300)...))
	f.Add(append([]byte{0x80, 1, 10, 0, 10, 1, 12, 11, 12, 13}, seq(0, 100)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		runConcurrent(t, clip(data))
	})
}

func runConcurrent(t *testing.T, data []byte) {
	if len(data) < 2 {
		return
	}
	var m *concurrent.Map[int64, int]
	if data[0]&0x80 != 0 {
		m = new(concurrent.Map[int64, int])
	} else if h := int64Keys.hashers[int(data[0]&7)%len(int64Keys.hashers)].h; h != nil {
		m = concurrent.New[int64, int](0, concurrent.WithHasher[int64](h), concurrent.WithSeed(uint64(data[1])))
	} else {
		m = concurrent.New[int64, int](0)
	}
	mask := keyMasks[data[1]&3]
	model := map[int64]int{}
	type snap struct {
		s    *concurrent.Snapshot[int64, int]
		want map[int64]int
	}
	var snaps []snap
	defer func() {
		for _, sn := range snaps {
			sn.s.Close()
		}
	}()
	checkSnap := func(sn snap) {
		got := map[int64]int{}
		for k, v := range sn.s.All() {
			got[k] = v
		}
		if !maps.Equal(got, sn.want) || sn.s.Len() != len(sn.want) {
			t.Fatalf("snapshot holds %v (Len %d); want %v", got, sn.s.Len(), sn.want)
		}
		for k, w := range sn.want {
			if v, ok := sn.s.Get(k); !ok || v != w {
				t.Fatalf("snapshot Get(%d) = %d, %v; want %d", k, v, ok, w)
			}
		}
	}
	data = data[2:]
	for step := 0; len(data) > 0 && step < maxOps; step++ {
		op := data[0] % 16
		data = data[1:]
		var k int64
		if op < 10 && len(data) > 0 {
			k = int64Key(data[0] & mask)
			data = data[1:]
		}
		v := step + 1
		switch op {
		case 0, 1:
			m.Store(k, v)
			model[k] = v
		case 2:
			got, ok := m.Load(k)
			if w, wok := model[k]; got != w || ok != wok {
				t.Fatalf("step %d: Load(%d) = %d, %v; want %d, %v", step, k, got, ok, w, wok)
			}
		case 3:
			got, loaded := m.LoadOrStore(k, v)
			w, wok := model[k]
			if !wok {
				w = v
				model[k] = v
			}
			if got != w || loaded != wok {
				t.Fatalf("step %d: LoadOrStore(%d) = %d, %v; want %d, %v", step, k, got, loaded, w, wok)
			}
		case 4, 5:
			got, loaded := m.LoadAndDelete(k)
			w, wok := model[k]
			delete(model, k)
			if got != w || loaded != wok {
				t.Fatalf("step %d: LoadAndDelete(%d) = %d, %v; want %d, %v", step, k, got, loaded, w, wok)
			}
		case 6:
			got, loaded := m.Swap(k, v)
			w, wok := model[k]
			model[k] = v
			if got != w || loaded != wok {
				t.Fatalf("step %d: Swap(%d) = %d, %v; want %d, %v", step, k, got, loaded, w, wok)
			}
		case 7:
			old := model[k]
			if step%3 == 0 {
				old = -1
			}
			w, wok := model[k]
			want := wok && w == old
			if got := concurrent.CompareAndSwap(m, k, old, v); got != want {
				t.Fatalf("step %d: CompareAndSwap(%d, %d) = %v; want %v", step, k, old, got, want)
			}
			if want {
				model[k] = v
			}
		case 8:
			w, wok := model[k]
			want := wok && w%2 == 0
			got, ok := m.Compute(k, func(old int, loaded bool) (int, concurrent.ComputeOp) {
				if loaded && old%2 == 0 {
					return 0, concurrent.DeleteOp
				}
				return old + v, concurrent.UpdateOp
			})
			if want {
				delete(model, k)
			} else {
				model[k] = w + v
			}
			if mw, mok := model[k]; got != mw || ok != mok {
				t.Fatalf("step %d: Compute(%d) = %d, %v; want %d, %v", step, k, got, ok, mw, mok)
			}
		case 9:
			// A run of inserts, to grow the map.
			for i := int64(0); i < 32; i++ {
				m.Store(k+i, v)
				model[k+i] = v
			}
		case 10:
			m.Clear()
			clear(model)
		case 11, 12:
			snaps = append(snaps, snap{m.Snapshot(), maps.Clone(model)})
		case 13:
			if len(snaps) > 0 {
				checkSnap(snaps[0])
				snaps[0].s.Close()
				snaps = snaps[1:]
			}
		case 14, 15:
			if m.Len() != len(model) {
				t.Fatalf("step %d: Len %d; want %d", step, m.Len(), len(model))
			}
			got := map[int64]int{}
			m.Range(func(k int64, v int) bool {
				if _, dup := got[k]; dup {
					t.Fatalf("step %d: Range yields %d twice", step, k)
				}
				got[k] = v
				return true
			})
			if !maps.Equal(got, model) {
				t.Fatalf("step %d: Range yields %v; want %v", step, got, model)
			}
		}
	}
	for _, sn := range snaps {
		checkSnap(sn)
	}
	if m.Len() != len(model) {
		t.Fatalf("Len %d; want %d", m.Len(), len(model))
	}
}
