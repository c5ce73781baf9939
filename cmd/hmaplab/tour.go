package main

import (
	"flag"
	"fmt"
	"io"
	"math/big"
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
		// NewOverflow counts the overflow buckets the key's insert took:
		// none, unless every key found belonged to a full bucket.
		NewOverflow int
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
	p := t.o.policy()
	return p.MaxCount(B)
}

func keyName(i int) string { return fmt.Sprintf("k%02d", i) }
