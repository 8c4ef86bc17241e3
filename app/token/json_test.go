package token

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// jsonSeeds are documents valid and not, each at an edge of the grammar.
var jsonSeeds = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e+10`, `-1E-2`, `true`, `false`, `null`, ` {"a" : [1, "x", {"b":null}] } `,
	`{"a":1,}`, `[1,]`, `{"a"}`, `{a:1}`, `01`, `1.`, `.5`, `1e`, `-`, `+1`, `"\u00e9\n\"\\"`, `"\x"`, `"\u12G4"`,
	"\"tab\there\"", "\"\xff\xfe\"", `{"a":1}{"b":2}`, `[`, `"`, `nul`, `truex`, `{"\u0061":"b"}`,
	strings.Repeat("[", MaxJSONDepth) + strings.Repeat("]", MaxJSONDepth),
	strings.Repeat(`{"a":`, MaxJSONDepth+1) + "1" + strings.Repeat("}", MaxJSONDepth+1),
}

// FuzzJSONParser: the one-pass parser accepts exactly what encoding/json
// accepts (short of MaxJSONDepth), and ParseObject's members agree with a
// decode into a map.
func FuzzJSONParser(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		p := jsonParser{s: []byte(doc)}
		err := p.document(true)
		valid := json.Valid([]byte(doc))
		// A too-deep document is refused at its depth, valid or not (the
		// depth may come before a syntax error).
		if !errors.Is(err, ErrJSONTooDeep) && (err == nil) != valid {
			t.Fatalf("parser error %v, json.Valid %v", err, valid)
		}
		members, err := ParseObject([]byte(doc))
		if err != nil {
			return
		}
		var m map[string]json.RawMessage
		if json.Unmarshal([]byte(doc), &m) != nil {
			t.Fatalf("ParseObject accepted what json.Unmarshal refuses")
		}
		for _, mem := range members {
			if _, ok := m[mem.Key]; !ok {
				t.Fatalf("key %q not in the decoded map", mem.Key)
			}
		}
	})
}

func TestJSONParserAgreesWithEncodingJSON(t *testing.T) {
	for _, doc := range jsonSeeds {
		p := jsonParser{s: []byte(doc)}
		err := p.document(true)
		if errors.Is(err, ErrJSONTooDeep) {
			continue
		}
		if (err == nil) != json.Valid([]byte(doc)) {
			t.Errorf("%q: parser error %v, json.Valid %v", doc, err, json.Valid([]byte(doc)))
		}
	}
}
