package main

import (
	"errors"
	"io"
)

func runPace(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("pace", "not yet written", &l)
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	return errors.New("pace: not yet written")
}
