package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
)

// An experiment of the lab answers one question with a measurement. It
// shares its flags, its output and its plots with the others through the
// helpers of this file: each experiment's own file holds only what it
// measures.
//
// Every experiment takes
//
//	-seed N      the seed of every random choice it makes (keys, maps'
//	             seeds, hasher seeds): the same seed gives the same counts
//	-format F    text (a readable report), csv (its table), json (all of
//	             it) or markdown (the report as a section of docs/lab.md)
//	-svg FILE    also draw its plot into FILE
//
// and ends its report with the claims it tests, each beside the measured
// figure and a verdict.

// labFlags are the flags every experiment shares.
type labFlags struct {
	seed   uint64
	format string
	svg    string
}

// register adds the shared flags to fs.
func (l *labFlags) register(fs *flag.FlagSet) {
	fs.Uint64Var(&l.seed, "seed", 1, "seed of every random choice; the same seed gives the same counts")
	fs.StringVar(&l.format, "format", "text", "output: text (a report), csv (the table), json (everything) or markdown (a section of docs/lab.md)")
	fs.StringVar(&l.svg, "svg", "", "also draw the plot into this SVG file")
}

// check validates the shared flags.
func (l *labFlags) check() error {
	switch l.format {
	case "text", "csv", "json", "markdown":
		return nil
	}
	return usagef("-format %q unknown: want text, csv, json or markdown", l.format)
}

// newExperimentFlags returns a flag set for experiment name whose -h
// prints the question it answers, then the flags.
func newExperimentFlags(name, question string, l *labFlags) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hmaplab %s [flags]\n\n%s\n\nFlags:\n", name, wrap(question, textWidth))
		fs.PrintDefaults()
	}
	l.register(fs)
	return fs
}

// Verdicts of a claim.
const (
	holds   = "holds"
	refuted = "refuted"
	partly  = "partly"
)

// claim is a statement found in the wild (or in the Go source) set beside
// what the experiment measured.
type claim struct {
	Source   string `json:"source"`
	Claim    string `json:"claim"`
	Measured string `json:"measured"`
	Verdict  string `json:"verdict"`
}

// column is one column of a dataTable: its name (also the CSV header and
// the JSON key) and how the text report prints its values.
type column struct {
	Name   string `json:"name"`
	Format string `json:"-"` // a fmt verb for the text report, "%v" if empty
}

// dataTable holds an experiment's measurements, one row per configuration.
// Cells are float64, int, uint64, bool or string.
type dataTable struct {
	Columns []column
	Rows    [][]any
}

func newTable(cols ...column) *dataTable { return &dataTable{Columns: cols} }

// add appends a row; it panics if the row's width is not the table's, which
// is a bug in the experiment.
func (t *dataTable) add(cells ...any) {
	if len(cells) != len(t.Columns) {
		panic(fmt.Sprintf("hmaplab: row of %d cells for %d columns", len(cells), len(t.Columns)))
	}
	t.Rows = append(t.Rows, cells)
}

// col returns the values of column name as float64s, for plots and tests.
func (t *dataTable) col(name string) []float64 {
	for j, c := range t.Columns {
		if c.Name != name {
			continue
		}
		v := make([]float64, len(t.Rows))
		for i, r := range t.Rows {
			v[i] = toFloat(r[j])
		}
		return v
	}
	panic("hmaplab: no column " + name)
}

func toFloat(x any) float64 {
	switch x := x.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	case uint64:
		return float64(x)
	case bool:
		if x {
			return 1
		}
		return 0
	}
	return math.NaN()
}

// MarshalJSON writes the table as a list of objects keyed by column name,
// which every JSON tool reads as records.
func (t *dataTable) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('[')
	for i, r := range t.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for j, c := range t.Columns {
			if j > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(c.Name)
			v, err := json.Marshal(jsonCell(r[j]))
			if err != nil {
				return nil, err
			}
			b.Write(k)
			b.WriteByte(':')
			b.Write(v)
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return []byte(b.String()), nil
}

// jsonCell makes a cell encodable: JSON has no NaN or infinity, so they
// become null.
func jsonCell(x any) any {
	if f, ok := x.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return nil
	}
	return x
}

// result is everything an experiment reports.
type result struct {
	Experiment string     `json:"experiment"`
	Question   string     `json:"question"`
	Command    string     `json:"command"`
	Seed       uint64     `json:"seed"`
	Setup      []string   `json:"setup,omitempty"` // how it was measured, in sentences
	Table      *dataTable `json:"table"`
	Claims     []claim    `json:"claims,omitempty"`
	Notes      []string   `json:"notes,omitempty"` // what the data says beyond the claims
	plot       *chart
}

// emit writes r in the format of l, and its plot if -svg was given.
func (r *result) emit(l *labFlags, out io.Writer) error {
	if l.svg != "" {
		if r.plot == nil {
			return fmt.Errorf("%s draws no plot", r.Experiment)
		}
		if err := r.plot.save(l.svg); err != nil {
			return err
		}
	}
	switch l.format {
	case "markdown":
		return r.writeMarkdown(out, l.svg)
	case "csv":
		return r.Table.writeCSV(out)
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return r.writeText(out)
}

func (t *dataTable) writeCSV(out io.Writer) error {
	w := csv.NewWriter(out)
	head := make([]string, len(t.Columns))
	for j, c := range t.Columns {
		head[j] = c.Name
	}
	if err := w.Write(head); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for j, x := range r {
			rec[j] = csvCell(x)
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// csvCell writes numbers at full precision, so that a reader of the CSV
// gets what the text report rounds.
func csvCell(x any) string {
	if f, ok := x.(float64); ok {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return fmt.Sprint(x)
}

func (t *dataTable) writeText(out io.Writer) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, c := range t.Columns {
		fmt.Fprintf(tw, "%s\t", c.Name)
	}
	fmt.Fprintln(tw)
	for _, r := range t.Rows {
		for j, x := range r {
			f := t.Columns[j].Format
			if f == "" {
				f = "%v"
			}
			fmt.Fprintf(tw, f+"\t", x)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func (r *result) writeText(out io.Writer) error {
	fmt.Fprintf(out, "%s\n\n", wrap(r.Question, textWidth))
	for _, s := range r.Setup {
		fmt.Fprintf(out, "%s\n", wrap(s, textWidth))
	}
	if len(r.Setup) > 0 {
		fmt.Fprintln(out)
	}
	if err := r.Table.writeText(out); err != nil {
		return err
	}
	for _, n := range r.Notes {
		fmt.Fprintf(out, "\n%s\n", wrap(n, textWidth))
	}
	if len(r.Claims) > 0 {
		fmt.Fprintf(out, "\nClaims:\n")
		for _, c := range r.Claims {
			fmt.Fprintf(out, "\n  %s\n", indentWrap(fmt.Sprintf("%q (%s)", c.Claim, c.Source), 2, textWidth))
			fmt.Fprintf(out, "    measured: %s\n", indentWrap(c.Measured, 14, textWidth))
			fmt.Fprintf(out, "    verdict:  %s\n", c.Verdict)
		}
	}
	return nil
}

// indentWrap wraps s to width, assuming its first line starts at column n,
// and indents the lines after the first by n spaces.
func indentWrap(s string, n, width int) string {
	return strings.ReplaceAll(wrap(s, width-n), "\n", "\n"+strings.Repeat(" ", n))
}

// verdict returns holds if ok, refuted otherwise.
func verdict(ok bool) string {
	if ok {
		return holds
	}
	return refuted
}

// writeMarkdown writes r as a section of docs/lab.md: the question, the
// command that reproduces every number, the plot (svg, the path -svg was
// given, relative to the page), the table and the claims with verdicts.
func (r *result) writeMarkdown(out io.Writer, svg string) error {
	fmt.Fprintf(out, "## %s\n\n%s\n\n", r.Experiment, r.Question)
	fmt.Fprintf(out, "```sh\ngo run ./cmd/hmaplab %s\n```\n\n", strings.TrimPrefix(r.Command, "hmaplab "))
	for _, s := range r.Setup {
		fmt.Fprintf(out, "%s\n\n", s)
	}
	if svg != "" {
		fmt.Fprintf(out, "![%s](%s)\n\n", r.Experiment, svg)
	}
	t := r.Table
	row := func(cells []string) { fmt.Fprintf(out, "| %s |\n", strings.Join(cells, " | ")) }
	head, rule := make([]string, len(t.Columns)), make([]string, len(t.Columns))
	for j, c := range t.Columns {
		head[j], rule[j] = c.Name, "---:"
	}
	row(head)
	row(rule)
	for _, r := range t.Rows {
		cells := make([]string, len(r))
		for j, x := range r {
			f := t.Columns[j].Format
			if f == "" {
				f = "%v"
			}
			cells[j] = strings.ReplaceAll(fmt.Sprintf(f, x), "|", "\\|")
		}
		row(cells)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(out, "\n%s\n", n)
	}
	if len(r.Claims) > 0 {
		fmt.Fprintf(out, "\n| claim | source | measured | verdict |\n|---|---|---|---|\n")
		for _, c := range r.Claims {
			esc := func(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
			fmt.Fprintf(out, "| %s | %s | %s | **%s** |\n", esc(c.Claim), esc(c.Source), esc(c.Measured), c.Verdict)
		}
	}
	fmt.Fprintln(out)
	return nil
}
