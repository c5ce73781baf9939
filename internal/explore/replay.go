package explore

import (
	"fmt"
	"strings"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/table"
)

// Replay makes a table.Map with the settings, applies the ops in order and
// returns the map's state after the last one, with that op explained. It
// checks everything first, and returns an error naming the bad setting or
// op (by its position, from 1) and what is valid; it never panics on input.
func Replay(s Settings, ops []Op) (State, error) {
	if err := s.Validate(); err != nil {
		return State{}, err
	}
	if len(ops) > MaxOps {
		return State{}, fmt.Errorf("ops: %d of them: want at most %d", len(ops), MaxOps)
	}
	s = s.normal()
	if s.Key == "int" {
		return replay(s, ops, intKeys)
	}
	return replay(s, ops, stringKeys)
}

// ParseSession reads a URL fragment, "s=SETTINGS&o=OPS" with or without
// the leading '#' (see the package doc). A missing s means
// DefaultSettings, a missing o no ops.
func ParseSession(fragment string) (Settings, []Op, error) {
	s := DefaultSettings()
	var ops []Op
	fragment = strings.TrimPrefix(fragment, "#")
	if fragment == "" {
		return s, nil, nil
	}
	for _, part := range strings.Split(fragment, "&") {
		name, value, _ := strings.Cut(part, "=")
		var err error
		switch name {
		case "s":
			s, err = DecodeSettings(value)
		case "o":
			ops, err = DecodeOps(value)
		default:
			err = fmt.Errorf("session: unknown part %q: want s=SETTINGS&o=OPS", name)
		}
		if err != nil {
			return Settings{}, nil, err
		}
	}
	return s, ops, nil
}

// Session returns the URL fragment (without '#') that ParseSession reads
// back as s and ops.
func Session(s Settings, ops []Op) string {
	return "s=" + EncodeSettings(s) + "&o=" + EncodeOps(ops)
}

// run is one replay in progress.
type run[K comparable] struct {
	kk     keyKind[K]
	m      *table.Map[K, string]
	s      Settings
	events []Event
	op     int // the op being applied, from 1
	// iter is the open iteration, if any, and iv what it has shown.
	iter *table.Iteration[K, string]
	iv   *IterView
}

func replay[K comparable](s Settings, ops []Op, kk keyKind[K]) (State, error) {
	keys := make([]K, len(ops))
	entries := 0
	for i, o := range ops {
		var err error
		switch o.Kind {
		case OpInsert, OpDelete, OpLookup:
			keys[i], err = kk.parse(o.Key)
			if o.Kind == OpInsert {
				entries++
				if err == nil && len(o.Value) > MaxKeyBytes {
					err = fmt.Errorf("elem of %d bytes: want at most %d", len(o.Value), MaxKeyBytes)
				}
			}
		case OpBatch:
			if o.N < 1 || o.N > MaxBatch {
				err = fmt.Errorf("batch size %d: want 1 to %d", o.N, MaxBatch)
			}
			entries += o.N
		case OpIterate:
			if o.N < 1 || o.N > MaxEntries {
				err = fmt.Errorf("iterate count %d: want 1 to %d", o.N, MaxEntries)
			}
		default:
			err = fmt.Errorf("kind %q: want insert, delete, lookup, batch or iterate", o.Kind)
		}
		if err == nil && entries > MaxEntries {
			err = fmt.Errorf("the session inserts more than %d keys, the most the explorer draws", MaxEntries)
		}
		if err != nil {
			return State{}, fmt.Errorf("op %d (%s): %w", i+1, o.Kind, err)
		}
	}

	r := &run[K]{kk: kk, s: s}
	mask, _ := s.mask()
	m, err := table.TryNew[K, string](0,
		table.WithHasher(kk.hasher(s, mask)),
		table.WithSeed(s.Seed),
		table.WithLoadFactor(s.LoadNum, s.LoadDen),
		table.WithEvacuationPace(s.Pace),
		table.WithTracer(r.tracer()))
	if err != nil {
		return State{}, err // Validate should have caught it
	}
	r.m = m
	st := State{
		Settings:     s,
		Ops:          ops,
		Session:      Session(s, ops),
		Reproducible: s.Reproducible(),
		Events:       []Event{},
		Changed:      []SlotRef{},
		Steps:        []Step{},
	}
	if st.Ops == nil {
		st.Ops = []Op{}
	}
	for i := 0; i+1 < len(ops); i++ {
		r.op = i + 1
		r.apply(ops[i], keys[i])
	}
	if len(ops) == 0 {
		st.Explanation = []string{"The map is empty and has no bucket yet: a map made without a size hint allocates its first bucket on its first insert. Insert a key, or a batch of them."}
	} else {
		last := len(ops) - 1
		before := m.Inspect()
		r.events = nil
		r.op = len(ops)
		if r.iv != nil {
			r.iv.New = 0 // only an iterate yields
		}
		st.LastOp = ops[last].String()
		st.Explanation = r.applyExplained(ops[last], keys[last], &st, before)
		st.Events = append(st.Events, r.events...)
		st.Changed = changed(before, m.Inspect(), r.grew())
	}
	view := m.Inspect()
	st.Header = r.header(view)
	st.Buckets = chains(view.Buckets, kk.format, false)
	st.OldBuckets = chains(view.OldBuckets, kk.format, true)
	st.Nevacuate = -1
	if view.Growing {
		st.Nevacuate = view.Nevacuate
	}
	if r.iv != nil && (r.iter != nil || ops[len(ops)-1].Kind == OpIterate) {
		st.Iteration = r.iv
	}
	if st.Lookup == nil && len(ops) > 0 && view.Growing {
		st.Explanation = append(st.Explanation, r.growthStatus(view.Stats))
	}
	return st, nil
}

// tracer records the map's events, with their narration.
func (r *run[K]) tracer() *table.Tracer {
	add := func(e Event) {
		e.Text = r.eventText(e)
		r.events = append(r.events, e)
	}
	return &table.Tracer{
		GrowStart:         func(e table.GrowEvent) { add(Event{Kind: "GrowStart", Grow: &e}) },
		BucketEvacuated:   func(e table.EvacuateEvent) { add(Event{Kind: "BucketEvacuated", Evacuate: &e}) },
		GrowDone:          func(e table.GrowEvent) { add(Event{Kind: "GrowDone", Grow: &e}) },
		OverflowAllocated: func(e table.OverflowEvent) { add(Event{Kind: "OverflowAllocated", Overflow: &e}) },
		Reseed:            func(e table.ReseedEvent) { add(Event{Kind: "Reseed", Reseed: &e}) },
	}
}

// grew reports whether the last op started a growth.
func (r *run[K]) grew() bool {
	for _, e := range r.events {
		if e.Kind == "GrowStart" {
			return true
		}
	}
	return false
}

// apply does one op; for a batch it returns the keys it inserted.
func (r *run[K]) apply(o Op, k K) []K {
	switch o.Kind {
	case OpInsert:
		r.m.Put(k, o.Value)
	case OpDelete:
		r.m.Delete(k)
	case OpLookup:
		r.m.Get(k)
	case OpBatch:
		added := make([]K, 0, o.N)
		for i := 0; len(added) < o.N; i++ {
			c := r.kk.gen(i)
			if !r.m.Has(c) {
				r.m.Put(c, r.kk.format(c))
				added = append(added, c)
			}
		}
		return added
	case OpIterate:
		r.iterate(o.N)
	}
	return nil
}

// iterate advances the open iteration by n entries, starting one if none
// is open, and records what it yields in r.iv.
func (r *run[K]) iterate(n int) {
	if r.iter == nil {
		r.iter = r.m.StartIteration()
		s := r.iter.Start()
		r.iv = &IterView{StartedAt: r.op, Empty: s.Empty, B: s.B, StartBucket: s.StartBucket, Offset: s.Offset,
			Growing: s.Growing, Entries: []IterEntryView{}, Open: true}
	}
	r.iv.New = 0
	for i := 0; i < n; i++ {
		e, ok := r.iter.Next()
		if !ok {
			r.iv.Open, r.iter = false, nil
			return
		}
		v := IterEntryView{Op: r.op, Key: r.kk.format(e.Key), Elem: e.Elem, Bucket: e.Bucket,
			Array: "new", ArrayBucket: e.Bucket, Chain: e.Chain, Slot: e.Slot, Moved: e.Moved}
		switch {
		case e.Old:
			v.Array, v.ArrayBucket = "old", e.OldBucket
		case e.Released:
			v.Array = "released"
		}
		r.iv.Entries = append(r.iv.Entries, v)
		r.iv.New++
	}
}

// header reads the header from the view (Stats) and the map.
func (r *run[K]) header(v table.View[K, string]) Header {
	h := Header{
		Count:              v.Count,
		B:                  v.B,
		Buckets:            v.Stats.Buckets,
		Seed:               v.Seed,
		Noverflow:          v.Noverflow,
		OverflowBuckets:    v.OverflowBuckets,
		OldOverflowBuckets: v.OldOverflowBuckets,
		SpareBuckets:       v.SpareBuckets,
		Flags:              []string{},
		Growing:            v.Growing,
		SameSize:           v.SameSizeGrow,
		OldBuckets:         v.Stats.OldBuckets,
		Nevacuate:          v.Nevacuate,
		LoadFactor:         v.LoadFactor,
		LoadLimit:          float64(r.s.LoadNum) / float64(r.s.LoadDen),
		Capacity:           r.m.Capacity(),
		OverflowLimit:      1 << min(int(v.B), 15),
		Bytes:              v.BytesAllocated,
		Totals:             v.Events,
	}
	for _, f := range []struct {
		on   bool
		name string
	}{{v.Iterator, "iterator"}, {v.OldIterator, "oldIterator"}, {v.SameSizeGrow, "sameSizeGrow"}, {v.Growing, "growing"}} {
		if f.on {
			h.Flags = append(h.Flags, f.name)
		}
	}
	return h
}

func chains[K comparable](cs []table.Chain[K, string], format func(K) string, old bool) []ChainView {
	out := make([]ChainView, len(cs))
	for i, c := range cs {
		cv := ChainView{Index: i, Buckets: make([]BucketView, len(c))}
		if old {
			st := bucket.StateOf(c[0].Tophash[0])
			cv.Evacuated = st == bucket.StateEvacuatedX || st == bucket.StateEvacuatedY || st == bucket.StateEvacuatedEmpty
		}
		for j := range c {
			b := &c[j]
			kind := "regular"
			switch {
			case j > 0 && b.Spare:
				kind = "spare"
			case j > 0:
				kind = "overflow"
			}
			bv := BucketView{Kind: kind, Slots: make([]SlotView, asm.SlotCount)}
			for s := range bv.Slots {
				sv := SlotView{Tophash: b.Tophash[s], State: b.State(s).String()}
				if b.State(s) == bucket.StateFull {
					sv.Key, sv.Elem = format(b.Keys[s]), b.Elems[s]
				}
				bv.Slots[s] = sv
			}
			cv.Buckets[j] = bv
		}
		out[i] = cv
	}
	return out
}

// changed lists the slots the last op changed: those whose byte, key or
// elem differ from the same slot before it. When the op started a growth
// the old array is what the current one was, and every slot of the new
// array that is not emptyRest is new.
func changed[K comparable](before, after table.View[K, string], grew bool) []SlotRef {
	out := []SlotRef{}
	diff := func(name string, was, now []table.Chain[K, string]) {
		for i, c := range now {
			for j := range c {
				for s := 0; s < asm.SlotCount; s++ {
					b := &c[j]
					same := false
					if i < len(was) && j < len(was[i]) {
						w := &was[i][j]
						same = w.Tophash[s] == b.Tophash[s] && w.Keys[s] == b.Keys[s] && w.Elems[s] == b.Elems[s]
					} else {
						same = b.Tophash[s] == 0 // a bucket linked by the op: only what it holds changed
					}
					if !same {
						out = append(out, SlotRef{Array: name, Bucket: i, Chain: j, Slot: s})
					}
				}
			}
		}
	}
	switch {
	case grew:
		// The new array starts empty: what is not emptyRest came in.
		diff("new", emptyLike(after.Buckets), after.Buckets)
		if before.Growing {
			diff("old", before.OldBuckets, after.OldBuckets)
		} else {
			diff("old", before.Buckets, after.OldBuckets)
		}
	case before.Growing && !after.Growing:
		// The growth finished: the old array is gone.
		diff("new", before.Buckets, after.Buckets)
	default:
		diff("new", before.Buckets, after.Buckets)
		diff("old", before.OldBuckets, after.OldBuckets)
	}
	return out
}

// emptyLike returns chains of one empty bucket each, as many as cs has.
func emptyLike[K comparable](cs []table.Chain[K, string]) []table.Chain[K, string] {
	out := make([]table.Chain[K, string], len(cs))
	for i := range out {
		out[i] = make(table.Chain[K, string], len(cs[i]))
	}
	return out
}
