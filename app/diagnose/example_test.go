package diagnose_test

import (
	"fmt"
	"strings"
	"time"

	"tokenscope/app/diagnose"
)

// A SimpleJWT refresh token, HS256 with the key "django-insecure-example-key",
// issued 2026-12-31 00:00 UTC and expiring a day later.
const exampleRefresh = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MTc5ODc2MTYwMCwiaWF0IjoxNzk4Njc1MjAwLCJqdGkiOiI1ZjFjMGE2ZTliOGQ0YzJmYTNlNyIsInVzZXJfaWQiOiIxIn0.FzpnxxujfTw_BT3Te4yoR3Sjd6qvO7jSHgPMv6cjyxc"

// Run judges a paste at a given instant: the refresh token, sent as a
// Bearer header, has expired by then, and the secrets box (a pasted .env
// block) holds the Django key that signed it.
func ExampleRun() {
	r := diagnose.Run("Authorization: Bearer "+exampleRefresh, diagnose.Options{
		Now:        time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC),
		SecretText: "# backend/.env\nDEBUG=1\nSECRET_KEY='django-insecure-example-key'\n",
	})
	for _, f := range r.Findings {
		if f.Severity != diagnose.SeverityInfo {
			fmt.Println(f.Severity, f.Code)
		}
	}
	fmt.Println("cause:", r.Verdict().Cause)
	// Output:
	// error jwt.expired
	// warn jwt.weak_secret
	// ok jwt.signature_valid
	// cause: invalid_refresh_token
}

// Markdown is the report to paste into an issue: built from the Report,
// never from the paste, so the token itself is not in it.
func ExampleMarkdown() {
	r := diagnose.Run(exampleRefresh, diagnose.Options{Now: time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)})
	md := diagnose.Markdown(r)
	fmt.Println(strings.Contains(md, exampleRefresh), strings.Contains(md, exampleRefresh[:36]))
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "### ") {
			fmt.Println(line)
		}
	}
	// Output:
	// false false
	// - Clock: 2027-01-01 12:00:00Z (leeway 0s)
	// - Input: 216 bytes, 1 token(s)
	// ### Findings
	// ### Token 1 — JWS HS256
	// - Source: pasted token
	// - Segments: header 36 chars (decoded below), payload 135 chars (5 claims, decoded below), signature 43 chars (removed)
}
