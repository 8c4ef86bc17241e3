package token

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// decodeSegment decodes base64url and, when it cannot, says exactly why: the
// first bad character and its offset, standard-base64 characters, or a length
// no base64 text can have (a character lost or added in copying).
func decodeSegment(name, text string) ([]byte, *Problem) {
	if text == "" {
		return nil, &Problem{Segment: name, Offset: -1, Message: "it is empty"}
	}
	body := strings.TrimRight(text, "=")
	if p := badCharacter(name, body); p != nil {
		return nil, p
	}
	if len(body)%4 == 1 {
		return nil, &Problem{Segment: name, Offset: len(body) - 1, Message: fmt.Sprintf(
			"its length %d is impossible for base64url (length mod 4 is 1): a character was lost or added, often by a truncated copy", len(body))}
	}
	decoded, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		var ce base64.CorruptInputError
		offset := -1
		if errors.As(err, &ce) {
			offset = int(ce)
		}
		return nil, &Problem{Segment: name, Offset: offset, Message: "it is not valid base64url: " + err.Error()}
	}
	return decoded, nil
}

func badCharacter(name, body string) *Problem {
	for i, r := range body {
		if isBase64URL(r) {
			continue
		}
		char := string(r)
		if _, size := utf8.DecodeRuneInString(body[i:]); r == utf8.RuneError && size == 1 {
			char = fmt.Sprintf(`\x%02x`, body[i]) // the byte itself, not U+FFFD
		}
		p := &Problem{Segment: name, Offset: i, Char: char}
		switch {
		case r == '+' || r == '/':
			p.Message = fmt.Sprintf("character %q at offset %d is standard base64, not base64url (JWTs use - and _ instead of + and /)", r, i)
		case r == '=':
			p.Message = fmt.Sprintf("padding '=' at offset %d is inside the segment, not at its end", i)
		case len(char) == 4 && char[0] == '\\':
			p.Message = fmt.Sprintf("byte %s at offset %d is not UTF-8 text, let alone base64url", char, i)
		default:
			p.Message = fmt.Sprintf("character %q at offset %d is not base64url (only A-Z a-z 0-9 - _ are allowed)", r, i)
		}
		return p
	}
	return nil
}

func isBase64URL(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}

// parseSegmentJSON parses a decoded header or payload, naming the byte where
// the JSON breaks and showing the text around it.
func parseSegmentJSON(name string, decoded []byte) ([]Member, *Problem) {
	// ParseObject accepts exactly what json.Valid accepts (short of
	// MaxJSONDepth), so a header or payload is read once; encoding/json runs
	// only on failure, for its error's offset and wording.
	members, err := ParseObject(decoded)
	if err == nil {
		return members, nil
	}
	if json.Valid(decoded) {
		return nil, &Problem{Segment: name, Offset: -1, Message: "it decodes to JSON that is " + err.Error()}
	}
	var probe any
	err = json.Unmarshal(decoded, &probe)
	if err == nil {
		err = errors.New("invalid JSON")
	}
	offset := -1
	var se *json.SyntaxError
	if errors.As(err, &se) {
		offset = max(0, int(se.Offset)-1) // Offset counts bytes read, the culprit included
	}
	msg := "it decodes, but not to valid JSON: " + err.Error()
	if offset >= 0 {
		msg += fmt.Sprintf(" (at byte %d of the decoded JSON, near %q)", offset, around(decoded, offset))
		// Point into the base64url text the user sees: every 3 decoded
		// bytes are 4 characters there.
		offset = offset / 3 * 4
	}
	return nil, &Problem{Segment: name, Offset: offset, Message: msg}
}

// around returns up to 12 bytes either side of offset, for error context.
func around(b []byte, offset int) string {
	lo, hi := max(0, offset-12), min(len(b), offset+12)
	return strings.ToValidUTF8(string(b[lo:hi]), "\uFFFD")
}
