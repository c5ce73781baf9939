//go:build !go1.24

package main

// classicBuiltin: this toolchain's builtin map is the classic one.
const classicBuiltin = true
