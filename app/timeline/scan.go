package timeline

import (
	"bytes"
	"fmt"
)

// A HAR of tens of MB is mostly response bodies of entries that have
// nothing to do with auth (scripts, images, fonts). Decoding each into Go
// values with encoding/json costs more than the rest of the analysis, so
// the reader walks the document with the small scanner below, which only
// finds where each value ends (strings, escapes, nesting), and decodes an
// entry only when its bytes can matter (prefilter). The scanner validates
// structure, not every literal: a skipped entry with a broken number is
// skipped, not reported.

// maxDepth bounds nesting while skipping a value.
const maxDepth = 512

type scanner struct {
	data []byte
	pos  int
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s at byte %d", ErrNotHAR, fmt.Sprintf(format, args...), s.pos)
}

func (s *scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\r', '\n':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.pos >= len(s.data) {
		return 0
	}
	return s.data[s.pos]
}

func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		if s.pos >= len(s.data) {
			return s.errorf("unexpected end, expected %q", c)
		}
		return s.errorf("expected %q, found %q", c, s.data[s.pos])
	}
	s.pos++
	return nil
}

// str reads a string and returns its raw bytes between the quotes.
func (s *scanner) str() ([]byte, error) {
	if err := s.expect('"'); err != nil {
		return nil, err
	}
	start := s.pos
	for s.pos < len(s.data) {
		i := bytes.IndexByte(s.data[s.pos:], '"')
		if i < 0 {
			break
		}
		s.pos += i
		// A quote preceded by an odd run of backslashes is escaped.
		bs := 0
		for j := s.pos - 1; j >= start && s.data[j] == '\\'; j-- {
			bs++
		}
		if bs%2 == 1 {
			s.pos++
			continue
		}
		raw := s.data[start:s.pos]
		s.pos++
		return raw, nil
	}
	s.pos = len(s.data)
	return nil, s.errorf("unterminated string")
}

// skip moves past one value and returns its bytes. Brackets are counted,
// not paired: an entry that is decoded is validated by encoding/json.
func (s *scanner) skip() ([]byte, error) {
	s.ws()
	start := s.pos
	if s.pos >= len(s.data) {
		return nil, s.errorf("unexpected end")
	}
	switch s.data[s.pos] {
	case '"':
		if _, err := s.str(); err != nil {
			return nil, err
		}
		return s.data[start:s.pos], nil
	case '{', '[':
		depth := 0
		for s.pos < len(s.data) {
			switch s.data[s.pos] {
			case '"':
				if _, err := s.str(); err != nil {
					return nil, err
				}
				continue
			case '{', '[':
				depth++
				if depth > maxDepth {
					return nil, s.errorf("nested deeper than %d", maxDepth)
				}
			case '}', ']':
				depth--
				if depth == 0 {
					s.pos++
					return s.data[start:s.pos], nil
				}
			}
			s.pos++
		}
		return nil, s.errorf("unexpected end")
	default:
		for s.pos < len(s.data) && bytes.IndexByte([]byte(",}] \t\r\n"), s.data[s.pos]) < 0 {
			s.pos++
		}
		if s.pos == start {
			return nil, s.errorf("unexpected %q", s.data[s.pos])
		}
		return s.data[start:s.pos], nil
	}
}

// object calls field for each member of an object; field must consume the
// value (with skip or another reader).
func (s *scanner) object(field func(key []byte) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.pos++
		return nil
	}
	for {
		key, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.errorf("expected , or } in object")
		}
	}
}

// array calls elem for each element of an array; elem must consume it.
func (s *scanner) array(elem func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.pos++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.errorf("expected , or ] in array")
		}
	}
}

// mayMatter is the prefilter: an entry whose bytes hold none of these is
// neither auth-relevant nor evidence of a sanitized export. Header names
// are matched without their first letter to ignore its case (HTTP/2
// exports write them in lower case, HTTP/1.1 ones capitalised), and with
// the closing quote, so the "cookies": [] every Chrome entry has does not
// match.
func mayMatter(raw []byte) bool {
	for _, needle := range prefilterNeedles {
		if bytes.Contains(raw, needle) {
			return true
		}
	}
	return false
}

var prefilterNeedles = [][]byte{
	[]byte("eyJ"), []byte(`ookie"`), []byte(`OOKIE"`), []byte(`uthorization"`), []byte(`UTHORIZATION"`),
	[]byte("/api/auth/"), []byte("/token"), []byte("/login"), []byte("session-token"),
}
