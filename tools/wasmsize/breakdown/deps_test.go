package breakdown

import (
	"strings"
	"testing"
)

func TestImportChain(t *testing.T) {
	pkgs := []Package{
		{ImportPath: "m/wasm", Imports: []string{"m/ui", "fmt"}},
		{ImportPath: "m/ui", Imports: []string{"go-app", "m/probe"}},
		{ImportPath: "m/probe", Imports: []string{"regexp"}},
		{ImportPath: "go-app", Imports: []string{"net/http", "regexp"}},
		{ImportPath: "net/http", Imports: []string{"crypto/tls", "fmt"}},
		{ImportPath: "crypto/tls", Imports: []string{"fmt"}},
		{ImportPath: "regexp"}, {ImportPath: "fmt"},
	}
	tests := []struct{ from, to, want string }{
		{"m/wasm", "crypto/tls", "m/wasm m/ui go-app net/http crypto/tls"},
		{"m/wasm", "regexp", "m/wasm m/ui go-app regexp"}, // shortest, first found
		{"m/wasm", "m/wasm", "m/wasm"},
		{"m/probe", "net/http", ""},
		{"m/wasm", "unicode", ""},
		{"nowhere", "fmt", ""},
	}
	for _, tc := range tests {
		if got := strings.Join(ImportChain(pkgs, tc.from, tc.to), " "); got != tc.want {
			t.Errorf("ImportChain(%s, %s) = %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
}
