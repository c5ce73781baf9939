package table

import (
	"sync/atomic"

	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/hash"
)

// Get returns the elem stored for key and whether it was present: the
// two-value form v, ok := m[k].
func (m *Map[K, V]) Get(key K) (V, bool) {
	if _, e := m.find(key); e != nil {
		return *e, true
	}
	var zero V
	return zero, false
}

// At returns the elem stored for key, or the zero V: the one-value form
// v := m[k].
func (m *Map[K, V]) At(key K) V {
	if _, e := m.find(key); e != nil {
		return *e
	}
	var zero V
	return zero
}

// Has reports whether key is present: _, ok := m[k].
func (m *Map[K, V]) Has(key K) bool {
	_, e := m.find(key)
	return e != nil
}

// find returns pointers to the stored key and elem for key, or nils.
func (m *Map[K, V]) find(key K) (*K, *V) {
	if m.count == 0 {
		// An empty map still rejects unhashable keys, as the runtime's does.
		hash.CheckHashable(key)
		return nil, nil
	}
	flags := atomic.LoadUint32(&m.flags)
	if flags&flagWriting != 0 {
		panic(errReadWrite)
	}
	if probesEnabled {
		return m.findProbed(key)
	}
	h := m.hash(&key)
	b := m.readBucket(h, flags)
	if b, i := bucket.Search(b, bucket.Tophash(h), key); b != nil {
		return &b.Keys[i], &b.Elems[i]
	}
	return nil, nil
}

// search is find's lookup alone, without checks or counting, for the
// invariant checker. (find keeps its own copy: calling this from the hot
// path costs a call the compiler does not inline.)
func (m *Map[K, V]) search(key K, flags uint32) (*K, *V) {
	h := m.hash(&key)
	if b, i := bucket.Search(m.readBucket(h, flags), bucket.Tophash(h), key); b != nil {
		return &b.Keys[i], &b.Elems[i]
	}
	return nil, nil
}

// readBucket returns the head of the chain that holds hash: in the old array
// if a growth is in progress and that bucket has not been evacuated yet.
func (m *Map[K, V]) readBucket(hash uintptr, flags uint32) *bucket.Bucket[K, V] {
	mask := m.bucketMask()
	b := &m.buckets[hash&mask]
	if old := m.oldbuckets; old != nil {
		if flags&flagSameSizeGrow == 0 {
			mask >>= 1 // the old array had half as many buckets
		}
		if ob := &old[hash&mask]; !ob.Evacuated() {
			b = ob
		}
	}
	return b
}
