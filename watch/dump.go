package watch

import (
	"io"

	"github.com/hmaplab/hmap/internal/registry"
)

// DumpDest says where the dump of a misuse panic goes. Its zero value
// sends it nowhere.
type DumpDest = registry.DumpDest

// SetMisuseDump makes every hmap table that panics for misuse build a
// dump of its state and send it to d: into the panic message (InPanic),
// to a writer, or appended to a file; any combination. The zero DumpDest
// turns dumps off, the default, in which case the panic message is the
// runtime's, word for word.
func SetMisuseDump(d DumpDest) { registry.SetDump(d) }

// DumpInPanic is the DumpDest that appends the dump to the panic message.
var DumpInPanic = DumpDest{InPanic: true}

// DumpTo returns the DumpDest that writes the dump to w before the map
// panics. Dumps from several goroutines are written one at a time.
func DumpTo(w io.Writer) DumpDest { return DumpDest{Writer: w} }

// DumpToFile returns the DumpDest that appends the dump to the file at
// path, creating it if need be, before the map panics.
func DumpToFile(path string) DumpDest { return DumpDest{Path: path} }
