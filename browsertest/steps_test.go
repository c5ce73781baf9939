package browsertest

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/chromedp/chromedp"
)

// iterate advances the session's iteration with the keyboard and checks
// the page's account of it against a table.Iteration of the oracle's map.
func (s *session) iterate(n int) {
	s.o.iterate(n)
	s.act(fmt.Sprintf("iterate %d", n), clear("#iter-n"), chromedp.SendKeys("#iter-n", strconv.Itoa(n), chromedp.ByQuery),
		chromedp.Focus("#iterate", chromedp.ByQuery), chromedp.KeyEvent("\r"))
	s.checkIteration(fmt.Sprintf("iterate %d", n))
}

type drawnIteration struct {
	Start string
	Items []struct {
		Key, Array string
		New        bool
	}
	Badges []string
}

const readIteration = `(() => ({
  Start: document.getElementById('iter-start').textContent,
  Items: [...document.querySelectorAll('#iter-list li')].map((li) => ({ Key: li.dataset.key, Array: li.dataset.array, New: li.classList.contains('new') })),
  Badges: [...document.querySelectorAll('#drawing .slot[data-iter]')].map((sl) => {
    const b = sl.closest('.bucket');
    return sl.dataset.iter + '@' + b.dataset.array + ':' + b.dataset.bucket + ':' + b.dataset.chain + ':' + sl.dataset.slot;
  }),
}))()`

// checkIteration compares the iteration panel and the drawing's badges
// with the entries the oracle's iteration yielded, in order: key, the
// array each was read from, which the last op yielded, and where.
func (s *session) checkIteration(what string) {
	s.t.Helper()
	var d drawnIteration
	if err := chromedp.Run(s.ctx, chromedp.Evaluate(readIteration, &d)); err != nil {
		s.t.Fatalf("after %s: reading the iteration: %v", what, err)
	}
	r := s.o.run(s.t)
	st := r.start
	if want := fmt.Sprintf("at bucket %d of %d, slot offset %d", st.StartBucket, 1<<st.B, st.Offset); !strings.Contains(d.Start, want) {
		s.t.Fatalf("after %s: the iteration's start reads %q, the table drew %q", what, d.Start, want)
	}
	if len(d.Items) != len(r.entries) {
		s.t.Fatalf("after %s: %d entries listed, the table's iteration yielded %d", what, len(d.Items), len(r.entries))
	}
	var badges []string
	for i, e := range r.entries {
		array, b := "new", e.Bucket
		switch {
		case e.Old:
			array, b = "old", e.OldBucket
		case e.Released:
			array = "released"
		}
		isNew := i >= len(r.entries)-r.last
		g := d.Items[i]
		if g.Key != strconv.FormatInt(e.Key, 10) || g.Array != array || g.New != isNew {
			s.t.Fatalf("after %s: entry %d listed as %+v, the table yielded key %d from the %s array (last op: %v)", what, i+1, g, e.Key, array, isNew)
		}
		s.cells += 3
		if isNew && array != "released" {
			badges = append(badges, fmt.Sprintf("%d@%s:%d:%d:%d", i+1, array, b, e.Chain, e.Slot))
		}
	}
	sort.Strings(badges)
	sort.Strings(d.Badges)
	if !reflect.DeepEqual(badges, d.Badges) && (len(badges) > 0 || len(d.Badges) > 0) {
		s.t.Fatalf("after %s: badges %v, want %v", what, d.Badges, badges)
	}
	s.cells += len(badges)
}

type drawnPart struct {
	Pos, Text string
	Chains    []string
	Slots     []string
}

const readPart = `(() => ({
  Pos: document.getElementById('step-pos').textContent,
  Text: document.getElementById('step-text').textContent,
  Chains: [...document.querySelectorAll('#drawing .chain[data-step]')].map((r) => r.dataset.chainOf + '=' + r.dataset.step),
  Slots: [...document.querySelectorAll('#drawing .slot[data-step]')].map((sl) => {
    const b = sl.closest('.bucket');
    return b.dataset.array + ':' + b.dataset.bucket + ':' + b.dataset.chain + ':' + sl.dataset.slot + '=' + sl.dataset.step;
  }),
}))()`

// stepThroughInsert steps, with the keyboard, through the last op, an
// insert of a new key k during a growth that it does not finish (or
// starts), and checks each part against the table: if it started the
// growth, its walk of k's chain in the old layout and the growth; the
// evacuations its tracer reported, in order (paced or not); then the walk
// of k's chain in the new layout, then the slot Locate says k is in.
func (s *session) stepThroughInsert(k int64) {
	s.t.Helper()
	r := s.o.run(s.t)
	loc := r.m.Locate(k)
	if len(r.evac) == 0 || !r.m.Stats().Growing {
		s.t.Fatalf("insert %d: the table evacuated %d buckets and is growing: %v; the test wants a write within a growth", k, len(r.evac), r.m.Stats().Growing)
	}
	parts, first := len(r.evac)+2, 0
	if r.grew {
		parts, first = parts+2, 2
	}
	read := func(what string) drawnPart {
		s.t.Helper()
		var p drawnPart
		if err := chromedp.Run(s.ctx, chromedp.Focus("#step-next", chromedp.ByQuery), chromedp.KeyEvent("\r"),
			chromedp.Evaluate(readPart, &p)); err != nil {
			s.t.Fatalf("stepping to %s: %v", what, err)
		}
		return p
	}
	if r.grew {
		p := read("the walk before the growth")
		if want := []string{fmt.Sprintf("old:%d=read", loc.OldBucket)}; p.Pos != fmt.Sprintf("Part 1 of %d", parts) || !reflect.DeepEqual(p.Chains, want) {
			s.t.Fatalf("insert %d, part 1: %+v, want the walk of %v", k, p, want)
		}
		if p = read("the growth"); p.Pos != fmt.Sprintf("Part 2 of %d", parts) || len(p.Chains)+len(p.Slots) != 0 || !strings.Contains(p.Text, "started a growth") {
			s.t.Fatalf("insert %d, part 2: %+v, want the growth's start", k, p)
		}
		s.cells += 2
	}
	for i, e := range r.evac {
		p := read(fmt.Sprintf("evacuation %d", i+1))
		want := []string{fmt.Sprintf("old:%d=evacuated", e.OldBucket), fmt.Sprintf("new:%d=x", e.X)}
		if e.Y >= 0 {
			want = append(want, fmt.Sprintf("new:%d=y", e.Y))
		}
		if p.Pos != fmt.Sprintf("Part %d of %d", first+i+1, parts) || !reflect.DeepEqual(p.Chains, want) || len(p.Slots) != 0 ||
			strings.HasPrefix(p.Text, "Paced") != e.Paced {
			s.t.Fatalf("insert %d, part %d: %+v; the table evacuated old bucket %d (to %d and %d, paced %v)", k, i+1, p, e.OldBucket, e.X, e.Y, e.Paced)
		}
		s.cells += len(want) + 1
	}
	p := read("the walk")
	chain := r.m.InspectBucket(loc.Bucket)
	if p.Pos != fmt.Sprintf("Part %d of %d", parts-1, parts) || !reflect.DeepEqual(p.Chains, []string{fmt.Sprintf("new:%d=read", loc.Bucket)}) ||
		len(p.Slots) != 8*len(chain) {
		s.t.Fatalf("insert %d, the walk: %+v; want new bucket %d's chain of %d buckets, every slot read", k, p, loc.Bucket, len(chain))
	}
	took := fmt.Sprintf("new:%d:%d:%d=free", loc.Bucket, loc.Chain, loc.Slot)
	found := false
	for _, sl := range p.Slots {
		found = found || sl == took
	}
	if !found {
		s.t.Fatalf("insert %d, the walk: slots %v lack %s", k, p.Slots, took)
	}
	s.cells += len(p.Slots)
	p = read("the slot")
	if want := []string{fmt.Sprintf("new:%d:%d:%d=took", loc.Bucket, loc.Chain, loc.Slot)}; !reflect.DeepEqual(p.Slots, want) || p.Pos != fmt.Sprintf("Part %d of %d", parts, parts) {
		s.t.Fatalf("insert %d, the last part: %+v, want %v", k, p, want)
	}
	s.cells++
	// One more Next stays on the last part; Previous goes back.
	if p = read("past the end"); p.Pos != fmt.Sprintf("Part %d of %d", parts, parts) {
		s.t.Fatalf("Next past the last part moved to %q", p.Pos)
	}
	if err := chromedp.Run(s.ctx, chromedp.Focus("#step-prev", chromedp.ByQuery), chromedp.KeyEvent("\r"), chromedp.Evaluate(readPart, &p)); err != nil {
		s.t.Fatal(err)
	}
	if p.Pos != fmt.Sprintf("Part %d of %d", parts-1, parts) {
		s.t.Fatalf("Previous from the last part went to %q", p.Pos)
	}
}
