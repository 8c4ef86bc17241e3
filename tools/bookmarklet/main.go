// Command bookmarklet prints the bookmarklet for an inspector URL, for
// ./build.sh serve (to copy) and ./build.sh bench (its size).
package main

import (
	"flag"
	"fmt"
	"os"

	"tokenscope/web"
)

func main() {
	size := flag.Bool("size", false, "print only the size in bytes")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: bookmarklet [-size] http://127.0.0.1:8080/")
		os.Exit(2)
	}
	b := web.Bookmarklet(flag.Arg(0))
	if *size {
		fmt.Println(len(b))
		return
	}
	fmt.Println(b)
}
