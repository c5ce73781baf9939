//go:build hmapdebug

package fuzz

// With -tags hmapdebug every write to a table.Map checks all its
// invariants, which costs O(n) lookups, each O(n) with a weak hasher: the
// state machines keep their maps smaller.
const maxMachineLen = 150
