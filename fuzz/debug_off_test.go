//go:build !hmapdebug

package fuzz

// maxMachineLen is the size beyond which the state machines stop inserting
// runs of new keys (single Puts go on), so that a case stays cheap even
// with a hasher that puts every key in one chain.
const maxMachineLen = 600
