package e2e

import (
	"strings"
	"testing"
	"time"

	"tokenscope/e2e/backend"
)

// TestTimelineKeepsTheTokenItSent: the timeline's snippets come from the
// step as sent. Changing the paste afterwards (to nothing, or to another
// refresh token) must neither reveal the sent token nor put the new one in
// the old step; "show the token" reveals the token that step sent.
func TestTimelineKeepsTheTokenItSent(t *testing.T) {
	tb, srv, _ := probeSetup(t, backend.Config{}, true)
	_, sent := login(t, srv)
	_, other := login(t, srv)
	tb.paste(sent)
	tb.runProbe("probe.endpoint_ok")
	tb.click("button#send-refresh")
	tb.finding("probe.refresh_ok")

	snippets := func() string {
		return eval[string](tb, `[...document.querySelectorAll("ol#timeline li.step:last-child pre.snippet")].map((p) => p.textContent).join("\n")`)
	}
	for _, paste := range []string{"", "not a token", other} {
		tb.paste(paste)
		s := snippets()
		if strings.Contains(s, sent) || strings.Contains(s, other) || !strings.Contains(s, "<REFRESH_TOKEN>") {
			t.Errorf("paste %.20q: the timeline shows a token:\n%s", paste, s)
		}
	}
	tb.click("input#reveal")
	tb.waitJS("the revealed token", `document.querySelector("ol#timeline li.step:last-child pre.snippet").textContent.includes(`+jsString(sent)+`)`, 5*time.Second)
	if s := snippets(); strings.Contains(s, other) || strings.Count(s, sent) != 2 {
		t.Errorf("revealed snippets should hold the sent token in curl and fetch, and not the pasted one:\n%s", s)
	}
	// The probe's own steps sent no secret and show none.
	if s := tb.text("ol#timeline li.step:first-child pre.snippet"); strings.Contains(s, sent) || strings.Contains(s, other) {
		t.Errorf("the probe step shows a token:\n%s", s)
	}
}

// TestNoPasswordFields: nothing on the page is a password field (browsers
// offer to save those), and the secrets box is a masked text area the
// browser is told not to remember.
func TestNoPasswordFields(t *testing.T) {
	tb := openInspector(t)
	tb.waitFor("#secret")
	if n := eval[int](tb, `document.querySelectorAll('input[type="password"]').length`); n != 0 {
		t.Errorf("%d password inputs on the page", n)
	}
	got := eval[string](tb, `(() => {
		const el = document.querySelector("#secret");
		return [el.type, el.autocomplete, getComputedStyle(el).webkitTextSecurity].join(" ");
	})()`)
	if got != "textarea off disc" {
		t.Errorf("#secret: type, autocomplete, text security = %q, want \"textarea off disc\"", got)
	}
}
