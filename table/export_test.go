package table

// Test hooks for the external test package (table_test) and examples.

// CheckInvariants exposes checkInvariants.
func CheckInvariants[K comparable, V any](m *Map[K, V]) error { return m.checkInvariants() }

// DebugInvariants reports whether the hmapdebug tag is on.
const DebugInvariants = debugInvariants
