package asm

var nativeImpls = []impl{
	{"neon", MatchNEON, EmptyNEON},
}
