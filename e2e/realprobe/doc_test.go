// Package realprobe_test runs app/probe against real outside programs: the
// prober's logic natively against a real Django SimpleJWT server, and the
// settings lines its fixes print read back by Python. They live here, not
// in app/probe, so `go test ./app/...` needs nothing but Go.
package realprobe_test

import (
	"tokenscope/app/diagnose"
)

func codesOf(fs []diagnose.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Code))
	}
	return out
}

func has(fs []diagnose.Finding, code diagnose.Code) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}
