// Package bench holds hmap's benchmarks: hmap against the builtin map of
// the toolchain that runs them, as a matrix of key type × size × operation
// (BenchmarkMap), the latency of single inserts while a map grows
// (BenchmarkGrowthLatency), the memory a filled map holds
// (BenchmarkMemory), and the cost of the benchmark driver itself
// (BenchmarkAdapter). The driver is package bench/internal/matrix; the nested module
// bench/peers runs the same matrix on other hash map libraries.
//
// The package has no code of its own. README.md in this directory explains
// how to run the benchmarks and how to read RESULTS.md, which compare.sh
// regenerates.
package bench
