package grow

import (
	"fmt"
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

// OverLoad reports whether count entries are too many for 2^B buckets. A
// table of one bucket always takes 8.
func (p *Policy) OverLoad(count int, B uint8) bool {
	if count <= asm.SlotCount {
		return false
	}
	// count/2^B > num/den, cross-multiplied. For den = 2 this is the
	// runtime's count > 13*(2^B/2) exactly (for B = 0 both reduce to the
	// 8-entry rule above).
	hi, lo := bits.Mul64(uint64(count), p.LoadDen)
	lim := p.LoadNum << B
	return hi != 0 || lo > lim
}

// TooManyOverflow reports whether noverflow overflow buckets (as counted by
// CountOverflow) call for a same-size growth of a table of 2^B buckets.
func (p *Policy) TooManyOverflow(noverflow uint16, B uint8) bool {
	return noverflow >= uint16(1)<<min(B, p.OverflowLog)
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
