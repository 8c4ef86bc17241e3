package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// goAppModule is the module the edits apply to; goAppVersion is the
// version they were written against (go.mod must require exactly it).
const (
	goAppModule  = "github.com/maxence-charriere/go-app/v10"
	goAppVersion = "v10.1.3"
)

// goAppPackages are the module's directories the app builds from; only
// their non-test .go files are copied (and the module's go.mod and
// LICENSE), not the module's 35 MB of docs.
var goAppPackages = []string{"pkg/app", "pkg/errors", "pkg/logs"}

// Errors Trim reports; the build stops on each.
var (
	ErrEditMismatch = errors.New("go-app file does not match the edit (go-app upgraded? see tools/wasmtrim)")
	ErrWrongVersion = errors.New("go.mod requires another go-app than the edits were written for")
	ErrReplaced     = errors.New("go.mod already replaces go-app")
)

// replace is one textual edit: old must occur exactly once.
type replace struct{ old, new string }

// fileEdit is what happens to one file of the module: left out, or edited.
type fileEdit struct {
	path     string // relative to the module root
	deleted  bool
	replaces []replace
}

// goAppEdits leave go-app's server side, its router's *regexp.Regexp and
// its action and state managers out of the wasm build (main.go says why).
// None changes what the page does: the build would fail if anything on the
// browser's side still used what is removed.
var goAppEdits = []fileEdit{
	{path: "pkg/app/http.go", deleted: true},
	{path: "pkg/app/wasm.go", replaces: []replace{
		{old: "import (\n\t\"runtime\"\n\n\t\"github.com/maxence-charriere/go-app/v10/pkg/errors\"\n)\n", new: ""},
		{old: "func GenerateStaticWebsite(dir string, h *Handler, pages ...string) error {\n" +
			"\tpanic(errors.New(\"unsupported instruction\").\n" +
			"\t\tWithTag(\"architecture\", runtime.GOARCH))\n}\n", new: ""},
	}},
	{path: "pkg/app/resource.go", replaces: []replace{
		{old: "import (\n\t\"net/http\"\n\t\"strings\"\n)", new: "import (\n\t\"strings\"\n)"},
		{old: "\t\tHandler:   http.FileServer(http.Dir(directory)),\n", new: ""},
		{old: "type localResourceResolver struct {\n\thttp.Handler\n", new: "type localResourceResolver struct {\n"},
	}},
	{path: "pkg/app/route.go", replaces: []replace{
		{old: "import (\n\t\"regexp\"\n\t\"sync\"\n)\n", new: "import (\n\t\"sync\"\n)\n"},
		{old: "func (r *router) routeWithRegexp(pattern string, newComponent func() Composer) {\n" +
			"\tr.mu.Lock()\n" +
			"\tdefer r.mu.Unlock()\n" +
			"\n" +
			"\tr.routesWithRegexp = append(r.routesWithRegexp, regexpRoute{\n" +
			"\t\tregexp:       regexp.MustCompile(pattern),\n" +
			"\t\tnewComponent: newComponent,\n" +
			"\t})\n" +
			"}\n\n", new: ""},
		{old: "\tregexp       *regexp.Regexp\n", new: "\tregexp       interface{ MatchString(string) bool }\n"},
	}},
	{path: "pkg/app/app.go", replaces: []replace{
		{old: "// RouteWithRegexp associates a URL path pattern with a function that generates\n" +
			"// a new Composer component. When a user navigates to a URL path that matches\n" +
			"// the given regular expression pattern, the function newComponent is invoked to\n" +
			"// create and mount the associated component.\n" +
			"//\n" +
			"// Example:\n" +
			"//\n" +
			"//\tRouteWithRegexp(\"^/users/[0-9]+$\", func() Composer {\n" +
			"//\t    return NewUserComponent()\n" +
			"//\t})\n" +
			"func RouteWithRegexp(pattern string, newComponent func() Composer) {\n" +
			"\troutes.routeWithRegexp(pattern, newComponent)\n" +
			"}\n\n", new: ""},
	}},

	// The action and state managers: Context's method values in
	// baseContext, the frame loop's clean-ups and the handlers app.Handle
	// registers are their only roots. Context's methods and app.Handle go,
	// so a wasm that used actions or states would not compile.
	{path: "pkg/app/engine.go", replaces: []replace{
		{old: "\t\thandleAction:          e.actions.Handle,\n" +
			"\t\tpostAction:            e.actions.Post,\n" +
			"\t\tobserveState:          e.states.Observe,\n" +
			"\t\tgetState:              e.states.Get,\n" +
			"\t\tsetState:              e.states.Set,\n" +
			"\t\tdelState:              e.states.Delete,\n", new: ""},
		{old: "\t\tfor action, handler := range e.asynchronousActionHandlers {\n" +
			"\t\t\te.actions.Handle(action, body, true, handler)\n" +
			"\t\t}\n", new: ""},
		{old: "\te.states.CleanupExpiredPersistedStates(e.baseContext())\n", new: ""},
		{old: "\te.actions.Cleanup()\n\te.states.Cleanup()\n", new: ""},
	}},
	{path: "pkg/app/context.go", replaces: []replace{
		{old: "// Handle designates a handler for a particular action, set to run on the UI\n" +
			"// goroutine.\n" +
			"func (ctx Context) Handle(action string, h ActionHandler) {\n" +
			"\tctx.handleAction(action, ctx.sourceElement, false, h)\n" +
			"}\n" +
			"\n" +
			"// NewAction generates a new action for handling.\n" +
			"func (ctx Context) NewAction(action string, tags ...Tagger) {\n" +
			"\tctx.NewActionWithValue(action, nil, tags...)\n" +
			"\n" +
			"}\n" +
			"\n" +
			"// NewActionWithValue crafts an action with a given value for processing.\n" +
			"func (ctx Context) NewActionWithValue(action string, v any, tags ...Tagger) {\n" +
			"\tvar tagMap Tags\n" +
			"\tfor _, tag := range tags {\n" +
			"\t\tif tagMap == nil {\n" +
			"\t\t\ttagMap = make(Tags)\n" +
			"\t\t}\n" +
			"\n" +
			"\t\tfor k, v := range tag.Tags() {\n" +
			"\t\t\ttagMap[k] = v\n" +
			"\t\t}\n" +
			"\t}\n" +
			"\n" +
			"\tctx.postAction(ctx, Action{\n" +
			"\t\tName:  action,\n" +
			"\t\tValue: v,\n" +
			"\t\tTags:  tagMap,\n" +
			"\t})\n" +
			"}\n" +
			"\n" +
			"// ObserveState establishes an observer for a state, tracking its changes.\n" +
			"func (ctx Context) ObserveState(state string, recv any) Observer {\n" +
			"\treturn ctx.observeState(ctx, state, recv)\n" +
			"}\n" +
			"\n" +
			"// GetState fetches the value of a particular state.\n" +
			"func (ctx Context) GetState(state string, recv any) {\n" +
			"\tctx.getState(ctx, state, recv)\n" +
			"}\n" +
			"\n" +
			"// SetState modifies a state with the provided value.\n" +
			"func (ctx Context) SetState(state string, v any) State {\n" +
			"\treturn ctx.setState(ctx, state, v)\n" +
			"}\n" +
			"\n" +
			"// DelState erases a state, halting all associated observations.\n" +
			"func (ctx Context) DelState(state string) {\n" +
			"\tctx.delState(ctx, state)\n" +
			"}\n" +
			"\n", new: ""},
	}},
	{path: "pkg/app/action.go", replaces: []replace{
		{old: "// Handle registers the provided handler for a specific action name. When that\n" +
			"// action is triggered, the handler executes in a separate goroutine.\n" +
			"func Handle(actionName string, h ActionHandler) {\n" +
			"\tactionHandlers[actionName] = h\n" +
			"}\n" +
			"\n", new: ""},
	}},
}

// Trim copies go-app (moduleDir, at version) into out/go-app with
// goAppEdits applied, and writes out/go.wasm.mod (mainGoMod with a replace
// of go-app by that copy) and out/go.wasm.sum (a copy of mainGoSum). It
// returns the go.mod to pass to `go build -modfile`.
func Trim(moduleDir, version, mainGoMod, mainGoSum, out string) (string, error) {
	tree, err := trimmedTree(moduleDir, version, mainGoMod, mainGoSum)
	if err != nil {
		return "", err
	}
	out, err = filepath.Abs(out)
	if err != nil {
		return "", err
	}
	return writeTree(tree, version, out, out)
}

// MaxCacheAge is how long an unused entry of the trim cache is kept: long
// enough for the builds of one working session, short enough that the
// entries of old go.mod versions do not pile up (each is about 2.4 MB).
const MaxCacheAge = 48 * time.Hour

// TrimCached is Trim into cacheDir/KEY, where KEY is the SHA-256 of
// everything written (the edited go-app files, go.mod and go.sum). The same
// inputs give the same directory, so the wasm build's inputs, and with them
// its build ID and bytes, are the same from one build to the next; a
// temporary directory would change them every time. An entry is written
// into a temporary directory beside it and renamed into place, so a build
// running at the same time sees either no entry or a whole one. hit says
// the entry was already there.
func TrimCached(moduleDir, version, mainGoMod, mainGoSum, cacheDir string) (modPath string, hit bool, err error) {
	tree, err := trimmedTree(moduleDir, version, mainGoMod, mainGoSum)
	if err != nil {
		return "", false, err
	}
	cacheDir, err = filepath.Abs(cacheDir)
	if err != nil {
		return "", false, err
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", false, err
	}
	final := filepath.Join(cacheDir, treeKey(tree, version))
	modPath = filepath.Join(final, "go.wasm.mod")
	if _, err := os.Stat(modPath); err == nil {
		now := time.Now()
		_ = os.Chtimes(final, now, now) // in use: not pruned
		return modPath, true, nil
	}
	stage, err := os.MkdirTemp(cacheDir, ".tmp-")
	if err != nil {
		return "", false, err
	}
	defer os.RemoveAll(stage) // gone after the rename; left over only on failure
	if _, err := writeTree(tree, version, stage, final); err != nil {
		return "", false, err
	}
	if err := os.Rename(stage, final); err != nil {
		// Another build renamed the same entry into place first.
		if _, statErr := os.Stat(modPath); statErr != nil {
			return "", false, err
		}
		return modPath, true, nil
	}
	pruneCache(cacheDir, final, time.Now().Add(-MaxCacheAge))
	return modPath, false, nil
}

// pruneCache removes the entries (and the temporary directories of builds
// that died) not used since before, keeping keep.
func pruneCache(cacheDir, keep string, before time.Time) {
	entries, err := os.ReadDir(cacheDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		path := filepath.Join(cacheDir, e.Name())
		info, err := e.Info()
		if err != nil || path == keep || !e.IsDir() || !info.ModTime().Before(before) {
			continue
		}
		_ = os.RemoveAll(path)
	}
}

// Names in a trimmed tree besides go-app's own files.
const (
	goAppDir  = "go-app"
	wasmGoMod = "go.wasm.mod"
	wasmGoSum = "go.wasm.sum"
)

// trimmedTree is what Trim writes, by slash-separated path, before the
// replace directive (which names the directory it is written to) is added
// to go.wasm.mod.
func trimmedTree(moduleDir, version, mainGoMod, mainGoSum string) (map[string][]byte, error) {
	if version != goAppVersion {
		return nil, fmt.Errorf("%w: %s %s, edits are for %s", ErrWrongVersion, goAppModule, version, goAppVersion)
	}
	files, err := readModule(moduleDir)
	if err != nil {
		return nil, err
	}
	for _, e := range goAppEdits {
		b, ok := files[e.path]
		if !ok {
			return nil, fmt.Errorf("%w: %s not in go-app", ErrEditMismatch, e.path)
		}
		if e.deleted {
			delete(files, e.path)
			continue
		}
		text, err := apply(string(b), e.replaces)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.path, err)
		}
		files[e.path] = []byte(text)
	}
	tree := make(map[string][]byte, len(files)+2)
	for name, b := range files {
		tree[goAppDir+"/"+name] = b
	}

	mod, err := os.ReadFile(mainGoMod)
	if err != nil {
		return nil, err
	}
	if strings.Contains(string(mod), "replace "+goAppModule) || strings.Contains(string(mod), "\t"+goAppModule+" =>") {
		return nil, ErrReplaced
	}
	sum, err := os.ReadFile(mainGoSum)
	if err != nil {
		return nil, err
	}
	tree[wasmGoMod], tree[wasmGoSum] = mod, sum
	return tree, nil
}

// treeKey is the SHA-256 of a tree: each path and content, length-prefixed,
// in path order, and the version the replace directive names.
func treeKey(tree map[string][]byte, version string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", goAppModule, version)
	for _, name := range slices.Sorted(maps.Keys(tree)) {
		fmt.Fprintf(h, "%d %s %d\n", len(name), name, len(tree[name]))
		h.Write(tree[name])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// writeTree writes tree into dir, with go.wasm.mod's replace directive
// naming final/go-app (dir is where the tree is written, final where it will
// be read from), and returns final's go.wasm.mod.
func writeTree(tree map[string][]byte, version, dir, final string) (string, error) {
	for name, b := range tree {
		if name == wasmGoMod {
			b = fmt.Appendf(slices.Clip(b), "\nreplace %s %s => %s\n", goAppModule, version, filepath.Join(final, goAppDir))
		}
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return "", err
		}
	}
	return filepath.Join(final, wasmGoMod), nil
}

// readModule reads go.mod, LICENSE and the non-test .go files of
// goAppPackages, by slash-separated path in the module.
func readModule(src string) (map[string][]byte, error) {
	names := []string{"go.mod", "LICENSE"}
	for _, pkg := range goAppPackages {
		entries, err := os.ReadDir(filepath.Join(src, filepath.FromSlash(pkg)))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrEditMismatch, err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.Type().IsRegular() && strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
				names = append(names, pkg+"/"+name)
			}
		}
	}
	files := make(map[string][]byte, len(names))
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(name)))
		if err != nil {
			return nil, err
		}
		files[name] = b
	}
	return files, nil
}

// apply makes each edit in turn; an edit whose old text is not there
// exactly once is an ErrEditMismatch.
func apply(text string, replaces []replace) (string, error) {
	for _, r := range replaces {
		if n := strings.Count(text, r.old); n != 1 {
			return "", fmt.Errorf("%w: %q found %d times, want 1", ErrEditMismatch, firstLine(r.old), n)
		}
		text = strings.Replace(text, r.old, r.new, 1)
	}
	return text, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimLeft(s, "\t"), "\n")
	return line
}
