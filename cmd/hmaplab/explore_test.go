package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/internal/explore/web"
)

func TestExploreHandlerServesPage(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	for path, want := range map[string]string{
		"/":          "<title>hmap explorer</title>",
		"/app.js":    "api/replay",
		"/style.css": ".drawing",
	} {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		require.Contains(t, string(body), want, path)
	}
	resp, err := http.Get(srv.URL + "/nothing-here")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// post sends body to /api/replay and returns the status and decoded JSON.
func post(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url+"/api/replay", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	return resp.StatusCode, out
}

func TestExploreReplayAPI(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()

	code, st := post(t, srv.URL, `{"settings":{"key":"int","hasher":"identity","seed":1,"loadNum":13,"loadDen":2,"pace":1},
		"ops":[{"op":"batch","n":52},{"op":"insert","key":"52","value":"x"}]}`)
	require.Equal(t, http.StatusOK, code, st)
	header := st["header"].(map[string]any)
	require.Equal(t, 53.0, header["count"])
	require.Equal(t, 4.0, header["B"])
	require.Equal(t, true, header["growing"])
	require.NotEmpty(t, st["oldBuckets"])
	require.Contains(t, st["explanation"].([]any)[1], "B goes 3 → 4")

	// The same session as a URL fragment replays to the same state.
	code, again := post(t, srv.URL, `{"session":"#`+st["session"].(string)+`"}`)
	require.Equal(t, http.StatusOK, code, again)
	require.Equal(t, st, again)

	code, st = post(t, srv.URL, `{}`)
	require.Equal(t, http.StatusOK, code, st)
	require.Equal(t, 0.0, st["header"].(map[string]any)["count"])
}

func TestExploreReplayAPIErrors(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	for body, want := range map[string]string{
		`{`:                                 "request body: unexpected EOF",
		`{"ops":[]} {}`:                     "want one JSON object",
		`{"nonsense":1}`:                    `unknown field "nonsense"`,
		`{"session":"s=int.sha1.1.13-2.1"}`: `hasher "sha1": want one of xxh3, runtime, seeded, identity, masked, constant`,
		`{"session":"s=int.xxh3.1.13-2.1","ops":[]}`:                                             "either session or settings and ops",
		`{"settings":{"key":"int","hasher":"xxh3","seed":1,"loadNum":13,"loadDen":2,"pace":-3}}`: "pace -3: out of range",
		`{"ops":[{"op":"insert","key":"seven"}]}`:                                                `op 1 (insert): key "seven": want a decimal integer`,
	} {
		code, out := post(t, srv.URL, body)
		require.Equal(t, http.StatusBadRequest, code, body)
		require.Contains(t, out["error"], want, body)
	}

	resp, err := http.Get(srv.URL + "/api/replay")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	require.Equal(t, http.MethodPost, resp.Header.Get("Allow"))

	big := `{"session":"` + strings.Repeat("a", 2<<20) + `"}`
	resp, err = http.Post(srv.URL+"/api/replay", "application/json", strings.NewReader(big))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
}

func TestExploreCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"explore", "-addr", "127.0.0.1:0", "-duration", "50ms"}, &out, &errOut), errOut.String())
	require.Regexp(t, regexp.MustCompile(`^hmap explorer on http://127\.0\.0\.1:\d+/ `), out.String())

	out.Reset()
	require.Equal(t, 0, run([]string{"explore", "-h"}, &out, &errOut))
	require.Contains(t, out.String(), "Usage: hmaplab explore [flags]")
	require.Contains(t, out.String(), "-addr")
	require.Contains(t, out.String(), `(default "127.0.0.1:9179")`)

	for _, args := range [][]string{
		{"explore", "-addr", ":9179"},
		{"explore", "-addr", "localhost"},
		{"explore", "-addr", "127.0.0.1:http"},
		{"explore", "-duration", "-1s"},
		{"explore", "extra"},
		{"explore", "-bogus"},
	} {
		out.Reset()
		errOut.Reset()
		require.Equal(t, 2, run(args, &out, &errOut), args)
		require.Contains(t, errOut.String(), "hmaplab explore: ", args)
		require.Empty(t, out.String(), args)
	}

	out.Reset()
	require.Equal(t, 0, run([]string{"help"}, &out, &errOut))
	require.Contains(t, out.String(), "explore ")
}
