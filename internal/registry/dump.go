package registry

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
)

// DumpDest is where the state dump of a misuse panic goes. The zero
// DumpDest sends it nowhere: the panic says what the runtime's would.
type DumpDest struct {
	InPanic bool      // append it to the panic message
	Writer  io.Writer // write it here, in one Write call
	Path    string    // append it to this file
}

var dumpDest atomic.Pointer[DumpDest]

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
	if strings.HasPrefix(msg, "hmap: ") {
		fmt.Fprintf(&buf, "%s\n", msg)
	} else {
		fmt.Fprintf(&buf, "hmap: %s\n", msg)
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				fmt.Fprintf(&buf, "(dump cut short: %v)\n", r)
			}
		}()
		write(&buf)
	}()
	if d.Writer != nil {
		// One Write call per dump, so that dumps from several
		// goroutines do not interleave on a writer that writes each call
		// whole (a file, a log); and no lock, so that a writer that
		// itself misuses a map cannot deadlock. A writer that panics is
		// ignored: its panic must not replace the misuse's.
		func() {
			defer func() { _ = recover() }()
			_, _ = d.Writer.Write(buf.Bytes())
		}()
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
