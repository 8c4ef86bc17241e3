package token_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"tokenscope/app/token"
)

type wantCandidate struct {
	origin token.Origin
	name   string
	value  string
	chunks int
}

func TestExtract(t *testing.T) {
	vf := loadVectors(t)
	refresh := vf.Get(t, "refresh_valid").Token
	access := vf.Get(t, "access_valid").Token
	half := len(refresh) / 2
	login := vf.Get(t, "login_response").Body

	tests := []struct {
		name  string
		input string
		want  []wantCandidate
	}{
		{"bare", refresh, []wantCandidate{{origin: token.OriginRaw, value: refresh}}},
		{"double quoted", `"` + refresh + `"`, []wantCandidate{{origin: token.OriginRaw, value: refresh}}},
		{"single quoted with spaces", "  '" + refresh + "'\n", []wantCandidate{{origin: token.OriginRaw, value: refresh}}},
		{"wrapped over lines", refresh[:40] + "\n" + refresh[40:90] + "\r\n  " + refresh[90:], []wantCandidate{{origin: token.OriginRaw, value: refresh}}},
		{"percent-encoded", url.PathEscape(refresh[:10]) + strings.ReplaceAll(refresh[10:], ".", "%2E"), []wantCandidate{{origin: token.OriginRaw, value: refresh}}},
		{"bearer header", "Authorization: Bearer " + access, []wantCandidate{{origin: token.OriginBearer, value: access}}},
		{"bearer in curl", `curl -X POST -H 'Authorization: Bearer ` + access + `' http://127.0.0.1:8000/api/me/`, []wantCandidate{{origin: token.OriginBearer, value: access}}},
		{"cookie header chunked out of order", "Cookie: csrftoken=abc; next-auth.session-token.1=" + refresh[half:] + "; next-auth.session-token.0=" + refresh[:half] + "; theme=dark",
			[]wantCandidate{{origin: token.OriginCookie, name: "next-auth.session-token", value: refresh, chunks: 2}}},
		{"cookie list without header name", "next-auth.session-token=" + refresh + "; other=1", []wantCandidate{{origin: token.OriginCookie, name: "next-auth.session-token", value: refresh}}},
		{"set-cookie", "Set-Cookie: __Secure-authjs.session-token=" + refresh + "; Path=/; HttpOnly; Secure; SameSite=Lax",
			[]wantCandidate{{origin: token.OriginSetCookie, name: "__Secure-authjs.session-token", value: refresh}}},
		{"devtools cookie row", "next-auth.session-token\t" + refresh + "\tlocalhost\t/\tSession\t512\t✓\t\tLax", []wantCandidate{{origin: token.OriginCookie, name: "next-auth.session-token", value: refresh}}},
		{"django login json", login, []wantCandidate{{origin: token.OriginJSON, name: "refresh"}, {origin: token.OriginJSON, name: "access"}}},
		{"session json nested", `{"user":{"name":"a","email":"a@b.c"},"expires":"2026-12-26T00:00:00.000Z","backend":{"tokens":[{"backendAccess":"` + access + `"}]}}`,
			[]wantCandidate{{origin: token.OriginJSON, name: "backend.tokens[0].backendAccess", value: access}}},
		{"json key needing quotes", `{"my-token":"` + access + `"}`, []wantCandidate{{origin: token.OriginJSON, name: `["my-token"]`, value: access}}},
		{"http response with body", "HTTP/1.1 200 OK\nContent-Type: application/json\n\n" + login, []wantCandidate{{origin: token.OriginJSON, name: "refresh"}, {origin: token.OriginJSON, name: "access"}}},
		{"url fragment", "http://localhost:3000/callback#access_token=" + access + "&state=x", []wantCandidate{{origin: token.OriginFragment, name: "access_token", value: access}}},
		{"url query", "https://app.example/cb?id_token=" + access, []wantCandidate{{origin: token.OriginQuery, name: "id_token", value: access}}},
		{"embedded in prose", "the token " + access + " fails", []wantCandidate{{origin: token.OriginRaw, value: access}}},
		{"nothing", "hello world", nil},
		{"csrf cookie only", "Cookie: csrftoken=abcdef; sessionid=xyz", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := token.Extract(tc.input).Candidates
			if len(got) != len(tc.want) {
				t.Fatalf("got %d candidates %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Source.Origin != w.origin || g.Source.Name != w.name {
					t.Errorf("candidate %d: origin %q name %q, want %q %q", i, g.Source.Origin, g.Source.Name, w.origin, w.name)
				}
				if w.value != "" && g.Value != w.value {
					t.Errorf("candidate %d: value %q, want %q", i, g.Value, w.value)
				}
				if len(g.Source.Chunks) != w.chunks {
					t.Errorf("candidate %d: %d chunks, want %d", i, len(g.Source.Chunks), w.chunks)
				}
			}
		})
	}
}

func TestExtractRecordsRepairs(t *testing.T) {
	vf := loadVectors(t)
	refresh := vf.Get(t, "refresh_valid").Token
	c := token.Extract(`"` + refresh[:50] + "\n" + refresh[50:] + `"`).Candidates
	if len(c) != 1 {
		t.Fatalf("got %d candidates", len(c))
	}
	if got := strings.Join(c[0].Source.Repairs, ","); got != "quotes,line breaks" {
		t.Errorf("repairs %q", got)
	}
}

func TestExtractChunkProblems(t *testing.T) {
	tests := []struct {
		name      string
		header    string
		staleBare bool
		missing   []token.ChunkRange
	}{
		{"stale bare beside chunks", "Cookie: next-auth.session-token=eyJold.a.b; next-auth.session-token.0=eyJa.b; next-auth.session-token.1=c.d", true, nil},
		{"missing middle chunk", "Cookie: next-auth.session-token.0=eyJa.b; next-auth.session-token.2=c.d", false, []token.ChunkRange{{From: 1, To: 1}}},
		{"missing run", "Cookie: next-auth.session-token.0=eyJa.b; next-auth.session-token.5=c.d; next-auth.session-token.7=e", false, []token.ChunkRange{{From: 1, To: 4}, {From: 6, To: 6}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := token.Extract(tc.header).Candidates
			if len(c) != 1 {
				t.Fatalf("got %d candidates: %+v", len(c), c)
			}
			src := c[0].Source
			if src.StaleBare != tc.staleBare || !slices.Equal(src.MissingChunks, tc.missing) {
				t.Errorf("stale %v missing %v, want %v %v", src.StaleBare, src.MissingChunks, tc.staleBare, tc.missing)
			}
		})
	}
}

func TestExtractObjects(t *testing.T) {
	ex := token.Extract(`{"user":{"name":"x"},"expires":"2026-01-01","backendAccess":null,"backendRefresh":""}`)
	if len(ex.Candidates) != 0 {
		t.Fatalf("candidates %+v", ex.Candidates)
	}
	if len(ex.Objects) != 2 {
		t.Fatalf("objects %d, want root and user", len(ex.Objects))
	}
	m, ok := ex.Objects[0].Get("backendRefresh")
	if !ok || m.Kind != token.KindString || m.Text() != "" {
		t.Errorf("backendRefresh member %+v", m)
	}
}

func TestExtractTokensInArrays(t *testing.T) {
	vf := loadVectors(t)
	access := vf.Get(t, "access_valid").Token
	for _, in := range []string{`["` + access + `"]`, `{"tokens":["x","` + access + `"]}`} {
		c := token.Extract(in).Candidates
		if len(c) != 1 || c[0].Value != access {
			t.Errorf("%.20s: %+v", in, c)
		}
	}
}

func TestExtractOneTokenPerLine(t *testing.T) {
	vf := loadVectors(t)
	a, r := vf.Get(t, "access_valid").Token, vf.Get(t, "refresh_valid").Token
	if c := token.Extract(a + "\n" + r + "\n").Candidates; len(c) != 2 || c[0].Value != a || c[1].Value != r {
		t.Errorf("got %+v", c)
	}
}
