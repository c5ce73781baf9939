package concurrent

import "sync/atomic"

// atomicUint64 is sync/atomic's Uint64 for the fields the hot paths use:
// a body's tophash word, the snapshot epoch and the stripes' counters.
//
// The map's methods are generic, so they are compiled in the package that
// uses Map, and there the compiler inlines sync/atomic's methods only if
// that package imports sync/atomic itself (the limitation of
// golang/go#56280): otherwise every Load of a tophash word is a call.
// These methods inline wherever package concurrent is imported, and the
// sync/atomic functions they call are compiler intrinsics, which need no
// inlining.
type atomicUint64 struct {
	_ [0]atomic.Uint64 // its 8-byte alignment, on 32-bit platforms too
	v uint64
}

func (x *atomicUint64) Load() uint64        { return atomic.LoadUint64(&x.v) }
func (x *atomicUint64) Store(v uint64)      { atomic.StoreUint64(&x.v, v) }
func (x *atomicUint64) Add(d uint64) uint64 { return atomic.AddUint64(&x.v, d) }

// storeUnpublished stores v into a word that no other goroutine can read
// yet: one of a body that a later atomic store publishes (see
// chainBuilder). A plain store suffices, and is no locked instruction.
func (x *atomicUint64) storeUnpublished(v uint64) { x.v = v }
