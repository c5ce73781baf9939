package table

import "iter"

// Counterparts of the maps package's functions, for code that moves from a
// builtin map to a *Map. They follow the maps package's semantics, NaN keys
// included.

// Collect returns a new map holding the pairs of seq, later pairs replacing
// earlier ones with the same key: it replaces maps.Collect(seq). The map is
// built with opts, and like New, Collect panics if one is invalid.
func Collect[K comparable, V any](seq iter.Seq2[K, V], opts ...Option) *Map[K, V] {
	m := New[K, V](0, opts...)
	m.Insert(seq)
	return m
}

// Insert puts every pair of seq into m, in order, replacing the values of
// keys already present: it replaces maps.Insert(m, seq), that is,
// for k, v := range seq { m[k] = v }.
func (m *Map[K, V]) Insert(seq iter.Seq2[K, V]) {
	for k, v := range seq {
		m.Put(k, v)
	}
}

// DeleteFunc deletes the entries for which del returns true: it replaces
// maps.DeleteFunc(m, del). del sees each entry once (the iteration contract
// of All allows the deletes made meanwhile) and runs between writes, never
// inside one, so if it panics the map stays consistent, with the entries
// deleted so far gone. As with the builtin map, an entry whose key is not
// equal to itself (NaN) cannot be deleted by key and stays. A nil *Map has
// nothing to delete.
func (m *Map[K, V]) DeleteFunc(del func(K, V) bool) {
	for k, v := range m.All() {
		if del(k, v) {
			m.Delete(k)
		}
	}
}

// Equal reports whether a and b hold the same entries: the same number,
// and every key of a present in b with an == value. It replaces
// maps.Equal(a, b). A nil *Map equals an empty one. A map with a NaN key
// equals no map, not even itself, since the key is never found.
func Equal[K, V comparable](a, b *Map[K, V]) bool {
	return EqualFunc(a, b, func(x, y V) bool { return x == y })
}

// EqualFunc is Equal with eq comparing the values: it replaces
// maps.EqualFunc(a, b, eq). Keys are still compared with ==.
func EqualFunc[K comparable, V1, V2 any](a *Map[K, V1], b *Map[K, V2], eq func(V1, V2) bool) bool {
	n := a.Len()
	if n != b.Len() {
		return false
	}
	if n == 0 {
		return true // nil or empty, both
	}
	for k, v1 := range a.All() {
		if v2, ok := b.Get(k); !ok || !eq(v1, v2) {
			return false
		}
	}
	return true
}
