package e2e

import (
	"fmt"
	"time"
)

// Pastes through the clipboard. tab.paste sets the box's value and fires
// input, which skips the page's own paste handling; these dispatch a real
// ClipboardEvent("paste") carrying a DataTransfer, as Ctrl+V does, so the
// page's handler runs. When the page does not cancel the event, the helper
// performs the browser's default action itself (the value becomes the text,
// then one input event), so the same helper also drives a page without a
// paste handler, such as an older build being measured.

// stageText stores text in the page as window.__tsText, so that a later
// measurement does not include sending or compiling a megabytes-long script.
func (tb *tab) stageText(text string) {
	tb.t.Helper()
	eval[bool](tb, fmt.Sprintf(`(() => { window.__tsText = %s; return true; })()`, jsString(text)))
}

// clipboardPasteJS defines window.__tsClipboardPaste(text), which returns
// whether the page cancelled the paste (handled it itself).
const clipboardPasteJS = `window.__tsClipboardPaste = (text, staged) => {
	const ta = document.querySelector("textarea#input");
	ta.focus();
	const data = staged || new DataTransfer();
	if (!staged) data.setData("text/plain", text);
	const ev = new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true});
	if (ta.dispatchEvent(ev)) {
		ta.value = text;
		ta.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertFromPaste"}));
		return false;
	}
	return true;
}`

// pasteClipboard pastes the staged text (stageText) through a paste event and
// reports whether the page handled the event itself.
func (tb *tab) pasteClipboard() bool {
	tb.t.Helper()
	return eval[bool](tb, `(() => {`+clipboardPasteJS+`; return window.__tsClipboardPaste(window.__tsText); })()`)
}

// blockSample is one paste measured in the page: the time from the paste
// event to the first finding in the DOM, and the longest the main thread was
// unavailable meanwhile, by two measures installed before the paste: the
// longest 'longtask' entry, and the longest gap of a setTimeout(0) heartbeat
// (which also sees style and layout work done outside a task).
type blockSample struct {
	Findings float64 `json:"findings"` // ms from the paste to the first finding element
	LongTask float64 `json:"longTask"` // ms, longest PerformanceObserver longtask entry
	Gap      float64 `json:"gap"`      // ms, longest setTimeout(0) heartbeat gap
	Handled  bool    `json:"handled"`  // the page cancelled the paste event itself
	// Staged: some findings were on screen while #findings was still
	// aria-busy, the rest to come in later tasks (ui.revealResult).
	Staged bool `json:"staged"`
}

// measurePaste clears the box, installs the observers, fills a clipboard
// (DataTransfer) in a task of its own, pastes the staged text through a
// paste event, waits for the first finding, then keeps watching for
// settle so that the render and layout that follow are counted too.
func (tb *tab) measurePaste(settle time.Duration) blockSample {
	tb.t.Helper()
	js := fmt.Sprintf(`(async () => {
		%s;
		const ta = document.querySelector("textarea#input");
		const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
		const until = (cond) => new Promise((ok) => {
			if (cond()) return ok();
			const obs = new MutationObserver(() => { if (cond()) { obs.disconnect(); ok(); } });
			obs.observe(document.body, {subtree: true, childList: true, attributes: true});
		});
		const finding = () => document.querySelector("#findings [data-code]");
		const clear = document.querySelector("button#input-clear");
		if (clear) clear.click();
		ta.value = "";
		ta.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "deleteContentBackward"}));
		await until(() => !finding());
		await sleep(200);
		// The clipboard is filled in a task of its own, before the observers:
		// setData copies the text, which in a real paste the browser does
		// before the event.
		const staged = new DataTransfer();
		staged.setData("text/plain", window.__tsText);
		await sleep(100);
		const r = {findings: -1, longTask: 0, gap: 0, handled: false, staged: false};
		const stages = new MutationObserver(() => {
			if (document.querySelector("#findings[aria-busy] [data-code]")) r.staged = true;
		});
		stages.observe(document.body, {subtree: true, childList: true, attributes: true});
		const po = new PerformanceObserver((list) => {
			for (const e of list.getEntries()) r.longTask = Math.max(r.longTask, e.duration);
		});
		po.observe({type: "longtask"});
		let last = performance.now(), on = true;
		const beat = () => {
			const now = performance.now();
			r.gap = Math.max(r.gap, now - last);
			last = now;
			if (on) setTimeout(beat, 0);
		};
		setTimeout(beat, 0);
		await sleep(100);
		const t0 = performance.now();
		r.handled = window.__tsClipboardPaste(window.__tsText, staged);
		await until(finding);
		r.findings = performance.now() - t0;
		await sleep(%d);
		on = false;
		po.disconnect();
		stages.disconnect();
		return r;
	})()`, clipboardPasteJS, settle.Milliseconds())
	return eval[blockSample](tb, js)
}
