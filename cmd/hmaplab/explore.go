package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hmaplab/hmap/internal/explore/web"
)

// The explore command serves the explorer, a web page where a learner
// drives a real table.Map and sees every bucket as the code holds it. The
// page and its one endpoint are package web's Handler; this file only
// parses the flags and runs the server, so that tests (and the browser
// test, in its own module) use the very handler the command serves.

const defaultExploreAddr = "127.0.0.1:9179"

var exploreAbout = "Serves the explorer: a web page that drives a real table.Map — insert, look up and delete keys " +
	"or batches of them, iterate entry by entry, choose the hasher (xxh3, runtime, seeded, identity, masked, constant), the load factor, " +
	"the evacuation pace and the seed — and draws the table as it is after each op: the header, every bucket of " +
	"the current and old arrays with tophash bytes, slot states, keys and elems, overflow chains (spare and " +
	"allocated), evacuation marks and the nevacuate cursor, the slots a lookup read and why it skipped each, " +
	"and what the last op did, part by part for a write or a lookup; an iteration's random start and each entry it " +
	"yields, from the old array or the new; and the lab's report with its plots. The session is its list of ops: it lives in the page's URL, so undo, stepping " +
	"and a shared link all replay it. The server keeps no state; it listens on this machine only unless -addr " +
	"names another interface, and runs until interrupted (SIGINT or SIGTERM), or for -duration. With -static it " +
	"writes the page as files instead, the engine compiled to WebAssembly, which need no server."

func runExplore(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("explore", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hmaplab explore [flags]\n\n%s\n\nFlags:\n", wrap(exploreAbout, textWidth))
		fs.PrintDefaults()
		fmt.Fprintf(fs.Output(), "\nFor example:\n"+
			"  hmaplab explore            then open http://%s/ in a browser\n"+
			"  hmaplab explore -addr 127.0.0.1:0   a free port, printed at start\n"+
			"  hmaplab explore -static site        the page as files, open site/index.html\n", defaultExploreAddr)
	}
	addr := fs.String("addr", defaultExploreAddr, "address to listen on, host:port; the host is required "+
		"(127.0.0.1 or localhost: this machine only; 0.0.0.0: every interface); port 0 picks a free one")
	duration := fs.Duration("duration", 0, "stop after this long, such as 10m (0: run until interrupted)")
	static := fs.String("static", "", "write the static build into this directory and exit, serving nothing: "+
		"the page with the engine compiled to WebAssembly (go build with GOOS=js GOARCH=wasm, so it needs the go "+
		"command and this module's source: run it from the module), to open from disk or publish as files")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if *static != "" {
		return buildStatic(*static, out)
	}
	if err := checkExploreAddr(*addr); err != nil {
		return err
	}
	if *duration < 0 {
		return usagef("-duration %v out of range: want 0 (until interrupted) or more", *duration)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "hmap explorer on http://%s/ (interrupt to stop)\n", ln.Addr())
	ctx, stop := untilInterrupted(*duration)
	defer stop()
	return serveExplorer(ctx, ln)
}

// checkExploreAddr checks that addr is host:port with a host and a
// numeric port: an empty host would listen on every interface, which the
// command does only when asked to by name.
func checkExploreAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("-addr %q: %v: want host:port, such as %s", addr, err, defaultExploreAddr)
	}
	if host == "" {
		return usagef("-addr %q: no host: want host:port, such as %s (this machine only) or 0.0.0.0:%s (every interface)",
			addr, defaultExploreAddr, port)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return usagef("-addr %q: port %q: want a number, 0 to 65535", addr, port)
	}
	return nil
}

// serveExplorer serves the explorer on ln until ctx is done, then shuts the
// server down, letting requests in flight finish.
func serveExplorer(ctx context.Context, ln net.Listener) error {
	return serveHTTP(ctx, ln, web.Handler())
}

// wasmPackage is the explorer's engine as a WebAssembly command.
const wasmPackage = "github.com/hmaplab/hmap/internal/explore/wasm"

// buildStatic writes the static build into dir: it compiles wasmPackage
// with the go command on $PATH for GOOS=js GOARCH=wasm and takes
// wasm_exec.js from the GOROOT of that same go command, since the glue
// script and the module must come from one toolchain (its place moved
// from misc/wasm in Go 1.23 to lib/wasm in Go 1.24).
func buildStatic(dir string, out io.Writer) error {
	tmp, err := os.MkdirTemp("", "hmaplab-static-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	env := append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	wasmPath := filepath.Join(tmp, "explorer.wasm")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", wasmPath, wasmPackage)
	build.Env = env
	if msg, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the engine for WebAssembly (%s): %v\n%s", strings.Join(build.Args, " "), err, msg)
	}
	goenv := exec.Command("go", "env", "GOROOT")
	goenv.Env = env
	root, err := goenv.Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %v", err)
	}
	var glue []byte
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		if glue, err = os.ReadFile(filepath.Join(strings.TrimSpace(string(root)), p)); err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("wasm_exec.js not found under GOROOT %s (lib/wasm or misc/wasm): %v", strings.TrimSpace(string(root)), err)
	}
	mod, err := os.ReadFile(wasmPath)
	if err != nil {
		return err
	}
	if err := web.WriteStatic(dir, mod, glue); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote the explorer's static build to %s (engine %d bytes): open %s\n",
		dir, len(mod), filepath.Join(dir, "index.html"))
	return nil
}
