package main

import (
	"errors"
	"io"
)

func runResidue(args []string, out io.Writer) error {
	var l labFlags
	fs := newExperimentFlags("residue", "not yet written", &l)
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	return errors.New("residue: not yet written")
}
