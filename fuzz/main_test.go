package fuzz

import (
	"flag"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
)

// How much the rapid state machines run. rapid runs -rapid.checks state
// machines per test (default 100), each executing -rapid.steps actions on
// average (default 30): a plain go test ./fuzz executes about 6,000
// actions in TestRapidInt64Machine and TestRapidStringMachine together, in
// a few seconds. CI raises that to tens of thousands and makes sure of it:
//
//	go test ./fuzz -rapid.checks=400 -rapid.steps=50 -hmap.minsteps=10000
//
// (The same through the environment, which also suits go test ./...:
// RAPID_CHECKS=400 RAPID_STEPS=50; -hmap.minsteps exists only here.)
const (
	ciChecks   = 400
	ciSteps    = 50
	ciMinSteps = 10000
)

var minSteps = flag.Int64("hmap.minsteps", 0, fmt.Sprintf(
	"fail unless the rapid state machines execute at least this many actions in all "+
		"(CI: -rapid.checks=%d -rapid.steps=%d -hmap.minsteps=%d)", ciChecks, ciSteps, ciMinSteps))

// rapidSteps counts the state machine actions executed (not the invariant
// checks between them).
var rapidSteps atomic.Int64

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	steps := rapidSteps.Load()
	if testing.Verbose() || *minSteps > 0 {
		fmt.Printf("rapid state machines: %d actions in all\n", steps)
	}
	if code == 0 && steps < *minSteps {
		fmt.Printf("FAIL: the rapid state machines executed %d actions, fewer than -hmap.minsteps=%d: "+
			"raise -rapid.checks or -rapid.steps\n", steps, *minSteps)
		code = 1
	}
	os.Exit(code)
}
