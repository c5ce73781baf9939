package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// experimentNames are the commands that are experiments: all but the
// tour, memory, serve and explore, which docs/lab.md does not collect.
func experimentNames() []string {
	var names []string
	for _, c := range commands() {
		if c.name != "tour" && c.name != "memory" && c.name != "serve" && c.name != "explore" {
			names = append(names, c.name)
		}
	}
	return names
}

// TestLabDoc: docs/lab.md, as docs/lab.sh last wrote it, has a section for
// every experiment with the command that reproduces it, its plot (a valid
// SVG, committed beside it), its table and its claims with verdicts; and
// the script runs every experiment.
func TestLabDoc(t *testing.T) {
	doc, err := os.ReadFile("../../docs/lab.md")
	require.NoError(t, err, "run bash docs/lab.sh")
	script, err := os.ReadFile("../../docs/lab.sh")
	require.NoError(t, err)
	sections := strings.Split(string(doc), "\n## ")
	byName := map[string]string{}
	for _, s := range sections[1:] {
		name, _, _ := strings.Cut(s, "\n")
		byName[name] = s
	}
	for _, name := range experimentNames() {
		require.Regexp(t, regexp.MustCompile(`(?m)^  "`+name+`( [^"]*)?"$`), string(script), "docs/lab.sh runs %s", name)
		s, ok := byName[name]
		require.True(t, ok, "docs/lab.md has no section for %s", name)
		require.Contains(t, s, "go run ./cmd/hmaplab "+name+" -seed ", name)
		require.Contains(t, s, "!["+name+"](lab/"+name+".svg)", name)
		checkSVG(t, filepath.Join("../../docs/lab", name+".svg"))
		require.Regexp(t, `\n\| .* \|\n\| ---: \|`, s, "%s has a table", name)
		require.Regexp(t, `\*\*(holds|refuted|partly)\*\*`, s, "%s sets a claim beside its measurement", name)
	}
	require.Len(t, byName, len(experimentNames()), "a section for each experiment, no more")
}

// TestReadmeListsExperiments: the README's table names every command but
// the tour, and links the results page.
func TestReadmeListsExperiments(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	for _, c := range commands() {
		if c.name != "tour" {
			require.Contains(t, string(readme), "| `"+c.name+"`", c.name)
		}
	}
	require.Contains(t, string(readme), "[`docs/lab.md`](docs/lab.md)")
}
