package registry

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// DumpDest is where the state dump of a misuse panic goes. The zero
// DumpDest sends it nowhere: the panic says what the runtime's would.
type DumpDest struct {
	InPanic bool      // append it to the panic message
	Writer  io.Writer // write it here (serialised: one dump at a time)
	Path    string    // append it to this file
}

var (
	dumpDest atomic.Pointer[DumpDest]
	dumpMu   sync.Mutex
)

// SetDump sets where dumps go.
func SetDump(d DumpDest) {
	if d == (DumpDest{}) {
		dumpDest.Store(nil)
		return
	}
	dumpDest.Store(&d)
}

// Dumping reports whether a misuse panic should build a dump.
func Dumping() bool { return dumpDest.Load() != nil }

// Misuse returns the panic message for msg, after sending the dump that
// write produces wherever the user asked. A dump that fails (the map is
// being written by another goroutine, and may be torn) is cut short with
// the reason, never allowed to hide the misuse itself.
func Misuse(msg string, write func(io.Writer)) string {
	d := dumpDest.Load()
	if d == nil {
		return msg
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "hmap: %s\n", msg)
	func() {
		defer func() {
			if r := recover(); r != nil {
				fmt.Fprintf(&buf, "(dump cut short: %v)\n", r)
			}
		}()
		write(&buf)
	}()
	dumpMu.Lock()
	defer dumpMu.Unlock()
	if d.Writer != nil {
		_, _ = d.Writer.Write(buf.Bytes())
	}
	if d.Path != "" {
		if f, err := os.OpenFile(d.Path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644); err == nil {
			_, _ = f.Write(buf.Bytes())
			_ = f.Close()
		}
	}
	if d.InPanic {
		return msg + "\n\n" + buf.String()
	}
	return msg
}
