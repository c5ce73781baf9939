// Package peers runs the benchmark matrix of package bench on other hash
// map libraries, so that hmap can be placed among the maps one would pick
// instead: github.com/dolthub/swiss (impl=dolthub-swiss) and
// github.com/cockroachdb/swiss (impl=cockroach-swiss). It is a module of
// its own so that hmap's go.mod does not depend on them. See
// ../README.md.
package peers
