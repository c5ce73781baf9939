// Command hmaplab is the lab of hmap: experiments that show the classic Go
// map's machinery at work.
//
// Usage:
//
//	hmaplab <command> [flags]
//
// Commands:
//
//	tour        a guided tour of a map's life: buckets, tophash, overflow,
//	            growth, evacuation, deletes, same-size growth
//	memory      bytes per entry and GC-scannable heap, hmap against the builtin map
//	serve       a workload of watched maps, served for Prometheus, expvar and pprof
//	explore     a web page that drives a real map and draws every bucket
//
// The experiments, each answering one question with data (run
// 'hmaplab <name> -h' for the question and the flags):
//
//	loadfactor  Go's load-factor table rebuilt with real tables
//	overflow    overflow buckets and chain lengths, up to 10^9 keys
//	hashers     how evenly each hasher spreads keys
//	hint        what a size hint changes for the garbage collector
//	residue     memory left after deletes
//	hashdos     adversarial keys against weak and seeded hashers
//	pace        insert latency during growth against the evacuation pace
//	tradeoff    choosing a load factor: memory against probes
//
// Every experiment takes -seed (the same seed gives the same counts),
// -format text|csv|json and -svg FILE (a plot), and sets the claims it
// tests beside its measurements with a verdict. docs/lab.md collects them.
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
		{"loadfactor", "Go's load-factor table rebuilt: overflow, bytes/entry and probes, 4.0 to 8.0", runLoadFactor},
		{"overflow", "overflow buckets and chain lengths against load factor, up to 10^9 keys", runOverflow},
		{"hashers", "how evenly each hasher spreads keys: chi-square against Poisson, many seeds", runHashers},
		{"hint", "New(0) against New(n), and make both ways: allocations, GC cycles and pauses", runHint},
		{"residue", "memory left after deleting entries, with and without Shrink, against the builtin", runResidue},
		{"hashdos", "adversarial keys against weak and seeded hashers: chains, probes, time", runHashDoS},
		{"pace", "insert latency during growth against the evacuation pace", runPace},
		{"tradeoff", "memory against probe length across load factors: which one to choose", runTradeoff},
		{"serve", "a workload of watched maps, served on /metrics, /debug/vars and /debug/pprof/", runServe},
		{"explore", "a web page that drives a real map and draws every bucket, op by op", runExplore},
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
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "  help        list the commands\n\nRun 'hmaplab <command> -h' for a command's flags.")
}
