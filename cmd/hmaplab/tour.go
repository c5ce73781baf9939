package main

import (
	"flag"
	"fmt"
	"io"
	"math/big"
	"math/bits"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

// The tour follows one map, M, through its life — filling, a tophash
// collision, growth, evacuation, deletes — with two side maps for what M
// cannot show without growing (an overflow chain) and what needs a weak
// hasher (a same-size growth). Every chapter explains what is about to
// happen, does it, narrates the map's tracer events and draws the table.
// With a reproducible hasher and a fixed seed the whole text is determined
// by the flags.

// Limits of the tour's flags.
const (
	minTourKeys = 2   // the tophash chapter needs a key to collide with
	maxTourKeys = 200 // beyond, the drawings are summaries only
	maxTourB    = 6   // the largest table the tour sizes (64 buckets)
	// overflowKeys is how many keys the overflow chapter puts into one
	// bucket: eight fill it, the ninth and tenth go to an overflow bucket.
	overflowKeys = 10
	// searchLimit bounds the searches for keys with given hash bits.
	searchLimit = 1 << 16
	// churnLimit bounds the delete+insert pairs of the same-size chapter.
	churnLimit = 5000
	// textWidth is where prose wraps.
	textWidth = 78
)

// The same-size chapter's map: its hasher keeps the top byte of a hash (the
// tophash) and the low 2 bits, so keys use 4 buckets of its 8 (B = 3 for
// weakHint entries at the default load factor).
const (
	weakMask = 0xff00_0000_0000_0003
	weakHint = 52
)

// tourHashers are the -hasher choices: the hashers of package hash that
// can hash string keys.
var tourHashers = []struct {
	name, summary string
	new           func() hash.Hasher[string]
}{
	{"xxh3", "XXH3, seeded: reproducible on every platform (the default)",
		func() hash.Hasher[string] { return hash.XXH3[string]{} }},
	{"runtime", "the Go runtime's string hash, keyed per process: not reproducible",
		func() hash.Hasher[string] { return hash.NewRuntime[string]() }},
	{"masked", "XXH3 keeping only the top 8 and the low 2 bits: a weak hash",
		func() hash.Hasher[string] {
			return hash.Masked[string]{Inner: hash.XXH3[string]{}, Mask: 0xff00_0000_0000_0003}
		}},
	{"constant", "every key hashes to 0x5a00000000000000: the worst hash",
		func() hash.Hasher[string] { return hash.Constant[string]{Value: 0x5a00_0000_0000_0000} }},
}

func hasherNames() string {
	names := make([]string, len(tourHashers))
	for i, h := range tourHashers {
		names[i] = h.name
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// tourOptions are the settings of a tour, checked.
type tourOptions struct {
	seed             uint64
	hasherName       string
	hasher           hash.Hasher[string]
	loadNum, loadDen int
	keys             int
	step             time.Duration
	color            bool
}

func runTour(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("tour", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hmaplab tour [flags]\n\n"+
			"A guided tour of the classic Go map: buckets, tophash, overflow chains,\n"+
			"growth, incremental evacuation, deletes and same-size growth.\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(fs.Output(), "\nHashers (-hasher):\n")
		for _, h := range tourHashers {
			fmt.Fprintf(fs.Output(), "  %-9s %s\n", h.name, h.summary)
		}
	}
	seed := fs.Uint64("seed", 1, "seed of the maps' random choices; the same seed gives the same tour")
	hasherName := fs.String("hasher", "xxh3", "hash function: "+hasherNames())
	loadFactor := fs.String("load-factor", "13/2", "entries per bucket before a table doubles, as num/den or a decimal, in (0, 8]")
	keys := fs.Int("keys", 26, fmt.Sprintf("entries the main map is sized for and filled with, %d to %d", minTourKeys, maxTourKeys))
	step := fs.Duration("step", 0, "pause after each step, such as 1s (0: no pause)")
	colorMode := fs.String("color", "auto", "colour: auto (on a terminal, unless NO_COLOR is set), always or never")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	o := tourOptions{seed: *seed, hasherName: *hasherName, keys: *keys, step: *step}
	for _, h := range tourHashers {
		if h.name == *hasherName {
			o.hasher = h.new()
		}
	}
	if o.hasher == nil {
		return usagef("-hasher %q unknown: want %s", *hasherName, hasherNames())
	}
	var err error
	if o.loadNum, o.loadDen, err = parseLoadFactor(*loadFactor); err != nil {
		return usageError{err}
	}
	if o.keys < minTourKeys || o.keys > maxTourKeys {
		return usagef("-keys %d out of range: want %d to %d", o.keys, minTourKeys, maxTourKeys)
	}
	if o.step < 0 {
		return usagef("-step %v out of range: want 0 or more", o.step)
	}
	switch *colorMode {
	case "auto", "always", "never":
	default:
		return usagef("-color %q unknown: want auto, always or never", *colorMode)
	}
	o.color = colorEnabled(*colorMode, isTerminal(out), os.Getenv("NO_COLOR"))
	if err := o.check(); err != nil {
		return usageError{err}
	}
	_, err = playTour(o, out)
	return err
}

// parseLoadFactor reads a load factor written num/den (13/2) or as a
// decimal (6.5, 4, 1e-5, 6.5e0), exactly, and checks its range as
// table.WithLoadFactor does.
func parseLoadFactor(s string) (num, den int, err error) {
	bad := fmt.Errorf("-load-factor %q: not a ratio num/den (like 13/2) or a decimal (like 6.5); "+
		"want a load factor in (0, %d]", s, asm.SlotCount)
	if n, d, ok := strings.Cut(s, "/"); ok {
		if num, err = strconv.Atoi(n); err != nil {
			return 0, 0, bad
		}
		if den, err = strconv.Atoi(d); err != nil {
			return 0, 0, bad
		}
	} else {
		// big.Rat reads a decimal exactly, exponent included; the pattern
		// keeps out what else it reads (hexadecimal, fractions, "Inf").
		r, ok := new(big.Rat).SetString(s)
		if !decimal.MatchString(s) || !ok {
			return 0, 0, bad
		}
		if !r.Num().IsInt64() || !r.Denom().IsInt64() {
			// Far outside any valid range; converting would wrap around.
			return 0, 0, fmt.Errorf("-load-factor %q: out of range: want a load factor in (0, %d]", s, asm.SlotCount)
		}
		num, den = int(r.Num().Int64()), int(r.Denom().Int64())
	}
	// Let the table judge the range, so that the limits stay its own.
	if _, err := table.TryNew[string, int](0, table.WithLoadFactor(num, den)); err != nil {
		return 0, 0, fmt.Errorf("-load-factor %q: %w", s, err)
	}
	return num, den, nil
}

// decimal matches a decimal number, with an optional exponent of at most
// four digits (big.Rat would build 10^exponent).
var decimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,4})?$`)

// check rejects combinations the tour cannot draw: the main map and the
// overflow chapter's map must have at most 2^maxTourB buckets.
func (o tourOptions) check() error {
	p := o.policy()
	need := max(o.keys, overflowKeys)
	if B := p.BForHint(need); B > maxTourB {
		return fmt.Errorf("-keys %d with -load-factor %s needs %d buckets, more than the tour's %d: "+
			"raise -load-factor or lower -keys", o.keys, o.loadString(), 1<<B, 1<<maxTourB)
	}
	return nil
}

func (o tourOptions) policy() grow.Policy {
	p := grow.Default()
	p.LoadNum, p.LoadDen = uint64(o.loadNum), uint64(o.loadDen)
	return p
}

func (o tourOptions) loadString() string {
	return strconv.FormatFloat(float64(o.loadNum)/float64(o.loadDen), 'g', 4, 64)
}

// colorEnabled decides on colour: -color always or never wins; auto colours
// a terminal unless NO_COLOR is set to a non-empty value (no-color.org).
func colorEnabled(mode string, terminal bool, noColor string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return terminal && noColor == ""
}

// isTerminal reports whether w is a terminal. A variable, for tests.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// tourResult records what each chapter showed, for the tests.
type tourResult struct {
	Fill struct {
		B     uint8
		Count int
	}
	Collision struct {
		Found         bool // a colliding key was found and inserted
		Key, Partner  string
		Bucket        int
		Tophash       uint8
		Tries         int
		Compared      int  // keys compared by the lookup of Key
		LookupFound   bool // the lookup found Key
		SameBucketTop bool // checked against the table after the insert
	}
	Overflow struct {
		Bucket, ChainLen int
		Keys             []string
		Allocations      int // OverflowAllocated events
		Compared         int
		LookupFound      bool
	}
	Grow struct {
		Started      bool
		Key          string
		CountBefore  int
		OldB, NewB   uint8
		GrowingAfter bool
	}
	Evacuation struct {
		Writes    int
		Nevacuate []int // after each write
	}
	Done struct {
		Growing        bool
		B              uint8
		Count          int
		AllFound       bool
		MovedX, MovedY int
	}
	Deletes struct {
		Bucket int
		Keys   []string
		After  []bucket.SlotState // the deleted slot's state right after each delete
		Final  []bucket.SlotState // the deleted slots' states at the end
		Slots  []slotRef          // where the deleted keys were
	}
	SameSize struct {
		Possible        bool // the weak hasher spreads keys over 2+ buckets
		Happened        bool
		Pairs           int // delete+insert pairs until the growth started
		OverflowBefore  int // exact overflow buckets when it started
		OverflowAfter   int // ... and when it was done
		B               uint8
		Growths         int // doublings of the weak map (none expected)
		SameSizeGrowths int
	}
	Events []string // every tracer line, in order
}

// slotRef names a slot of a chain: bucket j of the chain, slot s.
type slotRef struct{ J, S int }

func (r slotRef) String() string {
	if r.J == 0 {
		return fmt.Sprintf("slot %d", r.S)
	}
	return fmt.Sprintf("overflow %d slot %d", r.J, r.S)
}

// tour is a tour in progress.
type tour struct {
	o        tourOptions
	out      io.Writer
	err      error    // the first write error
	pending  []string // tracer lines not yet printed
	inList   bool     // the last block is a list of lines
	nextKey  int      // the number of M's next key, k<nextKey>
	growDone int      // GrowDone events so far
	chapter  int
	res      tourResult
}

// playTour writes the whole tour to out and reports what it showed.
func playTour(o tourOptions, out io.Writer) (*tourResult, error) {
	t := &tour{o: o, out: out}
	t.intro()
	m, ok := t.newMap(o.keys, "M")
	if !ok {
		return &t.res, t.err
	}
	keys := t.chEmpty(m)
	keys = t.chFill(m, keys)
	keys = t.chCollision(m, keys)
	t.chOverflow()
	keys = t.chGrow(m, keys)
	keys = t.chEvacuate(m, keys)
	t.chGrowDone(m, keys)
	t.chDeletes(m)
	t.chSameSize()
	t.outro(m)
	return &t.res, t.err
}

const chapters = 9

// ---- output helpers ----

func (t *tour) write(s string) {
	if t.err != nil {
		return
	}
	_, t.err = io.WriteString(t.out, s)
}

func (t *tour) printf(format string, args ...any) {
	t.write(fmt.Sprintf(format, args...))
}

// The text is a sequence of blocks — paragraphs, drawings, lists of lines —
// each after a blank line.

// line writes a line of a list, starting the list if need be.
func (t *tour) line(format string, args ...any) {
	if !t.inList {
		t.write("\n")
		t.inList = true
	}
	t.write(fmt.Sprintf(format, args...) + "\n")
}

// say writes a paragraph of prose, wrapped at textWidth.
func (t *tour) say(format string, args ...any) {
	t.inList = false
	t.write("\n" + wrap(fmt.Sprintf(format, args...), textWidth) + "\n")
}

// wrap breaks s into lines of at most width columns, at spaces.
func wrap(s string, width int) string {
	var sb strings.Builder
	col := 0
	for _, w := range strings.Fields(s) {
		switch {
		case col == 0:
		case col+1+len(w) > width:
			sb.WriteByte('\n')
			col = 0
		default:
			sb.WriteByte(' ')
			col++
		}
		sb.WriteString(w)
		col += len(w)
	}
	return sb.String()
}

func (t *tour) bold(s string) string {
	if t.o.color {
		return "\x1b[1m" + s + "\x1b[0m"
	}
	return s
}

func (t *tour) title(name string) {
	t.chapter++
	t.inList = false
	head := fmt.Sprintf("[%d/%d] %s", t.chapter, chapters, name)
	t.printf("\n\n%s\n%s\n", t.bold(head), strings.Repeat("-", len(head)))
}

// pause waits -step, after a step the reader should see before the next.
func (t *tour) pause() {
	if t.o.step > 0 && t.err == nil {
		time.Sleep(t.o.step)
	}
}

// draw renders m's table. Key listings are kept for tables of 8 buckets or
// fewer; larger arrays are summarised beyond 16 buckets.
func (t *tour) draw(m *table.Map[string, int], keys, legend bool) {
	v := m.Inspect()
	keys = keys && len(v.Buckets) <= 8 && len(v.OldBuckets) <= 8
	t.inList = false
	t.write("\n")
	if t.err == nil {
		t.err = v.Render(t.out, table.RenderOptions{Keys: keys, Style: t.style(), MaxBuckets: 16, Legend: legend})
	}
	t.pause()
}

// ---- maps, hashes and the tracer ----

// newMap makes a map of the tour, sized for hint entries, with the
// chosen hasher, seed and load factor, narrated by the tracer.
func (t *tour) newMap(hint int, name string) (*table.Map[string, int], bool) {
	m, err := table.TryNew[string, int](hint,
		table.WithHasher(t.o.hasher), table.WithSeed(t.o.seed),
		table.WithLoadFactor(t.o.loadNum, t.o.loadDen), table.WithTracer(t.tracer()))
	if err != nil {
		// The options were checked before the tour began.
		t.err = fmt.Errorf("map %s: %w", name, err)
		return nil, false
	}
	return m, true
}

// hashOf returns key's hash in m, as m computes it.
func hashOf(h hash.Hasher[string], m *table.Map[string, int], key string) uintptr {
	return uintptr(h.Hash(key, uint64(m.Stats().Seed)))
}

func (t *tour) tracer() *table.Tracer {
	return &table.Tracer{
		GrowStart: func(e table.GrowEvent) {
			if e.SameSize {
				t.event("grow: B %d -> %d (same size: noverflow %d reached 2^%d), %s",
					e.OldB, e.NewB, e.Overflow, min(e.OldB, 15), nEntries(e.Count))
				return
			}
			t.event("grow: B %d -> %d (doubling), %s", e.OldB, e.NewB, nEntries(e.Count))
		},
		BucketEvacuated: func(e table.EvacuateEvent) {
			why := "touched" // the write is about to use it
			if e.Paced {
				why = "next" // at nevacuate, to advance the growth
			}
			if e.Y < 0 {
				t.event("evacuated old bucket %d -> bucket %d (%s) [%s]", e.OldBucket, e.X, nEntries(e.ToX), why)
				return
			}
			t.event("evacuated old bucket %d -> X %d (%s), Y %d (%s) [%s]",
				e.OldBucket, e.X, nEntries(e.ToX), e.Y, nEntries(e.ToY), why)
		},
		GrowDone: func(e table.GrowEvent) {
			t.growDone++
			t.event("grow done: B %d, %s; the old array is released", e.NewB, nEntries(e.Count))
		},
		OverflowAllocated: func(e table.OverflowEvent) {
			from := "newly allocated"
			if e.Spare {
				from = fmt.Sprintf("preallocated spare, %d left", e.SparesLeft)
			}
			t.event("overflow: chain %d now %d buckets (%s), noverflow %d", e.Bucket, e.ChainLen, from, e.Overflow)
		},
		Reseed: func(e table.ReseedEvent) {
			why := "the map became empty"
			if e.Clear {
				why = "the map was cleared"
			}
			t.event("reseed: %#08x -> %#08x (%s)", e.Old, e.New, why)
		},
	}
}

func (t *tour) event(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	t.pending = append(t.pending, line)
	t.res.Events = append(t.res.Events, line)
}

// flush prints the tracer lines of the last write.
func (t *tour) flush() {
	for _, l := range t.pending {
		t.line("  * %s", l)
	}
	t.pending = t.pending[:0]
}

// put inserts key and prints where it went: its hash, tophash, bucket and
// slot, then the tracer's events.
func (t *tour) put(m *table.Map[string, int], key string, elem int, show bool) {
	m.Put(key, elem)
	if show {
		t.line("%s", t.keyLine(m, key))
	}
	t.flush()
}

func (t *tour) keyLine(m *table.Map[string, int], key string) string {
	l := m.Locate(key)
	topStr := fmt.Sprintf("%02x", l.Tophash)
	if raw := uint8(l.Hash >> (bits.UintSize - 8)); raw != l.Tophash {
		topStr += " (+5)" // bumped above the reserved values
	}
	low := ""
	if l.B > 0 {
		low = fmt.Sprintf(" (%0*b)", l.B, l.Bucket)
	}
	where := "?"
	if l.Found && !l.Old {
		where = slotRef{l.Chain, l.Slot}.String()
	}
	return fmt.Sprintf("  %-4s  hash %016x  tophash %s  bucket %d%s  %s", key, uint64(l.Hash), topStr, l.Bucket, low, where)
}

// lookup narrates a lookup of key in m, which must not be growing, step by
// step as the map does it: along the chain, slot by slot, comparing the
// tophash byte, and the key only when the byte matches; stopping at
// emptyRest. It returns the keys compared and whether key was found. Runs
// of slots ruled out by their byte are drawn as one line, and so are long
// runs of bytes that matched keys that did not.
func (t *tour) lookup(m *table.Map[string, int], key string) (compared int, found bool) {
	h := hashOf(t.o.hasher, m, key)
	s := m.Stats()
	idx := int(h & (uintptr(1)<<s.B - 1))
	top := asm.Tophash(h)
	t.line("  lookup %s: bucket %d, tophash %02x", key, idx, top)
	const (
		skip = iota + 1 // tophash differs
		vain            // tophash matches, key differs
	)
	kind := 0
	var run []string // the run's cells (skip) or lines (vain)
	var from slotRef
	endRun := func() {
		switch {
		case len(run) == 0:
		case kind == skip:
			label := from.String()
			if len(run) > 1 {
				label = strings.Replace(label, "slot", "slots", 1) + fmt.Sprintf("-%d", from.S+len(run)-1)
			}
			t.line("    %-20s %s  no match, skipped", label, strings.Join(run, " "))
		case len(run) <= 4:
			for _, l := range run {
				t.line("%s", l)
			}
		default:
			t.line("%s", run[0])
			t.line("    ... %d more slots like it: tophash matches, keys differ", len(run)-2)
			t.line("%s", run[len(run)-1])
		}
		run, kind = run[:0], 0
	}
	start := func(k int, r slotRef) {
		if kind != k {
			endRun()
			kind, from = k, r
		}
	}
	slots := 0
walk:
	for j, b := range m.InspectBucket(idx) {
		if kind == skip {
			endRun() // a run of skipped slots stays within a bucket
		}
		for i := range b.Tophash {
			slots++
			r := slotRef{j, i}
			th := b.Tophash[i]
			switch st := b.State(i); {
			case st == bucket.StateEmptyRest:
				endRun()
				t.line("    %-20s ..  emptyRest: nothing further, stop", r)
				break walk
			case th != top:
				start(skip, r)
				cell := fmt.Sprintf("%02x", th)
				if st == bucket.StateEmptyOne {
					cell = "__"
				}
				run = append(run, cell)
				continue
			}
			compared++
			if b.Keys[i] == key {
				endRun()
				t.line("    %-20s %02x  tophash matches; compare keys: %s == %s, found", r, th, b.Keys[i], key)
				found = true
				break walk
			}
			start(vain, r)
			run = append(run, fmt.Sprintf("    %-20s %02x  tophash matches; compare keys: %s != %s, go on",
				r, th, b.Keys[i], key))
		}
	}
	endRun()
	verdict := "not found"
	if found {
		verdict = "found"
	}
	t.line("  %s: %s read, %s compared", verdict, plural(slots, "slot", "slots"), plural(compared, "key", "keys"))
	if _, ok := m.Get(key); ok != found {
		t.line("  (the map disagrees: Get says found=%v)", ok)
	}
	return compared, found
}

func nEntries(n int) string { return plural(n, "entry", "entries") }

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// capacity is the most entries 2^B buckets hold before the next insert
// grows them.
func (t *tour) capacity(B uint8) int {
	return capacityOf(t.o.policy(), B)
}

func capacityOf(p grow.Policy, B uint8) int {
	c := asm.SlotCount
	for !p.OverLoad(c+1, B) {
		c++
	}
	return c
}

func keyName(i int) string { return fmt.Sprintf("k%02d", i) }

// ---- the chapters ----

func (t *tour) intro() {
	t.printf("%s\n", t.bold("hmaplab tour: the life of a classic Go map"))
	t.printf("seed %d, hasher %s, load factor %d/%d = %s, %d keys\n",
		t.o.seed, t.o.hasherName, t.o.loadNum, t.o.loadDen, t.o.loadString(), t.o.keys)
	t.say("This is the hash map Go's runtime used up to Go 1.23 (runtime/map.go), " +
		"rebuilt as package table, whose buckets can be read. We follow one map, M, " +
		"from empty to grown, with two side trips. Drawings show each bucket's 8 tophash " +
		"bytes; the legend follows the first one.")
	if t.o.hasherName == "runtime" {
		t.say("Note: the runtime hasher is keyed afresh by every process, so this tour " +
			"is not reproducible: it differs from run to run, even with the same -seed. " +
			"Use -hasher xxh3 to reproduce a tour.")
	}
}

func (t *tour) chEmpty(m *table.Map[string, int]) []string {
	t.title("An empty map")
	s := m.Stats()
	if s.B == 0 {
		t.say("New(%d) makes M, sized for %d entries. Any map holds 8 entries in its "+
			"first bucket, so M starts with B = 0: one bucket of 8 slots, not even "+
			"allocated until the first insert.", t.o.keys, t.o.keys)
	} else {
		t.say("New(%d) makes M, sized for %d entries. A table of 2^B buckets takes at most "+
			"%s entries per bucket, so M starts with B = %d: %d buckets of 8 slots. "+
			"Each slot holds a key, an elem and a tophash byte.",
			t.o.keys, t.o.keys, t.o.loadString(), s.B, s.Buckets)
	}
	t.say("M also drew its hash seed, %#08x (from -seed): every hash mixes it in, so "+
		"another map, or another seed, places the same keys elsewhere.", s.Seed)
	t.draw(m, true, true)
	t.res.Fill.B = s.B
	return nil
}

func (t *tour) chFill(m *table.Map[string, int], keys []string) []string {
	t.title("Filling, bucket by bucket")
	n := t.o.keys - 1 // the last key is chosen by the next chapter
	B := m.Stats().B
	span := keyName(0)
	if n > 1 {
		span += " to " + keyName(n-1)
	}
	if B == 0 {
		t.say("We insert %s. The hasher turns each key into 64 bits. With B = 0 "+
			"no low bit picks a bucket: all go to bucket 0. The top 8 bits become the "+
			"tophash, kept in the slot's byte, so that a lookup rules slots out one byte "+
			"at a time (a top byte below 5 is bumped by 5, as 0 to 4 mark empty and "+
			"evacuated slots). A key takes the first free slot.", span)
	} else {
		t.say("We insert %s. The hasher turns each key into 64 bits: the low %s "+
			"(B = %d) pick the bucket, the top 8 bits become the tophash, kept in the "+
			"slot's byte, so that a lookup rules slots out one byte at a time (a top byte "+
			"below 5 is bumped by 5, as 0 to 4 mark empty and evacuated slots). A key "+
			"takes the first free slot of its bucket.", span,
			plural(int(B), "bit", "bits"), B)
	}
	const shown = 16
	drawEvery := 8
	if n > 40 {
		drawEvery = n
	}
	for i := range n {
		k := keyName(i)
		keys = append(keys, k)
		show := n <= 40 || i < shown
		t.put(m, k, i, show)
		if n > 40 && i == shown {
			t.line("  ... and so on to %s", keyName(n-1))
		}
		if (i+1)%drawEvery == 0 || i == n-1 {
			t.draw(m, true, false)
		}
	}
	st := m.Stats()
	if st.Buckets > 1 {
		var counts []string
		for _, c := range m.Inspect().Buckets {
			n := 0
			for _, b := range c {
				n += b.Full()
			}
			counts = append(counts, strconv.Itoa(n))
		}
		t.say("%s in %d buckets: %s per bucket on average; bucket by bucket: %s.",
			nEntries(m.Len()), st.Buckets, strconv.FormatFloat(st.LoadFactor, 'f', 2, 64),
			strings.Join(counts, ", "))
	}
	return keys
}

func (t *tour) chCollision(m *table.Map[string, int], keys []string) []string {
	t.title("Two keys, one tophash")
	s := m.Stats()
	t.say("A tophash is only 8 bits, so two keys of one bucket share it once in 256 " +
		"pairs. Then the byte cannot tell them apart, and a lookup must compare the keys " +
		"themselves. Let us make it happen: we try keys c00, c01, ... until one lands in " +
		"a bucket of M next to a key with the same tophash.")
	mask := uintptr(1)<<s.B - 1
	var cand, partner string
	var idx int
	var top uint8
	tries := 0
	for i := 0; i < searchLimit && partner == ""; i++ {
		c := fmt.Sprintf("c%02d", i)
		if m.Has(c) {
			continue
		}
		tries++
		h := hashOf(t.o.hasher, m, c)
		idx, top = int(h&mask), asm.Tophash(h)
		for _, b := range m.InspectBucket(idx) {
			for j := range b.Tophash {
				if b.State(j) == bucket.StateFull && b.Tophash[j] == top && partner == "" {
					cand, partner = c, b.Keys[j]
				}
			}
		}
	}
	r := &t.res.Collision
	if partner == "" {
		t.say("No luck in %d tries: this hasher gives no key a tophash shared with M's "+
			"keys. We insert %s instead.", tries, keyName(len(keys)))
		k := keyName(len(keys))
		t.put(m, k, len(keys), true)
		t.res.Fill.Count = m.Len()
		return append(keys, k)
	}
	r.Found, r.Key, r.Partner, r.Bucket, r.Tophash, r.Tries = true, cand, partner, idx, top, tries
	t.say("%s does, after %s: bucket %d, tophash %02x, like %s. It is M's last key:",
		cand, plural(tries, "try", "tries"), idx, top, partner)
	t.put(m, cand, len(keys), true)
	keys = append(keys, cand)
	t.res.Fill.Count = m.Len()
	if la, lb := m.Locate(partner), m.Locate(cand); la.Found && lb.Found && !la.Old && !lb.Old && la.Bucket == idx && lb.Bucket == idx {
		c := m.InspectBucket(idx)
		r.SameBucketTop = c[la.Chain].Tophash[la.Slot] == c[lb.Chain].Tophash[lb.Slot]
	}
	t.draw(m, true, false)
	t.say("Now look %s up. The slots whose byte differs cost one comparison of a byte; "+
		"%s's slot matches too, so its key is compared, in vain, before %s's:", cand, partner, cand)
	r.Compared, r.LookupFound = t.lookup(m, cand)
	if r.Compared <= 2 {
		t.say("Such false positives are why a slot keeps the whole key: the tophash only " +
			"makes them rare. A miss in a bucket of 6 or 7 entries usually compares no key at all.")
	} else {
		// A hasher whose top byte varies little (constant, masked) makes
		// every slot a false positive: say what the reader just saw.
		t.say("That took %d key comparisons: with the %s hasher the keys share their tophash, "+
			"so the byte filters nothing and every full slot is a false positive. Such false "+
			"positives are why a slot keeps the whole key; with a good hash they are rare, and a "+
			"miss in a bucket of 6 or 7 entries usually compares no key at all.", r.Compared, t.o.hasherName)
	}
	t.pause()
	return keys
}

func (t *tour) chOverflow() {
	t.title("An overflow chain")
	hint := max(t.o.keys, overflowKeys)
	o, ok := t.newMap(hint, "O")
	if !ok {
		return
	}
	s := o.Stats()
	B := s.B
	mask := uintptr(1)<<B - 1
	target := int(hashOf(t.o.hasher, o, "o00") & mask)
	var keys []string
	for i := 0; i < searchLimit && len(keys) < overflowKeys; i++ {
		k := fmt.Sprintf("o%02d", i)
		if int(hashOf(t.o.hasher, o, k)&mask) == target {
			keys = append(keys, k)
		}
	}
	t.say("A bucket has 8 slots. A ninth key for the same bucket gets an overflow "+
		"bucket, linked behind it: a chain, which lookups of its keys walk. We leave M "+
		"as it is for the next chapter and take a second map, O, sized for %d entries "+
		"(B = %d, %d buckets), with the same hasher and seed, and keys o00, o01, ... "+
		"chosen because they land in O's bucket %d.",
		hint, B, s.Buckets, target)
	if B >= 4 {
		t.say("O has %d buckets, so its array came with %d spare buckets: chains take "+
			"those first (drawn >*), before allocating.", s.Buckets, s.SpareBuckets)
	}
	if len(keys) < overflowKeys {
		t.say("Only %d of %d candidate keys land in bucket %d with this hasher: not "+
			"enough for a chain.", len(keys), searchLimit, target)
		return
	}
	before := len(t.res.Events)
	for i, k := range keys {
		t.put(o, k, i, true)
	}
	for _, e := range t.res.Events[before:] {
		if strings.HasPrefix(e, "overflow:") {
			t.res.Overflow.Allocations++
		}
	}
	t.draw(o, true, false)
	last := keys[len(keys)-1]
	t.say("Bucket %d is full, so the ninth key went to slot 0 of the overflow bucket "+
		"(drawn after >). Looking %s up walks the whole chain:", target, last)
	r := &t.res.Overflow
	r.Bucket, r.Keys, r.ChainLen = target, keys, len(o.InspectBucket(target))
	r.Compared, r.LookupFound = t.lookup(o, last)
	t.say("Chains are what the load factor keeps short: at %s entries per bucket on "+
		"average few buckets overflow. Overflow buckets are counted (noverflow); "+
		"chapter 9 shows what happens when there are too many.", t.o.loadString())
	t.pause()
}

func (t *tour) chGrow(m *table.Map[string, int], keys []string) []string {
	t.title(fmt.Sprintf("Crossing %s entries per bucket", t.o.loadString()))
	s := m.Stats()
	limit := t.capacity(s.B)
	if s.B == 0 {
		t.say("A table of one bucket holds 8 entries, whatever the load factor. Before "+
			"an insert of a new key, the map checks count+1 against that; the insert that "+
			"would make %d starts a growth: a new array twice the size is allocated, the "+
			"old one is kept as oldbuckets, and entries move later, a few per write.", limit+1)
	} else {
		t.say("A table of 2^B buckets takes at most %s x %d = %d entries (and any "+
			"table 8). Before an insert of a new key, the map checks count+1 against that "+
			"limit; the insert that would cross it first starts a growth: a new array twice "+
			"the size is allocated, the old one is kept as oldbuckets, and entries move "+
			"later, a few per write. M holds %d.",
			t.o.loadString(), s.Buckets, limit, m.Len())
	}
	r := &t.res.Grow
	growths := s.Events.Growths
	n := limit - m.Len() + 1 // inserts until the growth
	t.nextKey = len(keys)
	for i := 0; i < n; i++ {
		k := keyName(t.nextKey)
		count := m.Len()
		last := i == n-1
		if !last && n > 6 && i >= 2 && i < n-3 {
			if i == 2 {
				t.line("  ...")
			}
			t.put(m, k, t.nextKey, false)
			t.nextKey++
			keys = append(keys, k)
			continue
		}
		if last {
			t.line("  put %s: count %d -> %d > %d: grow first", k, count, count+1, limit)
			r.Key, r.CountBefore = k, count
		} else {
			t.line("  put %s: count %d -> %d, within %d", k, count, count+1, limit)
		}
		t.put(m, k, t.nextKey, last)
		t.nextKey++
		keys = append(keys, k)
	}
	s = m.Stats()
	r.Started = s.Events.Growths > growths
	r.GrowingAfter = s.Growing
	r.NewB = s.B
	r.OldB = s.B - 1
	t.draw(m, true, false)
	if !r.Started {
		t.say("(No growth happened: that should not be.)")
		return keys
	}
	if !s.Growing {
		t.say("The old array had a single bucket, and the insert that started the growth "+
			"evacuated it, before placing %s: the growth is already over.", r.Key)
		return keys
	}
	touched := int(hashOf(t.o.hasher, m, r.Key) & uintptr(s.OldBuckets-1))
	t.say("M now has two arrays. The old one (%d buckets) keeps what has not moved, "+
		"and lookups of those keys still read it. Before placing %s, the insert did its "+
		"share of the moving: old bucket %d, where %s belongs [touched], then the first "+
		"old bucket not yet moved, at nevacuate [next].", s.OldBuckets, r.Key, touched, r.Key)
	return keys
}

func (t *tour) chEvacuate(m *table.Map[string, int], keys []string) []string {
	t.title("Evacuation, one write at a time")
	s := m.Stats()
	if !s.Growing {
		t.say("Nothing left to move: the growth finished with the insert that started it.")
		return keys
	}
	oldN := s.OldBuckets
	limit := t.capacity(s.B)
	t.say("Every insert or delete on a growing map first evacuates the old bucket it is "+
		"about to use, so it finds the key's whole chain in the new array, then one more, "+
		"at nevacuate, so that the growth is over before the next one can be due. A "+
		"doubling splits each old chain in two by hash bit %d, the bit the bigger mask "+
		"adds: 0 sends an entry to X, the same index, 1 to Y, index + %d. Old slots are "+
		"marked X> or Y>, or -. if empty. We insert new keys (or, should M reach %d "+
		"entries, delete old ones) until all %d old buckets have moved.",
		s.B-1, oldN, limit, oldN)
	r := &t.res.Evacuation
	// Each write moves one old bucket or more: draw them all for small
	// tables, and a few for large ones.
	drawEvery := max(1, oldN/8)
	if drawEvery > 1 {
		t.say("With %d old buckets that takes a while: we draw the table after every "+
			"%d writes.", oldN, drawEvery)
	}
	done := t.growDone
	for t.growDone == done && r.Writes < 2*oldN {
		t.inList = false
		if m.Len() < limit {
			k := keyName(t.nextKey)
			t.line("  write %d: put %s", r.Writes+1, k)
			t.put(m, k, t.nextKey, true)
			t.nextKey++
			keys = append(keys, k)
		} else {
			// Another insert would start the next growth as soon as this one
			// is over; a delete does the same work without.
			k := keys[0]
			keys = keys[1:]
			t.line("  write %d: delete %s", r.Writes+1, k)
			m.Delete(k)
			t.flush()
		}
		r.Writes++
		r.Nevacuate = append(r.Nevacuate, m.Stats().Nevacuate)
		if t.growDone == done && r.Writes%drawEvery == 0 {
			t.draw(m, true, false)
		}
	}
	return keys
}

func (t *tour) chGrowDone(m *table.Map[string, int], keys []string) {
	t.title("The growth completes")
	s := m.Stats()
	r := &t.res.Done
	r.Growing, r.B, r.Count = s.Growing, s.B, s.Count
	r.MovedX, r.MovedY = s.Events.MovedX, s.Events.MovedY
	r.AllFound = true
	for _, k := range keys {
		if !m.Has(k) {
			r.AllFound = false
		}
	}
	found := "all of them are found"
	if !r.AllFound {
		found = "but some are missing: a bug"
	}
	t.say("When nevacuate passes the last old bucket, the growth is over: the old array "+
		"is dropped and M is an ordinary table again, %d buckets (B = %d) for %d entries, "+
		"%s per bucket. Evacuation sent %d entries to X and %d to Y; order is kept within "+
		"each half. We look up the %d keys M holds: %s.",
		s.Buckets, s.B, s.Count, strconv.FormatFloat(s.LoadFactor, 'f', 2, 64),
		r.MovedX, r.MovedY, len(keys), found)
	t.draw(m, true, false)
}

func (t *tour) chDeletes(m *table.Map[string, int]) {
	t.title("Deletes: emptyOne and emptyRest")
	// The chain with the most entries, the first of them if several.
	v := m.Inspect()
	best, most := 0, -1
	for i, c := range v.Buckets {
		n := 0
		for _, b := range c {
			n += b.Full()
		}
		if n > most {
			best, most = i, n
		}
	}
	type entry struct {
		key string
		at  slotRef
	}
	var entries []entry
	for j, b := range v.Buckets[best] {
		for s := range b.Tophash {
			if b.State(s) == bucket.StateFull {
				entries = append(entries, entry{b.Keys[s], slotRef{j, s}})
			}
		}
	}
	var plan []int
	switch n := len(entries); {
	case n >= 3:
		plan = []int{0, n - 2, n - 1}
	case n == 2:
		plan = []int{0, 1}
	default:
		plan = []int{0}
	}
	t.say("A delete clears its slot and marks it emptyOne (__): empty, but keep looking, "+
		"for the key sought may be further on. If nothing full follows in the chain, the "+
		"slot becomes emptyRest (..) instead, and so does the run of emptyOne slots just "+
		"before it: lookups and inserts stop at the first emptyRest. We delete from "+
		"bucket %d, the fullest (%s):", best, plural(most, "entry", "entries"))
	r := &t.res.Deletes
	r.Bucket = best
	for _, p := range plan {
		e := entries[p]
		m.Delete(e.key)
		c := m.InspectBucket(best)
		st := c[e.at.J].State(e.at.S)
		r.Keys = append(r.Keys, e.key)
		r.Slots = append(r.Slots, e.at)
		r.After = append(r.After, st)
		t.inList = false
		t.line("  delete %s (bucket %d %s): %s", e.key, best, e.at, st)
		label := fmt.Sprintf("    bucket %d: ", best)
		t.line("%s%s", label, chainCells(c, len(label)-2))
		t.flush()
		t.pause()
	}
	c := m.InspectBucket(best)
	for _, at := range r.Slots {
		r.Final = append(r.Final, c[at.J].State(at.S))
	}
	if len(plan) == 3 && r.Final[0] == bucket.StateEmptyOne {
		t.say("The first delete left emptyOne: full slots follow it. The last one found " +
			"nothing full after it, so it became emptyRest and turned the emptyOne before " +
			"it to emptyRest too; the first stays emptyOne until its followers go, or an " +
			"insert reuses it. M now:")
	} else {
		t.say("The last delete found nothing full after its slot, so it became emptyRest, " +
			"and so did every emptyOne slot before it, back to a full one. M now:")
	}
	t.draw(m, true, false)
	t.say("(A map that becomes empty by deletes also draws a new hash seed, so that " +
		"keys found to collide by trial stop colliding.)")
}

// chainCells draws a chain's tophash cells, buckets joined by >, two
// buckets per line as Render does, continuation lines indented by indent.
func chainCells(c table.Chain[string, int], indent int) string {
	var sb strings.Builder
	for j, b := range c {
		switch {
		case j == 0:
		case j%2 == 0:
			sb.WriteString("\n" + strings.Repeat(" ", indent) + "> ")
		default:
			sb.WriteString(" > ")
		}
		for s, th := range b.Tophash {
			if s > 0 {
				sb.WriteByte(' ')
			}
			switch b.State(s) {
			case bucket.StateFull:
				fmt.Fprintf(&sb, "%02x", th)
			case bucket.StateEmptyRest:
				sb.WriteString("..")
			case bucket.StateEmptyOne:
				sb.WriteString("__")
			case bucket.StateEvacuatedX:
				sb.WriteString("X>")
			case bucket.StateEvacuatedY:
				sb.WriteString("Y>")
			default:
				sb.WriteString("-.")
			}
		}
	}
	return sb.String()
}

func (t *tour) chSameSize() {
	t.title("Same-size growth: too many overflow buckets")
	weak := hash.Masked[string]{Inner: t.o.hasher, Mask: weakMask}
	w, err := table.TryNew[string, int](weakHint, table.WithHasher[string](weak), table.WithSeed(t.o.seed),
		table.WithTracer(t.tracer()))
	if err != nil {
		t.err = fmt.Errorf("map W: %w", err)
		return
	}
	s := w.Stats()
	threshold := 1 << min(s.B, 15)
	r := &t.res.SameSize
	r.B = s.B
	t.say("Deletes never shorten a chain, and an insert reuses a hole only in its own " +
		"chain: a map whose keys come and go can pile up overflow buckets at a modest " +
		"load. The map counts the overflow buckets linked into its array (noverflow); " +
		"when that count reaches 2^min(B, 15), as many as there are buckets, the next " +
		"insert of a new key rebuilds the table at the same size, packing the chains.")
	lf := ""
	if t.o.loadNum*2 != t.o.loadDen*13 {
		lf = ", at the default load factor 6.5"
	}
	t.say("To provoke it, map W gets a weak hasher: %s masked to its top byte and its "+
		"low 2 bits, so keys land in buckets 0 to 3 at most. W has %d buckets (B = %d%s), so "+
		"the threshold is %d. We fill it with %d keys, then use it as a queue: delete the "+
		"oldest key, insert a new one, again and again; each chain's share of the keys "+
		"drifts, and every time one outgrows its buckets it gets another.",
		t.o.hasherName, s.Buckets, s.B, lf, threshold, weakHint)
	next, oldest := 0, 0
	wkey := func(i int) string { return fmt.Sprintf("w%03d", i) }
	for ; next < weakHint; next++ {
		w.Put(wkey(next), next)
	}
	t.line("  put %s to %s", wkey(0), wkey(next-1))
	t.flush()
	t.draw(w, false, false)
	used := 0
	for _, c := range w.Inspect().Buckets {
		if c[0].Full() > 0 {
			used++
		}
	}
	r.Possible = used >= 2

	// churn deletes the oldest key and inserts a new one.
	pairs := 0
	churn := func(always bool) {
		dk, ik := wkey(oldest), wkey(next)
		w.Delete(dk)
		w.Put(ik, next)
		oldest++
		next++
		pairs++
		if always || len(t.pending) > 0 {
			t.line("  pair %d: delete %s, put %s", pairs, dk, ik)
			t.flush()
		}
	}
	for pairs < churnLimit && w.Stats().Events.SameSizeGrowths == 0 {
		if st := w.Stats(); int(st.Noverflow) >= threshold && r.OverflowBefore == 0 {
			r.OverflowBefore = st.OverflowBuckets
			t.say("After %d pairs noverflow is %d: the threshold. W before its next insert "+
				"of a new key, %s in %s and %s:", pairs, st.Noverflow,
				nEntries(st.Count), plural(st.Buckets, "bucket", "buckets"),
				plural(st.OverflowBuckets, "overflow bucket", "overflow buckets"))
			t.draw(w, false, false)
		}
		churn(false)
	}
	r.Pairs = pairs
	s = w.Stats()
	r.Happened = s.Events.SameSizeGrowths > 0
	if !r.Happened {
		limit := capacityOf(grow.Default(), s.B)
		if used == 1 {
			t.say("After %d pairs there is still no same-size growth, and there never "+
				"will be: with this hasher every key is in one chain, and the %d entries W "+
				"takes before it doubles fill %d buckets, %s. Deleting and inserting only "+
				"reuses that chain's slots.", pairs, limit, (limit+7)/8,
				plural((limit+7)/8-1, "overflow bucket", "overflow buckets, short of the threshold"))
		} else {
			t.say("After %d pairs there is still no same-size growth: noverflow is %d, short "+
				"of %d. The chains did not drift far enough from their share.",
				pairs, s.Noverflow, threshold)
			t.draw(w, false, false)
		}
		r.Growths, r.SameSizeGrowths = s.Events.Growths, s.Events.SameSizeGrowths
		return
	}
	if s.Growing {
		t.draw(w, false, false)
		t.say("The growth is under way: B stays %d, and each write evacuates as in a "+
			"doubling, but every entry goes to X, its own index, packed in order. We go on "+
			"with the queue until it is done.", s.B)
		for w.Stats().Growing && pairs < churnLimit {
			churn(true)
		}
	}
	s = w.Stats()
	r.OverflowAfter = s.OverflowBuckets
	r.Growths, r.SameSizeGrowths = s.Events.Growths, s.Events.SameSizeGrowths
	t.draw(w, false, false)
	t.say("Same %d buckets, about the same entries, but %s instead of %d: evacuation "+
		"packed each chain and left the holes behind (a __ now is from a delete made "+
		"since). The hasher is still weak, though: the queue will lengthen the chains "+
		"again, and in time trigger another same-size growth.",
		s.Buckets, plural(s.OverflowBuckets, "overflow bucket", "overflow buckets"), r.OverflowBefore)
}

func (t *tour) outro(m *table.Map[string, int]) {
	t.inList = false
	t.printf("\n\n%s\n", t.bold("The end"))
	s := m.Stats()
	t.say("M ends with %d entries in %d buckets, after %s, %s evacuated and %s "+
		"(plus %s). Try another -seed, -hasher masked or constant, -load-factor 4, "+
		"-keys 60, or -step 1s to take it slowly.",
		s.Count, s.Buckets, plural(s.Events.Growths, "doubling", "doublings"),
		plural(s.Events.BucketsEvacuated, "old bucket", "old buckets"),
		plural(s.Events.OverflowAllocated, "overflow bucket allocated", "overflow buckets allocated"),
		plural(s.Events.OverflowFromSpare, "spare taken", "spares taken"))
	t.say("Every drawing above is m.Render(os.Stdout, table.RenderOptions{Keys: true, Legend: true}) " +
		"on the tour's maps; it draws any table.Map of yours the same way. (Printing a map with fmt " +
		"shows its entries instead, as for a builtin map.)")
}
