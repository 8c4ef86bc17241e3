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
