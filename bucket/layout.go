package bucket

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/internal/rt"
)

// Layout describes the memory of a Bucket[K, V]: where each field starts,
// its size, and the padding the alignment rules add.
type Layout struct {
	KeyType, ElemType string

	KeySize, KeyAlign   uintptr
	ElemSize, ElemAlign uintptr

	// Offsets of the four fields, in bytes from the start of the bucket.
	TophashOffset  uintptr
	KeysOffset     uintptr
	ElemsOffset    uintptr
	OverflowOffset uintptr
	// Size is the bucket's size, a multiple of its alignment.
	Size  uintptr
	Align uintptr

	// Padding is Size minus the bytes of the fields themselves.
	Padding uintptr

	// HasPointers reports whether K or V holds pointers. If neither does,
	// the bucket is pointer-free and the garbage collector skips it.
	HasPointers bool

	// RuntimeIndirect reports where the Go 1.23 runtime would have stored
	// keys or elems larger than 128 bytes behind a pointer. hmap always
	// stores them in place, so for such types its buckets are larger than
	// the runtime's.
	RuntimeIndirectKey, RuntimeIndirectElem bool
}

// maxInline is the largest key or elem the runtime stores in the bucket.
const maxInline = 128

// LayoutOf computes the layout of Bucket[K, V] from the sizes and alignments
// of K and V, by the struct layout rules of the gc compiler.
func LayoutOf[K comparable, V any]() Layout {
	kt, vt := reflect.TypeFor[K](), reflect.TypeFor[V]()
	l := Layout{
		KeyType: kt.String(), ElemType: vt.String(),
		KeySize: kt.Size(), KeyAlign: uintptr(kt.Align()),
		ElemSize: vt.Size(), ElemAlign: uintptr(vt.Align()),
		HasPointers:         rt.TypeHasPointers(kt) || rt.TypeHasPointers(vt),
		RuntimeIndirectKey:  kt.Size() > maxInline,
		RuntimeIndirectElem: vt.Size() > maxInline,
	}
	const ptr = unsafe.Sizeof(uintptr(0))
	l.TophashOffset = 0
	l.KeysOffset = alignUp(asm.SlotCount, l.KeyAlign)
	l.ElemsOffset = alignUp(l.KeysOffset+asm.SlotCount*l.KeySize, l.ElemAlign)
	l.OverflowOffset = alignUp(l.ElemsOffset+asm.SlotCount*l.ElemSize, ptr)
	l.Align = max(1, l.KeyAlign, l.ElemAlign, ptr)
	l.Size = alignUp(l.OverflowOffset+ptr, l.Align)
	l.Padding = l.Size - (asm.SlotCount + asm.SlotCount*l.KeySize + asm.SlotCount*l.ElemSize + ptr)
	return l
}

// String renders the layout as one line per field.
func (l Layout) String() string {
	return fmt.Sprintf("bucket[%s]%s: size %d, align %d, padding %d\n"+
		"  tophash  [8]uint8 @%d\n  keys     [8]%s @%d (%d bytes)\n"+
		"  elems    [8]%s @%d (%d bytes)\n  overflow uintptr @%d\n",
		l.KeyType, l.ElemType, l.Size, l.Align, l.Padding,
		l.TophashOffset, l.KeyType, l.KeysOffset, asm.SlotCount*l.KeySize,
		l.ElemType, l.ElemsOffset, asm.SlotCount*l.ElemSize, l.OverflowOffset)
}

func alignUp(n, a uintptr) uintptr { return (n + a - 1) &^ (a - 1) }
