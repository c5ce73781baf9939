package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// runLab runs hmaplab with args and returns its standard output, failing
// the test unless it exits 0 with nothing on standard error.
func runLab(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	require.Equal(t, 0, code, "hmaplab %s: %s", strings.Join(args, " "), errOut.String())
	require.Empty(t, errOut.String())
	return out.String()
}

// checkOutputs runs experiment name with args in every format and with
// -svg, and checks that the CSV parses with the table's columns, the JSON
// decodes with the same rows, the text report ends with its claims, and
// the SVG is well-formed XML whose root is an svg element. It returns the
// decoded JSON result.
func checkOutputs(t *testing.T, name string, args ...string) jsonResult {
	t.Helper()
	text := runLab(t, append([]string{name}, args...)...)

	var res jsonResult
	js := runLab(t, append([]string{name, "-format", "json"}, args...)...)
	require.NoError(t, json.Unmarshal([]byte(js), &res), "JSON output of %s", name)
	require.Equal(t, name, res.Experiment)
	require.NotEmpty(t, res.Table, "JSON table of %s", name)
	require.True(t, strings.HasPrefix(res.Command, "hmaplab "+name), "command %q", res.Command)
	for _, c := range res.Claims {
		require.Contains(t, []string{holds, refuted, partly}, c.Verdict, "claim %q", c.Claim)
	}
	// A verdict resting on a timing may differ between the two runs: the
	// text is checked for as many verdicts, not the same ones.
	require.Equal(t, len(res.Claims), strings.Count(text, "\n    verdict:  "), "verdicts in the text report")

	recs, err := csv.NewReader(strings.NewReader(runLab(t, append([]string{name, "-format", "csv"}, args...)...))).ReadAll()
	require.NoError(t, err, "CSV output of %s", name)
	require.Len(t, recs, len(res.Table)+1, "CSV rows of %s: a header and one per JSON record", name)
	for _, col := range recs[0] {
		require.Contains(t, res.Table[0], col, "CSV column %q in the JSON records", col)
	}

	svg := filepath.Join(t.TempDir(), name+".svg")
	runLab(t, append([]string{name, "-svg", svg}, args...)...)
	checkSVG(t, svg)
	return res
}

// jsonResult is result as JSON gives it back.
type jsonResult struct {
	Experiment string           `json:"experiment"`
	Command    string           `json:"command"`
	Seed       uint64           `json:"seed"`
	Table      []map[string]any `json:"table"`
	Claims     []claim          `json:"claims"`
}

// checkSVG checks that path holds well-formed XML with an svg root
// element that draws something.
func checkSVG(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	d := xml.NewDecoder(bytes.NewReader(data))
	root, paths := "", 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "%s is not well-formed XML", path)
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			if se.Name.Local == "path" {
				paths++
			}
		}
	}
	require.Equal(t, "svg", root)
	require.Greater(t, paths, 10, "the plot draws axes and lines")
}

// TestLabFlagErrors: the shared flags are checked, each error once on
// standard error with status 2.
func TestLabFlagErrors(t *testing.T) {
	for _, c := range commands() {
		if c.name == "tour" || c.name == "memory" || c.name == "serve" || c.name == "explore" {
			continue
		}
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"-format", "xml"}, `-format "xml" unknown: want text, csv, json or markdown`},
			{[]string{"-seed", "-1"}, `invalid value "-1" for flag -seed`},
			{[]string{"stray"}, `unexpected argument "stray"`},
		} {
			var out, errOut bytes.Buffer
			code := run(append([]string{c.name}, tc.args...), &out, &errOut)
			require.Equal(t, 2, code, "%s %v", c.name, tc.args)
			require.Contains(t, errOut.String(), tc.want, "%s %v", c.name, tc.args)
			require.Equal(t, 1, strings.Count(errOut.String(), "hmaplab "+c.name+":"), "error printed once: %s", errOut.String())
			require.Empty(t, out.String())
		}
		var out, errOut bytes.Buffer
		require.Equal(t, 0, run([]string{c.name, "-h"}, &out, &errOut), c.name)
		require.Contains(t, out.String(), "Usage: hmaplab "+c.name, c.name)
		require.Contains(t, out.String(), "-seed", c.name)
	}
}

// usageCase is a command line an experiment must refuse, and what its
// error must say.
type usageCase struct {
	args []string
	want string
}

// requireUsageErrors runs experiment name with each case's args and
// checks that it exits with status 2, printing nothing on standard output
// and the error, which names the flag and its range, once on standard
// error.
func requireUsageErrors(t *testing.T, name string, cases ...usageCase) {
	t.Helper()
	for _, tc := range cases {
		var out, errOut bytes.Buffer
		require.Equal(t, 2, run(append([]string{name}, tc.args...), &out, &errOut), "%s %v", name, tc.args)
		require.Empty(t, out.String(), "%s %v", name, tc.args)
		require.Contains(t, errOut.String(), tc.want, "%s %v", name, tc.args)
		require.Equal(t, 1, strings.Count(errOut.String(), "hmaplab "+name+": "), "printed once: %s", errOut.String())
	}
}
