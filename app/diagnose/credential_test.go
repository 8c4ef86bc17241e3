package diagnose_test

import (
	"encoding/base64"
	"encoding/json"
	"math/rand"
	"strings"
	"testing"

	"tokenscope/app/diagnose"
)

// vectorStrings lists every string value in the committed vectors' claims
// (SimpleJWT tokens and the decrypted session payloads), by member name,
// at any depth; the planted credentials of v4_leaky_claims left out.
func vectorStrings(t *testing.T) map[string][]string {
	out := map[string][]string{}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case string:
			out[key] = append(out[key], x)
		case []any:
			for _, e := range x {
				walk(key, e)
			}
		case map[string]any:
			for k, e := range x {
				walk(k, e)
			}
		}
	}
	sv := loadSessionVectors(t)
	for _, v := range sv.Vectors {
		if v.Name == "v4_leaky_claims" || len(v.Payload) == 0 {
			continue
		}
		var p any
		if err := json.Unmarshal(v.Payload, &p); err == nil {
			walk("", p)
		}
	}
	for _, v := range loadVectors(t).Vectors {
		if parts := strings.Split(v.Token, "."); len(parts) == 3 {
			var p any
			if err := json.Unmarshal([]byte(mustB64(t, parts[1])), &p); err == nil {
				walk("", p)
			}
		}
	}
	return out
}

// TestCredentialRuleFalsePositives runs the credential rules over every
// string claim of the committed vectors that is not a token: names, emails,
// subs, jti (uuid and hex), token types, the error marker, permissions,
// picture URLs. None may be flagged.
func TestCredentialRuleFalsePositives(t *testing.T) {
	checked, flagged := 0, 0
	for key, values := range vectorStrings(t) {
		for _, s := range values {
			if strings.HasPrefix(s, "eyJ") {
				continue // backendAccess / backendRefresh: tokens, removed by design
			}
			checked++
			if diagnose.CredentialLabel(s) != "" {
				flagged++
				t.Errorf("%s = %q flagged as %s", key, s, diagnose.CredentialLabel(s))
			}
		}
	}
	t.Logf("checked %d non-token strings of the committed vectors; %d flagged", checked, flagged)
	if checked < 100 {
		t.Errorf("only %d strings checked", checked)
	}
}

// TestHighEntropyDetectionRate measures the prefix-free rule on random
// strings: at 40 characters it must catch every random base64 /
// base62 string of 20,000 but two (hex: all), and at 32 all but 0.2%.
func TestHighEntropyDetectionRate(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	const n = 20000
	for _, c := range []struct {
		alphabet string
		length   int
		maxMiss  int
	}{
		{alphaURL, 40, 2}, {alphaStd, 40, 2}, {alnum, 40, 2}, {hexLow, 40, 0},
		{alphaURL, 32, n / 500}, {alphaStd, 32, n / 500}, {alnum, 32, n / 500},
		{"abcdefghijklmnopqrstuvwxyz0123456789", 40, n / 500},
	} {
		miss := 0
		for range n {
			if diagnose.CredentialLabel(randFrom(rng, c.alphabet, c.length)) == "" {
				miss++
			}
		}
		t.Logf("%d random chars of a %d-letter alphabet: %d of %d missed", c.length, len(c.alphabet), miss, n)
		if miss > c.maxMiss {
			t.Errorf("%d chars of a %d-letter alphabet: %d missed, at most %d allowed", c.length, len(c.alphabet), miss, c.maxMiss)
		}
	}
}

// TestCredentialRules pins single cases of each rule.
func TestCredentialRules(t *testing.T) {
	cases := []struct{ in, want string }{
		{"gho_16C7e42F292c6912E7710c838347Ae178B4a", "GitHub token"},
		{"ya29.a0AfH6SMBx-abcdefghijkl", "Google OAuth token"},
		{"1//0gLx-abcdefghijkl", "Google refresh token"},
		{"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "Slack token"},
		{"AKIAIOSFODNN7EXAMPLE", "AWS access key id"},
		{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "high-entropy string"},
		{"see https://x/cb?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "JWT"},
		{"https://x/cb?token=eyJhbGciOiJIUzI1NiJ9%2EeyJzdWIiOiIxIn0%2Ec2ln", "base64 JSON"},
		{"da39a3ee5e6b4b0d3255bfef95601890afd80709", "high-entropy string"},
		{"alice@example.com", ""}, {"Alice Example", ""}, {"RefreshAccessTokenError", ""},
		{"1b4e28ba-2fa1-41d2-883f-0016d3cca427", ""}, {"d952801a775243c7bbd0ae7468b127e2", ""},
		{"https://accounts.google.com", ""}, {"google-oauth2|103547991597142817347", ""},
		{"inventory.view_item_0001", ""}, {"sk-learn-is-a-python-library", ""}, {"EURASIA1234567890123456", ""},
		{"2026-12-26T00:00:00.000Z", ""}, {"NextAuthGeneratedEncryptionKey", ""},
	}
	for _, c := range cases {
		if got := diagnose.CredentialLabel(c.in); got != c.want {
			t.Errorf("CredentialLabel(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func mustB64(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
	return string(b)
}
