// Package timeline reads a HAR file into a timeline of the auth-relevant
// requests and judges the refresh-token lineage it shows: which response
// replaced which refresh token, and when; refresh races; rotations that were
// dropped; session errors.
//
// # API
//
//	tl, findings, err := timeline.Analyse(ctx, data, timeline.Options{
//		Secrets:  []string{nextAuthSecret}, // opens the session cookies; never kept
//		Progress: func(done, total int) { ... }, // bytes read of len(data)
//	})
//
// Analyse reads HAR 1.2 as Chrome, Firefox and Playwright's recordHar write
// it, streaming log.entries so the document is tokenised once. It keeps the
// entries on NextAuth's routes (/api/auth/*), the backend's token endpoints
// and any request or response carrying a token, and puts them on one time
// axis (Timeline.Entries, with Start, End and Overlaps). For each entry it
// lists the backend tokens sent and received, by jti (or a hash), opening
// session cookies (chunked or not) with the typed secrets, and judges each
// token at the entry's startedDateTime. The lineage rules are diagnose's
// (diagnose.JudgeLineage), shared with pasted sessions.
//
// The findings are diagnose.Findings with the timeline.* codes (and the
// probe classifier's simplejwt.* codes for refused client-side refreshes),
// worst first. err is non-nil only when the data is not a HAR (ErrNotHAR),
// is over MaxHARBytes (ErrTooLarge), or ctx was cancelled; the findings then
// still say so (timeline.unreadable, timeline.too_large).
//
// Analyse never reads the clock or the network. It is pure Go and runs the
// same natively and in the browser; the page calls it off the main thread.
package timeline

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"tokenscope/app/diagnose"
)

// Bounds.
const (
	// MaxHARBytes is the largest HAR read (timeline.too_large above it).
	MaxHARBytes = 64 << 20
	// MaxEntries is how many log.entries are read (timeline.truncated).
	MaxEntries = 20000
	// MaxKept is how many auth-relevant entries are analysed
	// (timeline.truncated).
	MaxKept = 2000
)

// Options are the inputs of Analyse besides the HAR.
type Options struct {
	// Secrets are the NEXTAUTH_SECRET / AUTH_SECRET values that open session
	// cookies, in the order typed. They are not kept in the Timeline.
	Secrets []string
	// Progress, when set, is called after every progressEvery entries and
	// at the end with the bytes read so far and len(data).
	Progress func(done, total int)
}

// progressEvery is how many entries pass between Progress calls. The page
// decides in Progress whether to hand the event loop back, so a call must
// come often: in the browser's wasm an entry with session cookies to open
// costs milliseconds, and 100 entries made tasks of a quarter second. A
// call costs a closure call.
const progressEvery = 1

// Timeline is a HAR reduced to its auth-relevant entries and their lineage.
type Timeline struct {
	Creator string
	// Total is the number of entries read; Entries the kept ones, by start.
	Total   int
	Entries []Entry
	// Start and End span the kept entries.
	Start, End time.Time
	// Rotations link refresh tokens: entry Step (an index into Entries)
	// replaced From with To.
	Rotations []diagnose.Rotation
	// Sanitized says Cookie, Set-Cookie and Authorization were stripped.
	Sanitized bool
	// Truncated says a bound applied (MaxEntries or MaxKept).
	Truncated bool
}

// Analyse reads a HAR and returns its timeline and findings. See the package
// documentation.
func Analyse(ctx context.Context, data []byte, opts Options) (Timeline, []diagnose.Finding, error) {
	var tl Timeline
	if len(data) > MaxHARBytes {
		return tl, []diagnose.Finding{TooLargeFinding(len(data))}, ErrTooLarge
	}
	a := &analyser{secrets: opts.Secrets, opened: map[string]openedSession{}}
	var stripped strip
	keptOver := false
	var progress func(int)
	if opts.Progress != nil {
		progress = func(offset int) { opts.Progress(offset, len(data)) }
	}
	n, more, creator, err := readEntries(ctx, data, progress, func(i int, e *harEntry) error {
		stripped.note(e)
		u, perr := url.Parse(e.Request.URL)
		if perr != nil || !relevant(e, u) {
			return nil
		}
		if len(tl.Entries) >= MaxKept {
			keptOver = true
			return nil
		}
		tl.Entries = append(tl.Entries, a.analyse(i, e, u))
		return nil
	})
	tl.Total, tl.Creator = n, creator
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return tl, nil, err
		}
		f := diagnose.Finding{Code: diagnose.CodeTimelineUnreadable, Severity: diagnose.SeverityError, Token: -1,
			Title:  "Not a readable HAR file",
			Detail: "A HAR is a JSON document with log.entries (HAR 1.2, as DevTools → Network → Export HAR writes it). Reading stopped: " + err.Error(),
			Fix:    "Export again from the Network panel (the download arrow, or right-click → Save all as HAR), and load the .har file unchanged."}
		return tl, []diagnose.Finding{f}, err
	}
	if opts.Progress != nil {
		opts.Progress(len(data), len(data))
	}
	sort.SliceStable(tl.Entries, func(i, j int) bool { return tl.Entries[i].Start.Before(tl.Entries[j].Start) })
	tl.fillSpanAndOverlaps()
	tl.Sanitized = stripped.sanitized()
	tl.Truncated = more || keptOver

	var fs []diagnose.Finding
	fs = append(fs, tl.loadedFinding())
	if tl.Truncated {
		fs = append(fs, truncatedFinding(n, more, keptOver))
	}
	if tl.Sanitized {
		fs = append(fs, sanitizedFinding(stripped))
	}
	if f, ok := tl.lockedFinding(); ok {
		fs = append(fs, f)
	}
	steps := tl.steps()
	l := diagnose.JudgeLineage(steps)
	tl.Rotations = l.Rotations
	fs = append(fs, l.Findings...)
	for _, e := range tl.Entries {
		if e.Backend != nil {
			fs = append(fs, *e.Backend)
		}
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Severity.Rank() < fs[j].Severity.Rank() })
	return tl, fs, nil
}

// TooLargeFinding is timeline.too_large for a HAR of size bytes. The page
// gives it without reading a file over MaxHARBytes at all.
func TooLargeFinding(size int) diagnose.Finding {
	return diagnose.Finding{Code: diagnose.CodeTimelineTooLarge, Severity: diagnose.SeverityError, Token: -1,
		Title:    fmt.Sprintf("The HAR is %s, more than the %s the page reads", diagnose.ByteSize(size), diagnose.ByteSize(MaxHARBytes)),
		Detail:   "Nothing of it was analysed.",
		Fix:      "Record only the failing sequence (clear the Network panel, reproduce, export), or filter the panel to /api/ before exporting.",
		Evidence: []diagnose.Evidence{{Name: "size", Value: fmt.Sprint(size)}, {Name: "limit", Value: fmt.Sprint(MaxHARBytes)}}}
}

func (tl *Timeline) fillSpanAndOverlaps() {
	for i := range tl.Entries {
		e := &tl.Entries[i]
		if e.Start.IsZero() {
			continue
		}
		if tl.Start.IsZero() || e.Start.Before(tl.Start) {
			tl.Start = e.Start
		}
		if e.End.After(tl.End) {
			tl.End = e.End
		}
		// Entries are sorted by start: only later ones starting before
		// this one ends can overlap it.
		for j := i + 1; j < len(tl.Entries) && tl.Entries[j].Start.Before(e.End); j++ {
			o := &tl.Entries[j]
			if o.Start.IsZero() {
				continue
			}
			e.Overlaps = append(e.Overlaps, o.Index)
			o.Overlaps = append(o.Overlaps, e.Index)
		}
	}
}

// steps reduces the kept entries to the lineage's Steps, in time order.
func (tl *Timeline) steps() []diagnose.Step {
	out := make([]diagnose.Step, len(tl.Entries))
	for i, e := range tl.Entries {
		s := diagnose.Step{Label: e.Label(), Start: e.Start, End: e.End, ClientRefresh: e.ClientRefresh, SessionError: e.SessionError}
		if t, ok := firstOfType(e.Sent, "refresh"); ok {
			s.SentRefresh, s.SentRefreshExpired = t.ID, t.ExpiredAtEntry
		}
		if t, ok := firstOfType(e.Sent, "access"); ok {
			s.SentAccess, s.SentAccessExpired = t.ID, t.ExpiredAtEntry
		}
		if t, ok := firstOfType(e.Received, "refresh"); ok {
			s.GotRefresh = t.ID
		}
		if t, ok := firstOfType(e.Received, "access"); ok {
			s.GotAccess = t.ID
		}
		s.Delivered = e.ReceivedSession == SessionOpened || e.ClientRefresh
		if e.ClientRefresh && e.Status != 200 {
			s.Refused = fmt.Sprintf("%d", e.Status)
			if e.Backend != nil {
				s.Refused += " (" + string(e.Backend.Code) + ")"
			}
		}
		out[i] = s
	}
	return out
}

func (tl *Timeline) loadedFinding() diagnose.Finding {
	span := tl.End.Sub(tl.Start)
	title := fmt.Sprintf("HAR read: %d entries, %d kept as auth-relevant", tl.Total, len(tl.Entries))
	if len(tl.Entries) > 0 {
		title += ", spanning " + spanText(span)
	}
	f := diagnose.Finding{Code: diagnose.CodeTimelineLoaded, Severity: diagnose.SeverityInfo, Token: -1,
		Title:  title,
		Detail: "Kept: NextAuth's /api/auth/* routes, the backend's token endpoints, and every request or response carrying a token. Each token is judged at its entry's startedDateTime, not now.",
		Evidence: []diagnose.Evidence{
			{Name: "entries", Value: fmt.Sprint(tl.Total)},
			{Name: "kept", Value: fmt.Sprint(len(tl.Entries))},
		}}
	if tl.Creator != "" {
		f.Evidence = append(f.Evidence, diagnose.Evidence{Name: "creator", Value: tl.Creator})
	}
	if len(tl.Entries) > 0 {
		f.Evidence = append(f.Evidence,
			diagnose.Evidence{Name: "from", Value: tl.Start.UTC().Format("2006-01-02 15:04:05.000Z")},
			diagnose.Evidence{Name: "to", Value: tl.End.UTC().Format("2006-01-02 15:04:05.000Z")})
	}
	return f
}

func spanText(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Millisecond).String()
	}
	return diagnose.Span(d)
}

func truncatedFinding(n int, more, keptOver bool) diagnose.Finding {
	var why []string
	if more {
		why = append(why, fmt.Sprintf("only the first %d entries were read", MaxEntries))
	}
	if keptOver {
		why = append(why, fmt.Sprintf("only the first %d auth-relevant entries were analysed", MaxKept))
	}
	return diagnose.Finding{Code: diagnose.CodeTimelineTruncated, Severity: diagnose.SeverityWarn, Token: -1,
		Title:  "The HAR is larger than the timeline reads: " + strings.Join(why, "; "),
		Detail: "Later entries are not on the timeline; a race or a dropped rotation among them is not seen.",
		Fix:    "Record only the failing sequence: clear the Network panel, reproduce, then export.",
		Evidence: []diagnose.Evidence{{Name: "entries read", Value: fmt.Sprint(n)},
			{Name: "limits", Value: fmt.Sprintf("%d entries, %d kept", MaxEntries, MaxKept)}}}
}

// strip counts what a sanitized export leaves out.
type strip struct {
	authEntries int // entries on /api/auth/*
	credentials int // Cookie, Set-Cookie, Authorization headers or cookies[]
}

func (s *strip) note(e *harEntry) {
	if strings.Contains(e.Request.URL, "/api/auth/") {
		s.authEntries++
	}
	if len(e.Request.Cookies) > 0 || len(e.Response.Cookies) > 0 {
		s.credentials++
		return
	}
	for _, h := range e.Request.Headers {
		if strings.EqualFold(h.Name, "cookie") || strings.EqualFold(h.Name, "authorization") {
			s.credentials++
			return
		}
	}
	for _, h := range e.Response.Headers {
		if strings.EqualFold(h.Name, "set-cookie") {
			s.credentials++
			return
		}
	}
}

// sanitized: NextAuth traffic always carries cookies (csrf, session), so
// /api/auth/ entries without a single cookie or Authorization anywhere in
// the file mean the export removed them.
func (s strip) sanitized() bool { return s.authEntries > 0 && s.credentials == 0 }

func sanitizedFinding(s strip) diagnose.Finding {
	return diagnose.Finding{Code: diagnose.CodeTimelineSanitized, Severity: diagnose.SeverityWarn, Token: -1,
		Title:  "The HAR was exported sanitized: no Cookie, Set-Cookie or Authorization in it",
		Detail: "Chrome's default \"Export HAR (sanitized)\" drops these headers. Without them no session cookie can be opened, so the tokens each request sent and each response set are unknown: no refresh-token lineage, no race or dropped-rotation verdict. Response bodies are still read (a session's error marker, tokens in JSON).",
		Fix:    "In Chrome DevTools open Network → the settings gear → tick \"Allow to generate HAR with sensitive data\", then use Export HAR → \"Export HAR (with sensitive data)\". Firefox and Playwright's recordHar keep cookies by default. The file then holds live credentials: it is read only in this page, never uploaded.",
		Evidence: []diagnose.Evidence{{Name: "/api/auth/ entries", Value: fmt.Sprint(s.authEntries)},
			{Name: "Cookie / Set-Cookie / Authorization", Value: "0"}}}
}

// Rows is the timeline as the Markdown export shows it (set it as
// diagnose.Report.Timeline): requests by path, tokens by type and jti.
func (tl Timeline) Rows() []diagnose.TimelineRow {
	out := make([]diagnose.TimelineRow, 0, len(tl.Entries))
	for _, e := range tl.Entries {
		out = append(out, diagnose.TimelineRow{
			Label: e.Label(), Start: e.Start, End: e.End, Status: e.Status,
			Sent: tokenNames(e.Sent), Received: tokenNames(e.Received),
			SessionError: e.SessionError, Overlaps: e.Overlaps,
		})
	}
	return out
}

func tokenNames(ts []Token) []string {
	out := make([]string, 0, len(ts))
	seen := map[string]bool{}
	for _, t := range ts {
		name := t.Type + " " + t.ID
		if !seen[name] { // the session cookie and the body often show the same token
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// lockedFinding says when session cookies stayed closed: without them the
// lineage of a NextAuth app cannot be drawn.
func (tl *Timeline) lockedFinding() (diagnose.Finding, bool) {
	noSecret, mismatch := 0, 0
	for _, e := range tl.Entries {
		for _, s := range []SessionState{e.SentSession, e.ReceivedSession} {
			switch s {
			case SessionNoSecret:
				noSecret++
			case SessionLocked:
				mismatch++
			}
		}
	}
	if noSecret+mismatch == 0 {
		return diagnose.Finding{}, false
	}
	f := diagnose.Finding{Code: diagnose.CodeTimelineLocked, Severity: diagnose.SeverityWarn, Token: -1,
		Evidence: []diagnose.Evidence{{Name: "session cookies not opened", Value: fmt.Sprint(noSecret + mismatch)}}}
	if mismatch == 0 {
		f.Title = fmt.Sprintf("%d session cookies in the HAR were not opened: no secret typed", noSecret)
		f.Detail = "NextAuth and Auth.js encrypt the session cookie; the backend tokens inside, and so the refresh-token lineage, are visible only with the secret."
		f.Fix = "Type NEXTAUTH_SECRET (or AUTH_SECRET) in the secret field; it stays in this page."
	} else {
		f.Title = fmt.Sprintf("%d session cookies in the HAR did not open with the typed secrets", noSecret+mismatch)
		f.Detail = "None of the typed secrets decrypts them (for Auth.js, none has the cookie's kid): the app encrypted them with another NEXTAUTH_SECRET / AUTH_SECRET, or the HAR comes from another environment."
		f.Fix = "Type the secret of the environment the HAR was recorded in; several secrets may be typed, one per line."
	}
	return f, true
}
