package web_test

import (
	"fmt"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"tokenscope/app/bridgeproto"
	"tokenscope/web"
)

// testKey has the length of every real key (bridgeproto.NewKey).
const testKey = "q7Vd0cFh2m1nB5sX9yZw8A"

func code(t *testing.T, bookmarklet string) string {
	t.Helper()
	if !strings.HasPrefix(bookmarklet, "javascript:") {
		t.Fatalf("not a javascript: URL: %.40s", bookmarklet)
	}
	c, err := url.PathUnescape(strings.TrimPrefix(bookmarklet, "javascript:"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBookmarkletSize keeps what a user installs short enough to read, for
// realistic inspector URLs and a real key's length.
func TestBookmarkletSize(t *testing.T) {
	if !bridgeproto.ValidKey(testKey) {
		t.Fatal("testKey is not key-shaped")
	}
	for _, u := range []string{
		"http://127.0.0.1:8080/",
		"https://tools.example/tokenscope/",
		"https://tokenscope.example.com/",
		"https://acme.github.io/tokenscope/",
	} {
		b := web.Bookmarklet(u, testKey)
		if len(b) > web.MaxBookmarkletBytes {
			t.Errorf("bookmarklet for %s is %d bytes, over %d", u, len(b), web.MaxBookmarkletBytes)
		}
		t.Logf("bookmarklet for %s: %d bytes", u, len(b))
	}
}

func TestBookmarkletShape(t *testing.T) {
	c := code(t, web.Bookmarklet("https://tools.example/tokenscope/", testKey))
	if !strings.Contains(c, `I='https://tools.example/tokenscope/'`) || strings.Contains(c, "__I__") {
		t.Errorf("inspector URL not substituted")
	}
	if !strings.Contains(c, `K='`+testKey+`'`) || strings.Contains(c, "__K__") || strings.Count(c, testKey) != 1 {
		t.Errorf("key not substituted exactly once")
	}
	// The key travels only in messages to the inspector's origin: the one
	// window the bridge opens is the bare #bridge URL, and every message is
	// posted to O, the inspector's origin, never "*".
	if !strings.Contains(c, `open(I+'#bridge','tokenscope')`) || strings.Count(c, "open(") != 1 {
		t.Errorf("the bridge opens something else than I#bridge")
	}
	if !strings.Contains(c, "k:K") || strings.Count(c, "postMessage(") != 1 || !strings.Contains(c, "},O)") || strings.Contains(c, "'*'") {
		t.Errorf("the bridge posts its key somewhere else than the inspector's origin")
	}
	for _, banned := range []string{"eval(", "Function(", "innerHTML", "console.", "credentials:'include'", "document.write", "import("} {
		if strings.Contains(c, banned) {
			t.Errorf("bridge uses %s", banned)
		}
	}
	for _, want := range []string{"credentials:'omit'", "redirect:mode=='no-cors'?'follow':'manual'", "/^(GET|POST)$/", "u.origin!=B", "u.origin==Z", "getReader()"} {
		if !strings.Contains(c, want) {
			t.Errorf("bridge lacks %s", want)
		}
	}
}

// TestBridgeBoundsMatchTheInspector: bridge.js and bridgeproto hold the same
// numbers, so the inspector's checks and the bridge's cuts agree.
func TestBridgeBoundsMatchTheInspector(t *testing.T) {
	c := code(t, web.Bookmarklet("http://127.0.0.1:8080/", testKey))
	want := fmt.Sprintf("L=%d,V=%d,N=%d,M=%d;", bridgeproto.MaxBodyBytes, bridgeproto.MaxValueChars, bridgeproto.MaxTokenEntries, bridgeproto.MaxNames)
	if !strings.Contains(c, want) {
		t.Errorf("bridge.js bounds differ from bridgeproto's %s", want)
	}
	if !strings.Contains(c, fmt.Sprintf("k.slice(0,%d)", bridgeproto.MaxNameChars)) {
		t.Errorf("bridge.js cuts names at another length than %d", bridgeproto.MaxNameChars)
	}
	if !strings.Contains(c, fmt.Sprintf("tsb:%d,v:%d,k:K", bridgeproto.Marker, bridgeproto.Version)) {
		t.Errorf("bridge.js does not tag its answers with tsb %d, v %d", bridgeproto.Marker, bridgeproto.Version)
	}
	for _, op := range []string{bridgeproto.OpHello, bridgeproto.OpBackend, bridgeproto.OpFetch, bridgeproto.OpSession, bridgeproto.OpBye} {
		if !strings.Contains(c, "q.op=='"+op+"'") {
			t.Errorf("bridge.js has no %s operation", op)
		}
	}
}

// TestBookmarkletParses hands the minified code to Node's parser, so a
// minification slip fails here rather than in a user's bookmarks bar; and a
// URL holding quotes or backslashes cannot end the string it sits in.
func TestBookmarkletParses(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080/", `http://x.example/a'b\c/`} {
		c := code(t, web.Bookmarklet(u, testKey))
		// Parse it, then read the inspector URL the code would use.
		probe := `const src = process.argv[1]; new Function(src);
			const m = src.match(/^\(\(\)=>\{let I=('[^']*')/); console.log(m ? eval(m[1]) : "no I");`
		out, err := exec.Command("node", "-e", probe, c).CombinedOutput()
		if err != nil {
			t.Fatalf("node cannot parse the bookmarklet for %s: %v\n%s", u, err, out)
		}
		want := strings.NewReplacer(`'`, "%27", `\`, "%5C").Replace(u)
		if got := strings.TrimSpace(string(out)); got != want {
			t.Errorf("inspector URL in the code = %q, want %q", got, want)
		}
	}
}
