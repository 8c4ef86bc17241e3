package diagnose_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"net/url"
	"strings"
	"testing"

	"tokenscope/app/diagnose"
)

// propertyCases is how many random sessions the export property runs.
const propertyCases = 1500

const (
	alnum    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	alphaURL = alnum + "-_"
	alphaStd = alnum + "+/"
	upper    = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	hexLow   = "0123456789abcdef"
)

func randFrom(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.Intn(len(alphabet))]
	}
	return string(b)
}

// randomCredential makes one credential of a random family, as issued.
func randomCredential(rng *rand.Rand) string {
	switch rng.Intn(16) {
	case 0:
		return []string{"gho_", "ghp_", "ghu_", "ghs_", "ghr_"}[rng.Intn(5)] + randFrom(rng, alnum, 36)
	case 1:
		return "github_pat_" + randFrom(rng, alnum, 22) + "_" + randFrom(rng, alnum, 59)
	case 2:
		return "ya29." + randFrom(rng, alphaURL, 30+rng.Intn(150))
	case 3:
		return "1//0" + randFrom(rng, alphaURL, 40+rng.Intn(70))
	case 4:
		return fmt.Sprintf("xox%c-%s-%s-%s", "bpaors"[rng.Intn(6)], randFrom(rng, "0123456789", 12), randFrom(rng, "0123456789", 13), randFrom(rng, alnum, 24))
	case 5:
		return []string{"sk_live_", "sk_test_", "rk_live_"}[rng.Intn(3)] + randFrom(rng, alnum, 24+rng.Intn(76))
	case 6:
		return "sk-" + randFrom(rng, alphaURL, 20) + "1" + randFrom(rng, alphaURL, rng.Intn(80))
	case 7:
		return []string{"AKIA", "ASIA"}[rng.Intn(2)] + randFrom(rng, upper, 16)
	case 8:
		return "glpat-" + randFrom(rng, alphaURL, 20)
	case 9:
		return "EAAC" + randFrom(rng, alnum, 100+rng.Intn(100))
	case 10:
		return "AIza" + randFrom(rng, alphaURL, 35)
	case 11: // an AWS secret key, a Django SECRET_KEY, a random API key
		return randFrom(rng, []string{alphaStd, alphaURL, alnum}[rng.Intn(3)], 32+rng.Intn(33))
	case 12:
		return randFrom(rng, hexLow, 40+rng.Intn(25))
	default: // a JWT or a JWE, with a credential in its claims
		inner := randomCredential(rng)
		payload := fmt.Sprintf(`{"sub":"%d","%s":%q}`, rng.Intn(1000), randomName(rng), inner)
		if rng.Intn(4) == 0 {
			return b64(`{"alg":"dir","enc":"A256GCM"}`) + ".." + randFrom(rng, alphaURL, 16) + "." + randFrom(rng, alphaURL, 40+rng.Intn(200)) + "." + randFrom(rng, alphaURL, 22)
		}
		return b64(`{"alg":"HS256","typ":"JWT"}`) + "." + b64(payload) + "." + randFrom(rng, alphaURL, 43)
	}
}

// wrap puts a credential where apps put them: bare, after Bearer, in a
// URL's query or fragment, percent-encoded, in a sentence.
func wrap(rng *rand.Rand, c string) string {
	switch rng.Intn(8) {
	case 0:
		return "Bearer " + c
	case 1:
		return "https://x.example/cb?token=" + c + "&state=1"
	case 2:
		return "https://x.example/cb#access_token=" + c
	case 3:
		return "https://app.example/next?u=" + url.QueryEscape("https://x.example/cb?token="+c)
	case 4:
		return strings.ReplaceAll(url.QueryEscape(c), ".", "%2E")
	case 5:
		return "token " + c + " expired"
	default:
		return c
	}
}

var nameParts = []string{"sub", "email", "name", "user_id", "jti", "iss", "aud", "scope", "error", "provider", "type",
	"token", "access_token", "x", "data", "meta", "callbackUrl", "note", "picture", "kid", "alg", "Authorization", "v"}

func randomName(rng *rand.Rand) string {
	if rng.Intn(5) == 0 {
		return randFrom(rng, alnum+"_-.$", 1+rng.Intn(12))
	}
	return nameParts[rng.Intn(len(nameParts))]
}

// randomFiller is an ordinary claim value: what must pass through.
func randomFiller(rng *rand.Rand) any {
	switch rng.Intn(6) {
	case 0:
		return rng.Intn(2_000_000_000)
	case 1:
		return rng.Intn(2) == 0
	case 2:
		return "Alice Example"
	case 3:
		return "alice@example.com"
	case 4:
		return nil
	}
	return "RefreshAccessTokenError"
}

// randomValue builds a random JSON value holding credentials, returning
// the credentials it planted.
func randomValue(rng *rand.Rand, depth int, planted *[]string) any {
	switch r := rng.Intn(10); {
	case r < 3 && depth < 4:
		obj := map[string]any{}
		for range 1 + rng.Intn(4) {
			key := randomName(rng)
			if rng.Intn(12) == 0 { // a credential as a member name
				c := randomCredential(rng)
				*planted = append(*planted, c)
				key = c
			}
			obj[key] = randomValue(rng, depth+1, planted)
		}
		return obj
	case r < 4 && depth < 4:
		arr := make([]any, 1+rng.Intn(3))
		for i := range arr {
			arr[i] = randomValue(rng, depth+1, planted)
		}
		return arr
	case r < 8:
		c := randomCredential(rng)
		*planted = append(*planted, c)
		return wrap(rng, c)
	}
	return randomFiller(rng)
}

// TestExportNeverLeaksCredentials: random sessions (random nesting, random
// claim names, allowlisted ones among them) holding random credentials of
// every family, wrapped the ways apps wrap them. No 12-character piece of
// any credential survives Markdown, as text or inside base64.
func TestExportNeverLeaksCredentials(t *testing.T) {
	rng := rand.New(rand.NewSource(20261130))
	for n := range propertyCases {
		var planted []string
		claims := map[string]any{"sub": "1", "iat": 1795706169}
		for range 1 + rng.Intn(6) {
			claims[randomName(rng)] = randomValue(rng, 0, &planted)
		}
		payload, err := json.Marshal(claims)
		if err != nil {
			t.Fatal(err)
		}
		var text string
		switch rng.Intn(3) {
		case 0: // a signed session token
			text = b64(`{"alg":"HS256","typ":"JWT"}`) + "." + b64(string(payload)) + "." + randFrom(rng, alphaURL, 43)
		case 1: // a session JSON document
			text = `{"user":{"name":"A"},"expires":"2026-12-26T00:00:00.000Z","s":` + string(payload) + `}`
		default: // in a header line
			text = "Authorization: Bearer " + b64(`{"alg":"HS256"}`) + "." + b64(string(payload)) + "." + randFrom(rng, alphaURL, 43)
		}
		r := diagnose.Run(text, diagnose.Options{Now: fuzzNow})
		md := diagnose.Markdown(r)
		if l := leaks(md, planted...); len(l) > 0 {
			t.Fatalf("case %d leaks %v\npaste: %s\nexport:\n%s", n, l, text, md)
		}
		if blocks, unclosed := fencedBlocks(md); unclosed || blocks != wantBlocks(r) {
			t.Fatalf("case %d: %d fenced blocks (unclosed %v), want %d", n, blocks, unclosed, wantBlocks(r))
		}
	}
}
