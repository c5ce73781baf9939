// Package docs embeds the lab's report, lab.md and its plots (lab/*.svg),
// as docs/lab.sh last wrote them, so that hmaplab's explorer can show them
// from the binary and its static build, with no checkout beside it. (An
// embedding package must sit at or above the files it embeds, hence a Go
// package in docs.)
package docs

import "embed"

// Lab holds lab.md and lab/*.svg.
//
//go:embed lab.md lab/*.svg
var Lab embed.FS
