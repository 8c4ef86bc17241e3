package diagnose

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// This file judges a sequence of refreshes: which response replaced which
// refresh token, and what went wrong when one was refused. The HAR reader
// (app/timeline) and pasted sessions (paste lineage in Run) both reduce their
// input to Steps and share these rules, so a HAR and two pasted sessions of
// the same story give the same findings.

// Step is one request/response pair as far as backend tokens go. Tokens are
// named by an identifier (SimpleJWT's jti, or a hash of the token when it has
// none), never by their text.
type Step struct {
	// Label names the request for people: "#5 GET /api/auth/session".
	Label string
	// Start and End bound the request in time; zero for pasted sessions,
	// which only have an order.
	Start, End time.Time
	// ClientRefresh is a refresh the browser sent itself (a POST to the
	// backend's refresh endpoint); otherwise the refresh, if any, happened
	// on the app's server and is inferred from the session it returned.
	ClientRefresh bool
	// SentRefresh and SentAccess are the backend tokens the request carried
	// (in the session cookie, the JSON body or the Authorization header).
	SentRefresh, SentAccess string
	// SentAccessExpired says the access token sent had expired at Start: the
	// app's jwt callback refreshes on this request. SentRefreshExpired says
	// the refresh token itself had: a refusal is then its expiry, not a
	// race or a replay.
	SentAccessExpired, SentRefreshExpired bool
	// GotRefresh and GotAccess are the backend tokens the response carried.
	GotRefresh, GotAccess string
	// Delivered says the response stored what it carried where the next
	// request reads it: a Set-Cookie with the session, or a refresh response
	// read by the page's own script. A page that shows a new access token
	// without a Set-Cookie did not deliver it.
	Delivered bool
	// Refused is the backend's refusal of a client refresh (status and
	// SimpleJWT detail); SessionError the error marker of a session response.
	Refused      string
	SessionError string
}

// Rotation is one link of the lineage: the response of Step replaced refresh
// token From with To.
type Rotation struct {
	Step      int
	From, To  string
	Delivered bool
}

// Lineage is what the rules found in a sequence of steps.
type Lineage struct {
	Rotations []Rotation
	// Drops are the steps whose refresh produced tokens that were not stored
	// (a new access token beside the old refresh token, or no Set-Cookie).
	Drops    []int
	Findings []Finding
}

// attempted says the app refreshed on this step: the browser posted a
// refresh, the access token had expired, or the response changed the tokens
// or carried an error.
func (s Step) attempted() bool {
	if s.SentRefresh == "" {
		return false
	}
	return s.ClientRefresh || s.SentAccessExpired || s.SessionError != "" || s.Refused != "" ||
		(s.GotAccess != "" && s.GotAccess != s.SentAccess) ||
		(s.GotRefresh != "" && s.GotRefresh != s.SentRefresh)
}

func (s Step) failed() bool { return s.Refused != "" || s.SessionError != "" }

// couldBeReuse says a failure may be the backend refusing a reused refresh
// token: not when the token had expired, nor when the backend said another
// reason (a client refresh's refusal names the probe classifier's code).
func (s Step) couldBeReuse() bool {
	if s.SentRefreshExpired {
		return false
	}
	return s.Refused == "" || strings.Contains(s.Refused, string(CodeBlacklisted))
}

func (s Step) when() string {
	if s.Start.IsZero() {
		return s.Label
	}
	return s.Label + " at " + clock(s.Start) + "–" + clock(s.End)
}

// clock is a time of day with milliseconds: races are a few ms apart.
func clock(t time.Time) string { return t.UTC().Format("15:04:05.000") }

func overlap(a, b Step) bool {
	if a.Start.IsZero() || b.Start.IsZero() {
		return false
	}
	return a.Start.Before(b.End) && b.Start.Before(a.End)
}

// before says a happened before b: by time when both have one, else by order.
func before(a, b Step, i, j int) bool {
	if !a.Start.IsZero() && !b.Start.IsZero() {
		return a.Start.Before(b.Start)
	}
	return i < j
}

// JudgeLineage applies the rotation rules to steps in time order.
func JudgeLineage(steps []Step) Lineage {
	var l Lineage
	for i, s := range steps {
		if !s.attempted() || s.failed() {
			continue
		}
		switch {
		case s.GotRefresh != "" && s.GotRefresh != s.SentRefresh:
			l.Rotations = append(l.Rotations, Rotation{Step: i, From: s.SentRefresh, To: s.GotRefresh, Delivered: s.Delivered || s.ClientRefresh})
		case s.GotAccess != "" && s.GotAccess != s.SentAccess, !s.Delivered && s.GotAccess != "":
			l.Drops = append(l.Drops, i)
		}
	}
	for _, r := range l.Rotations {
		l.Findings = append(l.Findings, rotatedFinding(steps, r))
	}
	l.Findings = append(l.Findings, forkFindings(steps, l.Rotations)...)
	l.Findings = append(l.Findings, l.failureFindings(steps)...)
	l.Findings = append(l.Findings, sessionErrorFindings(steps)...)
	return l
}

func rotatedFinding(steps []Step, r Rotation) Finding {
	s := steps[r.Step]
	f := Finding{
		Code: CodeRefreshRotated, Severity: SeverityOK, Token: -1,
		Title:  fmt.Sprintf("%s rotated refresh token %s → %s", s.Label, short(r.From), short(r.To)),
		Detail: "The backend issued a new refresh token (ROTATE_REFRESH_TOKENS); with BLACKLIST_AFTER_ROTATION the old one is dead from now on, so every later refresh must carry the new one.",
	}
	f.with("request", s.when()).with("from jti", r.From).with("to jti", r.To)
	if !s.ClientRefresh {
		f.with("inferred from", "the session cookie sent and the one set (the refresh ran on the app's server)")
	}
	return f
}

// forkFindings reports a refresh token that two successful refreshes turned
// into two different live tokens.
func forkFindings(steps []Step, rots []Rotation) []Finding {
	by := map[string][]Rotation{}
	var order []string
	for _, r := range rots {
		if len(by[r.From]) == 0 {
			order = append(order, r.From)
		}
		by[r.From] = append(by[r.From], r)
	}
	var out []Finding
	for _, from := range order {
		rs := by[from]
		if len(rs) < 2 {
			continue
		}
		var tos, reqs []string
		for _, r := range rs {
			tos = append(tos, r.To)
			reqs = append(reqs, steps[r.Step].when())
		}
		f := Finding{
			Code: CodeRefreshForked, Severity: SeverityWarn, Token: -1,
			Title:  fmt.Sprintf("Refresh token %s was accepted %d times and forked into %d live refresh tokens", short(from), len(rs), len(rs)),
			Detail: "Two refreshes with the same token reached the backend within milliseconds and both got 200. SimpleJWT 5.2.2 checks the blacklist and then writes it without a lock, so both passed: the old token is blacklisted but both new ones stay valid until they expire. Nothing failed this time; the same race usually ends in 401 \"Token is blacklisted\" for one side.",
			Fix:    "Serialise refreshes on the client (one in-flight refresh promise per session) so the backend never sees the same refresh token twice. On the backend, a unique constraint on the blacklist's token plus a transaction (select_for_update on the OutstandingToken) makes the second refresh fail instead of forking.",
		}
		f.with("refresh jti", from).with("new refresh jtis", strings.Join(tos, ", ")).with("requests", strings.Join(reqs, "; "))
		out = append(out, f)
	}
	return out
}

// failureFindings explains each refused refresh by what happened to its
// refresh token before: replaced by a concurrent or earlier refresh whose
// result was delivered (a race), or used by a refresh whose result was
// dropped (a stale token replayed).
func (l Lineage) failureFindings(steps []Step) []Finding {
	type race struct {
		rotations []int
		failures  []int
	}
	races := map[string]*race{}
	var raceOrder []string
	var out []Finding
	staleSeen := map[string]bool{}
	for i, s := range steps {
		if !s.attempted() || !s.failed() || !s.couldBeReuse() {
			continue
		}
		r := s.SentRefresh
		var rivals []int
		for _, rot := range l.Rotations {
			o := steps[rot.Step]
			if rot.From == r && rot.Delivered && rot.Step != i && (overlap(o, s) || before(o, s, rot.Step, i)) {
				rivals = append(rivals, rot.Step)
			}
		}
		if len(rivals) == 0 {
			for j, o := range steps {
				if j != i && o.SentRefresh == r && o.attempted() && overlap(o, s) {
					rivals = append(rivals, j)
				}
			}
		}
		if len(rivals) > 0 {
			rc := races[r]
			if rc == nil {
				rc = &race{}
				races[r] = rc
				raceOrder = append(raceOrder, r)
			}
			rc.failures = append(rc.failures, i)
			for _, j := range rivals {
				if !containsInt(rc.rotations, j) {
					rc.rotations = append(rc.rotations, j)
				}
			}
			continue
		}
		for _, d := range l.Drops {
			if steps[d].SentRefresh == r && before(steps[d], s, d, i) && !staleSeen[r] {
				staleSeen[r] = true
				out = append(out, staleFinding(steps, d, i))
				break
			}
		}
	}
	for _, r := range raceOrder {
		rc := races[r]
		out = append(out, raceFinding(steps, r, rc.rotations, rc.failures))
	}
	return out
}

func raceFinding(steps []Step, refresh string, winners, losers []int) Finding {
	all := append(append([]int{}, winners...), losers...)
	sort.Ints(all)
	var reqs []string
	for _, i := range all {
		role := "refused"
		if containsInt(winners, i) {
			role = "refreshed"
			if steps[i].failed() {
				role = "refused"
			}
		}
		reqs = append(reqs, steps[i].when()+" ("+role+")")
	}
	first := steps[losers[0]]
	why := first.SessionError
	if first.Refused != "" {
		why = first.Refused
	}
	f := Finding{
		Code: CodeConcurrentRefresh, Severity: SeverityError, Token: -1,
		Title: fmt.Sprintf("Refresh race: %d requests refreshed with the same refresh token %s; %s got %s",
			len(all), short(refresh), first.Label, why),
		Detail: "With ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION each refresh token works once. These requests carried the same one, at overlapping times or after another response had already replaced it: the first refresh rotated and blacklisted it, and the others were refused (401 \"Token is blacklisted\"). In NextAuth this is two tabs, or parallel /api/auth/session reads, each running the jwt callback; the error response re-sets the old token, so the session stays broken.",
		Fix: "App side: serialise refreshes in the jwt callback — keep one in-flight refresh promise per session (keyed by the refresh token) and let concurrent calls await it, so the backend sees each refresh token once. " +
			"Backend side: ROTATE_REFRESH_TOKENS without BLACKLIST_AFTER_ROTATION, or a short reuse window in which the just-rotated token is still accepted.",
	}
	f.with("refresh jti", refresh).with("requests", strings.Join(reqs, "; "))
	return f
}

func staleFinding(steps []Step, drop, failure int) Finding {
	d, s := steps[drop], steps[failure]
	how := "its response shows a new access token but set no session cookie (a refresh during a Server Component render, where cookies cannot be set)"
	if d.Delivered {
		how = "its Set-Cookie stored the new access token beside the old refresh token (the jwt callback dropped data.refresh)"
	}
	why := s.SessionError
	if s.Refused != "" {
		why = s.Refused
	}
	f := Finding{
		Code: CodeStaleRefreshReused, Severity: SeverityError, Token: -1,
		Title:  fmt.Sprintf("Rotation dropped: %s refreshed with %s, but its new refresh token was never stored; %s replayed it and got %s", d.Label, short(d.SentRefresh), s.Label, why),
		Detail: "The backend rotates refresh tokens, so the refresh made by " + d.Label + " replaced (and blacklisted) " + short(d.SentRefresh) + ". But " + how + ". The next refresh carried the old token and was refused.",
		Fix:    "In the jwt callback keep the rotated token: `token.backendRefresh = data.refresh ?? token.backendRefresh`. Do not refresh where the session cannot be written (Server Components: read the session there, refresh in middleware or a route handler), or turn BLACKLIST_AFTER_ROTATION off.",
	}
	f.with("dropped by", d.when()).with("refresh jti", d.SentRefresh).with("replayed by", s.when())
	return f
}

func sessionErrorFindings(steps []Step) []Finding {
	var out []Finding
	byErr := map[string][]int{}
	var order []string
	for i, s := range steps {
		if s.SessionError == "" {
			continue
		}
		if len(byErr[s.SessionError]) == 0 {
			order = append(order, s.SessionError)
		}
		byErr[s.SessionError] = append(byErr[s.SessionError], i)
	}
	for _, e := range order {
		idx := byErr[e]
		first := steps[idx[0]]
		var reqs []string
		for _, i := range idx {
			reqs = append(reqs, steps[i].when())
		}
		f := Finding{
			Code: CodeTimelineSession, Severity: SeverityError, Token: -1,
			Title:  fmt.Sprintf("%s returned a session with error %s", first.Label, e),
			Detail: "The app's jwt callback sets this marker when its backend refresh fails; the session stays signed in but every backend call fails until the user signs in again.",
			Fix:    "Find why the refresh was refused (the race and dropped-rotation findings above, or the backend's answer); in the app, sign the user out or in again when session.error is set.",
		}
		f.with("error", e).with("requests", strings.Join(reqs, "; "))
		if first.SentRefresh != "" {
			f.with("refresh jti sent", first.SentRefresh)
		}
		out = append(out, f)
	}
	return out
}

func short(id string) string {
	if len(id) > 8 {
		return id[:8] + "…"
	}
	return id
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
