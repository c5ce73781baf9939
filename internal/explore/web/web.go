// Package web serves hmaplab's explorer: the page (index.html, app.js,
// style.css, embedded in the binary, so the explorer works offline and as a
// single file), its one endpoint, POST /api/replay, which replays a
// session with package explore and returns the State as JSON, and the
// lab's report for the page's Lab panel (lab.js and lab/*.svg, from
// package docs). WriteStatic writes the same page as a static site, the
// engine compiled to WebAssembly in place of the endpoint.
//
// The server keeps nothing between requests: the page holds the session
// (settings and ops) and sends it whole each time. That keeps the handler
// trivially safe to share, and it is what lets the WebAssembly build call
// the engine in the page with the same JSON, with no server at all.
package web

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"sync"

	"github.com/hmaplab/hmap/docs"
	"github.com/hmaplab/hmap/internal/explore"
)

//go:embed index.html app.js style.css
var assets embed.FS

// Assets returns the page's files, for a static build.
func Assets() fs.FS { return assets }

// maxBody bounds a request: a session of explore.MaxOps ops of the longest
// keys and elems, in JSON, with room to spare.
const maxBody = 1 << 20

// Request is the body of POST /api/replay: explore.Request, which the
// WebAssembly build reads too.
type Request = explore.Request

// Handler returns the explorer's handler: the page at /, its assets, and
// POST /api/replay. Errors in the session are answered 400 with
// {"error": message}.
func Handler() http.Handler {
	mux := http.NewServeMux()
	files := http.FileServerFS(assets)
	mux.Handle("/", noCache(files))
	mux.HandleFunc("/api/replay", replay)
	mux.HandleFunc("/lab.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = io.WriteString(w, labScript())
	})
	plots := noCache(http.FileServerFS(docs.Lab))
	mux.HandleFunc("/lab/", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, ".svg") {
			http.NotFound(w, r)
			return
		}
		plots.ServeHTTP(w, r)
	})
	return mux
}

// labScript is lab.js: the lab's report (docs/lab.md) as HTML, in a
// script that assigns it to a global. A script, not a fetch of HTML,
// because the static build opened from disk may load scripts beside the
// page but not fetch them; the server answers the same file so the page
// has one way to load it. Its images are the plots, lab/NAME.svg, served
// (or written) beside it.
var labScript = sync.OnceValue(func() string {
	md, err := fs.ReadFile(docs.Lab, "lab.md")
	if err != nil {
		panic(err) // embedded: present whenever the package built
	}
	text, _ := json.Marshal(markdown(string(md)))
	return "// The lab's report, docs/lab.md, as HTML (written by hmaplab's explorer).\nself.HMAP_LAB_HTML = " + string(text) + ";\n"
})

// noCache makes browsers revalidate the assets, so that a page served by a
// newer hmaplab is never mixed with an older script.
func noCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

func replay(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		fail(w, http.StatusMethodNotAllowed, "use POST with a JSON body {settings, ops} or {session}")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", maxBody))
			return
		}
		fail(w, http.StatusBadRequest, "request body: "+err.Error())
		return
	}
	out, err := explore.ReplayJSON(body)
	if err != nil {
		code := http.StatusInternalServerError
		if errors.Is(err, explore.ErrRequest) {
			code = http.StatusBadRequest
		}
		fail(w, code, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(append(out, '\n'))
}

func fail(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
