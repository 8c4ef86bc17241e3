package timeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
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

// readEntries walks log.entries one entry at a time (see scan.go): the
// document is scanned once, never held as a tree, and only entries that
// pass the prefilter are decoded; each decoded entry goes to visit, and the
// byte offset reached goes to progress every progressEvery entries. It stops after MaxEntries (reporting more) and checks
// ctx between entries.
func readEntries(ctx context.Context, data []byte, progress func(offset int), visit func(i int, e *harEntry) error) (n int, more bool, creator string, err error) {
	s := &scanner{data: bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))}
	if s.peek() != '{' {
		return 0, false, "", s.errorf("not a JSON object")
	}
	foundLog, foundEntries := false, false
	err = s.object(func(key []byte) error {
		if string(key) != "log" || foundLog {
			_, err := s.skip()
			return err
		}
		foundLog = true
		return s.object(func(key []byte) error {
			switch string(key) {
			case "creator":
				raw, err := s.skip()
				if err != nil {
					return err
				}
				var c struct{ Name, Version string }
				if json.Unmarshal(raw, &c) == nil {
					creator = strings.TrimSpace(c.Name + " " + c.Version)
				}
				return nil
			case "entries":
				if s.peek() != '[' {
					return s.errorf("log.entries is not an array")
				}
				foundEntries = true
				return s.array(func() error {
					if more {
						_, err := s.skip()
						return err
					}
					if n >= MaxEntries {
						more = true
						_, err := s.skip()
						return err
					}
					if err := ctx.Err(); err != nil {
						return err
					}
					if progress != nil && n%progressEvery == 0 {
						progress(s.pos)
					}
					raw, err := s.skip()
					if err != nil {
						return err
					}
					i := n
					n++
					if !mayMatter(raw) {
						return nil
					}
					var e harEntry
					if err := json.Unmarshal(raw, &e); err != nil {
						return fmt.Errorf("%w: log.entries[%d]: %v", ErrNotHAR, i, err)
					}
					return visit(i, &e)
				})
			default:
				_, err := s.skip()
				return err
			}
		})
	})
	if err != nil {
		return n, false, creator, err
	}
	if !foundEntries {
		return 0, false, creator, fmt.Errorf("%w: no log.entries array", ErrNotHAR)
	}
	return n, more, creator, nil
}
