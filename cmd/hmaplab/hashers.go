package main

import (
	"errors"
	"io"
)

func runHashers(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("hashers", "not yet written", &l)
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	return errors.New("hashers: not yet written")
}
