package explore

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/zeebo/xxh3"

	"github.com/hmaplab/hmap/hash"
)

// keyKind is what the engine needs to know of a key type: how to read a
// key the learner typed, how to write one, which keys a batch makes, and
// the hashers of that type.
type keyKind[K comparable] struct {
	parse  func(string) (K, error)
	format func(K) string
	gen    func(i int) K // the i-th candidate of a batch
	hasher func(s Settings, mask uint64) hash.Hasher[K]
}

var intKeys = keyKind[int64]{
	parse: func(s string) (int64, error) {
		k, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("key %q: want a decimal integer from %d to %d (key type int)", s, int64(-1<<63), int64(1<<63-1))
		}
		return k, nil
	},
	format: func(k int64) string { return strconv.FormatInt(k, 10) },
	gen:    func(i int) int64 { return int64(i) },
	hasher: func(s Settings, mask uint64) hash.Hasher[int64] {
		switch s.Hasher {
		case "xxh3":
			return hash.Func[int64](xxh3Int)
		case "runtime":
			return hash.NewRuntime[int64]()
		case "seeded":
			return hash.NewSeeded[int64]()
		case "identity":
			return hash.Identity[int64]{}
		case "masked":
			return hash.Masked[int64]{Inner: hash.NewSeeded[int64](), Mask: mask}
		}
		return hash.Constant[int64]{Value: ConstantHash}
	},
}

// xxh3Int is XXH3-64 of the key's 8 little-endian bytes, as hmaplab's
// hashers experiment computes it for integer keys.
func xxh3Int(k int64, seed uint64) uint64 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(k))
	return xxh3.HashSeed(b[:], seed)
}

var stringKeys = keyKind[string]{
	parse: func(s string) (string, error) {
		if len(s) > MaxKeyBytes {
			return "", fmt.Errorf("key of %d bytes: want at most %d", len(s), MaxKeyBytes)
		}
		return s, nil
	},
	format: func(k string) string { return k },
	gen:    func(i int) string { return "k" + strconv.Itoa(i) },
	hasher: func(s Settings, mask uint64) hash.Hasher[string] {
		switch s.Hasher {
		case "xxh3":
			return hash.XXH3[string]{}
		case "runtime":
			return hash.NewRuntime[string]()
		case "seeded":
			return hash.NewSeeded[string]()
		case "masked":
			return hash.Masked[string]{Inner: hash.XXH3[string]{}, Mask: mask}
		}
		return hash.Constant[string]{Value: ConstantHash}
	},
}
