package breakdown

import "strings"

// Group is a named set of packages the report sums together.
type Group struct {
	Name string
	// Prefixes are import paths; a package belongs to the group when its
	// path is one of them or lies under one ("crypto" takes "crypto/aes").
	// Pseudo-packages are listed by their exact name.
	Prefixes []string
}

// GroupOther takes every package no group claims.
const GroupOther = "other"

// DefaultGroups are tokenscope's groups. The first group that claims a
// package gets it, so crypto/tls and crypto/x509 land in the network group
// before "crypto" takes the rest. What crypto/tls drags in (mlkem, hpke,
// ecdh, chacha20poly1305) stays under crypto/*: only a build without
// net/http can say how much of crypto/* is there because of it.
var DefaultGroups = []Group{
	{Name: "runtime", Prefixes: []string{
		"runtime", "internal/runtime", "internal/abi", "internal/bytealg",
		"internal/chacha8rand", "internal/cpu", "internal/goarch", "internal/goos",
		"internal/stringslite", "internal/godebugs", "internal/godebug",
		"internal/bisect", "internal/sync", "internal/race", "internal/asan",
		"internal/msan", "internal/trace", "runtime_debug", "runtime_trace",
		PkgAssembly,
	}},
	{Name: "net/http, crypto/tls, crypto/x509, mime, net", Prefixes: []string{
		"net", "crypto/tls", "crypto/x509", "mime", "vendor/golang.org/x/net",
		"vendor/golang.org/x/text", "internal/nettrace", "internal/singleflight",
	}},
	{Name: "crypto/*", Prefixes: []string{"crypto", "vendor/golang.org/x/crypto"}},
	{Name: "tokenscope (app/, wasm/, web/)", Prefixes: []string{"tokenscope"}},
	{Name: "go-app", Prefixes: []string{"github.com/maxence-charriere/go-app"}},
	{Name: "golang-jwt", Prefixes: []string{"github.com/golang-jwt/jwt"}},
	{Name: "go-jose", Prefixes: []string{"github.com/go-jose/go-jose"}},
	{Name: "safejs", Prefixes: []string{"github.com/hack-pad/safejs"}},
	{Name: "regexp", Prefixes: []string{"regexp"}},
	{Name: "encoding/json", Prefixes: []string{"encoding/json"}},
	{Name: "fmt, reflect, strconv, unicode", Prefixes: []string{
		"fmt", "reflect", "internal/reflectlite", "strconv", "internal/strconv",
		"unicode", "internal/fmtsort",
	}},
}

// GroupOf returns the name of the first group that claims pkg, or GroupOther.
func GroupOf(groups []Group, pkg string) string {
	for _, g := range groups {
		for _, p := range g.Prefixes {
			if pkg == p || strings.HasPrefix(pkg, p+"/") {
				return g.Name
			}
		}
	}
	return GroupOther
}
