package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"tokenscope/e2e/backend"
)

// probeFindings are the probe.* findings on the page, code → severity.
func (tb *tab) probeFindings() map[string]string {
	tb.t.Helper()
	return eval[map[string]string](tb, `Object.fromEntries([...document.querySelectorAll('#findings li.finding')]
		.filter(li => /^(probe|simplejwt)\./.test(li.dataset.code)).map(li => [li.dataset.code, li.dataset.severity]))`)
}

// probeField types field into input#backend (and value into the template
// variable's input, when given), runs the side-effect-free probe and waits
// until its steps are in the timeline.
func (tb *tab) probeField(field, varValue string) map[string]string {
	tb.t.Helper()
	before := eval[int](tb, `document.querySelectorAll("ol#timeline li.step").length`)
	tb.typeInto("input#backend", field)
	if varValue != "" {
		tb.waitFor("input#backend-var")
		tb.typeInto("input#backend-var", varValue)
	}
	tb.click("button#probe")
	tb.waitJS("the probe's steps", fmt.Sprintf(`document.querySelectorAll("ol#timeline li.step").length > %d && !document.querySelector("button#probe").disabled`, before), 20*time.Second)
	return tb.probeFindings()
}

// TestBackendForms types the backend as people copy it — base URL, the
// refresh URL from the jwt callback, that URL without its slash, a curl
// line, a fetch line, a template — and expects the verdict the real Django
// gives, never a 404 warning next to a working endpoint. Then the real
// refresh goes to the endpoint found, with the token app/probe picked:
// rotated, then blacklisted.
func TestBackendForms(t *testing.T) {
	tb, srv, _ := probeSetup(t, backend.Config{Rotate: true, Blacklist: true}, true)
	_, refresh := login(t, srv)
	tb.paste(refresh)
	tb.finding("simplejwt.token")
	endpoint := srv.URL + "/api/token/refresh/"
	working := func(t *testing.T, got map[string]string, form string) {
		t.Helper()
		if got["probe.endpoint_ok"] != "ok" {
			t.Errorf("no probe.endpoint_ok: %v", got)
		}
		for _, bad := range []string{"probe.endpoint_not_found", "probe.candidates_tried"} {
			if _, ok := got[bad]; ok {
				t.Errorf("%s beside a working endpoint: %v", bad, got)
			}
		}
		if f := tb.attr("#backend-form", "data-form"); f != form {
			t.Errorf("read as %q, want %q (%s)", f, form, tb.text("#backend-form"))
		}
		if steps := tb.text("ol#timeline li.step:last-child"); !strings.Contains(steps, endpoint) || strings.Contains(steps, "api/token/refresh/api/token/refresh") {
			t.Errorf("last step %q", steps)
		}
	}
	t.Run("base URL", func(t *testing.T) {
		working(t, tb.probeField(srv.URL, ""), "base URL")
	})
	t.Run("full URL from the jwt callback", func(t *testing.T) {
		got := tb.probeField(endpoint, "")
		working(t, got, "endpoint URL")
		if n := eval[int](tb, `document.querySelectorAll("ol#timeline li.step").length`); n != 2 {
			t.Errorf("%d steps after two probes: the full URL was not probed alone", n)
		}
	})
	t.Run("full URL without slash", func(t *testing.T) {
		got := tb.probeField(strings.TrimSuffix(endpoint, "/"), "")
		if got["probe.redirected"] != "error" {
			t.Fatalf("findings %v", got)
		}
		title := tb.text(`#findings [data-code="probe.redirected"] .finding-title`)
		detail := tb.text(`#findings [data-code="probe.redirected"]`)
		if !strings.Contains(title, "Missing trailing slash") || !strings.Contains(detail, "301") || !strings.Contains(detail, endpoint) {
			t.Errorf("redirect finding %q", detail)
		}
		if !strings.Contains(tb.text("#backend-form"), "APPEND_SLASH") {
			t.Errorf("the field's note does not explain APPEND_SLASH: %q", tb.text("#backend-form"))
		}
		if _, ok := got["probe.endpoint_not_found"]; ok {
			t.Errorf("a redirect reported as 404: %v", got)
		}
		if b := tb.text("button#send-refresh"); !strings.Contains(b, endpoint) {
			t.Errorf("the send button does not use the slashed endpoint: %q", b)
		}
	})
	t.Run("curl line", func(t *testing.T) {
		line := "curl -X POST '" + endpoint + "' \\\n  -H 'Content-Type: application/json' \\\n  -d '{\"refresh\": \"" + refresh + "\"}'"
		working(t, tb.probeField(line, ""), "curl command")
		if note := tb.text("#backend-form"); !strings.Contains(note, "refresh field") || strings.Contains(note, refresh) {
			t.Errorf("note %q", note)
		}
		sig := refresh[strings.LastIndex(refresh, ".")+1:]
		if strings.Contains(tb.text("#findings"), sig) || strings.Contains(tb.text("ol#timeline"), sig) {
			t.Error("the token from the curl line shows in the findings or the timeline")
		}
	})
	t.Run("fetch line", func(t *testing.T) {
		working(t, tb.probeField(`const res = await fetch("`+endpoint+`", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refresh: token.backendRefresh }) });`, ""), "fetch() / axios call")
	})
	t.Run("template, the base typed once", func(t *testing.T) {
		got := tb.probeField("${process.env.BACKEND_URL}/api/token/refresh/", srv.URL)
		working(t, got, "template")
		if l := tb.text(`label[for="backend-var"]`); !strings.Contains(l, "BACKEND_URL") {
			t.Errorf("variable label %q", l)
		}
		// A fetch line with the same variable: no second question.
		got = tb.probeField("fetch(`${process.env.BACKEND_URL}/api/token/refresh/`, { method: 'POST' })", "")
		working(t, got, "template")
		if v := eval[string](tb, `document.querySelector("input#backend-var").value`); v != srv.URL {
			t.Errorf("the remembered value is %q", v)
		}
	})
	t.Run("wrong full URL: candidates as an info hint", func(t *testing.T) {
		got := tb.probeField(srv.URL+"/api/auth/refresh/", "")
		if got["probe.endpoint_not_found"] != "error" || got["probe.candidates_tried"] != "info" || got["probe.endpoint_ok"] != "ok" {
			t.Errorf("findings %v", got)
		}
		if title := tb.text(`#findings [data-code="probe.endpoint_not_found"] .finding-title`); !strings.Contains(title, endpoint) {
			t.Errorf("the working endpoint is not named: %q", title)
		}
	})
	t.Run("javascript: URL refused", func(t *testing.T) {
		tb.typeInto("input#backend", "javascript:alert(1)")
		tb.click("button#probe")
		tb.waitFor(`#findings [data-code="probe.invalid_url"]`)
		if strings.Contains(tb.text("#findings"), "alert(1)") {
			t.Error("the field's content is echoed")
		}
	})
	t.Run("send my refresh token: rotated, then blacklisted", func(t *testing.T) {
		got := tb.probeField(endpoint, "")
		working(t, got, "endpoint URL")
		tb.click("button#send-refresh")
		tb.finding("probe.rotated")
		tb.click("button#send-refresh")
		if sev := tb.finding("simplejwt.blacklisted"); sev != "error" {
			t.Errorf("blacklisted severity %q", sev)
		}
	})
}

// TestBackendNoSlashDebug: with DEBUG on, Django answers a POST without the
// trailing slash with a 500 RuntimeError, not a redirect; the verdict says so
// and the endpoint with the slash is the one used.
func TestBackendNoSlashDebug(t *testing.T) {
	tb, srv, _ := probeSetup(t, backend.Config{Debug: true}, true)
	_, refresh := login(t, srv)
	tb.paste(refresh)
	endpoint := srv.URL + "/api/token/refresh/"
	got := tb.probeField(strings.TrimSuffix(endpoint, "/"), "")
	if got["probe.server_error"] != "error" {
		t.Fatalf("findings %v", got)
	}
	if _, ok := got["probe.redirected"]; ok {
		t.Errorf("DEBUG on reported as a redirect: %v", got)
	}
	f := tb.text(`#findings [data-code="probe.server_error"]`)
	if !strings.Contains(f, "RuntimeError") || !strings.Contains(f, "Missing trailing slash") || !strings.Contains(f, endpoint) {
		t.Errorf("finding %q", f)
	}
	tb.click("button#send-refresh")
	tb.finding("probe.refresh_ok")
}
