package token

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"
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

// maxJSONDepth bounds recursion on hostile input.
const maxJSONDepth = 64

// maxObjects bounds how many objects one paste records.
const maxObjects = 256

// jsonNode is a parsed JSON value that remembers member order.
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

var errTooDeep = errors.New("JSON nested too deeply")

// parseJSON parses text that must be exactly one JSON value.
func parseJSON(text string) (jsonNode, bool) {
	if !json.Valid([]byte(text)) {
		return jsonNode{}, false
	}
	n, err := buildNode(json.RawMessage(text), 0)
	return n, err == nil
}

// parseJSONPrefix parses the first JSON value in text and ignores the rest
// (a body followed by more pasted lines).
func parseJSONPrefix(text string) (jsonNode, bool) {
	dec := json.NewDecoder(strings.NewReader(text))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return jsonNode{}, false
	}
	n, err := buildNode(raw, 0)
	return n, err == nil
}

// ParseObject reads a JSON object's members in document order. It is what the
// claims table and the header table show.
func ParseObject(raw []byte) ([]Member, error) {
	n, err := buildNode(json.RawMessage(raw), 0)
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

func buildNode(raw json.RawMessage, depth int) (jsonNode, error) {
	if depth > maxJSONDepth {
		return jsonNode{}, errTooDeep
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return jsonNode{}, io.ErrUnexpectedEOF
	}
	n := jsonNode{raw: raw, kind: kindOf(raw[0])}
	switch n.kind {
	case KindObject:
		return n, n.fillObject(raw, depth)
	case KindArray:
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return n, err
		}
		for _, e := range elems {
			child, err := buildNode(e, depth+1)
			if err != nil {
				return n, err
			}
			n.elems = append(n.elems, child)
		}
	}
	return n, nil
}

// fillObject walks the object's keys with a streaming decoder because Go maps
// forget key order and users expect to see claims in the token's order.
func (n *jsonNode) fillObject(raw json.RawMessage, depth int) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return errors.New("object key is not a string")
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return err
		}
		child, err := buildNode(value, depth+1)
		if err != nil {
			return err
		}
		n.members = append(n.members, jsonMember{key: key, node: child})
	}
	_, err := dec.Token() // }
	return err
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
func (ex *extractor) walkJSON(n jsonNode, path string, line int) {
	switch n.kind {
	case KindObject:
		if len(ex.result.Objects) < maxObjects {
			ex.result.Objects = append(ex.result.Objects, Object{Path: path, Line: line, Members: n.memberList()})
		}
		for _, m := range n.members {
			ex.walkMember(m, joinPath(path, m.key), line)
		}
	case KindArray:
		for i, e := range n.elems {
			ex.walkMember(jsonMember{key: arrayKey(path), node: e}, path+"["+strconv.Itoa(i)+"]", line)
		}
	}
}

// arrayKey names an array's elements after the array ("tokens" for
// tokens[3]), so a list under a token-ish name is searched like one.
func arrayKey(path string) string {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		return strings.Trim(path[i+1:], `"]`)
	}
	return path
}

func (ex *extractor) walkMember(m jsonMember, path string, line int) {
	if m.node.kind != KindString {
		ex.walkJSON(m.node, path, line)
		return
	}
	var s string
	if json.Unmarshal(m.node.raw, &s) != nil {
		return
	}
	s = strings.TrimSpace(s)
	if looksLikeJWT(s) || (IsTokenKey(m.key) && strings.Count(s, ".") >= 1) {
		value, repairs := repairValue(s)
		ex.add(value, Source{Origin: OriginJSON, Name: path, Line: line, Repairs: repairs})
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
