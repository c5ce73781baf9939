package browsertest

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// buildStatic writes the explorer's static build into a temporary
// directory with the command a user runs, hmaplab explore -static, from
// the hmap module (the parent directory).
//
// A toolchain that GOTOOLCHAIN downloaded has no misc/ directory, where
// Go 1.23 keeps wasm_exec.js, so no static build can be made with it (the
// command says so). Under such a toolchain (go test puts its bin first on
// $PATH) the build uses the next go command on $PATH whose own toolchain
// has the file, with GOTOOLCHAIN=local, and the test says so; the page and
// the engine's Go code are the same either way.
func buildStatic(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	goCmd, env := goWithWasmExec(t)
	cmd := exec.Command(goCmd, "run", "./cmd/hmaplab", "explore", "-static", dir)
	cmd.Dir = ".."
	cmd.Env = env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("hmaplab explore -static: %v\n%s", err, out)
	}
	t.Logf("static build in %v: %s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(string(out)))
	return dir
}

// goWithWasmExec returns the go command to build the static site with,
// and its environment: the go on $PATH if its GOROOT has wasm_exec.js,
// else the first other go on $PATH that has one, run with
// GOTOOLCHAIN=local and no GOROOT set.
func goWithWasmExec(t *testing.T) (string, []string) {
	t.Helper()
	goroot := func(goCmd string, env []string) string {
		c := exec.Command(goCmd, "env", "GOROOT")
		c.Env = env
		out, err := c.Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(out))
	}
	first := goroot("go", os.Environ())
	if hasWasmExec(first) {
		return "go", os.Environ()
	}
	// go test exports the GOROOT of its toolchain to the test; another go
	// must find its own.
	var local []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOROOT=") && !strings.HasPrefix(kv, "GOTOOLCHAIN=") {
			local = append(local, kv)
		}
	}
	local = append(local, "GOTOOLCHAIN=local")
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(d, "go")
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if r := goroot(p, local); r != first && hasWasmExec(r) {
			t.Logf("the toolchain at %s has no wasm_exec.js (a downloaded toolchain leaves out misc/): building the static site with %s (GOROOT %s)", first, p, r)
			return p, local
		}
	}
	msg := fmt.Sprintf("no go command on $PATH has a wasm_exec.js (the one at %s has none)", first)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg + "; with CI set this fails instead")
	return "", nil
}

// TestStaticExplorer opens the static build from disk (file://) with no
// server running, and checks that the page replays sessions with the
// WebAssembly engine and draws what a table.Map holds.
func TestStaticExplorer(t *testing.T) {
	chromium(t)
	dir := buildStatic(t)
	for _, name := range []string{"index.html", "app.js", "style.css", "wasm_exec.js", "explorer.wasm", "explorer.wasm.js"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Fatalf("the static build lacks %s: %v", name, err)
		}
	}
	ctx := browser(t, 60*time.Second)
	page := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(dir, "index.html"))}).String()
	s := &session{t: t, ctx: ctx, o: &oracle{hasher: "xxh3", seed: 1}}
	start := time.Now()
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(900, 1000), chromedp.Navigate(page),
		chromedp.WaitReady(`body[data-rendered="1"]`, chromedp.ByQuery)); err != nil {
		t.Fatalf("opening %s: %v", page, err)
	}
	var engine string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.body.dataset.engine || ""`, &engine)); err != nil {
		t.Fatal(err)
	}
	if engine != "wasm" {
		t.Fatalf("the page from disk used engine %q, want wasm", engine)
	}

	s.o.hasher = "identity"
	s.act("choose identity", chromedp.Focus("#hasher", chromedp.ByQuery), chromedp.KeyEvent("i"))
	s.batch(52)
	for k := int64(100); k < 102; k++ {
		s.insert(k) // the 53rd entry starts a growth to B = 4; the next writes move old buckets
	}
	if v := s.o.build(t).Inspect(); !v.Growing {
		t.Fatalf("after 54 inserts the table is not growing (B = %d): the session no longer shows a growth", v.B)
	}
	s.stepThroughInsert(101)
	// An iteration started during the growth, kept open across an insert
	// that moves two more old buckets, then run to its end.
	s.iterate(5)
	s.insert(102)
	s.checkIteration("insert 102")
	s.stepThroughInsert(102)
	s.iterate(70)
	s.lookup(20)
	s.delete(36)
	s.lookup(36)
	s.checkLab()
	t.Logf("%d steps from file:// in %v; compared %d cells", s.steps, time.Since(start).Round(time.Millisecond), s.cells)
}

// hasWasmExec reports whether a GOROOT holds wasm_exec.js: in lib/wasm
// from Go 1.24, in misc/wasm before.
func hasWasmExec(goroot string) bool {
	if goroot == "" {
		return false
	}
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		if _, err := os.Stat(filepath.Join(goroot, p)); err == nil {
			return true
		}
	}
	return false
}

// checkLab opens the Lab panel with the keyboard and checks that it shows
// every section of docs/lab.md, and that every plot loads.
func (s *session) checkLab() {
	t := s.t
	md, err := os.ReadFile("../docs/lab.md")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Sections, Tables int
		Images           []string
		Loaded           int
	}
	const read = `(async () => {
  const body = document.getElementById('lab-body');
  for (let i = 0; i < 100 && !body.dataset.loaded; i++) await new Promise((r) => setTimeout(r, 20));
  const imgs = [...body.querySelectorAll('img')];
  let loaded = 0;
  for (const img of imgs) {
    img.loading = 'eager';
    try { await img.decode(); if (img.naturalWidth > 0) loaded++; } catch (e) {}
  }
  return { Sections: body.querySelectorAll('h2').length, Tables: body.querySelectorAll('table').length,
    Images: imgs.map((i) => i.getAttribute('src')), Loaded: loaded };
})()`
	if err := chromedp.Run(s.ctx, chromedp.Focus("#lab summary", chromedp.ByQuery), chromedp.KeyEvent("\r"),
		chromedp.Evaluate(read, &got, func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams { return p.WithAwaitPromise(true) })); err != nil {
		t.Fatalf("opening the lab panel: %v", err)
	}
	sections := strings.Count(string(md), "\n## ")
	images := strings.Count(string(md), "![")
	if got.Sections != sections || len(got.Images) != images || got.Loaded != images || got.Tables < sections {
		t.Fatalf("lab panel: %d sections, %d tables, images %v (%d loaded); lab.md has %d sections and %d images, each with a table",
			got.Sections, got.Tables, got.Images, got.Loaded, sections, images)
	}
	s.cells += got.Sections + got.Loaded
}
