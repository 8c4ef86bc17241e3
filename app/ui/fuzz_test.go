package ui_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/ui"
	"tokenscope/internal/testvectors"
)

// FuzzRender renders the page for any paste: it must not panic (a panic in
// wasm kills the page), and nothing pasted may come out as markup. The
// committed corpus lives in testdata/fuzz/FuzzRender/.

// fuzzNow is the instant the vectors were minted (vectors.json minted_at).
var fuzzNow = time.Unix(1795706169, 0).UTC()

func fuzzB64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// fuzzMarkup is what an attacker would smuggle into the page.
const fuzzMarkup = `<img src=x onerror=alert(1)>`

// fuzzHandSeeds put markup everywhere the page shows pasted text: segments,
// problem messages, cookie names, claims, finding titles; plus the hostile
// inputs every layer must survive.
func fuzzHandSeeds() []string {
	hdr := fuzzB64(`{"alg":"HS256","typ":"JWT"}`)
	sig := ".c2lnbmF0dXJlLWJ5dGVz"
	refresh := hdr + "." + fuzzB64(`{"token_type":"refresh","exp":1795792567,"iat":1795706167,"jti":"j","user_id":1}`) + sig
	half := len(refresh) / 2
	return []string{
		"", "{}", "null", fuzzMarkup,
		"Authorization: Bearer " + fuzzMarkup,
		"Cookie: next-auth.session-token=" + fuzzMarkup,
		"Cookie: next-auth.session-token.0=" + refresh[:half] + "; next-auth.session-token.1=" + refresh[half:],
		"Set-Cookie: next-auth.session-token=" + refresh + "; Path=/; HttpOnly",
		`{"token":"a.` + fuzzMarkup + `.b"}`,
		`{"user":{},"expires":"2026-12-26T00:00:00.000Z","error":"` + fuzzMarkup + `"}`,
		`{"refresh":"` + refresh + `","access":"` + fuzzMarkup + `.x"}`,
		hdr + "." + fuzzB64(`{"sub":"`+fuzzMarkup+`","exp":1795792567}`) + sig,
		"eyJ" + fuzzMarkup + ".e30.c2ln",
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		strings.Repeat(".", 1<<20),
		// Invalid UTF-8 inside a token segment panics the page today; its
		// reproducer is the committed corpus file regression-invalid-utf8-in-segment.
		"\xff\xfe", "x\x00y.z", "\x00",
	}
}

func FuzzRender(f *testing.F) {
	for _, v := range testvectors.LoadSimpleJWT(f).Vectors {
		for _, s := range []string{v.Token, v.Body} {
			if s != "" {
				f.Add(s)
			}
		}
	}
	for _, s := range fuzzHandSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		html := fuzzRenderPage(t, text)
		// The page renders no image or script and no inline event handler,
		// so any in the HTML came from the paste. go-app escapes text nodes
		// but writes attribute values with strconv.Quote, whose \" a browser
		// reads as the end of the value: parse as a browser would.
		for _, tag := range htmlTags(html) {
			if tag.name == "img" || tag.name == "script" {
				t.Fatalf("rendered HTML has a <%s> element from the paste: …%s…", tag.name, excerpt(html, tag.at))
			}
			for _, a := range tag.attrs {
				if strings.HasPrefix(a, "on") {
					t.Fatalf("rendered HTML has an event handler %s= on <%s> from the paste: …%s…", a, tag.name, excerpt(html, tag.at))
				}
			}
		}
	})
}

// htmlTag is a start tag as a browser's tokenizer sees it.
type htmlTag struct {
	name  string
	attrs []string
	at    int
}

// htmlTags tokenizes start tags the way the HTML spec does for the markup
// go-app writes: a quoted attribute value ends at the next matching quote,
// backslashes notwithstanding. Text never holds '<' (go-app escapes it), so
// no RCDATA handling is needed.
func htmlTags(html string) []htmlTag {
	var tags []htmlTag
	isName := func(c byte) bool { return c != ' ' && c != '\t' && c != '\n' && c != '/' && c != '>' && c != '=' }
	for i := 0; i < len(html); i++ {
		if html[i] != '<' || i+1 >= len(html) || !isASCIILetter(html[i+1]) {
			continue
		}
		tag := htmlTag{at: i}
		j := i + 1
		for j < len(html) && isName(html[j]) {
			j++
		}
		tag.name = strings.ToLower(html[i+1 : j])
		for j < len(html) && html[j] != '>' {
			if !isName(html[j]) {
				j++
				continue
			}
			k := j
			for k < len(html) && isName(html[k]) {
				k++
			}
			tag.attrs = append(tag.attrs, strings.ToLower(html[j:k]))
			j = k
			if j < len(html) && html[j] == '=' {
				j++
				if j < len(html) && (html[j] == '"' || html[j] == '\'') {
					end := strings.IndexByte(html[j+1:], html[j])
					if end < 0 {
						j = len(html)
					} else {
						j += end + 2
					}
				} else {
					for j < len(html) && html[j] != ' ' && html[j] != '>' {
						j++
					}
				}
			}
		}
		tags = append(tags, tag)
		i = j
	}
	return tags
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func excerpt(s string, at int) string { return s[max(0, at-80):min(len(s), at+80)] }

// fuzzRenderPage is what the browser shows after text is pasted, at a pinned clock.
func fuzzRenderPage(tb testing.TB, text string) string {
	tb.Helper()
	in := ui.NewInspector(ui.Env{Now: func() time.Time { return fuzzNow }})
	in.SetInput(text)
	return app.HTMLString(in)
}

// BenchmarkRender4KCookie is a paste as the page handles it: analyse, then
// render the findings and the three token cards.
func BenchmarkRender4KCookie(b *testing.B) {
	header := testvectors.Cookie4K(b)
	if html := fuzzRenderPage(b, header); !strings.Contains(html, `id="token-2"`) {
		b.Fatal("the page does not show the session token and its two nested tokens")
	}
	b.SetBytes(int64(len(header)))
	b.ReportAllocs()
	for b.Loop() {
		in := ui.NewInspector(ui.Env{Now: func() time.Time { return fuzzNow }})
		in.SetInput(header)
		app.HTMLString(in)
	}
}
