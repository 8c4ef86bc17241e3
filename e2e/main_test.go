package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"tokenscope/tools/sitesrv"
)

// chromiumPath is Debian's Chromium. The tests never fall back to another
// browser or skip: a missing browser is a failed run with the fix printed.
const chromiumPath = "/usr/bin/chromium"

const installChromium = "apt-get install -y chromium"

// subPath is where the sub-path build is served, like a real deployment
// under someone else's site.
const subPath = "/tools/tokenscope"

var (
	// workDir holds the built sites and the browser profile; removed at exit.
	workDir string
	// rootSite is built at "/" in TestMain; prefixSite on first use.
	rootSite   string
	prefixSite = sync.OnceValues(func() (string, error) {
		return buildSite(filepath.Join(workDir, "prefix"), subPath)
	})
	// browserCtx owns the one Chromium process every test shares.
	browserCtx context.Context
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	if _, err := os.Stat(chromiumPath); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %s is missing. Install it with:\n\n  %s\n\n(or run ./build.sh test, which installs it)\n", chromiumPath, installChromium)
		return 1
	}
	var err error
	if workDir, err = os.MkdirTemp("", "tokenscope-e2e-"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(workDir)

	if rootSite, err = buildSite(filepath.Join(workDir, "root"), ""); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	ctx, stop, err := startBrowser(filepath.Join(workDir, "profile"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer stop()
	browserCtx = ctx
	return m.Run()
}

// buildSite runs ./build.sh site, the same path users and CI take.
func buildSite(out, prefix string) (string, error) {
	args := []string{"site", "--out", out}
	if prefix != "" {
		args = append(args, "--prefix", prefix)
	}
	cmd := exec.Command("./build.sh", args...)
	cmd.Dir = ".." // the repository root; go test runs in e2e/
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("./build.sh %v: %w\n%s", args, err, b)
	}
	return out, nil
}

// startBrowser launches headless Chromium with a fresh profile and flags that
// keep it from talking to Google services, so the only traffic is the tests'.
func startBrowser(profile string) (context.Context, func(), error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox, // root in a container has no user namespace sandbox
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Headless,
	)
	// TOKENSCOPE_JS_FLAGS passes V8 flags to Chromium, for experiments on
	// where start-up time goes (e.g. --liftoff-only, --no-wasm-lazy-compilation).
	if f := os.Getenv("TOKENSCOPE_JS_FLAGS"); f != "" {
		opts = append(opts, chromedp.Flag("js-flags", f))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	stop := func() { cancel(); cancelAlloc() }
	if err := chromedp.Do(ctx); err != nil { // starts the browser, no timeout
		stop()
		return nil, nil, fmt.Errorf("starting %s: %w", chromiumPath, err)
	}
	return ctx, stop, nil
}

// serveSite serves a built site on a random 127.0.0.1 port for one test, as
// a plain static host (no compression), and returns the page URL (with the
// trailing slash).
func serveSite(t *testing.T, dir, prefix string) (*httptest.Server, string) {
	t.Helper()
	return serveSiteAs(t, dir, prefix, sitesrv.Plain)
}

// serveSiteAs is serveSite as the given kind of host.
func serveSiteAs(t *testing.T, dir, prefix string, host sitesrv.Host) (*httptest.Server, string) {
	t.Helper()
	srv := httptest.NewServer(sitesrv.HostHandler(dir, prefix, host))
	t.Cleanup(srv.Close)
	return srv, srv.URL + prefix + "/"
}
