// Command hmaplab is the lab of hmap: experiments that show the classic Go
// map's machinery at work.
//
// Usage:
//
//	hmaplab <command> [flags]
//
// Commands:
//
//	tour     a guided tour of a map's life: buckets, tophash, overflow,
//	         growth, evacuation, deletes, same-size growth
//	memory   bytes per entry and GC-scannable heap, hmap against the builtin map
//	help     list the commands
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// command is one subcommand of the lab.
type command struct {
	name, summary string
	run           func(args []string, out io.Writer) error
}

func commands() []command {
	return []command{
		{"tour", "a guided tour of a map's life, from empty to grown, drawn step by step", runTour},
		{"memory", "bytes per entry and GC-scannable heap, hmap against the builtin map", runMemory},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, out, errOut io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(out)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(args[1:], out)
			switch {
			case err == nil, errors.Is(err, flag.ErrHelp):
				return 0
			case isUsage(err):
				fmt.Fprintf(errOut, "hmaplab %s: %v\nRun 'hmaplab %s -h' for its flags.\n", c.name, err, c.name)
				return 2
			default:
				fmt.Fprintf(errOut, "hmaplab %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(errOut, "hmaplab: unknown command %q\n\n", args[0])
	usage(errOut)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "hmaplab: experiments with the classic Go map\n\nUsage: hmaplab <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "  help     list the commands\n\nRun 'hmaplab <command> -h' for a command's flags.")
}
