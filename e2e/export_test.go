package e2e

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"tokenscope/internal/testvectors"
)

// openExport clicks button#export and returns textarea#export-markdown's text.
func (tb *tab) openExport() string {
	tb.t.Helper()
	tb.click("button#export")
	tb.waitFor("textarea#export-markdown")
	return eval[string](tb, `document.querySelector("textarea#export-markdown").value`)
}

// exportLeak is the shortest piece of a credential the export is searched
// for: 12 random characters are enough to find the rest.
const exportLeak = 12

// leaked returns the first 12-character piece of any needle found in md,
// or in what any base64url run of md decodes to.
func leaked(md string, needles ...string) string {
	visible := md + "\n" + decodedRuns(md)
	for _, n := range needles {
		for i := 0; i+exportLeak <= len(n); i++ {
			if w := n[i : i+exportLeak]; strings.Contains(visible, w) {
				return w
			}
		}
	}
	return ""
}

var base64Run = regexp.MustCompile(`[A-Za-z0-9_-]{16,}`)

// decodedRuns decodes every run of 16 or more base64url characters: what a
// reader of the export could recover from a kept payload.
func decodedRuns(md string) string {
	var b strings.Builder
	for _, run := range base64Run.FindAllString(md, -1) {
		if len(run)%4 == 1 {
			run = run[:len(run)-1]
		}
		if dec, err := base64.RawURLEncoding.DecodeString(run); err == nil {
			b.Write(dec)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// TestExportLeaksNothing pastes a NextAuth v4 session minted by next-auth
// 4.24 whose claims hold opaque OAuth tokens (gho_, ya29., 1//0g, xoxb-,
// AKIA, an AWS secret key) and JWTs under an unknown name, inside
// "Bearer …", inside a URL and a percent-encoded URL, types its secret, and
// reads the export: none of those, no signature, no payload that decodes to
// one, no secret; the evidence (emails, times, token types) stays.
func TestExportLeaksNothing(t *testing.T) {
	sv := testvectors.LoadSessions(t)
	v := sv.Get(t, "v4_leaky_claims")
	if len(v.Planted) < 10 {
		t.Fatalf("vector plants %d credentials", len(v.Planted))
	}
	simple := testvectors.LoadSimpleJWT(t)
	secret := sv.Secrets["main"]

	tb := openInspector(t)
	tb.paste("Cookie: " + v.CookieHeader)
	tb.finding("jwt.encrypted")
	tb.typeInto("#secret", secret)
	tb.finding("nextauth.decrypted")
	md := tb.openExport()

	needles := append([]string{secret, v.Token}, v.Planted...)
	for _, name := range []string{"access_valid", "refresh_valid"} {
		tok := simple.Get(t, name).Token
		needles = append(needles, tok[strings.LastIndex(tok, ".")+1:]) // signatures
	}
	if w := leaked(md, needles...); w != "" {
		t.Errorf("the export carries %q:\n%s", w, md)
	}
	for _, segment := range strings.Split(v.Token, ".") {
		if len(segment) >= exportLeak && strings.Contains(md, segment) {
			t.Errorf("the export carries a segment of the session token")
		}
	}
	for _, want := range []string{`"email": "alice@example.com"`, `"token_type": "refresh"`, `"backendRefresh": "<JWT, `,
		`"access_token": "<GitHub token, 40 chars, removed>"`, `"callbackUrl": "<string holding a credential`, "`nextauth.decrypted`"} {
		if !strings.Contains(md, want) {
			t.Errorf("the export lacks %s:\n%s", want, md)
		}
	}
	if help := tb.text("#export-panel .help"); !strings.Contains(help, "secrets you typed") {
		t.Errorf("help text %q", help)
	}
}

// TestExportMarkdownInjection pastes a token whose header alg opens a code
// fence and whose claims carry a link, an image, raw HTML and a mention:
// the export's fences stay balanced and, outside them, nothing is live.
func TestExportMarkdownInjection(t *testing.T) {
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	evil := []string{"[link](http://evil)", "![img](http://evil/x.png)", "<img src=x>", "@octocat"}
	claims := fmt.Sprintf(`{"sub":%q,"name":%q,"email":%q,"error":%q,"exp":1}`, evil[0], evil[1], evil[2], evil[3])
	// The alg is shown outside the fences too (heading, finding title).
	alg := "HS256\n```\n# swallowed " + strings.Join(evil, " ")
	tok := b64(fmt.Sprintf(`{"alg":%q,"typ":"JWT"}`, alg)) + "." + b64(claims) + "." + b64("signature-bytes-here")
	tb := openInspector(t)
	tb.paste(tok)
	tb.waitFor(firstToken)
	md := tb.openExport()

	outside, blocks, unclosed := outsideFences(md)
	if unclosed || blocks != 2 {
		t.Errorf("%d fenced blocks (unclosed %v), want header and claims:\n%s", blocks, unclosed, md)
	}
	if !strings.Contains(outside, "Removed by tokenscope") || !strings.Contains(outside, "### Token 1") {
		t.Errorf("a fence swallowed the report:\n%s", md)
	}
	live := regexp.MustCompile(`(^|[^\\])(\[|!\[|<[a-zA-Z!/])|(^|[^\w])@[A-Za-z0-9]|(?i)(https?|ftp)://|www\.`)
	for _, line := range strings.Split(outside, "\n") {
		if line == "" || strings.HasPrefix(line, "Removed by tokenscope") {
			continue // the footer's own code spans
		}
		if m := live.FindString(line); m != "" {
			t.Errorf("live markup %q outside the fences: %s", m, line)
		}
	}
	if !strings.Contains(outside, "@&#8203;octocat") || !strings.Contains(outside, `\[link\]`) {
		t.Errorf("the mention is not neutralised:\n%s", md)
	}
}

// outsideFences returns md without its fenced blocks, with the number of
// blocks and whether one is left open (CommonMark's rule: a fence closes
// only on a line of the same character, at least as long).
func outsideFences(md string) (outside string, blocks int, unclosed bool) {
	var b strings.Builder
	open := ""
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimLeft(line, " ")
		run := len(t) - len(strings.TrimLeft(t, "`"))
		if tilde := len(t) - len(strings.TrimLeft(t, "~")); tilde > run {
			run = tilde
		}
		switch {
		case open == "" && run >= 3 && len(line)-len(t) <= 3:
			open = t[:run]
			blocks++
		case open != "" && run >= len(open) && t[0] == open[0] && strings.TrimSpace(t[run:]) == "" && len(line)-len(t) <= 3:
			open = ""
		case open == "":
			b.WriteString(line + "\n")
		}
	}
	return b.String(), blocks, open != ""
}
