//go:build js && wasm

// Command wasm is the explorer's engine compiled to WebAssembly, for the
// static build of the page (hmaplab explore -static DIR): the same package
// explore the server calls, run in the browser, so the page works from
// plain files with no server at all.
//
// It defines one JavaScript function, hmapReplay(requestJSON), which takes
// the body the page would POST to /api/replay (explore.Request) and
// returns {ok: true, state: stateJSON} or {ok: false, error: message}; the
// state stays JSON text so the page parses it exactly as it parses the
// server's answer. When the function is defined the program calls
// hmapReady(), if the page set one, and then waits forever: returning from
// main would end the Go program and take the function with it.
package main

import (
	"syscall/js"

	"github.com/hmaplab/hmap/internal/explore"
)

func main() {
	replay := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 1 || args[0].Type() != js.TypeString {
			return map[string]any{"ok": false, "error": "hmapReplay: want one argument, the request as JSON text"}
		}
		out, err := explore.ReplayJSON([]byte(args[0].String()))
		if err != nil {
			return map[string]any{"ok": false, "error": err.Error()}
		}
		return map[string]any{"ok": true, "state": string(out)}
	})
	js.Global().Set("hmapReplay", replay)
	if ready := js.Global().Get("hmapReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}
