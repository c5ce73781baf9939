package browsertest

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/internal/explore/web"
	"github.com/hmaplab/hmap/table"
)

var shotsFlag = flag.String("shots", "", "directory for the screenshots (default $EXPLORE_SHOTS, else a new temporary directory)")

// oracle is the test's own map: the session's ops applied to a table.Map
// made here with the same options, never through the engine, so that the
// page is checked against the table and not against the engine's JSON.
type oracle struct {
	hasher string
	seed   uint64
	ops    []func(r *oracleRun)
}

// oracleRun is one build of the oracle's map: the map, and the iteration
// the session has open, which iterate ops advance across the others.
type oracleRun struct {
	m       *table.Map[int64, string]
	iter    *table.Iteration[int64, string]
	entries []table.IterEntry[int64, string] // yielded by the open (or last) iteration
	last    int                              // how many of them the last iterate yielded
	start   table.IterStart                  // what the open (or last) iteration drew
	op      int                              // the op being applied, from 1
	// evac are the evacuations of the last op, in order, as the table's
	// tracer reported them.
	evac []table.EvacuateEvent
	grew bool // the last op started a growth
}

func (o *oracle) build(t *testing.T) *table.Map[int64, string] {
	t.Helper()
	return o.run(t).m
}

func (o *oracle) run(t *testing.T) *oracleRun {
	t.Helper()
	var h hash.Hasher[int64]
	switch o.hasher {
	case "identity":
		h = hash.Identity[int64]{}
	case "masked":
		h = hash.Masked[int64]{Inner: hash.NewSeeded[int64](), Mask: 0xff00_0000_0000_0003}
	default:
		t.Fatalf("oracle: hasher %q not modelled", o.hasher)
	}
	r := &oracleRun{}
	tr := &table.Tracer{
		BucketEvacuated: func(e table.EvacuateEvent) {
			if r.op == len(o.ops) {
				r.evac = append(r.evac, e)
			}
		},
		GrowStart: func(table.GrowEvent) { r.grew = r.grew || r.op == len(o.ops) },
	}
	r.m = table.New[int64, string](0, table.WithHasher(h), table.WithSeed(o.seed),
		table.WithLoadFactor(13, 2), table.WithEvacuationPace(1), table.WithTracer(tr))
	for i, f := range o.ops {
		r.op, r.last = i+1, 0 // only an iterate yields
		f(r)
	}
	return r
}

func (o *oracle) insert(k int64) {
	o.ops = append(o.ops, func(r *oracleRun) { r.m.Put(k, strconv.FormatInt(k, 10)) })
}
func (o *oracle) delete(k int64) {
	o.ops = append(o.ops, func(r *oracleRun) { r.m.Delete(k) })
}
func (o *oracle) lookup(k int64) {
	o.ops = append(o.ops, func(r *oracleRun) { r.m.Get(k) })
}

// batch is the explorer's batch op as its documentation states it: the n
// smallest non-negative integers not in the map, each with its text as elem.
func (o *oracle) batch(n int) {
	o.ops = append(o.ops, func(r *oracleRun) {
		m := r.m
		for k, added := int64(0), 0; added < n; k++ {
			if !m.Has(k) {
				m.Put(k, strconv.FormatInt(k, 10))
				added++
			}
		}
	})
}

// iterate is the explorer's iterate op as its documentation states it:
// advance the open iteration by n entries, starting one if none is open;
// an iteration that has nothing more to yield ends.
func (o *oracle) iterate(n int) {
	o.ops = append(o.ops, func(r *oracleRun) {
		if r.iter == nil {
			r.iter, r.entries = r.m.StartIteration(), nil
			r.start = r.iter.Start()
		}
		r.last = 0
		for i := 0; i < n; i++ {
			e, ok := r.iter.Next()
			if !ok {
				r.iter = nil
				return
			}
			r.entries = append(r.entries, e)
			r.last++
		}
	})
}

// drawn is what the page drew, read back from the DOM.
type drawn struct {
	New, Old  []drawnChain
	Nevacuate int
	Header    map[string]string
	Error     string
}

type drawnChain struct {
	Len       int
	Evacuated string
	Buckets   []struct {
		Kind   string
		Bucket int
		Chain  int
		Slots  []struct{ Tophash, State, Key, Elem string }
	}
}

const readDOM = `(() => {
  const arr = (name) => [...document.querySelectorAll('.array[data-array-name="' + name + '"] .chain')].map((row) => ({
    Len: +row.dataset.chainLength,
    Evacuated: row.dataset.evacuated || '',
    Buckets: [...row.querySelectorAll('.bucket')].map((b) => ({
      Kind: b.dataset.kind, Bucket: +b.dataset.bucket, Chain: +b.dataset.chain,
      Slots: [...b.querySelectorAll('.slot')].map((s) => ({
        Tophash: s.dataset.tophash, State: s.dataset.state,
        Key: s.children[1].textContent, Elem: s.children[2].textContent })),
    })),
  }));
  const old = document.querySelector('.array[data-array-name="old"]');
  const header = {};
  for (const d of document.querySelectorAll('#header [data-field]')) header[d.dataset.field] = d.querySelector('dd').textContent;
  const err = document.getElementById('error');
  return { New: arr('new'), Old: arr('old'), Nevacuate: old ? +old.dataset.nevacuate : -1, Header: header,
    Error: err.hidden ? '' : err.textContent };
})()`

// session drives the page and checks it.
type session struct {
	t       *testing.T
	ctx     context.Context
	o       *oracle
	steps   int
	cells   int
	shotDir string
}

// act performs a user action and waits for the page to draw its result.
func (s *session) act(what string, actions ...chromedp.Action) {
	s.t.Helper()
	var n int
	if err := chromedp.Run(s.ctx, chromedp.Evaluate(`+document.body.dataset.rendered`, &n)); err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
	actions = append(actions, chromedp.WaitReady(fmt.Sprintf(`body[data-rendered="%d"]`, n+1), chromedp.ByQuery))
	if err := chromedp.Run(s.ctx, actions...); err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
	s.steps++
	s.check(what)
}

func (s *session) typeKey(k int64) chromedp.Action {
	return chromedp.Tasks{clear("#key"), chromedp.SendKeys("#key", strconv.FormatInt(k, 10), chromedp.ByQuery)}
}

func (s *session) insert(k int64) {
	s.o.insert(k)
	s.act(fmt.Sprintf("insert %d", k), s.typeKey(k), chromedp.SendKeys("#key", "\r", chromedp.ByQuery))
}

func (s *session) delete(k int64) {
	s.o.delete(k)
	s.act(fmt.Sprintf("delete %d", k), s.typeKey(k), chromedp.Click("#delete", chromedp.ByQuery))
}

func (s *session) lookup(k int64) {
	s.o.lookup(k)
	s.act(fmt.Sprintf("lookup %d", k), s.typeKey(k), chromedp.Focus("#lookup", chromedp.ByQuery), chromedp.KeyEvent("\r"))
}

func (s *session) batch(n int) {
	s.o.batch(n)
	s.act(fmt.Sprintf("batch %d", n), clear("#batch-n"),
		chromedp.SendKeys("#batch-n", strconv.Itoa(n), chromedp.ByQuery), chromedp.Click("#batch", chromedp.ByQuery))
}

// clear empties a text field, as selecting its text and typing over it
// would, so that what the keyboard types next is all it holds.
func clear(sel string) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf(`document.querySelector(%q).value = ""`, sel), nil)
}

// check compares the drawing with the oracle's Inspect view.
func (s *session) check(what string) *table.Map[int64, string] {
	s.t.Helper()
	var d drawn
	if err := chromedp.Run(s.ctx, chromedp.Evaluate(readDOM, &d)); err != nil {
		s.t.Fatalf("after %s: reading the DOM: %v", what, err)
	}
	if d.Error != "" {
		s.t.Fatalf("after %s: the page shows an error: %s", what, d.Error)
	}
	m := s.o.build(s.t)
	v := m.Inspect()
	fail := func(format string, args ...any) {
		s.t.Helper()
		s.t.Fatalf("after step %d (%s): %s", s.steps, what, fmt.Sprintf(format, args...))
	}
	s.compare(fail, "new", d.New, v.Buckets)
	s.compare(fail, "old", d.Old, v.OldBuckets)
	wantNev := -1
	if v.Growing {
		wantNev = v.Nevacuate
	}
	if d.Nevacuate != wantNev {
		fail("nevacuate drawn %d, table %d", d.Nevacuate, wantNev)
	}
	s.cells++
	for field, want := range map[string]string{
		"count": strconv.Itoa(v.Count), "B": strconv.Itoa(int(v.B)),
		"noverflow": fmt.Sprintf("%d / %d", v.Noverflow, 1<<min(int(v.B), 15)),
	} {
		if d.Header[field] != want {
			fail("header %s drawn %q, table %q", field, d.Header[field], want)
		}
		s.cells++
	}
	return m
}

func (s *session) compare(fail func(string, ...any), name string, got []drawnChain, want []table.Chain[int64, string]) {
	if len(got) != len(want) {
		fail("%s array: %d chains drawn, table has %d", name, len(got), len(want))
	}
	for i, c := range want {
		g := got[i]
		if g.Len != len(c) || len(g.Buckets) != len(c) {
			fail("%s bucket %d: chain of %d drawn (%d bucket elements), table %d", name, i, g.Len, len(g.Buckets), len(c))
		}
		s.cells++
		if name == "old" {
			st := c[0].State(0)
			ev := st == bucket.StateEvacuatedX || st == bucket.StateEvacuatedY || st == bucket.StateEvacuatedEmpty
			if g.Evacuated != strconv.FormatBool(ev) {
				fail("old bucket %d: evacuated drawn %q, table %v", i, g.Evacuated, ev)
			}
			s.cells++
		}
		for j := range c {
			b, gb := &c[j], g.Buckets[j]
			kind := "regular"
			if j > 0 {
				kind = map[bool]string{true: "spare", false: "overflow"}[b.Spare]
			}
			if gb.Kind != kind || gb.Bucket != i || gb.Chain != j {
				fail("%s bucket %d chain %d: drawn as %s bucket %d chain %d, table %s", name, i, j, gb.Kind, gb.Bucket, gb.Chain, kind)
			}
			s.cells++
			for k := range b.Tophash {
				gs := gb.Slots[k]
				top, state := fmt.Sprintf("0x%02x", b.Tophash[k]), b.State(k).String()
				key, elem := "", ""
				if b.State(k) == bucket.StateFull {
					key, elem = strconv.FormatInt(b.Keys[k], 10), b.Elems[k]
				}
				if gs.Tophash != top || gs.State != state || gs.Key != key || gs.Elem != elem {
					fail("%s bucket %d chain %d slot %d: drawn %s %s %q=%q, table %s %s %q=%q",
						name, i, j, k, gs.Tophash, gs.State, gs.Key, gs.Elem, top, state, key, elem)
				}
				s.cells += 4
			}
		}
	}
}

// shot saves a screenshot of the page's view of the map at a given width.
func (s *session) shot(name string, width int64) {
	s.t.Helper()
	var (
		png   []byte
		pageW int64
	)
	if err := chromedp.Run(s.ctx,
		chromedp.EmulateViewport(width, 1000),
		chromedp.Screenshot(".view", &png, chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth`, &pageW),
		chromedp.EmulateViewport(900, 1000)); err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	// Readable at this width: the page itself does not scroll sideways
	// (the bucket drawing scrolls within its own box).
	if pageW > width {
		s.t.Errorf("at %d px wide the page is %d px wide: it scrolls sideways", width, pageW)
	}
	path := filepath.Join(s.shotDir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.t.Logf("saved %s (%d bytes)", path, len(png))
}

func chromium(t *testing.T) string {
	path := os.Getenv("CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium not found at %s (CI is set, so this fails): install it with apt-get install -y chromium, or set $CHROMIUM", path)
		}
		t.Skipf("chromium not found at %s: install it with apt-get install -y chromium, or set $CHROMIUM (with CI set this fails instead)", path)
	}
	return path
}

func shotDir(t *testing.T) string {
	dir := *shotsFlag
	if dir == "" {
		dir = os.Getenv("EXPLORE_SHOTS")
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "explore-shots-")
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser starts a headless Chromium for one test and returns its context,
// which ends within limit.
func browser(t *testing.T, limit time.Duration) context.Context {
	exe := chromium(t)
	// The profile is removed after the browser has gone, and a failure to
	// remove it is no test failure: Chromium may still be writing there as
	// it exits.
	profile, err := os.MkdirTemp("", "explore-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(profile) })
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(900, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	// cdproto of the newest chromedp that builds with Go 1.23 predates
	// some enum values today's Chromium sends in network events the test
	// does not use; those decoding complaints are dropped.
	logf := func(format string, args ...any) {
		if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "could not unmarshal event") {
			t.Log(msg)
		}
	}
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithErrorf(logf))
	t.Cleanup(cancelCtx)
	ctx, cancel := context.WithTimeout(ctx, limit)
	t.Cleanup(cancel)
	return ctx
}

func TestExplorerDOM(t *testing.T) {
	ctx := browser(t, 110*time.Second)
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()

	s := &session{t: t, ctx: ctx, o: &oracle{hasher: "xxh3", seed: 1}, shotDir: shotDir(t)}
	start := time.Now()
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(900, 1000), chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitReady(`body[data-rendered="1"]`, chromedp.ByQuery)); err != nil {
		t.Fatalf("opening the page: %v", err)
	}

	// Choose the identity hasher with the keyboard: type-ahead on the
	// focused select, which fires its change event.
	s.o.hasher = "identity"
	s.act("choose identity", chromedp.Focus("#hasher", chromedp.ByQuery), chromedp.KeyEvent("i"))

	// 30 inserts, one at a time: B grows 0 → 1 → 2 → 3 along the way.
	for k := int64(0); k < 30; k++ {
		s.insert(k)
	}
	// Identity hashes put every key's tophash at 0x05: a lookup compares
	// keys in every full slot before the one it wants.
	s.lookup(20)
	s.shot("tophash-collision.png", 900)

	// Fill to the load limit of B = 3, then step through a growth to
	// B = 4 one write at a time (pace 1: each write moves the old bucket it
	// touches and one more at the mark).
	s.batch(22)
	midShot := false
	for k := int64(52); ; k++ {
		s.insert(k)
		v := s.check("growth step").Inspect()
		if v.Growing && !midShot && v.Nevacuate > 0 {
			s.shot("mid-evacuation.png", 900)
			// Step through this insert's parts (it ends on the walk),
			// then start an iteration that stays open for the rest of
			// the growth.
			s.stepThroughInsert(k)
			s.shot("step-through.png", 900)
			s.iterate(6)
			s.shot("iteration.png", 900)
			midShot = true
		}
		if !v.Growing && v.B == 4 {
			break
		}
		if k > 70 {
			t.Fatal("the growth to B = 4 did not finish within 19 inserts")
		}
	}
	if !midShot {
		t.Fatal("never saw a growth in progress")
	}

	// Delete down to emptyRest: bucket 4's chain holds 4, 20, 36 and 52
	// in slots 0-3 (identity keys k mod 16). Deleting 20 leaves an
	// emptyOne hole; deleting 52, then 36, turns the tail, hole included,
	// into emptyRest.
	for _, k := range []int64{20, 52, 36} {
		s.delete(k)
	}
	m := s.check("deletes")
	c := m.InspectBucket(4)
	if st := c[0].State(1); st != bucket.StateEmptyRest {
		t.Fatalf("bucket 4 slot 1 is %v after the deletes, want emptyRest", st)
	}
	s.lookup(36)
	s.shot("emptyrest-400.png", 400)

	// A same-size growth under the masked hasher (top byte and low 2 bits
	// kept: 4 usable buckets at most). Clear the ops, choose masked, then
	// churn: fill one chain past its bucket (an overflow bucket, counted by
	// noverflow), empty it, fill the next, until noverflow reaches
	// 2^min(B, 15) and the next insert of a new key rebuilds the table.
	s.o = &oracle{hasher: "identity", seed: 1}
	s.act("clear ops", chromedp.Click("#reset", chromedp.ByQuery))
	s.o.hasher = "masked"
	s.act("choose masked", chromedp.Focus("#hasher", chromedp.ByQuery), chromedp.KeyEvent("m"))
	s.sameSizeGrowth()
	s.checkLab()
	t.Logf("%d steps in %v; compared %d cells", s.steps, time.Since(start).Round(time.Millisecond), s.cells)
}

func (s *session) sameSizeGrowth() {
	t := s.t
	next := int64(1000)
	overflowShot := false
	for round := 0; round < 40; round++ {
		m := s.o.build(t)
		st := m.Stats()
		if st.SameSizeGrow || st.Events.SameSizeGrowths > 0 {
			// Step the rebuild through a few writes, checking each.
			for i := 0; i < 3 && m.Stats().Growing; i++ {
				next = s.newKey(m, next, -1)
				s.insert(next)
				m = s.o.build(t)
			}
			t.Logf("same-size growth reached after %d rounds", round)
			return
		}
		if int(st.Noverflow) >= 1<<min(int(st.B), 15) {
			next = s.newKey(m, next, -1)
			s.insert(next) // starts the same-size growth
			continue
		}
		// The target: a usable chain without an overflow bucket.
		target := -1
		for i := 0; i < min(st.Buckets, 4); i++ {
			if len(m.InspectBucket(i)) == 1 {
				target = i
				break
			}
		}
		if target < 0 || st.Buckets == 0 {
			// No chain without overflow (or no table yet): insert anywhere.
			next = s.newKey(m, next, -1)
			s.insert(next)
			continue
		}
		// Empty the other chains, so the target can take 9 keys without
		// the table doubling.
		for i := 0; i < st.Buckets; i++ {
			if i == target {
				continue
			}
			for _, b := range m.InspectBucket(i) {
				for k := range b.Tophash {
					if b.State(k) == bucket.StateFull && m.Len() > 1 {
						s.delete(b.Keys[k])
						m = s.o.build(t)
					}
				}
			}
		}
		for len(m.InspectBucket(target)) == 1 && !m.Stats().Growing {
			next = s.newKey(m, next, target)
			s.insert(next)
			m = s.o.build(t)
		}
		if !overflowShot && len(m.InspectBucket(target)) > 1 {
			s.shot("overflow-chain.png", 900)
			overflowShot = true
		}
	}
	t.Fatal("no same-size growth after 40 rounds")
}

// newKey returns the first key from k up that is not in m and, if target
// is not -1, belongs to chain target of m's current array.
func (s *session) newKey(m *table.Map[int64, string], k int64, target int) int64 {
	for ; ; k++ {
		if m.Has(k) {
			continue
		}
		if target < 0 || m.Locate(k).Bucket == target {
			return k
		}
	}
}
