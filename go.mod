module github.com/hmaplab/hmap

go 1.23

require (
	github.com/anishathalye/porcupine v1.3.1
	github.com/dolthub/maphash v0.1.0
	github.com/stretchr/testify v1.12.1
	github.com/zeebo/xxh3 v1.1.0
	pgregory.net/rapid v1.3.0
)

require (
	github.com/klauspost/cpuid/v2 v2.2.10 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sys v0.30.0 // indirect
)
