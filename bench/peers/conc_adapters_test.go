package peers_test

import (
	"github.com/hmaplab/hmap/bench/internal/matrix"
	"github.com/puzpuzpuz/xsync/v4"
)

// Xsync adapts *xsync.Map[int64, int64] to matrix.ConcMapper.
type Xsync struct{ M *xsync.Map[int64, int64] }

func xsyncImpl() matrix.ConcImpl {
	return matrix.ConcImpl{Name: "xsync", New: func(hint int) matrix.ConcMapper {
		if hint > 0 {
			return Xsync{xsync.NewMap[int64, int64](xsync.WithPresize(hint))}
		}
		return Xsync{xsync.NewMap[int64, int64]()}
	}}
}

func (x Xsync) Load(k int64) (int64, bool) { return x.M.Load(k) }
func (x Xsync) Store(k, v int64)           { x.M.Store(k, v) }
func (x Xsync) Delete(k int64)             { x.M.Delete(k) }
func (x Xsync) Len() int                   { return x.M.Size() }

func (x Xsync) Ops(w *matrix.Worker, n int) {
	for range n {
		switch k, op := w.Next(); op {
		case matrix.OpLoad:
			v, _ := x.M.Load(k)
			w.Sink += v
		case matrix.OpStore:
			x.M.Store(k, k)
		case matrix.OpDelete:
			x.M.Delete(k)
		}
	}
}

func (x Xsync) Iterate() int {
	n := 0
	x.M.Range(func(int64, int64) bool {
		n++
		return true
	})
	return n
}
