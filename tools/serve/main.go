// Command serve serves a built tokenscope site on the loopback interface:
//
//	go run ./tools/serve -dir dist -port 8080 -prefix /tools/tokenscope [-host gzip]
//
// By default it behaves like a plain static host that compresses nothing;
// -host gzip behaves like one that compresses on the fly (tools/sitesrv).
//
// ./build.sh serve builds the site and runs this.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"

	"tokenscope/tools/sitesrv"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

func run() error {
	dir := flag.String("dir", "dist", "site `directory`")
	port := flag.Int("port", 8080, "TCP `port` on 127.0.0.1")
	prefix := flag.String("prefix", "", "URL `path` the site is built for, e.g. /tools/tokenscope")
	hostName := flag.String("host", "plain", "behave like a `plain` static host (no compression) or a `gzip` one")
	flag.Parse()
	host, err := sitesrv.ParseHost(*hostName)
	if err != nil {
		return err
	}
	if _, err := os.Stat(*dir + "/index.html"); err != nil {
		return fmt.Errorf("no site in %s (run ./build.sh site): %w", *dir, err)
	}
	// Loopback only: the site is for the person at this machine, and
	// browsers treat http://127.0.0.1 as a secure context (service worker,
	// clipboard) without a certificate.
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(*port)))
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	p := "/" + strings.Trim(*prefix, "/")
	if p == "/" {
		p = ""
	}
	fmt.Printf("tokenscope: serving %s at http://%s%s/ as a %s host (Ctrl-C to stop)\n", *dir, ln.Addr(), p, host)
	err = http.Serve(ln, sitesrv.HostHandler(*dir, p, host))
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("serving: %w", err)
}
