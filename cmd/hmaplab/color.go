package main

import (
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/table"
)

// ANSI colours for the drawings on a terminal: full slots green, empty
// ones dim, evacuation marks yellow, the evacuation cursor cyan.
const (
	ansiReset  = "\x1b[0m"
	ansiDim    = "\x1b[2m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// ansiStyle is a table.RenderOptions.Style that colours cells by state.
func ansiStyle(text string, state bucket.SlotState) string {
	var c string
	switch state {
	case bucket.StateFull:
		c = ansiGreen
	case bucket.StateEmptyRest, bucket.StateEmptyOne:
		c = ansiDim
	case table.StyleCursor:
		c = ansiCyan
	default:
		c = ansiYellow
	}
	return c + text + ansiReset
}

// style returns the drawing style the tour's -color flag chose.
func (t *tour) style() func(string, bucket.SlotState) string {
	if t.o.color {
		return ansiStyle
	}
	return nil
}
