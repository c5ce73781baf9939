package explore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Request is what the page sends to be replayed, as JSON: either Session,
// a URL fragment as ParseSession reads it, or Settings and Ops. With
// neither, DefaultSettings and no ops. The server's POST /api/replay and
// the WebAssembly build read the same Request through ReplayJSON, so the
// page speaks one protocol to both.
type Request struct {
	Session  string    `json:"session,omitempty"`
	Settings *Settings `json:"settings,omitempty"`
	Ops      []Op      `json:"ops,omitempty"`
}

// ErrRequest marks an error in the request itself (bad JSON, a bad
// session, a bad op), as opposed to one of the engine: every error of
// ReplayJSON wraps it, which a server answers with 400.
var ErrRequest = errors.New("bad request")

// requestError is an error of the request, shown by its message alone.
type requestError struct{ msg string }

func (e requestError) Error() string        { return e.msg }
func (e requestError) Is(target error) bool { return target == ErrRequest }

// ReplayJSON reads one Request from body, replays it and returns the
// State as JSON. Unknown fields and trailing data are errors, so that a
// page and an engine of different versions fail loudly rather than
// silently drop what the other meant.
func ReplayJSON(body []byte) ([]byte, error) {
	var req Request
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, requestError{"request body: " + err.Error()}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, requestError{"request body: want one JSON object"}
	}
	settings, ops := DefaultSettings(), req.Ops
	switch {
	case req.Session != "" && (req.Settings != nil || req.Ops != nil):
		return nil, requestError{"request body: give either session or settings and ops, not both"}
	case req.Session != "":
		var err error
		if settings, ops, err = ParseSession(req.Session); err != nil {
			return nil, requestError{err.Error()}
		}
	case req.Settings != nil:
		settings = *req.Settings
	}
	st, err := Replay(settings, ops)
	if err != nil {
		return nil, requestError{err.Error()}
	}
	out, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("encoding the state: %w", err)
	}
	return out, nil
}
