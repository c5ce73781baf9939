package table

import "sync/atomic"

// loadFlags reads flags atomically: concurrent readers may be setting the
// iterator bits.
func loadFlags(p *uint32) uint32 { return atomic.LoadUint32(p) }
