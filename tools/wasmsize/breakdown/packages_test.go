package breakdown

import "testing"

func TestPackagesOf(t *testing.T) {
	pkgs := NewPackages([]string{
		"runtime", "crypto", "crypto/internal/fips140/aes", "net", "net/url",
		"encoding/json", "github.com/maxence-charriere/go-app/v10/pkg/app",
		"github.com/golang-jwt/jwt/v5", "vendor/golang.org/x/net/idna", "slices",
		"tokenscope/app/ui",
	}, "tokenscope/wasm")
	tests := []struct{ name, want string }{
		{"runtime.mallocgc", "runtime"},
		{"crypto/internal/fips140/aes.encryptBlock", "crypto/internal/fips140/aes"},
		{"crypto_internal_fips140_aes.encryptBlock", "crypto/internal/fips140/aes"},
		{"github.com/maxence-charriere/go-app/v10/pkg/app.(*Compo).Render", "github.com/maxence-charriere/go-app/v10/pkg/app"},
		{"github.com_maxence_charriere_go_app_v10_pkg_app.__Compo_.Render", "github.com/maxence-charriere/go-app/v10/pkg/app"},
		{"github.com_golang_jwt_jwt_v5.__Parser_.ParseUnverified", "github.com/golang-jwt/jwt/v5"},
		{"net_url.__URL_.String", "net/url"}, // the longest package wins over "net"
		{"net.init", "net"},
		{"vendor_golang.org_x_net_idna.__Profile_.process", "vendor/golang.org/x/net/idna"},
		{"encoding_json.__decodeState_.object", "encoding/json"},
		// a generic function belongs to its own package, not its type arguments'
		{"slices.partitionCmpFunc_go.shape.struct___encoding_json.name_string__", "slices"},
		{"main.main", "tokenscope/wasm"},
		{"main.newEnv.func1", "tokenscope/wasm"},
		// compiler-generated type algorithms go to the type's package
		{"type:.eq.net/url.URL", "net/url"},
		{"type_.eq.net_url.URL", "net/url"},
		{"type_.eq._3_tokenscope_app_ui.row", "tokenscope/app/ui"},
		{"type_.hash.encoding_json.field", "encoding/json"},
		{"type_.eq.struct___io.Reader__io.WriterTo__", PkgTypeAlg},
		{"type_.eq._2_interface____", PkgTypeAlg},
		// the wasm port's assembly has no package
		{"memeqbody", PkgAssembly},
		{"wasm_pc_f_loop", PkgAssembly},
		// a linknamed symbol of a package that is not linked keeps its prefix
		{"runtime_debug.SetTraceback", "runtime_debug"},
		{"cryptography.F", "cryptography"}, // "crypto" is no prefix of another word
	}
	for _, tt := range tests {
		if got := pkgs.Of(tt.name); got != tt.want {
			t.Errorf("Of(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestGroupOf(t *testing.T) {
	tests := []struct{ pkg, want string }{
		{"runtime", "runtime"},
		{"internal/runtime/maps", "runtime"},
		{PkgAssembly, "runtime"},
		{"runtime_debug", "runtime"},
		{"crypto/tls", "net/http, crypto/tls, crypto/x509, mime, net"},
		{"crypto/x509/pkix", "net/http, crypto/tls, crypto/x509, mime, net"},
		{"net/http", "net/http, crypto/tls, crypto/x509, mime, net"},
		{"vendor/golang.org/x/net/idna", "net/http, crypto/tls, crypto/x509, mime, net"},
		{"crypto/internal/fips140/mlkem", "crypto/*"},
		{"crypto", "crypto/*"},
		{"cryptography", GroupOther},
		{"tokenscope/app/ui", "tokenscope (app/, wasm/, web/)"},
		{"github.com/maxence-charriere/go-app/v10/pkg/errors", "go-app"},
		{"github.com/golang-jwt/jwt/v5", "golang-jwt"},
		{"github.com/go-jose/go-jose/v4/cipher", "go-jose"},
		{"github.com/hack-pad/safejs/internal/catch", "safejs"},
		{"regexp/syntax", "regexp"},
		{"encoding/json", "encoding/json"},
		{"internal/strconv", "fmt, reflect, strconv, unicode"},
		{"unicode/utf8", "fmt, reflect, strconv, unicode"},
		{"time", GroupOther},
		{PkgTypeAlg, GroupOther},
	}
	for _, tt := range tests {
		if got := GroupOf(DefaultGroups, tt.pkg); got != tt.want {
			t.Errorf("GroupOf(%q) = %q, want %q", tt.pkg, got, tt.want)
		}
	}
}
