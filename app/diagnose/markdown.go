package diagnose

import (
	"fmt"
	"strings"

	"tokenscope/app/token"
)

// Markdown renders the report for a GitHub issue. It is built from the
// Report alone, never from the paste, and holds no base64 of any token:
// each token is shown as its segments' lengths, its header and its claims,
// through the allowlist of redact.go, with every credential-shaped value
// removed whatever its name (credential.go). typed are the secrets and keys
// the user typed: any of them found in a value is cut out too. Every
// input-derived string goes through mdText or sits in an mdFence block
// (mdescape.go), so the paste cannot add links, images, mentions, HTML or
// fences to the issue.
func Markdown(r Report, typed ...string) string {
	x := &redactor{typed: typedSecrets(typed), r: &r}
	var b strings.Builder
	b.WriteString("## tokenscope report\n\n")
	fmt.Fprintf(&b, "- Clock: %s (leeway %s)\n- Input: %d bytes, %d token(s)\n\n", UTC(r.Now), r.Leeway, r.InputBytes, len(r.Tokens))
	x.writeFindingsTable(&b)
	x.writeTimeline(&b)
	for i := range r.Tokens {
		x.writeToken(&b, i)
	}
	b.WriteString(exportFooter + "\n")
	return b.String()
}

// exportFooter says what the export left out, for the reader of the issue.
const exportFooter = "Removed by tokenscope: signatures, encrypted parts and all base64 of every token; string values outside a short list of names " +
	"(`sub`, `email`, `name`, `user_id`, `token_type`, `jti`, `iss`, `aud`, `azp`, `scope`, `error`, `provider`, `type`; " +
	"header: `alg`, `typ`, `kid`, `enc`, `cty`, `zip`); and anything credential-shaped under any name: JWTs, vendor tokens " +
	"(`gho_`, `ya29.`, `1//`, `xoxb-`, `AKIA`, `sk_live_`, …), high-entropy strings and the secrets you typed."

func (x *redactor) writeFindingsTable(b *strings.Builder) {
	b.WriteString("### Findings\n\n")
	if len(x.r.Findings) == 0 {
		b.WriteString("None.\n\n")
		return
	}
	b.WriteString("| Severity | Code | Token | Finding |\n|---|---|---|---|\n")
	for _, f := range x.r.Findings {
		tok := "—"
		if f.Token >= 0 {
			tok = x.r.TokenNumber(f.Token)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", x.text(string(f.Severity)), mdCode(string(f.Code)), tok, x.text(f.Title))
	}
	b.WriteString("\n")
}

func (x *redactor) writeToken(b *strings.Builder, i int) {
	t := x.r.Tokens[i]
	fmt.Fprintf(b, "### Token %s — %s %s\n\n", x.r.TokenNumber(i), x.text(string(t.Form)), x.text(t.Alg))
	fmt.Fprintf(b, "- Source: %s\n", x.text(t.Source.Describe()))
	if t.Parent >= 0 {
		fmt.Fprintf(b, "- Inside token %s at %s\n", x.r.TokenNumber(t.Parent), x.text(t.Source.Name))
	}
	fmt.Fprintf(b, "- Segments: %s\n", segmentShapes(t, true)) // names and lengths only: no input text
	if len(t.Header) > 0 {
		b.WriteString("\nHeader:\n\n" + mdFence("json", x.membersJSON(t.Header, i, exportedHeader)))
	}
	if len(t.Claims) > 0 {
		b.WriteString("\nClaims:\n\n" + mdFence("json", x.membersJSON(t.Claims, i, exportedClaims)))
	}
	b.WriteString("\n")
}

// segmentShapes describes a token by its segments' names and lengths: what
// a reader needs to spot a truncated copy, and nothing that decodes. below
// says the header and claims are shown after it (in the export).
func segmentShapes(t TokenReport, below bool) string {
	if len(t.Segments) == 0 {
		return "none (empty)"
	}
	parts := make([]string, len(t.Segments))
	for i, s := range t.Segments {
		shown := "removed"
		switch {
		case !below:
		case i == 0 && len(t.Header) > 0:
			shown = "decoded below"
		case i == 1 && t.Form != token.FormJWE && len(t.Claims) > 0:
			shown = fmt.Sprintf("%d claims, decoded below", len(t.Claims))
		}
		parts[i] = fmt.Sprintf("%s %d chars (%s)", s.Name, len(s.Text), shown)
	}
	return strings.Join(parts, ", ")
}

// Redact stands in for a token in evidence text (a probe's response body):
// its form and its segments' lengths, never their text, since anyone can
// decode a payload and a payload can hold tokens.
func Redact(t token.Token) string {
	return "<" + string(t.Form) + " token removed: " + segmentShapes(TokenReport{Token: t}, false) + ">"
}
