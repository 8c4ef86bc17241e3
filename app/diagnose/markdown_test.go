package diagnose_test

import (
	"strings"
	"testing"

	"tokenscope/app/diagnose"
)

func TestMarkdownRemovesSignatures(t *testing.T) {
	vf := loadVectors(t)
	body := vf.Get(t, "login_response").Body
	r := diagnose.Run(body, diagnose.Options{Now: vf.Now()})
	md := diagnose.Markdown(r)
	for _, tok := range r.Tokens {
		sig := tok.Segments[2].Text
		if strings.Contains(md, sig) {
			t.Errorf("signature of token %d leaked into the export", tok.Index)
		}
		if !strings.Contains(md, tok.Segments[1].Text+".<signature removed>") {
			t.Errorf("token %d not shown redacted", tok.Index)
		}
	}
	for _, want := range []string{"## tokenscope report", "| Severity | Code | Token | Finding |", "`jwt.time_valid`", `"token_type": "refresh"`} {
		if !strings.Contains(md, want) {
			t.Errorf("export lacks %q:\n%s", want, md)
		}
	}
}

func TestMarkdownOmitsJWEBody(t *testing.T) {
	jwe := "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXZpdml2aXZpdg.Y2lwaGVydGV4dHNlY3JldA.dGFndGFndGFn"
	md := diagnose.Markdown(diagnose.Run(jwe, diagnose.Options{}))
	if strings.Contains(md, "Y2lwaGVydGV4dHNlY3JldA") || !strings.Contains(md, "removed") {
		t.Errorf("JWE ciphertext in export:\n%s", md)
	}
}
