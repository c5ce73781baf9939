package table

import (
	"fmt"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
)

// checkInvariants verifies the table's structure and returns the first
// violation found. It reads every bucket and looks up every key: tests call
// it after operation sequences, and the hmapdebug build tag after every
// write. The invariants:
//
//   - header: B, the arrays' lengths, nevacuate and nextSpare agree; a
//     same-size growth is a growth; no write is in progress.
//   - current array: every slot is full, EmptyOne or EmptyRest (never an
//     evacuation mark); after an EmptyRest, every later slot of the chain is
//     EmptyRest; every full slot's tophash is its key's, and its key hashes
//     to the chain's index (keys not equal to themselves, NaNs, are exempt:
//     their hash is arbitrary).
//   - old array: buckets below nevacuate are evacuated; an evacuated
//     chain holds only evacuation marks; one not evacuated holds no mark,
//     and its keys hash to its index in the old array.
//   - count equals the full slots of the current array plus those of the
//     old chains not yet evacuated; no key is stored twice.
//   - every key is found, and found in the slot that holds it.
//   - the exact overflow counters match the chains: nOverflow the current
//     array's overflow buckets, of which nextSpare-2^B are the array's
//     spares and the rest are on its overflow list; nOldOverflow the old
//     array's; and for B < 16, noverflow equals nOverflow.
func (m *Map[K, V]) checkInvariants() error {
	if m.buckets == nil {
		if m.count != 0 || m.oldArray() != nil {
			return fmt.Errorf("no buckets but count %d, growing %v", m.count, m.growing())
		}
		return nil
	}
	if m.count < 0 {
		return fmt.Errorf("write mark set outside a write")
	}
	if m.maxLoad != m.policy().MaxCount(m.logB) || m.ovfLimit != m.policy().OverflowLimit(m.logB) {
		return fmt.Errorf("growth thresholds %d entries, %d overflow buckets, for B=%d", m.maxLoad, m.ovfLimit, m.logB)
	}
	n := uintptr(1) << m.logB
	arr := m.array()
	if uintptr(len(arr)) < n || m.nextSpare() < n || m.nextSpare() > uintptr(len(arr)) {
		return fmt.Errorf("array of %d buckets, nextSpare %d, for B=%d", len(arr), m.nextSpare(), m.logB)
	}
	// (nevacuate keeps its final value after a growth, as in the runtime.)
	if m.oldArray() == nil && m.sameSizeGrow() {
		return fmt.Errorf("not growing but sameSizeGrow set")
	}

	seen := make(map[K]struct{}, m.count)
	full := 0
	visit := func(w where, b *bucket.Bucket[K, V], i int, idx, mask uintptr) error {
		k := &b.Keys[i]
		full++
		if *k != *k {
			return nil
		}
		h := m.hash(k)
		if top := asm.Tophash(h); top != b.Tophash[i] {
			return fmt.Errorf("%v: key %v has tophash %#x, slot says %#x", w, *k, top, b.Tophash[i])
		}
		if h&mask != idx {
			return fmt.Errorf("%v: key %v hashes to bucket %d", w, *k, h&mask)
		}
		if _, dup := seen[*k]; dup {
			return fmt.Errorf("%v: key %v stored twice", w, *k)
		}
		seen[*k] = struct{}{}
		if fk, fe := m.search(*k, m.flags); fk != k || fe != &b.Elems[i] {
			return fmt.Errorf("%v: key %v not found in its slot", w, *k)
		}
		return nil
	}

	var overflow, spares int
	for idx := uintptr(0); idx < n; idx++ {
		rest := false
		pos := 0
		for b := &arr[idx]; b != nil; b = b.Overflow() {
			if pos > 0 {
				overflow++
				if isSpare(arr, int(n), b) {
					spares++
				}
			}
			for i, t := range b.Tophash {
				w := where{false, int(idx), pos, i}
				switch {
				case rest && t != bucket.EmptyRest:
					return fmt.Errorf("%v: tophash %#x after emptyRest", w, t)
				case t == bucket.EmptyRest:
					rest = true
				case t == bucket.EmptyOne:
				case t < asm.MinTopHash:
					return fmt.Errorf("%v: evacuation mark %#x in the current array", w, t)
				default:
					if err := visit(w, b, i, idx, n-1); err != nil {
						return err
					}
				}
			}
			pos++
		}
	}
	if m.overflowBuckets() != overflow {
		return fmt.Errorf("nOverflow %d, but %d overflow buckets in the chains", m.overflowBuckets(), overflow)
	}
	if m.logB < 16 && int(m.noverflow) != overflow {
		return fmt.Errorf("noverflow %d, but %d overflow buckets in the chains", m.noverflow, overflow)
	}
	if used := int(m.nextSpare() - n); spares != used {
		return fmt.Errorf("%d spares in the chains, but nextSpare says %d are used", spares, used)
	}
	if listed := m.listed(m.overflow); overflow-spares != listed {
		return fmt.Errorf("%d allocated overflow buckets in the chains, but %d on the array's list", overflow-spares, listed)
	}

	if m.oldArray() != nil {
		on := m.noldbuckets()
		if want := n >> 1; !m.sameSizeGrow() && on != want || m.sameSizeGrow() && on != n {
			return fmt.Errorf("old array of %d buckets for B=%d, sameSize=%v", on, m.logB, m.sameSizeGrow())
		}
		if m.evacMark() >= on {
			return fmt.Errorf("growing with nevacuate %d of %d", m.evacMark(), on)
		}
		oldOverflow := 0
		for idx := uintptr(0); idx < on; idx++ {
			head := &m.oldArray()[idx]
			evacuated := head.Evacuated()
			if idx < m.evacMark() && !evacuated {
				return fmt.Errorf("old bucket %d below nevacuate %d not evacuated", idx, m.evacMark())
			}
			pos := 0
			for b := head; b != nil; b = b.Overflow() {
				if pos > 0 {
					oldOverflow++
				}
				for i, t := range b.Tophash {
					w := where{true, int(idx), pos, i}
					mark := t > bucket.EmptyOne && t < asm.MinTopHash
					switch {
					case evacuated && !mark:
						return fmt.Errorf("%v: tophash %#x in an evacuated bucket", w, t)
					case !evacuated && mark:
						return fmt.Errorf("%v: evacuation mark %#x in a bucket not evacuated", w, t)
					case t >= asm.MinTopHash:
						if err := visit(w, b, i, idx, on-1); err != nil {
							return err
						}
					}
				}
				pos++
			}
		}
		if m.oldOverflowBuckets() != oldOverflow {
			return fmt.Errorf("nOldOverflow %d, but %d overflow buckets in the old chains", m.oldOverflowBuckets(), oldOverflow)
		}
	} else if m.oldOverflowBuckets() != 0 {
		return fmt.Errorf("nOldOverflow %d while not growing", m.oldOverflowBuckets())
	}
	if full != m.count {
		return fmt.Errorf("count %d, but %d full slots", m.count, full)
	}
	return nil
}

// listed returns the length of an overflow account's list, 0 for none.
func (m *Map[K, V]) listed(o *arrayOverflow[K, V]) int {
	if o == nil {
		return 0
	}
	return len(o.list)
}

// mustCheckInvariants panics with the first violated invariant.
func (m *Map[K, V]) mustCheckInvariants() {
	if err := m.checkInvariants(); err != nil {
		panic(m.misuse("hmap: broken invariant: " + err.Error()))
	}
}

// where names a slot in an error message; formatting it only on failure
// keeps the checker fast enough to run after every write.
type where struct {
	old            bool
	idx, pos, slot int
}

func (w where) String() string {
	arr := "bucket"
	if w.old {
		arr = "old bucket"
	}
	return fmt.Sprintf("%s %d.%d slot %d", arr, w.idx, w.pos, w.slot)
}
