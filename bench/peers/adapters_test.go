package peers_test

import (
	cockroach "github.com/cockroachdb/swiss"
	dolthub "github.com/dolthub/swiss"
	"github.com/hmaplab/hmap/bench/internal/matrix"
)

// Dolthub adapts *dolthub.Map. The library has no Clone: Clone makes a map
// sized for the entries and copies them one by one, as a user would.
type Dolthub[K comparable, V any] struct{ M *dolthub.Map[K, V] }

func dolthubImpl[K comparable, V any]() matrix.Impl[K, V] {
	return matrix.NewImpl("dolthub-swiss", func(hint int) Dolthub[K, V] {
		return Dolthub[K, V]{dolthub.NewMap[K, V](uint32(hint))}
	})
}

func (m Dolthub[K, V]) Lookup(keys []K) int {
	n := 0
	for i := range keys {
		if _, ok := m.M.Get(keys[i]); ok {
			n++
		}
	}
	return n
}

func (m Dolthub[K, V]) Put(keys []K, elems []V) {
	elems = elems[:len(keys)]
	for i := range keys {
		m.M.Put(keys[i], elems[i])
	}
}

func (m Dolthub[K, V]) Delete(keys []K) {
	for i := range keys {
		m.M.Delete(keys[i])
	}
}

func (m Dolthub[K, V]) DeleteReinsert(keys []K, elems []V) {
	elems = elems[:len(keys)]
	for i := range keys {
		m.M.Delete(keys[i])
		m.M.Put(keys[i], elems[i])
	}
}

func (m Dolthub[K, V]) Iterate() int {
	n := 0
	var lk K
	var lv V
	m.M.Iter(func(k K, v V) bool {
		n++
		lk, lv = k, v
		return false
	})
	matrix.Keep(lk, lv)
	return n
}

func (m Dolthub[K, V]) Clone() Dolthub[K, V] {
	c := dolthub.NewMap[K, V](uint32(m.M.Count()))
	m.M.Iter(func(k K, v V) bool {
		c.Put(k, v)
		return false
	})
	return Dolthub[K, V]{c}
}

func (m Dolthub[K, V]) Clear()   { m.M.Clear() }
func (m Dolthub[K, V]) Len() int { return m.M.Count() }

// Cockroach adapts *cockroach.Map. The library has no Clone: Clone makes a
// map sized for the entries and copies them one by one, as a user would.
type Cockroach[K comparable, V any] struct{ M *cockroach.Map[K, V] }

func cockroachImpl[K comparable, V any]() matrix.Impl[K, V] {
	return matrix.NewImpl("cockroach-swiss", func(hint int) Cockroach[K, V] {
		return Cockroach[K, V]{cockroach.New[K, V](hint)}
	})
}

func (m Cockroach[K, V]) Lookup(keys []K) int {
	n := 0
	for i := range keys {
		if _, ok := m.M.Get(keys[i]); ok {
			n++
		}
	}
	return n
}

func (m Cockroach[K, V]) Put(keys []K, elems []V) {
	elems = elems[:len(keys)]
	for i := range keys {
		m.M.Put(keys[i], elems[i])
	}
}

func (m Cockroach[K, V]) Delete(keys []K) {
	for i := range keys {
		m.M.Delete(keys[i])
	}
}

func (m Cockroach[K, V]) DeleteReinsert(keys []K, elems []V) {
	elems = elems[:len(keys)]
	for i := range keys {
		m.M.Delete(keys[i])
		m.M.Put(keys[i], elems[i])
	}
}

func (m Cockroach[K, V]) Iterate() int {
	n := 0
	var k K
	var v V
	for k, v = range m.M.All {
		n++
	}
	matrix.Keep(k, v)
	return n
}

func (m Cockroach[K, V]) Clone() Cockroach[K, V] {
	c := cockroach.New[K, V](m.M.Len())
	for k, v := range m.M.All {
		c.Put(k, v)
	}
	return Cockroach[K, V]{c}
}

func (m Cockroach[K, V]) Clear()   { m.M.Clear() }
func (m Cockroach[K, V]) Len() int { return m.M.Len() }
