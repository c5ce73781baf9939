package fuzz

import (
	"fmt"

	"github.com/hmaplab/hmap/table"
)

// A program is a fuzz input. Its first three bytes choose the map:
//
//	byte 0: bits 0-2 the hasher (keyType.hashers), bits 3-5 the size hint
//	        (hints), bit 6 the high bit of the seed (table.WithSeed); bits 6
//	        and 7 both set: the zero Map instead of table.New.
//	byte 1: bits 0-1 the key mask (keyMasks), bits 2-7 the low bits of the
//	        seed.
//	byte 2: the growth policy, 0 for the runtime's: bits 0-1 the overflow
//	        threshold (overflowLogs), bits 2-3 the evacuation pace (paces),
//	        bits 4-5 the load factor (loadFactors).
//
// Then come operations: an opcode byte (opcodes) and its operands, key
// bytes mostly, until the input ends. A key byte is and-ed with the key
// mask and decoded by the key type.
//
// An iteration is followed by a length byte L and L bytes of loop body
// program: one byte per entry yielded, naming what the loop body does
// (bodyOps), followed by that action's operands. When the L bytes run out,
// the loop body does nothing and the loop runs to its end (unless it broke
// out); the operations after the iteration follow the L bytes.

var (
	hints    = [8]int{0, 0, 1, 8, 9, 27, 53, 200}
	keyMasks = [4]byte{0xff, 0x3f, 0x0f, 0x07}
	// Policies other than the runtime's (-1: the default). A low overflow
	// threshold makes same-size growths common; pace 0 grows all at once.
	overflowLogs = [4]int{-1, 0, 1, 3}
	paces        = [4]int{-1, 0, 2, 7}
	loadFactors  = [4][2]int{{-1, -1}, {8, 1}, {1, 1}, {3, 2}}
)

// Operations.
const (
	opPut    = iota // key
	opPtr           // key
	opGet           // key; the opcode picks Get, At or Has
	opDelete        // key
	opClear         //
	opClone         // mode (see clone)
	opCheck         // compare everything, with iteration
	opIter          // length L, then L bytes: per entry, a body byte and its operands
	opPutRun        // first key, count: insert count+1 consecutive keys
	opDelRun        // first key, count: delete count+1 consecutive keys
	numOps
)

// opcodes maps an opcode byte (mod 16) to an operation, weighting them.
var opcodes = [16]int{
	opPut, opPut, opPut, opPtr,
	opGet, opGet,
	opDelete, opDelete, opDelete,
	opClear, opClone, opCheck,
	opIter, opIter,
	opPutRun, opDelRun,
}

// bodyOps maps a loop body byte (mod 16) to an action.
var bodyOps = [16]bodyAct{
	actNone, actNone, actNone, actNone, actNone, actNone,
	actPut, actDelete, actPutSelf, actDelSelf, actPutRun, actDelRun,
	actClear, actBreak, actClone, actGet,
}

// Limits that keep one input cheap to run.
const (
	maxOps    = 4096
	maxRun    = 64 // keys in one run
	maxBodyOp = 512
)

type reader struct {
	data []byte
	pos  int
}

func (r *reader) more() bool { return r.pos < len(r.data) }

// byte returns the next byte, or 0 past the end.
func (r *reader) byte() byte {
	if r.pos >= len(r.data) {
		return 0
	}
	b := r.data[r.pos]
	r.pos++
	return b
}

// program runs fuzz inputs for one key type.
type program[K comparable] struct {
	kt   *keyType[K]
	r    reader
	mask byte
}

func (pr *program[K]) key(r *reader) K { return pr.kt.decode(r.byte() & pr.mask) }

// run returns keys start, start+1, ..., count+1 of them (mod 256, masked).
func (pr *program[K]) run(r *reader) []K {
	start, n := r.byte(), int(r.byte())%maxRun+1
	keys := make([]K, n)
	for i := range keys {
		keys[i] = pr.kt.decode((start + byte(i)) & pr.mask)
	}
	return keys
}

// newMap builds the map the first three bytes describe.
func newMap[K comparable](kt *keyType[K], c0, c1, c2 byte) (*table.Map[K, int], string) {
	if c0&0xc0 == 0xc0 {
		return new(table.Map[K, int]), "zero Map"
	}
	hc := kt.hashers[int(c0&7)%len(kt.hashers)]
	hint := hints[c0>>3&7]
	var opts []table.Option
	label := fmt.Sprintf("New(%d) hasher %s", hint, hc.name)
	if hc.h != nil {
		opts = append(opts, table.WithHasher(hc.h))
	}
	// Always a fixed seed, so that a failure replays: the hash seeds and
	// the iteration starts follow from it. (The zero Map draws its own.)
	seed := uint64(c1>>2) | uint64(c0&0x40)
	opts = append(opts, table.WithSeed(seed))
	label += fmt.Sprintf(" seed %d", seed)
	l, n := overflowLogs[c2&3], paces[c2>>2&3]
	if l >= 0 {
		opts = append(opts, table.WithOverflowThreshold(l))
		label += fmt.Sprintf(" overflow threshold 2^%d", l)
	}
	if n >= 0 {
		opts = append(opts, table.WithEvacuationPace(n))
		label += fmt.Sprintf(" pace %d", n)
	}
	if lf := loadFactors[c2>>4&3]; lf[0] >= 0 {
		opts = append(opts, table.WithLoadFactor(lf[0], lf[1]))
		label += fmt.Sprintf(" load factor %d/%d", lf[0], lf[1])
	}
	return table.New[K, int](hint, opts...), label
}

// runProgram runs one fuzz input against a fresh map of key type kt.
func runProgram[K comparable](t TB, kt *keyType[K], data []byte) {
	t.Helper()
	pr := &program[K]{kt: kt, r: reader{data: data}}
	c0, c1, c2 := pr.r.byte(), pr.r.byte(), pr.r.byte()
	pr.mask = keyMasks[c1&3]
	m, label := newMap(kt, c0, c1, c2)
	h := newHarness(t, kt, m, fmt.Sprintf("%s, key mask %#x", label, pr.mask))

	r := &pr.r
	for ops := 0; r.more() && ops < maxOps; ops++ {
		b := r.byte()
		switch opcodes[b%16] {
		case opPut:
			h.put(pr.key(r), false)
		case opPtr:
			h.put(pr.key(r), true)
		case opGet:
			h.get(pr.key(r), int(b>>4))
		case opDelete:
			h.del(pr.key(r))
		case opClear:
			h.clear()
		case opClone:
			h.clone(int(r.byte()))
		case opCheck:
			h.checkFull()
		case opIter:
			n := int(r.byte())
			end := min(r.pos+n, len(r.data))
			sub := &reader{data: r.data[r.pos:end]}
			r.pos = end
			h.iterate(maxBodyOp, func(K) bodyStep[K] { return pr.bodyStep(sub) })
		case opPutRun:
			for _, k := range pr.run(r) {
				h.put(k, false)
			}
		case opDelRun:
			for _, k := range pr.run(r) {
				h.del(k)
			}
		}
		if b>>4 == 0 {
			// Now and then, but not always: lookups leave the iterator
			// flags alone, a full check would set them.
			h.checkLookups()
		}
	}
	h.checkAll()
}

// bodyStep decodes what the loop body does after an entry is yielded.
func (pr *program[K]) bodyStep(r *reader) bodyStep[K] {
	if !r.more() {
		return bodyStep[K]{act: actNone}
	}
	s := bodyStep[K]{act: bodyOps[r.byte()%16]}
	switch s.act {
	case actPut, actDelete, actGet:
		s.key = pr.key(r)
	case actPutRun, actDelRun:
		s.keys = pr.run(r)
	case actClone:
		if r.byte()%2 == 1 {
			s.act = actNested
		}
	}
	return s
}

// ---- building programs (the seed corpus) ----

// prog builds a fuzz input.
type prog []byte

// newProg starts a program for a map with hasher index hasher, hint index
// hint, key mask index mask, and the runtime's growth policy; seeded
// selects one of two seeds.
func newProg(hasher, hint, mask int, seeded bool) prog {
	c0 := byte(hasher&7) | byte(hint&7)<<3
	if seeded {
		c0 |= 0x40
	}
	return prog{c0, byte(mask&3) | 0x2c, 0}
}

// policy sets the growth policy of a program just started: indexes into
// overflowLogs, paces and loadFactors.
func (p prog) policy(overflow, pace, load int) prog {
	p[2] = byte(overflow&3) | byte(pace&3)<<2 | byte(load&3)<<4
	return p
}

// zeroMapProg starts a program on the zero Map with key mask index mask.
func zeroMapProg(mask int) prog { return prog{0xc0, byte(mask & 3), 0} }

// opByte returns the opcode byte for op (the first in opcodes).
func opByte(op int) byte {
	for i, o := range opcodes {
		if o == op {
			return byte(i)
		}
	}
	panic("no opcode")
}

func bodyByte(a bodyAct) byte {
	for i, o := range bodyOps {
		if o == a {
			return byte(i)
		}
	}
	panic("no body op")
}

func (p prog) put(keys ...byte) prog {
	for _, k := range keys {
		p = append(p, opByte(opPut), k)
	}
	return p
}

func (p prog) ptr(k byte) prog { return append(p, opByte(opPtr), k) }

// get looks up k with Get (variant 0), At (1) or Has (2).
func (p prog) get(k byte, variant int) prog {
	return append(p, opByte(opGet)|byte(variant%3+1)<<4, k)
}

func (p prog) del(keys ...byte) prog {
	for _, k := range keys {
		p = append(p, opByte(opDelete), k)
	}
	return p
}

func (p prog) clear() prog         { return append(p, opByte(opClear)) }
func (p prog) clone(mode int) prog { return append(p, opByte(opClone), byte(mode)) }
func (p prog) check() prog         { return append(p, opByte(opCheck)) }

// lookups appends an operation that also checks every key by lookup (an
// opcode byte with a zero high nibble), here a Get.
func (p prog) lookups(k byte) prog { return append(p, opByte(opGet), k) }

func (p prog) putRun(start byte, n int) prog {
	return append(p, opByte(opPutRun)|0x10, start, byte(n-1))
}

func (p prog) delRun(start byte, n int) prog {
	return append(p, opByte(opDelRun)|0x10, start, byte(n-1))
}

// body is one loop body action in an iteration program.
type body []byte

func none() body                 { return body{bodyByte(actNone)} }
func bPut(k byte) body           { return body{bodyByte(actPut), k} }
func bDel(k byte) body           { return body{bodyByte(actDelete), k} }
func bGet(k byte) body           { return body{bodyByte(actGet), k} }
func bPutSelf() body             { return body{bodyByte(actPutSelf)} }
func bDelSelf() body             { return body{bodyByte(actDelSelf)} }
func bClear() body               { return body{bodyByte(actClear)} }
func bBreak() body               { return body{bodyByte(actBreak)} }
func bClone() body               { return body{bodyByte(actClone), 0} }
func bNested() body              { return body{bodyByte(actClone), 1} }
func bPutRun(k byte, n int) body { return body{bodyByte(actPutRun), k, byte(n - 1)} }
func bDelRun(k byte, n int) body { return body{bodyByte(actDelRun), k, byte(n - 1)} }

// iter appends an iteration whose loop body does the given actions, one
// per entry yielded, then nothing.
func (p prog) iter(steps ...body) prog {
	var b []byte
	for _, s := range steps {
		b = append(b, s...)
	}
	if len(b) > 255 {
		panic("loop body program too long")
	}
	p = append(p, opByte(opIter), byte(len(b)))
	return append(p, b...)
}
