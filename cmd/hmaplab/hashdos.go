package main

import (
	"errors"
	"io"
)

func runHashDoS(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("hashdos", "not yet written", &l)
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	return errors.New("hashdos: not yet written")
}
