package diagnose

import (
	"encoding/json"
	"fmt"
	"strings"

	"tokenscope/app/token"
)

// Markdown renders the report for a GitHub issue. Signatures and encrypted
// payloads are removed, so the exported text cannot be replayed as a token;
// claims stay, because they are the evidence.
func Markdown(r Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## tokenscope report\n\n")
	fmt.Fprintf(&b, "- Clock: %s (leeway %s)\n- Input: %d bytes, %d token(s)\n\n", UTC(r.Now), r.Leeway, r.InputBytes, len(r.Tokens))
	writeFindingsTable(&b, r)
	for i := range r.Tokens {
		writeToken(&b, r, i)
	}
	b.WriteString("_Signatures and encrypted payloads removed by tokenscope._\n")
	return b.String()
}

func writeFindingsTable(b *strings.Builder, r Report) {
	b.WriteString("### Findings\n\n")
	if len(r.Findings) == 0 {
		b.WriteString("None.\n\n")
		return
	}
	b.WriteString("| Severity | Code | Token | Finding |\n|---|---|---|---|\n")
	for _, f := range r.Findings {
		tok := "—"
		if f.Token >= 0 {
			tok = fmt.Sprint(f.Token + 1)
		}
		fmt.Fprintf(b, "| %s | `%s` | %s | %s |\n", f.Severity, f.Code, tok, cell(f.Title))
	}
	b.WriteString("\n")
}

func writeToken(b *strings.Builder, r Report, i int) {
	t := r.Tokens[i]
	fmt.Fprintf(b, "### Token %d — %s %s\n\n", i+1, t.Form, t.Alg)
	fmt.Fprintf(b, "- Source: %s\n", t.Source.Describe())
	if t.Parent >= 0 {
		fmt.Fprintf(b, "- Inside token %d at `%s`\n", t.Parent+1, t.Source.Name)
	}
	fmt.Fprintf(b, "- Redacted: `%s`\n", redactFor(r, i))
	if len(t.Header) > 0 {
		fmt.Fprintf(b, "\nHeader:\n\n```json\n%s\n```\n", membersJSON(t.Header))
	}
	if len(t.Claims) > 0 {
		fmt.Fprintf(b, "\nClaims:\n\n```json\n%s\n```\n", membersJSON(t.Claims))
	}
	b.WriteString("\n")
}

// redactFor also drops the payload segment of a token that carries other
// tokens: base64-decoding it would give them back whole.
func redactFor(r Report, i int) string {
	t := r.Tokens[i].Token
	for _, o := range r.Tokens {
		if o.Parent == i && t.Form == token.FormJWS && len(t.Segments) == 3 {
			return t.Segments[0].Text + ".<payload holds tokens: see the redacted claims>.<signature removed>"
		}
	}
	return Redact(t)
}

// Redact keeps what is safe to share: a JWS's header and payload with the
// signature replaced, a JWE's header alone.
func Redact(t token.Token) string {
	if len(t.Segments) == 0 {
		return "<empty>"
	}
	switch t.Form {
	case token.FormJWE:
		return t.Segments[0].Text + ".<encrypted key, iv, ciphertext and tag removed>"
	case token.FormJWS:
		return t.Segments[0].Text + "." + t.Segments[1].Text + ".<signature removed>"
	}
	return fmt.Sprintf("<unreadable token, %d characters, not included>", len(t.Raw))
}

// membersJSON re-emits members in order with their raw values, one a line.
// Tokens held in claims (a session's backendRefresh) are redacted too: the
// export must not carry any replayable token, however deep.
func membersJSON(ms []token.Member) string {
	lines := make([]string, len(ms))
	for i, m := range ms {
		sep := ","
		if i == len(ms)-1 {
			sep = ""
		}
		lines[i] = fmt.Sprintf("  %q: %s%s", m.Key, redactValue(m), sep)
	}
	return "{\n" + strings.Join(lines, "\n") + "\n}"
}

// redactValue replaces every token inside a claim value by its redacted
// form. Values are decoded and re-encoded, so a token written with JSON
// escapes (\u005f for _) cannot slip past a textual search.
func redactValue(m token.Member) string {
	raw := string(m.Raw)
	if m.Kind == token.KindNumber || m.Kind == token.KindBool || m.Kind == token.KindNull {
		return raw
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return `"<unreadable value removed>"`
	}
	out, err := json.Marshal(redactAny(v))
	if err != nil {
		return `"<unreadable value removed>"`
	}
	return string(out)
}

func redactAny(v any) any {
	switch x := v.(type) {
	case string:
		if token.LooksLikeJWT(x) {
			return Redact(token.Decode(token.Candidate{Value: strings.TrimSpace(x)}))
		}
		for _, c := range token.Extract(x).Candidates {
			x = strings.ReplaceAll(x, c.Value, Redact(token.Decode(c)))
		}
		return x
	case []any:
		for i := range x {
			x[i] = redactAny(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = redactAny(x[k])
		}
	}
	return v
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}
