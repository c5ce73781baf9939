// Package web serves hmaplab's explorer: the page (index.html, app.js,
// style.css, embedded in the binary, so the explorer works offline and as a
// single file) and its one endpoint, POST /api/replay, which replays a
// session with package explore and returns the State as JSON.
//
// The server keeps nothing between requests: the page holds the session
// (settings and ops) and sends it whole each time. That keeps the handler
// trivially safe to share and lets a later WebAssembly build call the
// engine in the page with the same JSON, dropping the server.
package web

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"

	"github.com/hmaplab/hmap/internal/explore"
)

//go:embed index.html app.js style.css
var assets embed.FS

// Assets returns the page's files, for a static build.
func Assets() fs.FS { return assets }

// maxBody bounds a request: a session of explore.MaxOps ops of the longest
// keys and elems, in JSON, with room to spare.
const maxBody = 1 << 20

// Request is the body of POST /api/replay: either Session, a URL fragment
// as explore.ParseSession reads it, or Settings and Ops. With neither,
// explore.DefaultSettings and no ops.
type Request struct {
	Session  string            `json:"session,omitempty"`
	Settings *explore.Settings `json:"settings,omitempty"`
	Ops      []explore.Op      `json:"ops,omitempty"`
}

// Handler returns the explorer's handler: the page at /, its assets, and
// POST /api/replay. Errors in the session are answered 400 with
// {"error": message}.
func Handler() http.Handler {
	mux := http.NewServeMux()
	files := http.FileServerFS(assets)
	mux.Handle("/", noCache(files))
	mux.HandleFunc("/api/replay", replay)
	return mux
}

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
	var req Request
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", maxBody))
			return
		}
		fail(w, http.StatusBadRequest, "request body: "+err.Error())
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		fail(w, http.StatusBadRequest, "request body: want one JSON object")
		return
	}
	settings, ops := explore.DefaultSettings(), req.Ops
	switch {
	case req.Session != "" && (req.Settings != nil || req.Ops != nil):
		fail(w, http.StatusBadRequest, "request body: give either session or settings and ops, not both")
		return
	case req.Session != "":
		var err error
		if settings, ops, err = explore.ParseSession(req.Session); err != nil {
			fail(w, http.StatusBadRequest, err.Error())
			return
		}
	case req.Settings != nil:
		settings = *req.Settings
	}
	st, err := explore.Replay(settings, ops)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(st)
}

func fail(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
