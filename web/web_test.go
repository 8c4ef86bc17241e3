package web_test

import (
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"tokenscope/web"
)

func TestBookmarkletSizeAndShape(t *testing.T) {
	b := web.Bookmarklet("https://tools.example/tokenscope/")
	if !strings.HasPrefix(b, "javascript:") {
		t.Fatalf("not a javascript: URL: %.40s", b)
	}
	if len(b) > 2048 {
		t.Errorf("bookmarklet is %d bytes, over 2 KB", len(b))
	}
	code, err := url.PathUnescape(strings.TrimPrefix(b, "javascript:"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(code, `"https://tools.example/tokenscope/"`) || strings.Contains(code, "__I__") {
		t.Errorf("inspector URL not substituted")
	}
	for _, banned := range []string{"eval(", "Function(", "innerHTML", "console."} {
		if strings.Contains(code, banned) {
			t.Errorf("bridge uses %s", banned)
		}
	}
	t.Logf("bookmarklet: %d bytes", len(b))
}

// TestBookmarkletParses hands the minified code to Node's parser, so a
// minification slip fails here rather than in a user's bookmarks bar.
func TestBookmarkletParses(t *testing.T) {
	code, err := url.PathUnescape(strings.TrimPrefix(web.Bookmarklet("http://127.0.0.1:8080/"), "javascript:"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("node", "-e", "new Function(process.argv[1])", code).CombinedOutput()
	if err != nil {
		t.Fatalf("node cannot parse the bookmarklet: %v\n%s", err, out)
	}
}
