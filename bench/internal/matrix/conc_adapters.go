package matrix

import (
	"sync"

	"github.com/hmaplab/hmap/concurrent"
)

// ConcHmap adapts *concurrent.Map to ConcMapper.
type ConcHmap struct{ M *concurrent.Map[int64, int64] }

// ConcHmapImpl is package concurrent's map under name, made with
// concurrent.New(hint, opts...).
func ConcHmapImpl(name string, opts ...concurrent.Option) ConcImpl {
	return ConcImpl{name, func(hint int) ConcMapper { return ConcHmap{concurrent.New[int64, int64](hint, opts...)} }}
}

func (h ConcHmap) Load(k int64) (int64, bool) { return h.M.Load(k) }
func (h ConcHmap) Store(k, v int64)           { h.M.Store(k, v) }
func (h ConcHmap) Delete(k int64)             { h.M.Delete(k) }
func (h ConcHmap) Len() int                   { return h.M.Len() }

// Shrink gives back what the table holds beyond what its entries need
// (see RunConcurrentMemory).
func (h ConcHmap) Shrink() { h.M.Shrink() }

func (h ConcHmap) Ops(w *Worker, n int) {
	for range n {
		switch k, op := w.Next(); op {
		case OpLoad:
			v, _ := h.M.Load(k)
			w.Sink += v
		case OpStore:
			h.M.Store(k, k)
		case OpDelete:
			h.M.Delete(k)
		}
	}
}

func (h ConcHmap) Iterate() int {
	n := 0
	for range h.M.All() {
		n++
	}
	return n
}

// ConcHmapSnapshot is ConcHmap whose Iterate takes a snapshot, iterates it
// and closes it: the consistent export the other maps cannot give.
type ConcHmapSnapshot struct{ ConcHmap }

// ConcHmapSnapshotImpl is ConcHmapImpl iterating through snapshots.
func ConcHmapSnapshotImpl(name string, opts ...concurrent.Option) ConcImpl {
	return ConcImpl{name, func(hint int) ConcMapper {
		return ConcHmapSnapshot{ConcHmap{concurrent.New[int64, int64](hint, opts...)}}
	}}
}

func (h ConcHmapSnapshot) Iterate() int {
	s := h.M.Snapshot()
	defer s.Close()
	n := 0
	for range s.All() {
		n++
	}
	return n
}

// SyncMap adapts *sync.Map holding int64 keys and values to ConcMapper.
type SyncMap struct{ M *sync.Map }

// SyncMapImpl is sync.Map, named syncmap.
func SyncMapImpl() ConcImpl {
	return ConcImpl{"syncmap", func(int) ConcMapper { return SyncMap{new(sync.Map)} }}
}

func (s SyncMap) Load(k int64) (int64, bool) {
	v, ok := s.M.Load(k)
	if !ok {
		return 0, false
	}
	return v.(int64), true
}
func (s SyncMap) Store(k, v int64) { s.M.Store(k, v) }
func (s SyncMap) Delete(k int64)   { s.M.Delete(k) }

// Len is -1: sync.Map has no Len.
func (s SyncMap) Len() int { return -1 }

func (s SyncMap) Ops(w *Worker, n int) {
	for range n {
		switch k, op := w.Next(); op {
		case OpLoad:
			if v, ok := s.M.Load(k); ok {
				w.Sink += v.(int64)
			}
		case OpStore:
			s.M.Store(k, k)
		case OpDelete:
			s.M.Delete(k)
		}
	}
}

func (s SyncMap) Iterate() int {
	n := 0
	s.M.Range(func(_, v any) bool {
		_ = v.(int64)
		n++
		return true
	})
	return n
}
