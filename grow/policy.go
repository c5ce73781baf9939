package grow

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/hmaplab/hmap/asm"
)

// Policy is a table's growth policy. The zero Policy is not valid; start
// from Default.
type Policy struct {
	// LoadNum/LoadDen is the largest average number of entries per bucket
	// before the table doubles. Default 13/2.
	LoadNum, LoadDen uint64
	// OverflowLog caps the same-size-growth threshold: the table is
	// rebuilt when its overflow count reaches 2^min(B, OverflowLog).
	// Default 15, the widest the 16-bit counter can hold.
	OverflowLog uint8
	// Pace is the number of old buckets evacuated, in order, by each
	// write to a growing table, after the one the write touches. Zero
	// evacuates everything when the growth starts. Default 1.
	Pace int
}

// A table of one bucket has the same thresholds under every valid policy:
// a load factor is at most 8, so MaxCount(0) is the bucket's 8 slots, and
// OverflowLimit(0) is 2^min(0, OverflowLog) = 1. A hint of at most
// OneBucketMaxCount therefore needs one bucket. Tables set up such a table
// from these constants, without the arithmetic.
const (
	OneBucketMaxCount      = asm.SlotCount
	OneBucketOverflowLimit = 1
)

// Default returns the Go 1.23 runtime's policy.
func Default() Policy {
	return Policy{LoadNum: 13, LoadDen: 2, OverflowLog: 15, Pace: 1}
}

// Validate reports the first setting of p outside its valid range.
func (p Policy) Validate() error {
	switch {
	case p.LoadNum == 0 || p.LoadDen == 0 || p.LoadNum > asm.SlotCount*p.LoadDen:
		return fmt.Errorf("grow: load factor %d/%d out of range: want a ratio in (0, %d]", p.LoadNum, p.LoadDen, asm.SlotCount)
	case p.LoadNum > 1<<16 || p.LoadDen > 1<<16:
		return fmt.Errorf("grow: load factor %d/%d out of range: numerator and denominator must be at most 65536", p.LoadNum, p.LoadDen)
	case p.OverflowLog > 15:
		return fmt.Errorf("grow: overflow threshold 2^%d out of range: want an exponent in [0, 15]", p.OverflowLog)
	case p.Pace < 0:
		return fmt.Errorf("grow: evacuation pace %d out of range: want 0 (all at once) or more", p.Pace)
	}
	return nil
}

// OverLoad reports whether count entries are too many for 2^B buckets: more
// than MaxCount(B).
func (p *Policy) OverLoad(count int, B uint8) bool {
	return count > p.MaxCount(B)
}

// MaxCount returns the most entries a table of 2^B buckets holds without
// growing: floor(2^B * LoadNum / LoadDen), and at least 8 (a table of one
// bucket always takes 8). For the runtime's 13/2 it is 13*(2^B/2), the
// runtime's limit exactly. A table keeps it for its B, so that an insert
// tests one number.
func (p *Policy) MaxCount(B uint8) int {
	if B >= 64 {
		return math.MaxInt
	}
	// 2^B * num / den in 128 bits: 2^B * num < 2^80.
	hi, lo := bits.Mul64(p.LoadNum, uint64(1)<<B)
	if hi >= p.LoadDen {
		return math.MaxInt
	}
	q, _ := bits.Div64(hi, lo, p.LoadDen)
	if q > math.MaxInt {
		return math.MaxInt
	}
	return max(int(q), asm.SlotCount)
}

// TooManyOverflow reports whether noverflow overflow buckets (as counted by
// CountOverflow) call for a same-size growth of a table of 2^B buckets: at
// least OverflowLimit(B).
func (p *Policy) TooManyOverflow(noverflow uint16, B uint8) bool {
	return noverflow >= p.OverflowLimit(B)
}

// OverflowLimit returns the overflow count at which a table of 2^B buckets
// is rebuilt at the same size: 2^min(B, OverflowLog).
func (p *Policy) OverflowLimit(B uint8) uint16 {
	return uint16(1) << min(B, p.OverflowLog)
}

// BForHint returns the smallest B whose table holds hint entries without
// exceeding the load factor. A negative hint is treated as 0.
func (p *Policy) BForHint(hint int) uint8 {
	B := uint8(0)
	for B < 63 && p.OverLoad(hint, B) {
		B++
	}
	return B
}

// CountOverflow returns the overflow counter after one more overflow
// bucket is allocated in a table of 2^B buckets. For B < 16 it counts
// exactly; above, it counts with probability 1/2^(B-15), deciding by the
// low bits of r, a random value.
func CountOverflow(noverflow uint16, B uint8, r uint32) uint16 {
	if B < 16 {
		return noverflow + 1
	}
	mask := uint32(1)<<(B-15) - 1
	if r&mask == 0 {
		return noverflow + 1
	}
	return noverflow
}
