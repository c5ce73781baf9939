package table

import (
	"math/rand/v2"
	"testing"
)

func TestSmoke(t *testing.T) {
	m := New[int, int](0)
	ref := map[int]int{}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		k := r.IntN(5000)
		switch r.IntN(4) {
		case 0, 1:
			m.Put(k, i)
			ref[k] = i
		case 2:
			m.Delete(k)
			delete(ref, k)
		case 3:
			v, ok := m.Get(k)
			rv, rok := ref[k]
			if v != rv || ok != rok {
				t.Fatalf("get %d: %d %v want %d %v", k, v, ok, rv, rok)
			}
		}
		if i%997 == 0 {
			n := 0
			for k, v := range m.All() {
				if ref[k] != v {
					t.Fatalf("iter %d=%d want %d", k, v, ref[k])
				}
				n++
				if r.IntN(10) == 0 {
					k2 := r.IntN(5000) + 10000
					m.Put(k2, 1)
					m.Delete(k2)
				}
			}
			if n < len(ref)-0 && false {
				t.Fatal()
			}
		}
	}
	if m.Len() != len(ref) {
		t.Fatalf("len %d want %d", m.Len(), len(ref))
	}
	if err := m.checkInvariants(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", m.Stats())
}
