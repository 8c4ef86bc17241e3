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
		var s string
		if json.Unmarshal(m.Raw, &s) == nil {
			return s
		}
	}
	return string(m.Raw)
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

// jsonNode is a parsed JSON value that remembers member order. raw is the
// value's text, a slice of the parsed document (never a copy).
type jsonNode struct {
	kind    Kind
	raw     json.RawMessage
	members []jsonMember
	elems   []jsonNode
}

type jsonMember struct {
	key  string
	node jsonNode
}

// ErrJSONTooDeep is returned for a document nested deeper than MaxJSONDepth.
var ErrJSONTooDeep = errors.New("nested deeper than " + strconv.Itoa(MaxJSONDepth) + " levels")

// parseJSON parses text that must be exactly one JSON value.
func parseJSON(text string) (jsonNode, error) {
	p := jsonParser{s: []byte(text)}
	n, err := p.document()
	if err == nil && p.pos != len(p.s) {
		err = p.errorf("data after the JSON value")
	}
	return n, err
}

// parseJSONPrefix parses the first JSON value in text and ignores the rest
// (a body followed by more pasted lines).
func parseJSONPrefix(text string) (jsonNode, error) {
	p := jsonParser{s: []byte(text)}
	return p.document()
}

// ParseObject reads a JSON object's members in document order. It is what the
// claims table and the header table show.
func ParseObject(raw []byte) ([]Member, error) {
	p := jsonParser{s: raw}
	n, err := p.document()
	if err == nil && p.pos != len(p.s) {
		err = p.errorf("data after the JSON value")
	}
	if err != nil {
		return nil, err
	}
	if n.kind != KindObject {
		return nil, errors.New("not a JSON object but " + article(n.kind))
	}
	return n.memberList(), nil
}

func (n jsonNode) memberList() []Member {
	out := make([]Member, len(n.members))
	for i, m := range n.members {
		out[i] = Member{Key: m.key, Kind: m.node.kind, Raw: m.node.raw}
	}
	return out
}

// jsonParser reads a JSON document in one pass over its bytes, building the
// tree as it goes: every byte is looked at once, whatever the nesting (a
// parser that hands each value's raw text to encoding/json again reads the
// innermost bytes once per level). It accepts exactly what json.Valid
// accepts, short of MaxJSONDepth; string contents are decoded only when a
// value is used (Member.Text, the token search).
type jsonParser struct {
	s   []byte
	pos int
}

// errJSONSyntax marks the parser's own syntax errors.
var errJSONSyntax = errors.New("invalid JSON")

func (p *jsonParser) errorf(what string) error {
	return fmt.Errorf("%w at byte %d: %s", errJSONSyntax, p.pos, what)
}

func (p *jsonParser) document() (jsonNode, error) {
	p.space()
	n, err := p.value(0)
	if err != nil {
		return n, err
	}
	p.space()
	return n, nil
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

func (p *jsonParser) value(depth int) (jsonNode, error) {
	if p.pos >= len(p.s) {
		return jsonNode{}, p.errorf("unexpected end")
	}
	start := p.pos
	var n jsonNode
	var err error
	switch c := p.s[p.pos]; {
	case c == '{':
		n, err = p.object(depth)
	case c == '[':
		n, err = p.array(depth)
	case c == '"':
		n.kind, err = KindString, p.str()
	case c == 't':
		n.kind, err = KindBool, p.literal("true")
	case c == 'f':
		n.kind, err = KindBool, p.literal("false")
	case c == 'n':
		n.kind, err = KindNull, p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		n.kind, err = KindNumber, p.number()
	default:
		return n, p.errorf("unexpected character " + strconv.QuoteRune(rune(c)))
	}
	n.raw = json.RawMessage(p.s[start:p.pos:p.pos])
	return n, err
}

func (p *jsonParser) object(depth int) (jsonNode, error) {
	n := jsonNode{kind: KindObject}
	if depth >= MaxJSONDepth {
		return n, ErrJSONTooDeep
	}
	p.pos++ // {
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != '"' {
			return n, p.errorf("expected a string key")
		}
		keyStart := p.pos
		if err := p.str(); err != nil {
			return n, err
		}
		key, err := unquote(p.s[keyStart:p.pos])
		if err != nil {
			return n, err
		}
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return n, p.errorf("expected a colon after an object key")
		}
		p.pos++
		p.space()
		child, err := p.value(depth + 1)
		if err != nil {
			return n, err
		}
		n.members = append(n.members, jsonMember{key: key, node: child})
		p.space()
		if p.pos >= len(p.s) {
			return n, p.errorf("unexpected end inside an object")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return n, nil
		default:
			return n, p.errorf("expected a comma or } after an object value")
		}
	}
}

func (p *jsonParser) array(depth int) (jsonNode, error) {
	n := jsonNode{kind: KindArray}
	if depth >= MaxJSONDepth {
		return n, ErrJSONTooDeep
	}
	p.pos++ // [
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		p.space()
		child, err := p.value(depth + 1)
		if err != nil {
			return n, err
		}
		n.elems = append(n.elems, child)
		p.space()
		if p.pos >= len(p.s) {
			return n, p.errorf("unexpected end inside an array")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return n, nil
		default:
			return n, p.errorf("expected a comma or ] after an array element")
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

func kindOf(first byte) Kind {
	switch first {
	case '{':
		return KindObject
	case '[':
		return KindArray
	case '"':
		return KindString
	case 't', 'f':
		return KindBool
	case 'n':
		return KindNull
	default:
		return KindNumber
	}
}

func article(k Kind) string {
	if k == KindArray || k == KindObject {
		return "an " + string(k)
	}
	return "a " + string(k)
}

// walkJSON records every object and every token-looking string under root.
// Paths are built only for what is recorded (the first maxObjects objects,
// the candidates): a large document has hundreds of thousands of values.
func (ex *extractor) walkJSON(root jsonNode, line int) {
	w := jsonWalker{ex: ex, line: line}
	w.node(root)
}

// jsonWalker keeps the path to the current value as a stack of steps.
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

func (w *jsonWalker) path() string {
	p := ""
	for _, s := range w.steps {
		if s.index >= 0 {
			p += "[" + strconv.Itoa(s.index) + "]"
		} else {
			p = joinPath(p, s.key)
		}
	}
	return p
}

// name is what the current value is called: its key, or for an array
// element the array's own name ("tokens" for tokens[3]), so a list under a
// token-ish name is searched like one.
func (w *jsonWalker) name() string {
	for i := len(w.steps) - 1; i >= 0; i-- {
		if s := w.steps[i]; s.index < 0 {
			return s.key
		} else if i == len(w.steps)-1 {
			continue // the element's own index; its array's name is above
		} else {
			return strconv.Itoa(s.index)
		}
	}
	return ""
}

func (w *jsonWalker) node(n jsonNode) {
	switch n.kind {
	case KindObject:
		if len(w.ex.result.Objects) < maxObjects {
			w.ex.result.Objects = append(w.ex.result.Objects, Object{Path: w.path(), Line: w.line, Members: n.memberList()})
		}
		for _, m := range n.members {
			w.steps = append(w.steps, pathStep{key: m.key, index: -1})
			w.node(m.node)
			w.steps = w.steps[:len(w.steps)-1]
		}
	case KindArray:
		for i, e := range n.elems {
			w.steps = append(w.steps, pathStep{index: i})
			w.node(e)
			w.steps = w.steps[:len(w.steps)-1]
		}
	case KindString:
		w.str(n.raw)
	}
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

func joinPath(parent, key string) string {
	if !isIdentifier(key) {
		key = strconv.Quote(key)
		if parent == "" {
			return "[" + key + "]"
		}
		return parent + "[" + key + "]"
	}
	if parent == "" {
		return key
	}
	return parent + "." + key
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
