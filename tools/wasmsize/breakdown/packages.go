package breakdown

import (
	"regexp"
	"sort"
	"strings"
)

// The Go linker writes each function's symbol name into the name section
// with every byte that is not a letter, digit, '_' or '.' replaced by '_'
// (cmd/link/internal/wasm, nameRegexp): "crypto/internal/fips140/aes.encryptBlock"
// becomes "crypto_internal_fips140_aes.encryptBlock" and
// "github.com/maxence-charriere/go-app/v10/pkg/app.(*Compo).Render" becomes
// "github.com_maxence_charriere_go_app_v10_pkg_app.__Compo_.Render". The
// package boundary ("the first '.' after the last '/'") is gone, so a name is
// matched against the sanitized paths of the packages the program was built
// from: the longest path followed by '.' is its package.
var unsafeNameByte = regexp.MustCompile(`[^\w.]`)

// Sanitize is the linker's rewriting of a symbol name; it leaves a name it
// has already rewritten unchanged.
func Sanitize(name string) string {
	return unsafeNameByte.ReplaceAllString(name, "_")
}

// Pseudo-packages for functions that belong to no Go package.
const (
	// PkgAssembly holds the wasm port's hand-written functions (memchr,
	// gcWriteBarrier, wasm_pc_f_loop, _rt0_wasm_js, ...): runtime code.
	PkgAssembly = "runtime (assembly)"
	// PkgTypeAlg holds compiler-generated equality and hash functions of
	// types that have no package (struct literals, arrays of builtins).
	PkgTypeAlg = "type: (unnamed types)"
)

// typeAlgPrefixes are the sanitized prefixes of compiler-generated type
// algorithms ("type:.eq.net/url.URL"); such a function is attributed to the
// package that defines the type, which is what linking the type costs.
var typeAlgPrefixes = []string{"type_.eq.", "type_.hash."}

// arrayPrefix is "[N]" (sanitized "_N_") in front of an element type name.
var arrayPrefix = regexp.MustCompile(`^(_[0-9]*_)+`)

// Packages maps symbol names to the import paths of a program's packages.
type Packages struct {
	bySanitized  map[string]string
	longestFirst []string // sanitized paths, longest first
}

// NewPackages knows the import paths given (for a program,
// `go list -deps` of its main package); mainPath is the main package's
// path, which its symbols call "main" ("" when unknown).
func NewPackages(paths []string, mainPath string) *Packages {
	p := &Packages{bySanitized: map[string]string{}}
	add := func(sanitized, path string) {
		if _, ok := p.bySanitized[sanitized]; !ok {
			p.longestFirst = append(p.longestFirst, sanitized)
		}
		p.bySanitized[sanitized] = path
	}
	for _, path := range paths {
		if path != "" {
			add(Sanitize(path), path)
		}
	}
	if mainPath != "" {
		add("main", mainPath)
	}
	sort.Slice(p.longestFirst, func(i, j int) bool {
		a, b := p.longestFirst[i], p.longestFirst[j]
		if len(a) != len(b) {
			return len(a) > len(b)
		}
		return a < b
	})
	return p
}

// Of returns the package a function name belongs to: an import path, a
// pseudo-package (PkgAssembly, PkgTypeAlg), or for a name that matches no
// known package, its sanitized text before the first '.' (linknamed symbols
// such as "runtime/debug.SetTraceback" of a package that is not itself
// linked). It accepts both the linker's sanitized names and Go's own.
func (p *Packages) Of(name string) string {
	s := Sanitize(name)
	for _, prefix := range typeAlgPrefixes {
		if rest, ok := strings.CutPrefix(s, prefix); ok {
			rest = arrayPrefix.ReplaceAllString(rest, "")
			if pkg, ok := p.match(rest); ok {
				return pkg
			}
			return PkgTypeAlg
		}
	}
	if pkg, ok := p.match(s); ok {
		return pkg
	}
	before, _, found := strings.Cut(s, ".")
	if !found {
		return PkgAssembly
	}
	return before
}

func (p *Packages) match(s string) (string, bool) {
	for _, k := range p.longestFirst {
		if len(s) > len(k) && s[len(k)] == '.' && strings.HasPrefix(s, k) {
			return p.bySanitized[k], true
		}
	}
	return "", false
}
