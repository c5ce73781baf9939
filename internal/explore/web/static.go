package web

import (
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hmaplab/hmap/docs"
)

// The static build is the page as plain files, with the engine compiled to
// WebAssembly in place of the server: hmaplab explore -static DIR writes it,
// and it can be opened from disk (file://) or published on any static host.
//
// Its files are the page's own (index.html, app.js, style.css), the
// engine (explorer.wasm, and the Go toolchain's wasm_exec.js that runs it)
// and explorer.wasm.js, the same module as base64 in a script. The script
// is there because browsers refuse fetch() for file:// URLs but do run a
// <script src> beside the page: from disk the page loads the module that
// way, and over HTTP it fetches explorer.wasm, a third smaller.

// WasmScriptGlobal is the global variable explorer.wasm.js assigns the
// module's base64 text to.
const WasmScriptGlobal = "HMAP_EXPLORER_WASM"

// WriteStatic writes the static build into dir, which it creates if
// needed: the page's assets, wasm (the engine built for GOOS=js
// GOARCH=wasm from package internal/explore/wasm), wasmExec (the
// wasm_exec.js of the toolchain that built it: the two must match) and
// explorer.wasm.js, lab.js and lab/*.svg.
func WriteStatic(dir string, wasm, wasmExec []byte) error {
	if len(wasm) < 8 || string(wasm[:4]) != "\x00asm" {
		return fmt.Errorf("static build: the engine is not a WebAssembly module (%d bytes)", len(wasm))
	}
	if len(wasmExec) == 0 {
		return fmt.Errorf("static build: wasm_exec.js is empty")
	}
	files := map[string][]byte{
		"explorer.wasm": wasm,
		"wasm_exec.js":  wasmExec,
		"explorer.wasm.js": []byte("// The explorer's engine, explorer.wasm, as base64: a page opened from disk may\n" +
			"// run a script beside it but not fetch() a file.\nself." + WasmScriptGlobal + " = \"" +
			base64.StdEncoding.EncodeToString(wasm) + "\";\n"),
	}
	files["lab.js"] = []byte(labScript())
	for _, src := range []struct {
		fsys fs.FS
		glob string
	}{{assets, "*"}, {docs.Lab, "lab/*.svg"}} {
		names, err := fs.Glob(src.fsys, src.glob)
		if err != nil {
			return err
		}
		for _, name := range names {
			if files[name], err = fs.ReadFile(src.fsys, name); err != nil {
				return err
			}
		}
	}
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
