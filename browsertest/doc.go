// Package browsertest drives hmaplab's explorer page in a headless
// Chromium and checks that what the page draws is what the map holds.
//
// It is a module of its own so that the hmap module does not depend on
// chromedp. Its first test, TestExplorerDOM, serves the explorer's handler
// (package internal/explore/web), plays a scripted session through the
// page with the keyboard and clicks, and after every step compares the
// drawing's DOM (tophash bytes, slot states, keys, elems, chain lengths,
// evacuation marks, nevacuate) with the Inspect view of a table.Map the
// test builds and drives itself, independently of the engine. It also
// steps through an insert part by part against the table's tracer, checks
// an iteration entry by entry against a table.Iteration, opens the Lab
// panel, and saves screenshots of six moments worth showing. TestStaticExplorer
// builds the static site (hmaplab explore -static), opens it from file://
// with no server, and checks the WebAssembly engine's drawing, a
// stepped-through insert, an iteration and the Lab panel the same way.
//
//	cd browsertest && go test -v -run TestExplorerDOM
//	cd browsertest && go test -run TestExplorerDOM -shots ../docs/explore
//
// It needs /usr/bin/chromium (or $CHROMIUM); without one it is skipped,
// unless CI is set, when that is a failure.
package browsertest
