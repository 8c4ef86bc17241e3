package diagnose_test

import (
	"testing"

	"tokenscope/app/diagnose"
)

// TestTokenNumber: top-level tokens count 1, 2, …; tokens found inside one
// count under it (1.1, 1.2), at any depth, whatever order they were added.
func TestTokenNumber(t *testing.T) {
	parents := []int{-1, 0, 0, -1, 3, 4, -1}
	want := []string{"1", "1.1", "1.2", "2", "2.1", "2.1.1", "3"}
	var r diagnose.Report
	for i, p := range parents {
		r.Tokens = append(r.Tokens, diagnose.TokenReport{Index: i, Parent: p})
	}
	for i, w := range want {
		if got := r.TokenNumber(i); got != w {
			t.Errorf("TokenNumber(%d) = %q, want %q", i, got, w)
		}
	}
	for _, i := range []int{-1, len(parents)} {
		if got := r.TokenNumber(i); got != "" {
			t.Errorf("TokenNumber(%d) = %q, want empty", i, got)
		}
	}
	if got := r.TokenLabel(5); got != "token 2.1.1" {
		t.Errorf("TokenLabel(5) = %q", got)
	}
}

// TestWorstFor: a card's severity is its worst finding's, findings about
// other tokens or the paste as a whole do not count.
func TestWorstFor(t *testing.T) {
	r := diagnose.Report{
		Tokens: []diagnose.TokenReport{{Index: 0, Parent: -1}, {Index: 1, Parent: -1}, {Index: 2, Parent: -1}},
		Findings: []diagnose.Finding{
			{Code: "a", Severity: diagnose.SeverityInfo, Token: 0},
			{Code: "b", Severity: diagnose.SeverityWarn, Token: 0},
			{Code: "c", Severity: diagnose.SeverityError, Token: 1},
			{Code: "d", Severity: diagnose.SeverityError, Token: -1},
		},
	}
	for i, want := range []diagnose.Severity{diagnose.SeverityWarn, diagnose.SeverityError, diagnose.SeverityOK} {
		if got := r.WorstFor(i); got != want {
			t.Errorf("WorstFor(%d) = %s, want %s", i, got, want)
		}
	}
}
