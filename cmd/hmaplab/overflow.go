package main

import (
	"errors"
	"io"
)

func runOverflow(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("overflow", "not yet written", &l)
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	return errors.New("overflow: not yet written")
}
