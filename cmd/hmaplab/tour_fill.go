package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/table"
)

// The tour's first chapters: an empty map, filling it, a tophash
// collision, and an overflow chain on a side map.

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
	t.say("A tophash is only 8 bits, so two keys of one bucket share it once in 256 " +
		"pairs. Then the byte cannot tell them apart, and a lookup must compare the keys " +
		"themselves. Let us make it happen: we try keys c00, c01, ... until one lands in " +
		"a bucket of M that has a free slot, next to a key with the same tophash.")
	// A key for a full bucket would need an overflow bucket, which the next
	// chapter introduces: such a key is kept only as a fallback, for a
	// hasher that fills some buckets and leaves the rest empty.
	var cand, partner, fbCand, fbPartner string
	var idx, fbIdx int
	var top, fbTop uint8
	tries, fbTries := 0, 0
	for i := 0; i < searchLimit && partner == ""; i++ {
		c := fmt.Sprintf("c%02d", i)
		if m.Has(c) {
			continue
		}
		tries++
		l := m.Locate(c)
		chain := m.InspectBucket(l.Bucket)
		p := sharesTophash(chain, l.Tophash)
		switch {
		case p == "":
		case len(chain) == 1 && chain[0].Full() < asm.SlotCount:
			cand, partner, idx, top = c, p, l.Bucket, l.Tophash
		case fbPartner == "":
			fbCand, fbPartner, fbIdx, fbTop, fbTries = c, p, l.Bucket, l.Tophash, tries
		}
	}
	overflows := false
	if partner == "" && fbPartner != "" {
		cand, partner, idx, top, tries, overflows = fbCand, fbPartner, fbIdx, fbTop, fbTries, true
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
	if overflows {
		t.say("(Every such key found lands in a full bucket, so this one takes an overflow " +
			"bucket, linked behind it: the next chapter is about those.)")
	}
	before := m.Stats().Events
	t.put(m, cand, len(keys), true)
	e := m.Stats().Events.Sub(before)
	r.NewOverflow = e.OverflowAllocated + e.OverflowFromSpare
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

// sharesTophash returns the key of the first full slot of chain whose
// tophash is top, or "".
func sharesTophash(chain table.Chain[string, int], top uint8) string {
	for _, b := range chain {
		for j := range b.Tophash {
			if b.State(j) == bucket.StateFull && b.Tophash[j] == top {
				return b.Keys[j]
			}
		}
	}
	return ""
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
	target := o.Locate("o00").Bucket
	var keys []string
	for i := 0; i < searchLimit && len(keys) < overflowKeys; i++ {
		k := fmt.Sprintf("o%02d", i)
		if o.Locate(k).Bucket == target {
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
