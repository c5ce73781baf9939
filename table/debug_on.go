//go:build hmapdebug

package table

// debugInvariants: see debug_off.go.
const debugInvariants = true
