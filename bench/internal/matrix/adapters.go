package matrix

import (
	"maps"

	"github.com/hmaplab/hmap/table"
)

// Hmap adapts *table.Map to Mapper.
type Hmap[K comparable, V any] struct{ M *table.Map[K, V] }

// HmapImpl is hmap under name, made with table.New(hint, opts...).
func HmapImpl[K comparable, V any](name string, opts ...table.Option) Impl[K, V] {
	return NewImpl(name, func(hint int) Hmap[K, V] { return Hmap[K, V]{table.New[K, V](hint, opts...)} })
}

func (h Hmap[K, V]) Lookup(keys []K) int {
	n := 0
	for i := range keys {
		if _, ok := h.M.Get(keys[i]); ok {
			n++
		}
	}
	return n
}

func (h Hmap[K, V]) Put(keys []K, elems []V) {
	elems = elems[:len(keys)]
	for i := range keys {
		h.M.Put(keys[i], elems[i])
	}
}

func (h Hmap[K, V]) Delete(keys []K) {
	for i := range keys {
		h.M.Delete(keys[i])
	}
}

func (h Hmap[K, V]) DeleteReinsert(keys []K, elems []V) {
	elems = elems[:len(keys)]
	for i := range keys {
		h.M.Delete(keys[i])
		h.M.Put(keys[i], elems[i])
	}
}

func (h Hmap[K, V]) Iterate() int {
	n := 0
	var k K
	var v V
	for k, v = range h.M.All() {
		n++
	}
	Keep(k, v)
	return n
}

func (h Hmap[K, V]) Clone() Hmap[K, V] { return Hmap[K, V]{h.M.Clone()} }
func (h Hmap[K, V]) Clear()            { h.M.Clear() }
func (h Hmap[K, V]) Len() int          { return h.M.Len() }

// BytesAllocated is the table's own account of its memory (Stats), which
// the memory benchmark reports beside the heap's.
func (h Hmap[K, V]) BytesAllocated() int { return h.M.Stats().BytesAllocated }

// Builtin adapts the builtin map[K]V to Mapper.
type Builtin[K comparable, V any] struct{ M map[K]V }

// BuiltinImpl is the builtin map, named "builtin", made with
// make(map[K]V, hint).
func BuiltinImpl[K comparable, V any]() Impl[K, V] {
	return NewImpl("builtin", func(hint int) Builtin[K, V] { return Builtin[K, V]{make(map[K]V, hint)} })
}

func (m Builtin[K, V]) Lookup(keys []K) int {
	n := 0
	for i := range keys {
		if _, ok := m.M[keys[i]]; ok {
			n++
		}
	}
	return n
}

func (m Builtin[K, V]) Put(keys []K, elems []V) {
	elems = elems[:len(keys)]
	for i := range keys {
		m.M[keys[i]] = elems[i]
	}
}

func (m Builtin[K, V]) Delete(keys []K) {
	for i := range keys {
		delete(m.M, keys[i])
	}
}

func (m Builtin[K, V]) DeleteReinsert(keys []K, elems []V) {
	elems = elems[:len(keys)]
	for i := range keys {
		delete(m.M, keys[i])
		m.M[keys[i]] = elems[i]
	}
}

func (m Builtin[K, V]) Iterate() int {
	n := 0
	var k K
	var v V
	for k, v = range m.M {
		n++
	}
	Keep(k, v)
	return n
}

// Keep is where an Iterate puts the last key and elem it read, so that
// the compiler cannot drop the reads: each iteration's may be the last.
//
//go:noinline
func Keep[K, V any](K, V) {}

func (m Builtin[K, V]) Clone() Builtin[K, V] { return Builtin[K, V]{maps.Clone(m.M)} }
func (m Builtin[K, V]) Clear()               { clear(m.M) }
func (m Builtin[K, V]) Len() int             { return len(m.M) }
