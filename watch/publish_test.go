package watch

import (
	"net/http"
	"net/http/httptest"
	_ "net/http/pprof" // registers GET /debug/pprof/ on DefaultServeMux, as in a service
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Publish registers beside net/http/pprof and expvar on
// http.DefaultServeMux, as a service has them, without a conflict.
func TestPublish(t *testing.T) {
	require.NotPanics(t, Publish)
	require.NotPanics(t, Publish, "a second call does nothing")

	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		http.DefaultServeMux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec
	}
	prof := get("/debug/pprof/hmap")
	require.Equal(t, 200, prof.Code)
	require.True(t, strings.HasPrefix(prof.Body.String(), "\x1f\x8b"), "a gzipped profile")
	vars := get("/debug/vars")
	require.Equal(t, 200, vars.Code)
	require.Contains(t, vars.Body.String(), `"hmap": {"sample_rate":`)
	require.Equal(t, 200, get("/debug/pprof/").Code, "net/http/pprof's index still answers")
}
