package token

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Kind is a JSON value's type, as a developer would name it.
type Kind string

// JSON kinds.
const (
	KindObject Kind = "object"
	KindArray  Kind = "array"
	KindString Kind = "string"
	KindNumber Kind = "number"
	KindBool   Kind = "boolean"
	KindNull   Kind = "null"
)

// Member is one key of a JSON object, in document order, with its value's raw
// bytes exactly as they appeared (numbers are never re-encoded).
type Member struct {
	Key  string
	Kind Kind
	Raw  json.RawMessage
}

// Text is the value for display: strings unquoted, everything else raw.
func (m Member) Text() string {
	if m.Kind == KindString {
		if s, ok := plainJSONString(m.Raw); ok {
			return s
		}
		var s string
		if json.Unmarshal(m.Raw, &s) == nil {
			return s
		}
	}
	return string(m.Raw)
}

// plainJSONString reads a JSON string without escapes: most are ("HS256",
// "refresh", a jti), and their text is what lies between the quotes, as
// json.Unmarshal would give it. ok is false for anything else (an escape,
// a control character, invalid UTF-8, which json.Unmarshal turns into
// U+FFFD), which is left to encoding/json.
func plainJSONString(raw []byte) (string, bool) {
	n := len(raw)
	if n < 2 || raw[0] != '"' || raw[n-1] != '"' {
		return "", false
	}
	inner := raw[1 : n-1]
	for _, c := range inner {
		if c < 0x20 || c == '"' || c == '\\' {
			return "", false
		}
	}
	if !utf8.Valid(inner) {
		return "", false
	}
	return string(inner), true
}

// Object is a JSON object found in a paste, kept so that diagnosis can reason
// about fields that are missing, null or empty, not only about tokens.
type Object struct {
	Path    string // "" for the root, else a JS-style path: user, items[0]
	Line    int
	Members []Member
}

// Get returns the member named key and whether it exists.
func (o Object) Get(key string) (Member, bool) {
	for _, m := range o.Members {
		if m.Key == key {
			return m, true
		}
	}
	return Member{}, false
}

// MaxJSONDepth bounds how deeply nested a JSON document may be. Real session
// and login bodies are a few levels deep; a deeper document is not read as
// JSON (Extraction.JSONTooDeep says so, and its text is still searched for
// tokens line by line).
const MaxJSONDepth = 64

// maxObjects bounds how many objects one paste records.
const maxObjects = 256

// ErrJSONTooDeep is returned for a document nested deeper than MaxJSONDepth.
var ErrJSONTooDeep = errors.New("nested deeper than " + strconv.Itoa(MaxJSONDepth) + " levels")

// readJSON parses text as one JSON document (whole: nothing may follow it;
// else the rest is ignored, as for a body followed by more pasted lines) and
// records its objects and token-looking strings. Nothing is recorded unless
// the whole document parses.
func (ex *extractor) readJSON(text string, line int, whole bool) error {
	var scratch extractor
	// The parser reads the text where it lies: []byte(text) would copy
	// megabytes in one piece of work the pause hook cannot cut (about 30 ms
	// for 4 MiB in the page). Nothing writes to p.s, nor to the members'
	// Raw slices it hands out (capped, so an append copies).
	p := jsonParser{s: unsafe.Slice(unsafe.StringData(text), len(text)), w: &jsonWalker{ex: &scratch, line: line}}
	if ex.pause != nil {
		p.stop = ex.stoppedAt
	}
	if err := p.document(whole); err != nil {
		if ex.err != nil {
			return ex.err
		}
		return err
	}
	for _, c := range scratch.result.Candidates {
		ex.add(c.Value, c.Source)
	}
	room := max(0, maxObjects-len(ex.result.Objects))
	ex.result.Objects = append(ex.result.Objects, scratch.result.Objects[:min(room, len(scratch.result.Objects))]...)
	return nil
}

// ParseObject reads a JSON object's members in document order. It is what the
// claims table and the header table show.
func ParseObject(raw []byte) ([]Member, error) {
	// A JWT header or payload has a handful of members: one allocation
	// holds them, where growing from empty took four.
	p := jsonParser{s: raw, collectTop: true, top: make([]Member, 0, 8)}
	if err := p.document(true); err != nil {
		return nil, err
	}
	if p.topKind != KindObject {
		return nil, errors.New("not a JSON object but " + article(p.topKind))
	}
	if len(p.top) == 0 {
		return nil, nil // {} has no members, as before the preallocation
	}
	return p.top, nil
}

// jsonParser reads a JSON document in one pass over its bytes and hands what
// it finds to a jsonWalker as it goes, building no tree: every byte is looked
// at once, whatever the nesting (a parser that hands each value's raw text to
// encoding/json again reads the innermost bytes once per level). It accepts
// exactly what json.Valid accepts, short of MaxJSONDepth; a string's contents
// are decoded only when it is used.
type jsonParser struct {
	s   []byte
	pos int
	w   *jsonWalker // nil: only check the syntax (and collect top)

	// stop, when set, is asked after each member and element whether to
	// stop (the extraction's pause hook, pace.go), with the offset reached.
	stop func(offset int) bool

	// collectTop keeps the top-level value's kind and, for an object, its
	// members, in top.
	collectTop bool
	topKind    Kind
	top        []Member
}

// errJSONStopped is returned when the pause hook stopped the parse (the
// extraction returns the hook's own error).
var errJSONStopped = errors.New("stopped")

// errJSONSyntax marks the parser's own syntax errors.
var errJSONSyntax = errors.New("invalid JSON")

func (p *jsonParser) errorf(what string) error {
	return fmt.Errorf("%w at byte %d: %s", errJSONSyntax, p.pos, what)
}

func (p *jsonParser) document(whole bool) error {
	p.space()
	kind, err := p.value(0)
	if err != nil {
		return err
	}
	p.topKind = kind
	p.space()
	if whole && p.pos != len(p.s) {
		return p.errorf("data after the JSON value")
	}
	return nil
}

func (p *jsonParser) space() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (Kind, error) {
	if p.pos >= len(p.s) {
		return "", p.errorf("unexpected end")
	}
	switch c := p.s[p.pos]; {
	case c == '{':
		return KindObject, p.object(depth)
	case c == '[':
		return KindArray, p.array(depth)
	case c == '"':
		start := p.pos
		if err := p.str(); err != nil {
			return KindString, err
		}
		if p.w != nil {
			p.w.str(p.s[start:p.pos])
		}
		return KindString, nil
	case c == 't':
		return KindBool, p.literal("true")
	case c == 'f':
		return KindBool, p.literal("false")
	case c == 'n':
		return KindNull, p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return KindNumber, p.number()
	default:
		return "", p.errorf("unexpected character " + strconv.QuoteRune(rune(c)))
	}
}

func (p *jsonParser) object(depth int) error {
	if depth >= MaxJSONDepth {
		return ErrJSONTooDeep
	}
	// The object is recorded before its children, so Objects lists them in
	// document order (the root first), and its members are filled in below.
	rec := -1
	if p.w != nil {
		rec = p.w.enterObject()
	}
	collect := p.collectTop && depth == 0
	p.pos++ // {
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		return nil
	}
	for {
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != '"' {
			return p.errorf("expected a string key")
		}
		keyStart := p.pos
		if err := p.str(); err != nil {
			return err
		}
		key, err := unquote(p.s[keyStart:p.pos])
		if err != nil {
			return err
		}
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return p.errorf("expected a colon after an object key")
		}
		p.pos++
		p.space()
		if p.w != nil {
			p.w.push(pathStep{key: key, index: -1})
		}
		start := p.pos
		kind, err := p.value(depth + 1)
		if err != nil {
			return err
		}
		if p.w != nil {
			p.w.pop()
		}
		if rec >= 0 || collect {
			m := Member{Key: key, Kind: kind, Raw: json.RawMessage(p.s[start:p.pos:p.pos])}
			if rec >= 0 {
				o := &p.w.ex.result.Objects[rec]
				o.Members = append(o.Members, m)
			}
			if collect {
				p.top = append(p.top, m)
			}
		}
		p.space()
		if p.pos >= len(p.s) {
			return p.errorf("unexpected end inside an object")
		}
		if p.stop != nil && p.stop(p.pos) {
			return errJSONStopped
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return nil
		default:
			return p.errorf("expected a comma or } after an object value")
		}
	}
}

func (p *jsonParser) array(depth int) error {
	if depth >= MaxJSONDepth {
		return ErrJSONTooDeep
	}
	p.pos++ // [
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
		return nil
	}
	for i := 0; ; i++ {
		p.space()
		if p.w != nil {
			p.w.push(pathStep{index: i})
		}
		if _, err := p.value(depth + 1); err != nil {
			return err
		}
		if p.w != nil {
			p.w.pop()
		}
		p.space()
		if p.pos >= len(p.s) {
			return p.errorf("unexpected end inside an array")
		}
		if p.stop != nil && p.stop(p.pos) {
			return errJSONStopped
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return nil
		default:
			return p.errorf("expected a comma or ] after an array element")
		}
	}
}

// str skips a string, checking its escapes; control characters are invalid
// inside it, other bytes (invalid UTF-8 included) are kept, as json.Valid does.
func (p *jsonParser) str() error {
	p.pos++ // "
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			return nil
		case c == '\\':
			if p.pos+1 >= len(p.s) {
				return p.errorf("unexpected end inside a string")
			}
			switch p.s[p.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos += 2
			case 'u':
				if p.pos+6 > len(p.s) || !isHex4(p.s[p.pos+2:p.pos+6]) {
					return p.errorf("invalid \\u escape in a string")
				}
				p.pos += 6
			default:
				return p.errorf("invalid escape in a string")
			}
		case c < 0x20:
			return p.errorf("control character in a string")
		default:
			p.pos++
		}
	}
	return p.errorf("unexpected end inside a string")
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func (p *jsonParser) literal(word string) error {
	if !bytes.HasPrefix(p.s[p.pos:], []byte(word)) {
		return p.errorf("invalid literal")
	}
	p.pos += len(word)
	return nil
}

// number follows RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonParser) number() error {
	if p.s[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(p.s) && p.s[p.pos] == '0':
		p.pos++
	case p.pos < len(p.s) && p.s[p.pos] >= '1' && p.s[p.pos] <= '9':
		p.digits()
	default:
		return p.errorf("invalid number")
	}
	if p.pos < len(p.s) && p.s[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return p.errorf("invalid number: no digit after the decimal point")
		}
	}
	if p.pos < len(p.s) && (p.s[p.pos] == 'e' || p.s[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return p.errorf("invalid number: no digit in the exponent")
		}
	}
	return nil
}

func (p *jsonParser) digits() int {
	start := p.pos
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	return p.pos - start
}

// unquote decodes a string token; the common case, no escapes, is a copy.
func unquote(raw []byte) (string, error) {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), nil
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

func article(k Kind) string {
	if k == KindArray || k == KindObject {
		return "an " + string(k)
	}
	return "a " + string(k)
}

// jsonWalker records, as the parser meets them, every object (the first
// maxObjects) and every token-looking string. It keeps the path to the
// current value as a stack of steps and builds a path string only for what
// it records: a large document has hundreds of thousands of values.
type jsonWalker struct {
	ex    *extractor
	line  int
	steps []pathStep
}

// pathStep is an object key, or an array index when index >= 0.
type pathStep struct {
	key   string
	index int
}

func (w *jsonWalker) push(s pathStep) { w.steps = append(w.steps, s) }
func (w *jsonWalker) pop()            { w.steps = w.steps[:len(w.steps)-1] }

// enterObject records an object at the current path and returns its index
// in Objects, or -1 once maxObjects are recorded.
func (w *jsonWalker) enterObject() int {
	if len(w.ex.result.Objects) >= maxObjects {
		return -1
	}
	w.ex.result.Objects = append(w.ex.result.Objects, Object{Path: w.path(), Line: w.line})
	return len(w.ex.result.Objects) - 1
}

// path is the JS-style path of the current value: user.tokens[0], or
// ["odd key"] for a key that is not an identifier.
func (w *jsonWalker) path() string {
	var b strings.Builder
	for _, s := range w.steps {
		switch {
		case s.index >= 0:
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		case !isIdentifier(s.key):
			b.WriteString("[" + strconv.Quote(s.key) + "]")
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		}
	}
	return b.String()
}

// name is what the current value is called: its key, or for an array
// element the array's own name ("tokens" for tokens[3]), so a list under a
// token-ish name is searched like one.
func (w *jsonWalker) name() string {
	for i := len(w.steps) - 1; i >= 0; i-- {
		s := w.steps[i]
		switch {
		case s.index < 0:
			return s.key
		case i < len(w.steps)-1:
			return strconv.Itoa(s.index) // an array directly inside an array
		}
	}
	return ""
}

func (w *jsonWalker) str(raw json.RawMessage) {
	if len(w.ex.result.Candidates) >= MaxCandidates {
		return
	}
	key := w.name()
	tokenKey := IsTokenKey(key)
	// Most strings in a large document are neither under a token name nor
	// JWT-shaped; skip those without decoding them. A string with escapes
	// is decoded, since an escape can hide either shape.
	if !tokenKey && !bytes.Contains(raw, []byte("eyJ")) && bytes.IndexByte(raw, '\\') < 0 {
		return
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return
	}
	s = strings.TrimSpace(s)
	if looksLikeJWT(s) || (tokenKey && strings.Count(s, ".") >= 1) {
		value, repairs := repairValue(s)
		w.ex.add(value, Source{Origin: OriginJSON, Name: w.path(), Line: w.line, Repairs: repairs})
	}
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || r == '$' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
