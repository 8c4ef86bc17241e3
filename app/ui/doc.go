// Package ui is the inspector page, as go-app components that only render:
// every judgement (findings, the verdict, what the probe sends, which
// secret opened what) comes from app/diagnose, app/probe, app/bridge and
// app/timeline, and the page shows it.
//
// Inspector (inspector.go) is the page. Each panel keeps its own file:
// the paste box and big pastes (paste.go), the secrets box and key field
// (secrets.go), the refresh probe (probe.go), the bookmarklet's bridge
// (bridge.go), the verdict (verdict.go), the findings (findings.go), the
// token cards (tokencard.go, claims.go) and the Markdown export
// (export.go).
//
// Everything the page needs from the browser (clock, zone, clipboard,
// fetch, the bridge, yielding to the event loop) comes through Env, which
// wasm/ fills in; so this package builds and tests natively, with golden
// files for what it renders.
package ui
