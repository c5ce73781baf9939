//go:build go1.24

package main

// classicBuiltin: this toolchain's builtin map is a Swiss table.
const classicBuiltin = false
