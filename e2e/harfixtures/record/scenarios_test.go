//go:build harfixtures && unix

package record

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"tokenscope/e2e/harfixtures"
)

type scenario struct {
	name string
	run  func(t *testing.T, w *writer)
}

// The codes each recording is expected to produce, per issue 11.
var (
	raceCodes    = []string{"timeline.loaded", "timeline.concurrent_refresh", "timeline.refresh_rotated", "timeline.session_error"}
	droppedCodes = []string{"timeline.loaded", "timeline.stale_refresh_reused", "timeline.session_error"}
	errorCodes   = []string{"timeline.concurrent_refresh", "timeline.stale_refresh_reused", "timeline.session_error"}
)

var scenarios = []scenario{
	{"nextauth-race", func(t *testing.T, w *writer) { raceScenario(t, w, "nextauth") }},
	{"authjs-race", func(t *testing.T, w *writer) { raceScenario(t, w, "authjs") }},
	{"nextauth-dropped-rsc", droppedRSC},
	{"nextauth-dropped-callback", droppedCallback},
	{"nextauth-healthy", healthy},
	{"nextauth-chunked-race", func(t *testing.T, w *writer) { chunkedRace(t, w, "nextauth") }},
	{"authjs-chunked-race", func(t *testing.T, w *writer) { chunkedRace(t, w, "authjs") }},
	{"client-race", clientRace},
	{"assets", assets},
	{"logs", logs},
}

// raceScenario: sign in, let the access token expire, then two parallel
// session reads (two tabs, or useSession plus a getSession) run the jwt
// callback with the same backendRefresh. One more read follows, to show
// which cookie the browser kept.
func raceScenario(t *testing.T, w *writer, flavor string) {
	name := flavor + "-race"
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		s := newStack(t, flavor, nil)
		s.login()
		time.Sleep(expiryWait)
		rs := s.readSessions(2)
		s.readSessions(1)
		if errs := countErrors(rs); errs != 1 {
			t.Logf("attempt %d: %d of 2 parallel reads failed; recording again", attempt, errs)
			s.close()
			continue
		}
		h := s.har()
		w.har(s, name+".har", h, harfixtures.Fixture{
			Scenario:    "race",
			Description: "Sign-in, access token expired, two parallel GET /api/auth/session with the same session cookie: the jwt callback of both refreshes with the same backendRefresh; Django rotates it for the first and answers the second 401 Token is blacklisted, so one response carries a new session and the other the error. A third read follows.",
			Attempts:    attempt,
			Codes:       raceCodes,
		})
		if flavor == "nextauth" {
			w.har(s, name+".sanitized.har", harfixtures.Sanitize(h), harfixtures.Fixture{
				Scenario:    "sanitized",
				Description: "nextauth-race.har passed through harfixtures.Sanitize, which does what Chrome's default Export HAR (sanitized) does: no Cookie, Set-Cookie or Authorization header, empty cookies[]. The session bodies (with the error) remain.",
				Derived:     "Sanitize(" + name + ".har)",
				Codes:       []string{"timeline.loaded", "timeline.sanitized", "timeline.session_error"},
				Absent:      []string{"timeline.refresh_rotated"},
			})
			w.m.Fixtures = append(w.m.Fixtures, harfixtures.Fixture{
				File:        "nextauth-race.large.har",
				Kind:        "har",
				Scenario:    "large",
				Description: "Not committed (about 20 MB): harfixtures.LargeHAR() builds it deterministically with BuildLarge from nextauth-race.har and assets.har, 2,000 recorded static-asset entries around the unchanged race entries.",
				Flavor:      flavor,
				Secret:      nextauthSecret,
				CookieName:  "next-auth.session-token",
				Derived:     fmt.Sprintf("BuildLarge(%s.har, assets.har, %d)", name, harfixtures.LargeEntries),
				Codes:       raceCodes,
				Facts:       harfixtures.Facts{Lines: []string{fmt.Sprintf("the race entries are log.entries[%d:%d]", harfixtures.LargeEntries/2, harfixtures.LargeEntries/2+len(h.Log.Entries))}},
			})
		}
		w.log(name+".app.log", s.appLog(), flavor, "The app's console during "+name+": the jwt callback's Backend refresh failed line with Django's body.")
		w.log(name+".django.log", s.djangoLog(), "django", "Django runserver's loggers during "+name+": the request lines and django.request's Unauthorized line.")
		return
	}
	t.Fatalf("%s: the race did not give one winner and one refused refresh in %d attempts", name, maxAttempts)
}

// chunkedRace is the race with a session big enough to be chunked by the
// library's own cookie code (NAME.0, NAME.1, ...).
func chunkedRace(t *testing.T, w *writer, flavor string) {
	name := flavor + "-chunked-race"
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		s := newStack(t, flavor, map[string]string{"SESSION_PADDING_BYTES": fmt.Sprint(paddingBytes)})
		s.login()
		time.Sleep(expiryWait)
		rs := s.readSessions(2)
		if errs := countErrors(rs); errs != 1 {
			t.Logf("attempt %d: %d of 2 parallel reads failed; recording again", attempt, errs)
			s.close()
			continue
		}
		w.har(s, name+".har", s.har(), harfixtures.Fixture{
			Scenario:    "race (chunked cookie)",
			Description: fmt.Sprintf("As %s-race, with a permissions claim of about %d bytes in the session, so the library splits the cookie into chunks (.0, .1, ...); join them in suffix order to open it.", flavor, paddingBytes),
			Attempts:    attempt,
			Codes:       raceCodes,
		})
		return
	}
	t.Fatalf("%s: no single refused refresh in %d attempts", name, maxAttempts)
}

func countErrors(rs []fetchResult) int {
	n := 0
	for _, r := range rs {
		if r.sessionError() != "" {
			n++
		}
	}
	return n
}

// droppedRSC: a Server Component render (GET /dashboard, getServerSession
// with the RSC branch's no-op response) refreshes but cannot set the cookie;
// the next session read sends the old, now blacklisted, backendRefresh.
func droppedRSC(t *testing.T, w *writer) {
	s := newStack(t, "nextauth", nil)
	s.login()
	time.Sleep(expiryWait)
	s.navigate("/dashboard")
	s.navigate("/")
	rs := s.readSessions(1)
	if rs[0].sessionError() == "" {
		t.Fatalf("the read after the dropped rotation did not fail: %s", rs[0].Body)
	}
	w.har(s, "nextauth-dropped-rsc.har", s.har(), harfixtures.Fixture{
		Scenario:    "dropped rotation (Server Component)",
		Description: "Sign-in, access token expired, a document load of /dashboard whose server render calls getServerSession like a Server Component: the jwt callback refreshes (Django rotates and blacklists the refresh token) but the response has no Set-Cookie. The next GET /api/auth/session sends the old cookie, refreshes with the blacklisted token and returns RefreshAccessTokenError.",
		Codes:       droppedCodes,
	})
	w.log("nextauth-dropped-rsc.django.log", s.djangoLog(), "django", "Django runserver's loggers during nextauth-dropped-rsc.")
}

// droppedCallback: the jwt callback copies the new access token but keeps
// the old refresh token (a common bug), so the Set-Cookie carries a new
// backendAccess with the same backendRefresh.
func droppedCallback(t *testing.T, w *writer) {
	s := newStack(t, "nextauth", map[string]string{"CALLBACK": "keep-old-refresh"})
	s.login()
	time.Sleep(expiryWait)
	first := s.readSessions(1)
	time.Sleep(expiryWait)
	second := s.readSessions(1)
	if first[0].sessionError() != "" || second[0].sessionError() == "" {
		t.Fatalf("want the first read fine and the second failed: %s / %s", first[0].Body, second[0].Body)
	}
	w.har(s, "nextauth-dropped-callback.har", s.har(), harfixtures.Fixture{
		Scenario:    "dropped rotation (callback keeps the old refresh token)",
		Description: "Sign-in; after expiry a session read refreshes and its Set-Cookie has a new backendAccess but the old backendRefresh (CALLBACK=keep-old-refresh); after the next expiry the read refreshes with that token, which Django had rotated and blacklisted, and returns RefreshAccessTokenError.",
		Codes:       droppedCodes,
	})
}

// healthy: sequential reads, each after the access token expired, each a
// rotation the browser keeps.
func healthy(t *testing.T, w *writer) {
	s := newStack(t, "nextauth", nil)
	s.login()
	for i := 0; i < 4; i++ {
		time.Sleep(expiryWait)
		if rs := s.readSessions(1); rs[0].sessionError() != "" {
			t.Fatalf("read %d failed: %s", i, rs[0].Body)
		}
	}
	w.har(s, "nextauth-healthy.har", s.har(), harfixtures.Fixture{
		Scenario:    "healthy rotation chain",
		Description: "Sign-in, then four sequential GET /api/auth/session, each after the access token expired: four rotations, each Set-Cookie carrying the new pair, no error.",
		Codes:       []string{"timeline.loaded", "timeline.refresh_rotated"},
		Absent:      append([]string{"timeline.sanitized"}, errorCodes...),
	})
}

// clientRace: the page itself logs in to Django and sends two parallel
// refreshes with the same refresh token.
func clientRace(t *testing.T, w *writer) {
	// Record until both outcomes have been seen: one refused (client-race)
	// and, when it happens, both accepted (client-race-forked).
	raced, forked := false, false
	for attempt := 1; attempt <= maxClientAttempts; attempt++ {
		s := newStack(t, "nextauth", nil)
		var login fetchResult
		decode(t, s.eval(`fx.clientLogin("alice", "wonderland")`), &login)
		if login.Status != 200 {
			t.Fatalf("client login: %d %s", login.Status, login.Body)
		}
		time.Sleep(expiryWait)
		var rs []fetchResult
		decode(t, s.eval(`fx.clientRefreshRace(2)`), &rs)
		if len(rs) == 2 && rs[0].Status == 200 && rs[1].Status == 200 && !forked {
			// Both refreshes passed SimpleJWT's blacklist check before either
			// wrote it: two live refresh tokens from one. Kept as its own fixture.
			forked = true
			w.har(s, "client-race-forked.har", s.har(), harfixtures.Fixture{
				Scenario:    "client-side refresh race, both accepted",
				Description: "As client-race.har, but both parallel refreshes reached Django before either had blacklisted the old token, so both got 200 and two different new refresh tokens: the lineage forks. SimpleJWT 5.2.2 checks and writes the blacklist without a lock.",
				Attempts:    attempt,
				Codes:       []string{"timeline.loaded", "timeline.refresh_rotated"},
				Absent:      []string{"timeline.session_error", "timeline.sanitized", "simplejwt.blacklisted"},
			})
		}
		if len(rs) != 2 || rs[0].Status+rs[1].Status != 200+401 || raced {
			t.Logf("attempt %d: statuses %d, %d", attempt, rs[0].Status, rs[1].Status)
			s.close()
			if raced && forked {
				return
			}
			continue
		}
		raced = true
		w.har(s, "client-race.har", s.har(), harfixtures.Fixture{
			Scenario:    "client-side refresh race",
			Description: "The page POSTs its credentials to Django's /api/token/ (JSON), and after expiry two parallel POST /api/token/refresh/ with the same refresh token (CORS, with preflights): one 200 with a rotated pair, one 401 Token is blacklisted.",
			Attempts:    attempt,
			Codes:       []string{"timeline.loaded", "timeline.concurrent_refresh", "timeline.refresh_rotated", "simplejwt.blacklisted"},
		})
		w.log("client-race.django.log", s.djangoLog(), "django", "Django runserver's loggers during client-race.")
		s.close()
		if forked {
			return
		}
	}
	if !raced {
		t.Fatalf("client race: no 200/401 pair in %d attempts", maxClientAttempts)
	}
	t.Logf("no attempt had both refreshes accepted; client-race-forked.har not written")
}

// assets records the unrelated entries BuildLarge repeats.
func assets(t *testing.T, w *writer) {
	s := newStack(t, "nextauth", nil)
	s.eval(fmt.Sprintf(`fx.loadAssets(0, %d, %d)`, assetCount, assetSize))
	w.har(s, "assets.har", s.har(), harfixtures.Fixture{
		Scenario:    "unrelated entries",
		Description: fmt.Sprintf("The page loads %d static JavaScript files of about %d bytes with fetch: no auth traffic. The material BuildLarge repeats into the large HAR.", assetCount, assetSize),
		Codes:       []string{"timeline.loaded"},
		Absent:      append([]string{"timeline.refresh_rotated", "timeline.sanitized"}, errorCodes...),
	})
}

// logs provokes the libraries' session decryption errors with a cookie
// encrypted with another secret.
func logs(t *testing.T, w *writer) {
	v4 := newStack(t, "nextauth", nil)
	w.log("nextauth-jwt-session-error.log", v4.foreignSessionLog(), "nextauth",
		"next-auth 4.24's logger for GET /api/auth/session with a next-auth.session-token encrypted with another secret.")
	authjs := newStack(t, "authjs", nil)
	w.log("authjs-jwt-session-error.log", authjs.foreignSessionLog(), "authjs",
		"@auth/core 0.41's default logger (ANSI colours as printed) for GET /api/auth/session with an authjs.session-token encrypted with another secret.")
}

// writer writes fixtures and collects the manifest.
type writer struct {
	t   *testing.T
	dir string
	m   *harfixtures.Manifest
}

func (w *writer) write(name string, data []byte) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), data, 0o644); err != nil {
		w.t.Fatal(err)
	}
	w.t.Logf("wrote %s (%d bytes)", name, len(data))
}

func (w *writer) har(s *stack, name string, h *harfixtures.HAR, fx harfixtures.Fixture) {
	w.t.Helper()
	raw, err := harfixtures.Marshal(h)
	if err != nil {
		w.t.Fatal(err)
	}
	w.write(name, raw)
	fx.File, fx.Kind, fx.Flavor = name, "har", s.flavor
	if strings.HasPrefix(name, "client-") {
		fx.Flavor = "client"
	}
	fx.Secret, fx.CookieName = nextauthSecret, "next-auth.session-token"
	if s.flavor == "authjs" {
		fx.Secret, fx.CookieName = authjsSecret, "authjs.session-token"
	}
	fx.Facts = facts(s, h, fx.CookieName)
	w.m.Fixtures = append(w.m.Fixtures, fx)
}

func (w *writer) log(name, text, flavor, description string) {
	w.t.Helper()
	w.write(name, []byte(text))
	fx := harfixtures.Fixture{File: name, Kind: "log", Scenario: "log", Flavor: flavor, Description: description}
	for _, line := range strings.Split(text, "\n") {
		code := ""
		switch {
		case strings.Contains(line, "[next-auth][error]"):
			code = "log.nextauth_error"
		case strings.Contains(line, "[auth][error]"):
			code = "log.authjs_error"
		case strings.Contains(line, "Backend refresh failed with status"):
			code = "log.backend_refresh_failed"
		case strings.HasPrefix(line, "Unauthorized: "):
			code = "log.django_unauthorized"
		}
		if code != "" {
			fx.Facts.Lines = append(fx.Facts.Lines, line)
			if !contains(fx.Codes, code) {
				fx.Codes = append(fx.Codes, code)
			}
		}
		if strings.Contains(line, "Token is blacklisted") && !contains(fx.Codes, "simplejwt.blacklisted") {
			fx.Codes = append(fx.Codes, "simplejwt.blacklisted")
		}
	}
	if fx.Codes == nil {
		fx.Codes = []string{}
	}
	sort.Strings(fx.Codes)
	w.m.Fixtures = append(w.m.Fixtures, fx)
}

func (w *writer) manifest() {
	raw, err := json.MarshalIndent(w.m, "", "  ")
	if err != nil {
		w.t.Fatal(err)
	}
	w.write("manifest.json", append(raw, '\n'))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// facts lists the auth-relevant entries of h with the jti of every backend
// token they sent and received, opened by the library's own decode (the
// app's /__fixture/decode) or read from Django's JSON bodies, and the
// rotations and overlaps among them. The app's log of its own calls to
// Django (invisible in a browser HAR) is added as server calls.
func facts(s *stack, h *harfixtures.HAR, cookieName string) harfixtures.Facts {
	var f harfixtures.Facts
	type span struct{ start, end time.Time }
	var spans []span
	for i, e := range h.Log.Entries {
		u, err := url.Parse(e.Request.URL)
		if err != nil || e.Request.Method == "OPTIONS" {
			continue
		}
		p := u.Path
		if !strings.HasPrefix(p, "/api/auth/") && p != "/dashboard" && !strings.HasPrefix(p, "/api/token/") {
			continue
		}
		start, err := harfixtures.Started(e)
		if err != nil {
			s.t.Fatal(err)
		}
		ef := harfixtures.EntryFact{Index: i, Method: e.Request.Method, Path: p, Status: e.Response.Status, Started: e.StartedDateTime, TimeMS: e.Time}
		if v := sessionValue(e.Request.Cookies, cookieName); v != "" {
			tok := s.open(v)
			ef.SentAccessJTI, ef.SentRefreshJTI = jti(tok.BackendAccess), jti(tok.BackendRefresh)
		}
		if v, ok := setCookieValue(e.Response.Cookies, cookieName); ok {
			ef.SetCookie = true
			if v != "" {
				tok := s.open(v)
				ef.GotAccessJTI, ef.GotRefreshJTI = jti(tok.BackendAccess), jti(tok.BackendRefresh)
				ef.SessionError = tok.Error
			}
		}
		if strings.HasPrefix(p, "/api/token/") && e.Request.PostData != nil {
			var body struct{ Refresh string }
			_ = json.Unmarshal([]byte(e.Request.PostData.Text), &body)
			ef.SentRefreshJTI = jti(body.Refresh)
		}
		var body struct{ Access, Refresh, Detail, Error string }
		if json.Unmarshal([]byte(e.Response.Content.Text), &body) == nil {
			if strings.HasPrefix(p, "/api/token/") {
				ef.GotAccessJTI, ef.GotRefreshJTI, ef.BackendDetail = jti(body.Access), jti(body.Refresh), body.Detail
			}
			if body.Error != "" {
				ef.SessionError = body.Error
			}
		}
		if ef.SentRefreshJTI != "" && ef.GotRefreshJTI != "" && ef.SentRefreshJTI != ef.GotRefreshJTI {
			f.Rotations = append(f.Rotations, harfixtures.RotationFact{Index: i, From: ef.SentRefreshJTI, To: ef.GotRefreshJTI})
		}
		f.Entries = append(f.Entries, ef)
		spans = append(spans, span{start, start.Add(time.Duration(e.Time * float64(time.Millisecond)))})
	}
	for i := range spans {
		for j := i + 1; j < len(spans); j++ {
			if spans[i].start.Before(spans[j].end) && spans[j].start.Before(spans[i].end) {
				f.Overlaps = append(f.Overlaps, [2]int{f.Entries[i].Index, f.Entries[j].Index})
			}
		}
	}
	var calls []json.RawMessage
	if err := s.app.get("/__fixture/trace", &calls); err != nil {
		s.t.Fatal(err)
	}
	f.ServerCalls = calls
	return f
}

type sessionToken struct {
	BackendAccess  string `json:"backendAccess"`
	BackendRefresh string `json:"backendRefresh"`
	Error          string `json:"error"`
}

// open decodes a session cookie value with the library (next-auth/jwt or
// @auth/core/jwt decode, in the app).
func (s *stack) open(value string) sessionToken {
	s.t.Helper()
	var r struct {
		Token *sessionToken
		Error string
	}
	if err := s.app.post("/__fixture/decode", map[string]string{"value": value}, &r); err != nil {
		s.t.Fatal(err)
	}
	if r.Token == nil {
		s.t.Fatalf("the library could not open a recorded session cookie: %s", r.Error)
	}
	return *r.Token
}

// sessionValue joins the session cookie's chunks (NAME, or NAME.0, NAME.1 …).
func sessionValue(cookies []harfixtures.Cookie, name string) string {
	chunks := map[int]string{}
	whole := ""
	for _, c := range cookies {
		if c.Name == name {
			whole = c.Value
		}
		var n int
		if _, err := fmt.Sscanf(strings.TrimPrefix(c.Name, name+"."), "%d", &n); err == nil && strings.HasPrefix(c.Name, name+".") {
			chunks[n] = c.Value
		}
	}
	if len(chunks) == 0 {
		return whole
	}
	var b strings.Builder
	for i := 0; i < len(chunks); i++ {
		b.WriteString(chunks[i])
	}
	return b.String()
}

func setCookieValue(cookies []harfixtures.Cookie, name string) (string, bool) {
	var parts []harfixtures.Cookie
	for _, c := range cookies {
		if c.Name == name || strings.HasPrefix(c.Name, name+".") {
			parts = append(parts, c)
		}
	}
	if len(parts) == 0 {
		return "", false
	}
	return sessionValue(parts, name), true
}

// jti reads a SimpleJWT token's jti without verifying it.
func jti(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims struct{ JTI string }
	_ = json.Unmarshal(raw, &claims)
	return claims.JTI
}
