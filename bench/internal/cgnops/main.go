// Command cgnops reads a callgrind profile made with --dump-instr=yes and
// prints how many instructions the program executed in all, and how many
// of them were NOPs: the padding the Go assembler inserts so that no jump
// straddles a 32-byte boundary (Intel's JCC erratum). Where that padding
// falls moves with any change to the surrounding code, by a few
// instructions per call, so comparisons of two builds subtract it.
//
//	cgnops BINARY PROFILE
//
// prints "Ir NOPs". BINARY is the program the profile was taken of; its
// NOPs are found with go tool objdump.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: cgnops BINARY PROFILE")
		os.Exit(2)
	}
	nops, err := nopAddrs(os.Args[1])
	if err != nil {
		fail(err)
	}
	total, nopIr, err := count(os.Args[2], nops)
	if err != nil {
		fail(err)
	}
	fmt.Println(total, nopIr)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "cgnops:", err)
	os.Exit(1)
}

// nopAddrs returns the addresses of the NOP instructions of bin.
func nopAddrs(bin string) (map[uint64]bool, error) {
	out, err := exec.Command("go", "tool", "objdump", bin).Output()
	if err != nil {
		return nil, fmt.Errorf("go tool objdump %s: %v", bin, err)
	}
	nops := map[uint64]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		// "  file.go:12\t0x4bae97\t0f1f00\tNOPL 0(AX)"
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[1], "0x") || !strings.HasPrefix(f[3], "NOP") {
			continue
		}
		a, err := strconv.ParseUint(f[1][2:], 16, 64)
		if err == nil {
			nops[a] = true
		}
	}
	return nops, nil
}

// count sums the Ir cost of every instruction in a callgrind profile, and
// of those at the given addresses. Costs of call lines, which are the
// callee's inclusive costs, are left out: the callee's own lines count
// them.
func count(path string, nops map[uint64]bool) (total, nopIr uint64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	var (
		addr     uint64
		skipNext bool
		irCol    = -1
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "positions:"):
			if strings.TrimSpace(strings.TrimPrefix(line, "positions:")) != "instr line" {
				return 0, 0, fmt.Errorf("%s: want positions: instr line (--dump-instr=yes), have %q", path, line)
			}
			continue
		case strings.HasPrefix(line, "events:"):
			for i, e := range strings.Fields(strings.TrimPrefix(line, "events:")) {
				if e == "Ir" {
					irCol = i
				}
			}
			continue
		case strings.HasPrefix(line, "calls="):
			skipNext = true
			continue
		case line == "" || !strings.ContainsAny(line[:1], "0123456789+-*"):
			continue
		}
		fs := strings.Fields(line)
		if len(fs) < 3+irCol || irCol < 0 {
			continue
		}
		switch a := fs[0]; {
		case a == "*":
		case strings.HasPrefix(a, "0x"):
			addr, err = strconv.ParseUint(a[2:], 16, 64)
		case a[0] == '+':
			var d uint64
			d, err = strconv.ParseUint(a[1:], 10, 64)
			addr += d
		case a[0] == '-':
			var d uint64
			d, err = strconv.ParseUint(a[1:], 10, 64)
			addr -= d
		default:
			addr, err = strconv.ParseUint(a, 10, 64)
		}
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %q: %v", path, line, err)
		}
		if skipNext {
			skipNext = false
			continue
		}
		ir, err := strconv.ParseUint(fs[2+irCol], 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %q: %v", path, line, err)
		}
		total += ir
		if nops[addr] {
			nopIr += ir
		}
	}
	return total, nopIr, sc.Err()
}
