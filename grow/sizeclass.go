package grow

import "math/bits"

// ArrayLen returns the number of buckets to allocate for a table of 2^B
// regular buckets of bucketSize bytes: for B >= 4, 2^(B-4) spare overflow
// buckets, and then as many more as fit in the rounded-up allocation.
// pointerFree tells whether the bucket holds no pointers (it changes the
// malloc header and so the rounding).
func ArrayLen(B uint8, bucketSize uintptr, pointerFree bool) uintptr {
	n := uintptr(1) << B
	if B < 4 {
		return n
	}
	n += uintptr(1) << (B - 4)
	size := bucketSize * n
	if up := RoundUpSize(size, pointerFree); up != size && bucketSize > 0 {
		n = up / bucketSize
	}
	return n
}

// Spare returns how many preallocated overflow buckets a table of 2^B
// buckets of this kind starts with.
func Spare(B uint8, bucketSize uintptr, pointerFree bool) uintptr {
	return ArrayLen(B, bucketSize, pointerFree) - uintptr(1)<<B
}

// Constants of the Go 1.23 allocator.
const (
	maxSmallSize     = 32768
	mallocHeaderSize = 8
	// Objects with pointers larger than this carry an 8-byte header: those
	// up to it keep their pointer bitmap in the span, one bit per word,
	// in a pointer's worth of bits (512 bytes with 64-bit pointers, 128
	// with 32-bit ones).
	minSizeForMallocHeader = ptrSize * 8 * ptrSize
	pageSize               = 8192
	ptrSize                = bits.UintSize / 8
)

// sizeClasses are the Go 1.23 malloc size classes (class 0 excluded).
var sizeClasses = [...]uint16{
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
	240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896,
	1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456,
	4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880,
	12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264,
	28672, 32768,
}

// RoundUpSize returns the usable size of the block the Go 1.23 allocator
// hands out for a request of size bytes: the size class for small objects
// (less the malloc header, for pointerful objects that carry one), whole
// pages for large ones.
func RoundUpSize(size uintptr, pointerFree bool) uintptr {
	if size <= maxSmallSize-mallocHeaderSize {
		req := size
		if !pointerFree && req > minSizeForMallocHeader {
			req += mallocHeaderSize
		}
		return uintptr(sizeClassFor(req)) - (req - size)
	}
	up := size + pageSize - 1
	if up < size {
		return size
	}
	return up &^ (pageSize - 1)
}

// sizeClassFor returns the smallest size class that holds n bytes.
func sizeClassFor(n uintptr) uint16 {
	lo, hi := 0, len(sizeClasses)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if uintptr(sizeClasses[mid]) >= n {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return sizeClasses[lo]
}
