// Package browsertest drives hmaplab's explorer page in a headless
// Chromium and checks that what the page draws is what the map holds.
//
// It is a module of its own so that the hmap module does not depend on
// chromedp. Its test, TestExplorerDOM, serves the explorer's handler
// (package internal/explore/web), plays a scripted session through the
// page with the keyboard and clicks, and after every step compares the
// drawing's DOM (tophash bytes, slot states, keys, elems, chain lengths,
// evacuation marks, nevacuate) with the Inspect view of a table.Map the
// test builds and drives itself, independently of the engine. It also
// saves screenshots of four moments worth showing.
//
//	cd browsertest && go test -v -run TestExplorerDOM
//	cd browsertest && go test -run TestExplorerDOM -shots ../docs/explore
//
// It needs /usr/bin/chromium (or $CHROMIUM); without one it is skipped,
// unless CI is set, when that is a failure.
package browsertest
