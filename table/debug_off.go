//go:build !hmapdebug

package table

// debugInvariants, set by the hmapdebug build tag, makes every write check
// the table's invariants (see checkInvariants) and panic on a violation.
// Off, the checks compile away.
const debugInvariants = false
