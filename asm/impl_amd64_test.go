package asm

var nativeImpls = []impl{
	{"sse2", MatchSSE2, EmptySSE2},
}
