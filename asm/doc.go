// Package asm provides tophash probes: given the eight tophash bytes of a
// bucket and a target byte, it reports which slots hold that byte, and which
// slots are empty.
//
// # Input and mask format
//
// The eight tophash bytes are passed as one uint64 word in little-endian
// order: byte i of the word (bits 8i..8i+7) is slot i. [Word] loads a
// [8]uint8 that way on every architecture.
//
// Every probe returns a uint32 whose low eight bits are the result: bit i is
// set when slot i matches, and bits 8..31 are always zero. A caller iterates
// the matches with bits.TrailingZeros32(m) and m &= m-1.
//
//   - Match(w, top) sets bit i when byte i of w equals top.
//   - Empty(w) sets bit i when byte i of w is EmptyRest (0) or EmptyOne (1),
//     that is, when the byte is <= 1.
//
// # Implementations
//
// MatchSWAR and EmptySWAR are pure Go (SIMD within a register) and exist on
// every architecture. They are the reference: they need no assembly, they
// are exact (the usual "haszero" trick reports false positives above a
// matching byte because of borrow propagation; the formulation used here
// does not), and the tests compare every other implementation against them
// and against a plain byte loop.
//
// On amd64, MatchSSE2 and EmptySSE2 use SSE2 (PCMPEQB, PMOVMSKB), which is
// part of the amd64 baseline. On arm64, MatchNEON and EmptyNEON use NEON
// (VCMEQ, then an AND with {1,2,4,...,128} and VADDV), which is part of the
// arm64 baseline. Match and Empty call the native implementation; on other
// architectures they call the SWAR one.
//
// # Word form
//
// MatchBits and EmptyBits return the same sets before compression: a
// Bitset with bit 8i+7 set for slot i. A loop can walk it with First and
// RemoveFirst and never pays for the multiply and shift that make the 8-bit
// mask. This is the form package table uses. Its probe loops, and package
// concurrent's, use MatchCandidates, which may add to MatchBits's set a
// slot that a key comparison then rules out, for a shorter computation.
//
// # Which one is faster
//
// A Go function written in assembly cannot be inlined, so every SSE2 or NEON
// probe pays a full call, while the SWAR probe is a handful of integer
// instructions that the compiler inlines into the caller. For eight bytes
// the inlined code wins. BenchmarkMatchWalk measures what a lookup does,
// which is to match and then visit each matching slot. On amd64, counted
// with callgrind, that costs about 30 instructions a probe for the walked
// Bitset, 35 for the SWAR mask and 40 for SSE2, loop included. Timed, the
// order is the same (bench/RESULTS.md: 2.9 ns, 3.7 ns and 4.1 ns a probe on
// the machine it names). So the table uses the Bitset
// everywhere. Match, Empty and the assembly stay as the reference API, and
// the tests hold all of them to the same answers.
package asm
