package main

import (
	"errors"
	"io"
)

func runHint(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("hint", "not yet written", &l)
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	return errors.New("hint: not yet written")
}
