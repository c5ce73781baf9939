package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// usageError is a mistake in the command line rather than a failure of
// the experiment: hmaplab prints it once, to standard error, and exits
// with status 2, as Go's commands do for a bad flag.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usageError with the message format makes of args.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// isUsage reports whether err is a usageError.
func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

// parseFlags parses a command's args with fs. The flag package would print
// a parse error and the whole usage itself, and the caller then the error
// again; parseFlags returns the error as a usageError instead, for run to
// print once. -h prints the usage to out and returns flag.ErrHelp. A
// command takes only flags: an argument left over is an error too.
func parseFlags(fs *flag.FlagSet, args []string, out io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return err
	case err != nil:
		return usageError{err}
	case fs.NArg() > 0:
		return usagef("unexpected argument %q: %s takes only flags", fs.Arg(0), fs.Name())
	}
	return nil
}
