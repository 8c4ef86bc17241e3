// Command bookmarklet prints the bookmarklet for an inspector URL and a
// browser's bridge key, or (-size) its length, for ./build.sh bench.
//
// The inspector trusts only a bookmarklet carrying the key it keeps in its
// own localStorage, so a working bookmarklet comes from the page's
// a#bookmarklet link; this command prints one only for a key you give it
// (copy it from DevTools: localStorage["tokenscope.bridge-key"]).
package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"os"

	"tokenscope/app/bridgeproto"
	"tokenscope/web"
)

func main() {
	size := flag.Bool("size", false, "print only the size in bytes (for a fresh random key: every key has the same length)")
	key := flag.String("key", "", "this browser's bridge key (localStorage "+bridgeproto.KeyStorageName+" on the inspector's origin)")
	flag.Parse()
	if flag.NArg() != 1 || (!*size && *key == "") {
		fmt.Fprintln(os.Stderr, "usage: bookmarklet -size http://127.0.0.1:8080/\n       bookmarklet -key KEY http://127.0.0.1:8080/")
		os.Exit(2)
	}
	k := *key
	if k == "" {
		var err error
		if k, err = bridgeproto.NewKey(rand.Reader); err != nil {
			fmt.Fprintln(os.Stderr, "bookmarklet:", err)
			os.Exit(1)
		}
	}
	if !bridgeproto.ValidKey(k) {
		fmt.Fprintf(os.Stderr, "bookmarklet: %q is not a bridge key (%d bytes of base64url)\n", k, bridgeproto.KeyBytes)
		os.Exit(2)
	}
	b := web.Bookmarklet(flag.Arg(0), k)
	if *size {
		fmt.Println(len(b))
		return
	}
	fmt.Println(b)
}
