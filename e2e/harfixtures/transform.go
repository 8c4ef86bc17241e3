package harfixtures

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// SensitiveHeaders are the headers Chrome's default "Export HAR (sanitized)"
// leaves out (DevTools also empties both cookies[] arrays). The full export
// needs the DevTools setting "Allow to generate HAR with sensitive data".
var SensitiveHeaders = []string{"cookie", "set-cookie", "authorization"}

// Sanitize returns a copy of h as Chrome's sanitized export writes it: no
// Cookie, Set-Cookie or Authorization header (any letter case), and empty
// request and response cookies[]. Bodies, URLs and every other header stay,
// exactly as in Chrome's export.
func Sanitize(h *HAR) *HAR {
	out := *h
	out.Log.Entries = make([]Entry, len(h.Log.Entries))
	for i, e := range h.Log.Entries {
		e.Request.Headers = withoutSensitive(e.Request.Headers)
		e.Request.Cookies = []Cookie{}
		e.Response.Headers = withoutSensitive(e.Response.Headers)
		e.Response.Cookies = []Cookie{}
		out.Log.Entries[i] = e
	}
	return &out
}

func withoutSensitive(headers []NameValue) []NameValue {
	kept := []NameValue{}
	for _, h := range headers {
		sensitive := false
		for _, name := range SensitiveHeaders {
			if strings.EqualFold(h.Name, name) {
				sensitive = true
			}
		}
		if !sensitive {
			kept = append(kept, h)
		}
	}
	return kept
}

// Large HAR shape: LargeEntries unrelated entries around the race, spaced
// LargeSpacing apart, about 20 MB with the recorded ~10 KB asset bodies.
const (
	LargeEntries = 2000
	LargeSpacing = 5 * time.Millisecond
)

// ErrNoEntries is returned when a HAR BuildLarge needs is empty.
var ErrNoEntries = errors.New("harfixtures: HAR has no entries")

// BuildLarge returns the large HAR: every entry of race, unchanged, with n
// unrelated entries around it, half before the race's first entry and half
// after its last. The unrelated entries are the recorded asset entries taken
// in turn, each with a distinct "&copy=N" added to its URL (the same file
// loaded again with a cache-busting query) and its start moved so that
// entries are spaced LargeSpacing apart. Everything is derived from the two
// inputs, so the output is the same bytes every time.
func BuildLarge(race, assets *HAR, n int) (*HAR, error) {
	if len(race.Log.Entries) == 0 || len(assets.Log.Entries) == 0 {
		return nil, ErrNoEntries
	}
	first, err := Started(race.Log.Entries[0])
	if err != nil {
		return nil, err
	}
	last := first
	for _, e := range race.Log.Entries {
		start, err := Started(e)
		if err != nil {
			return nil, err
		}
		if end := start.Add(duration(e.Time)); end.After(last) {
			last = end
		}
	}
	before := n / 2
	out := &HAR{Log: race.Log}
	out.Log.Entries = make([]Entry, 0, n+len(race.Log.Entries))
	for i := 0; i < n; i++ {
		e := assets.Log.Entries[i%len(assets.Log.Entries)]
		e.Pageref = race.Log.Entries[0].Pageref
		var at time.Time
		if i < before {
			at = first.Add(-time.Duration(before-i) * LargeSpacing)
		} else {
			at = last.Add(time.Duration(i-before+1) * LargeSpacing)
		}
		e.StartedDateTime = FormatTime(at)
		sep := "?"
		if strings.Contains(e.Request.URL, "?") {
			sep = "&"
		}
		e.Request.URL = fmt.Sprintf("%s%scopy=%d", e.Request.URL, sep, i)
		e.Request.QueryString = append(append([]NameValue(nil), e.Request.QueryString...), NameValue{Name: "copy", Value: fmt.Sprint(i)})
		if i == before {
			out.Log.Entries = append(out.Log.Entries, race.Log.Entries...)
		}
		out.Log.Entries = append(out.Log.Entries, e)
	}
	return out, nil
}

// LargeHAR builds the large fixture from the committed race and asset HARs.
// It is not committed (about 20 MB); callers write it where they need it.
func LargeHAR() ([]byte, error) {
	race, err := Load(filepath.Join(Dir(), "nextauth-race.har"))
	if err != nil {
		return nil, err
	}
	assets, err := Load(filepath.Join(Dir(), "assets.har"))
	if err != nil {
		return nil, err
	}
	h, err := BuildLarge(race, assets, LargeEntries)
	if err != nil {
		return nil, err
	}
	return Marshal(h)
}

// TimeLayout is how Chrome writes startedDateTime: UTC with milliseconds.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// FormatTime renders t as Chrome's startedDateTime.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// Started parses an entry's startedDateTime (any RFC 3339 form).
func Started(e Entry) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, e.StartedDateTime)
	if err != nil {
		return time.Time{}, fmt.Errorf("harfixtures: startedDateTime %q: %w", e.StartedDateTime, err)
	}
	return t, nil
}

func duration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }
