package web

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMarkdown(t *testing.T) {
	src := "# The lab\n\nA *plain* line with `a<b`, **holds**, bytes_per_entry and\n_This run took 3 s._\n\n" +
		"```sh\ngo run ./cmd/hmaplab pace -seed 1 < x\n```\n\n![pace](lab/pace.svg) ![evil](http://x/y.svg) [docs](lab.sh) [go](https://go.dev/?a=1&b=2)\n\n" +
		"| claim | n |\n|---|---:|\n| a \\| b | **refuted** |\n| <script> | 2 |\n\n## loadfactor\ntext"
	want := "<h1 id=\"lab-the-lab\">The lab</h1>\n" +
		"<p>A *plain* line with <code>a&lt;b</code>, <strong>holds</strong>, bytes_per_entry and <em>This run took 3 s.</em></p>\n" +
		"<pre><code class=\"language-sh\">go run ./cmd/hmaplab pace -seed 1 &lt; x</code></pre>\n" +
		"<p><img src=\"lab/pace.svg\" alt=\"pace\" loading=\"lazy\"> evil docs <a href=\"https://go.dev/?a=1&amp;b=2\">go</a></p>\n" +
		"<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"table, scrolls sideways\"><table>\n" +
		"<thead><tr><th>claim</th><th class=\"num\">n</th></tr></thead>\n<tbody>\n" +
		"<tr><td>a | b</td><td class=\"num\"><strong>refuted</strong></td></tr>\n" +
		"<tr><td>&lt;script&gt;</td><td class=\"num\">2</td></tr>\n</tbody></table></div>\n" +
		"<h2 id=\"lab-loadfactor\">loadfactor</h2>\n<p>text</p>\n"
	if got := markdown(src); got != want {
		t.Fatalf("markdown:\n%s\nwant:\n%s", got, want)
	}
}

// The lab's report converts whole: a section, a plot and tables for each
// experiment, and no markup of the source left over.
func TestLabScript(t *testing.T) {
	md, err := os.ReadFile("../../../docs/lab.md")
	if err != nil {
		t.Fatal(err)
	}
	js := labScript()
	sections := strings.Count(string(md), "\n## ")
	if n := strings.Count(js, "\\u003ch2 "); n != sections || sections < 8 {
		t.Fatalf("%d h2 in lab.js, lab.md has %d sections", n, sections)
	}
	if n := strings.Count(js, "\\u003cimg src=\\\"lab/"); n != strings.Count(string(md), "![") {
		t.Fatalf("%d images in lab.js, lab.md has %d", n, strings.Count(string(md), "!["))
	}
	for _, left := range []string{"**", "](", "```", "|---"} {
		if strings.Contains(js, left) {
			t.Fatalf("lab.js still holds %q", left)
		}
	}
}

func TestHandlerServesLab(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	get := func(path string) (int, string, string) {
		r, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, r.Header.Get("Content-Type"), string(b)
	}
	if code, ct, body := get("/lab.js"); code != 200 || !strings.HasPrefix(ct, "text/javascript") || body != labScript() {
		t.Fatalf("/lab.js: %d %s", code, ct)
	}
	if code, ct, body := get("/lab/pace.svg"); code != 200 || ct != "image/svg+xml" || !strings.Contains(body, "<svg") {
		t.Fatalf("/lab/pace.svg: %d %s", code, ct)
	}
	for _, p := range []string{"/lab/", "/lab/../lab.md", "/lab.md"} {
		if code, _, _ := get(p); code != 404 {
			t.Fatalf("%s: %d, want 404", p, code)
		}
	}
}

func TestWriteStatic(t *testing.T) {
	dir := t.TempDir()
	wasm := []byte("\x00asm\x01\x00\x00\x00")
	if err := WriteStatic(dir, []byte("not wasm"), []byte("glue")); err == nil {
		t.Fatal("WriteStatic took a module that is not WebAssembly")
	}
	if err := WriteStatic(dir, wasm, []byte("// glue")); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"explorer.wasm": string(wasm), "wasm_exec.js": "// glue", "lab.js": labScript(),
		"explorer.wasm.js": "self." + WasmScriptGlobal + " = \"" + base64.StdEncoding.EncodeToString(wasm) + "\";\n",
	}
	for name, content := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !strings.HasSuffix(string(b), content) {
			t.Fatalf("%s: %q, %v: want it to end with %q", name, b, err, content)
		}
	}
	for _, name := range []string{"index.html", "app.js", "style.css", "lab/pace.svg", "lab/loadfactor.svg"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}
