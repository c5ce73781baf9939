package table

import "sync/atomic"

// Test hooks for the external test package (table_test) and examples.

// CheckInvariants exposes checkInvariants.
func CheckInvariants[K comparable, V any](m *Map[K, V]) error { return m.checkInvariants() }

// runtimeFlags returns the flags the runtime's map has too: the iterator
// bits and the same-size growth.
func (m *Map[K, V]) runtimeFlags() uint32 {
	return atomic.LoadUint32(&m.flags) & (flagIterator | flagOldIterator | flagSameSizeGrow)
}

// DebugInvariants reports whether the hmapdebug tag is on.
const DebugInvariants = debugInvariants
