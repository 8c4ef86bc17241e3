package bridgeproto_test

import (
	"testing"

	"tokenscope/app/bridgeproto"
)

func TestOriginOf(t *testing.T) {
	for raw, want := range map[string]string{
		"https://Example.com:443/a": "https://example.com",
		"http://example.com:80":     "http://example.com",
		"http://[::1]:8000/x":       "http://[::1]:8000",
		"data:text/plain,x":         "",
	} {
		if got := bridgeproto.OriginOf(raw); got != want {
			t.Errorf("bridgeproto.OriginOf(%q) = %q, want %q", raw, got, want)
		}
	}
}
