package main

import (
	"fmt"
	"strconv"

	"github.com/hmaplab/hmap/table"
)

// The chapters of a growth: crossing the load factor, evacuation one write
// at a time, and the end of the growth.

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
	touched := m.Locate(r.Key).OldBucket
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
