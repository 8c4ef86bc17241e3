package diagnose_test

import (
	"strings"
	"testing"

	"tokenscope/app/diagnose"
	"tokenscope/app/token"
)

func TestClaimMeaning(t *testing.T) {
	for _, c := range []struct {
		m    token.Member
		want string
	}{
		{token.Member{Key: "jti", Kind: token.KindString}, "blacklist"},
		{token.Member{Key: "backendRefresh", Kind: token.KindString}, "holds a refresh token"},
		{token.Member{Key: "backendAccess", Kind: token.KindString}, "holds an access token"},
		{token.Member{Key: "backendRefresh", Kind: token.KindNull}, ""},
		{token.Member{Key: "favourite_colour", Kind: token.KindString}, ""},
	} {
		got := diagnose.ClaimMeaning(c.m)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("ClaimMeaning(%s) = %q, want %q", c.m.Key, got, c.want)
		}
	}
}
