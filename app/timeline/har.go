package timeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The HAR 1.2 subset the analysis reads. Everything else — Chrome's
// _initiator and _priority, Firefox's _securityState, timings, cache,
// pages — is skipped by the decoder without being kept. Optional fields may
// be absent: Playwright's recordHar omits cookies[] and postData.params, a
// Firefox export may omit content.text.

type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
}

type harRequest struct {
	Method   string       `json:"method"`
	URL      string       `json:"url"`
	Headers  []harNV      `json:"headers"`
	Cookies  []harNV      `json:"cookies"`
	PostData *harPostData `json:"postData"`
}

type harResponse struct {
	Status  int        `json:"status"`
	Headers []harNV    `json:"headers"`
	Cookies []harNV    `json:"cookies"`
	Content harContent `json:"content"`
}

// harNV is a header, or a cookie (its attributes are not needed: a deleted
// cookie shows in its Set-Cookie header, which is read instead when present).
type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type harContent struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	Encoding string `json:"encoding"`
}

// Errors the reader wraps; match with errors.Is.
var (
	ErrNotHAR   = errors.New("not a HAR document")
	ErrTooLarge = errors.New("HAR larger than MaxHARBytes")
)

// LooksLikeHAR says whether data is worth reading as a HAR: a JSON object
// whose first key is "log". The page uses it to route a paste or a file.
func LooksLikeHAR(data []byte) bool {
	d := bytes.TrimLeft(data, " \t\r\n\ufeff")
	d = bytes.TrimPrefix(d, []byte("\xef\xbb\xbf"))
	if len(d) == 0 || d[0] != '{' {
		return false
	}
	d = bytes.TrimLeft(d[1:], " \t\r\n")
	return bytes.HasPrefix(d, []byte(`"log"`))
}

// readEntries streams log.entries one entry at a time, so the document is
// tokenised once and never held as a tree; each decoded entry goes to visit.
// It stops after MaxEntries (reporting more) and checks ctx between entries.
func readEntries(ctx context.Context, data []byte, visit func(i int, offset int64, e *harEntry) error) (n int, more bool, creator string, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := expectDelim(dec, '{'); err != nil {
		return 0, false, "", err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return 0, false, "", fmt.Errorf("%w: %v", ErrNotHAR, err)
		}
		if key != "log" {
			if err := skipValue(dec); err != nil {
				return 0, false, "", err
			}
			continue
		}
		return readLog(ctx, dec, visit)
	}
	return 0, false, "", fmt.Errorf("%w: no \"log\" object", ErrNotHAR)
}

func readLog(ctx context.Context, dec *json.Decoder, visit func(int, int64, *harEntry) error) (n int, more bool, creator string, err error) {
	if err := expectDelim(dec, '{'); err != nil {
		return 0, false, "", err
	}
	found := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return n, false, creator, fmt.Errorf("%w: %v", ErrNotHAR, err)
		}
		switch key {
		case "creator":
			var c struct{ Name, Version string }
			if err := dec.Decode(&c); err != nil {
				return n, false, creator, fmt.Errorf("%w: log.creator: %v", ErrNotHAR, err)
			}
			creator = c.Name + " " + c.Version
		case "entries":
			found = true
			if err := expectDelim(dec, '['); err != nil {
				return n, false, creator, fmt.Errorf("log.entries: %w", err)
			}
			for dec.More() {
				if n >= MaxEntries {
					return n, true, creator, nil
				}
				if err := ctx.Err(); err != nil {
					return n, false, creator, err
				}
				var e harEntry
				if err := dec.Decode(&e); err != nil {
					return n, false, creator, fmt.Errorf("%w: log.entries[%d] at byte %d: %v", ErrNotHAR, n, dec.InputOffset(), err)
				}
				if err := visit(n, dec.InputOffset(), &e); err != nil {
					return n, false, creator, err
				}
				n++
			}
			if _, err := dec.Token(); err != nil {
				return n, false, creator, fmt.Errorf("%w: log.entries: %v", ErrNotHAR, err)
			}
		default:
			if err := skipValue(dec); err != nil {
				return n, false, creator, err
			}
		}
	}
	if !found {
		return 0, false, creator, fmt.Errorf("%w: no log.entries array", ErrNotHAR)
	}
	return n, false, creator, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: empty document", ErrNotHAR)
		}
		return fmt.Errorf("%w: %v", ErrNotHAR, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("%w: expected %q at byte %d", ErrNotHAR, string(want), dec.InputOffset())
	}
	return nil
}

func skipValue(dec *json.Decoder) error {
	var skip json.RawMessage
	if err := dec.Decode(&skip); err != nil {
		return fmt.Errorf("%w: %v", ErrNotHAR, err)
	}
	return nil
}
