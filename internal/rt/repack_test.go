package rt

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

func TestRepack16(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		src := [2]uint64{r.Uint64(), r.Uint64()}
		dst := [2]uint64{r.Uint64(), r.Uint64()}
		Repack16(&dst, &src)
		require.Equal(t, src, dst)
	}
}

// codePtr is the entry point of the function fn refers to.
func codePtr(fn HashFunc) uintptr { return **(**uintptr)(unsafe.Pointer(&fn)) }

// hashRepacked stands in for the runtime's hash of every 16-byte key type
// of regular memory: each must use memhash128, and the two must agree.
func TestHashRepacked(t *testing.T) {
	type pair struct{ A, B int64 }
	// A pointer and words to 16 bytes, whatever the pointer's size.
	type ptrLen struct {
		P *byte
		N [16/unsafe.Sizeof(uintptr(0)) - 1]uintptr
	}
	r := rand.New(rand.NewPCG(3, 4))
	check := func(name string, desc HashFunc, got HashFunc, key func() unsafe.Pointer) {
		t.Helper()
		require.Equal(t, codePtr(memhash128), codePtr(desc), "%s: the runtime does not hash it with memhash128", name)
		if runtime.GOARCH == "amd64" {
			require.Equal(t, codePtr(hashRepacked), codePtr(got), "%s: RuntimeHash", name)
		} else {
			require.Equal(t, codePtr(desc), codePtr(got), "%s: RuntimeHash", name)
		}
		for range 1000 {
			p, seed := key(), uintptr(r.Uint64())
			require.Equal(t, desc(p, seed), got(p, seed), "%s", name)
		}
	}
	check("pair", mapDesc[pair, struct{}]().hasher, RuntimeHash[pair](), func() unsafe.Pointer {
		return unsafe.Pointer(&pair{r.Int64(), r.Int64()})
	})
	check("[4]int32", mapDesc[[4]int32, struct{}]().hasher, RuntimeHash[[4]int32](), func() unsafe.Pointer {
		return unsafe.Pointer(&[4]int32{r.Int32(), r.Int32(), r.Int32(), r.Int32()})
	})
	check("ptrLen", mapDesc[ptrLen, struct{}]().hasher, RuntimeHash[ptrLen](), func() unsafe.Pointer {
		k := ptrLen{P: new(byte)}
		for i := range k.N {
			k.N[i] = uintptr(r.Uint64())
		}
		return unsafe.Pointer(&k)
	})
	check("[16]byte", mapDesc[[16]byte, struct{}]().hasher, RuntimeHash[[16]byte](), func() unsafe.Pointer {
		var k [16]byte
		for i := range k {
			k[i] = byte(r.Uint32())
		}
		return unsafe.Pointer(&k)
	})

	// Keys of 16 bytes that are not regular memory keep their own hash.
	require.NotEqual(t, codePtr(hashRepacked), codePtr(RuntimeHash[string]()), "string")
	require.NotEqual(t, codePtr(hashRepacked), codePtr(RuntimeHash[any]()), "any")
	// The float hash gives +0 and -0 one hash; memhash128 does not.
	fl := RuntimeHash[[2]float64]() // a generated hash function, called for in place (see mapDesc)
	negZero := math.Copysign(0, -1)
	require.Equal(t, fl(unsafe.Pointer(&[2]float64{0, 1}), 9), fl(unsafe.Pointer(&[2]float64{negZero, 1}), 9), "[2]float64")
}
