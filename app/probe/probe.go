package probe

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tokenscope/app/diagnose"
)

// CandidatePaths are where SimpleJWT and dj-rest-auth projects mount the
// refresh view, most common first.
var CandidatePaths = []string{
	"/api/token/refresh/",
	"/token/refresh/",
	"/api/auth/token/refresh/",
	"/dj-rest-auth/token/refresh/",
}

// DefaultBackend is where `manage.py runserver` listens.
const DefaultBackend = "http://127.0.0.1:8000"

// InvalidToken is what the side-effect-free probe sends: obviously not a
// token (no dots), so SimpleJWT refuses it with 401 token_not_valid before
// touching any state. A real token is sent only by Refresh.
const InvalidToken = "tokenscope-probe-not-a-token"

// DefaultTimeout bounds each request.
const DefaultTimeout = 8 * time.Second

// Step is one request in the timeline: what was sent, what came back, the
// verdict, and how to reproduce it outside the page.
type Step struct {
	At      time.Time
	Purpose Purpose
	// Request is what was sent, with the refresh token replaced by Redacted
	// when the step was made. The timeline shows and copies this.
	Request Request
	// Origin is the origin the request went from ("http://localhost:3000").
	Origin   string
	Response *Response
	Err      error
	Finding  diagnose.Finding

	// sent is the request as it went out, real token included, for the
	// step's "reveal": held in memory with this step only, so revealing
	// never depends on (or leaks) whatever the paste holds later.
	sent *Request
}

// Result is one probe run.
type Result struct {
	Steps    []Step
	Findings []diagnose.Finding
	// Endpoint is the URL that answered like SimpleJWT's refresh view.
	Endpoint string
}

// Prober runs probes through a Transport.
type Prober struct {
	Transport Transport
	// Now is the browser clock, for clock.skew.
	Now func() time.Time
	// PageURL is the URL of the page requests are sent from (mixed content).
	PageURL string
	Timeout time.Duration
	// ViaBridge says requests go through the bookmarklet's bridge in the
	// host page, so a CSP block is the host page's policy.
	ViaBridge bool
}

func (p Prober) timeout() time.Duration {
	if p.Timeout > 0 {
		return p.Timeout
	}
	return DefaultTimeout
}

func (p Prober) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}

// refreshRequest is the request TokenRefreshView expects: POST, JSON, the
// token in "refresh". Content-Type application/json makes a cross-origin
// browser request preflighted, exactly like the app's own.
func refreshRequest(endpoint, tok string, timeout time.Duration) Request {
	body := `{"refresh":` + jsString(tok) + `}`
	return Request{
		Method: "POST", URL: endpoint, Mode: ModeCORS, Credentials: "omit", Timeout: timeout,
		Headers: map[string]string{"Content-Type": "application/json"}, Body: body,
	}
}

// SafeProbe sends the invalid token to backend+paths[0] and, only if that
// answers 404, to the other paths.
func (p Prober) SafeProbe(ctx context.Context, backend string, paths []string) Result {
	var res Result
	if f, ok := p.precheck(backend); !ok {
		res.Findings = append(res.Findings, f)
		return res
	}
	var plan Plan
	for i, path := range paths {
		endpoint, err := Endpoint(backend, path)
		if err != nil {
			res.Findings = append(res.Findings, with(finding(diagnose.CodeInvalidURL, diagnose.SeverityError,
				"The refresh path "+strconv.Quote(path)+" is not a path on the backend",
				"A refresh path is the path part only; it cannot name another host.",
				"Type it like "+CandidatePaths[0]+"."), "error", err.Error()))
			if i == 0 {
				return res
			}
			continue
		}
		if i == 0 {
			plan.First = endpoint
		} else {
			plan.Candidates = append(plan.Candidates, endpoint)
		}
	}
	plan.Base = backend
	out := p.Probe(ctx, plan)
	out.Findings = append(res.Findings, out.Findings...)
	return out
}

// Probe sends the invalid token to plan.First, exactly as given. A URL
// without Django's trailing slash that redirects or fails is retried with
// it, to say what the fix is; the candidate paths are tried only when
// plan.First answers 404, and what they answer is an info-level hint.
func (p Prober) Probe(ctx context.Context, plan Plan) Result {
	var res Result
	if f, ok := p.precheck(plan.First); !ok {
		res.Findings = append(res.Findings, f)
		return res
	}
	step, out, fatal := p.probeOne(ctx, &res, plan.First)
	switch {
	case fatal:
		res.Findings = append(res.Findings, step.Finding)
		return res
	case out.EndpointWorks:
		res.Endpoint = plan.First
		res.Findings = append(res.Findings, p.annotate(step.Finding))
		return res
	case out.Found:
		f := step.Finding
		if slashed, ok := withSlash(plan.First); ok {
			sstep, sout, sfatal := p.probeOne(ctx, &res, slashed)
			if !sfatal && sout.EndpointWorks {
				res.Endpoint = slashed
				f = missingSlash(f, *step.Response, plan.First, slashed, sstep)
			}
		}
		res.Findings = append(res.Findings, p.annotate(f))
		return res
	}
	var tried []string
	for _, c := range plan.Candidates {
		cstep, cout, cfatal := p.probeOne(ctx, &res, c)
		if cfatal {
			res.Findings = append(res.Findings, cstep.Finding)
			break
		}
		tried = append(tried, c+" → "+statusText(*cstep.Response))
		if cout.EndpointWorks {
			res.Endpoint = c
			res.Findings = append(res.Findings, p.annotate(cstep.Finding))
			break
		}
	}
	res.Findings = append(res.Findings, p.notFound(plan.Base, plan.First, res.Endpoint))
	if len(tried) > 0 {
		res.Findings = append(res.Findings, p.candidatesTried(plan.First, tried, res.Endpoint))
	}
	return res
}

// probeOne sends the invalid token to one URL and records the step (and a
// clock skew the answer shows).
func (p Prober) probeOne(ctx context.Context, res *Result, endpoint string) (Step, Outcome, bool) {
	step, out, fatal := p.send(ctx, PurposeProbe, refreshRequest(endpoint, InvalidToken, p.timeout()), "", Local{Index: -1})
	res.Steps = append(res.Steps, step)
	if f, ok := p.clockSkew(step); ok {
		res.Findings = append(res.Findings, f)
	}
	return step, out, fatal
}

// withSlash is endpoint with a trailing slash added to its path, if it
// lacks one.
func withSlash(endpoint string) (string, bool) {
	u, err := url.Parse(endpoint)
	if err != nil || strings.HasSuffix(u.Path, "/") {
		return "", false
	}
	u.Path += "/"
	if u.RawPath != "" {
		u.RawPath += "/"
	}
	return u.String(), true
}

// Refresh sends the user's real refresh token. Call it only after the user
// agreed: with rotation and blacklisting it consumes the token the app holds.
func (p Prober) Refresh(ctx context.Context, endpoint, refresh string, local Local) Result {
	var res Result
	if f, ok := p.precheck(endpoint); !ok {
		res.Findings = append(res.Findings, f)
		return res
	}
	step, out, _ := p.send(ctx, PurposeRefresh, refreshRequest(endpoint, refresh, p.timeout()), refresh, local)
	res.Steps = append(res.Steps, step)
	res.Findings = append(res.Findings, p.annotate(step.Finding))
	if out.EndpointWorks {
		res.Endpoint = endpoint
	}
	if f, ok := p.clockSkew(step); ok {
		res.Findings = append(res.Findings, f)
	}
	return res
}

// send performs one request; fatal reports a transport-level failure that
// applies to the whole origin (CORS, unreachable, CSP, timeout). secret is
// the real token in req, if any: the step keeps req with it redacted.
func (p Prober) send(ctx context.Context, purpose Purpose, req Request, secret string, local Local) (Step, Outcome, bool) {
	step := Step{At: p.now(), Purpose: purpose, Request: redact(req, secret), Origin: p.Transport.Origin()}
	if secret != "" && secret != InvalidToken {
		sent := req
		step.sent = &sent
	}
	resp, err := p.Transport.Do(ctx, req)
	if err != nil {
		step.Err = err
		// The redacted copy: the URL never carries the token, and the fix
		// texts built from this request may be exported.
		step.Finding = p.annotate(p.failure(ctx, step.Request, err))
		return step, Outcome{}, true
	}
	step.Response = &resp
	out := Classify(purpose, req.URL, resp, local)
	step.Finding = out.Finding
	return step, out, false
}

// failure explains a request that never produced a readable response. fetch
// rejects with the same TypeError for a CORS refusal and a dead server; a
// no-cors request tells them apart: it resolves (opaque) whenever the server
// answered at all.
func (p Prober) failure(ctx context.Context, req Request, err error) diagnose.Finding {
	var csp *CSPError
	switch {
	case errors.As(err, &csp) && p.ViaBridge:
		origin, _ := originOrExample(p.Transport.Origin())
		return with(finding(diagnose.CodeBridgeCSPBlocked, diagnose.SeverityError,
			"The host page's Content-Security-Policy blocked the bridge's request ("+csp.Directive+")",
			"The app's page at "+origin+" does not allow connections to "+urlOrigin(req.URL)+", so neither the bridge nor the app's own browser code can call it. NextAuth's server-side refresh is not affected.",
			"Allow the backend in the app's policy: `connect-src 'self' "+urlOrigin(req.URL)+"` (next.config.js headers() or middleware), or use the self-hosted inspector under the app's public/ folder, which needs no bridge."),
			"directive", csp.Directive, "blocked", csp.Blocked)
	case errors.As(err, &csp):
		return with(finding(diagnose.CodeCSPBlocked, diagnose.SeverityError,
			"The page's Content-Security-Policy blocked the request ("+csp.Directive+")",
			"The page this runs in does not allow connections to "+urlOrigin(req.URL)+". The app's own browser code would be blocked the same way; NextAuth's server-side refresh is not affected.",
			"Add the backend to the policy: `Content-Security-Policy: connect-src 'self' "+urlOrigin(req.URL)+"`."),
			"directive", csp.Directive, "blocked", csp.Blocked)
	case errors.Is(err, ErrTimeout):
		return with(finding(diagnose.CodeTimeout, diagnose.SeverityError,
			fmt.Sprintf("No answer from %s within %s", req.URL, req.Timeout),
			"The server accepted the connection but did not answer in time, or packets are dropped (a firewall, a wrong port on a remote host).",
			"Check the backend is running and reachable: `"+curlCheck(req.URL)+"` from the machine the app runs on."),
			"timeout", req.Timeout.String())
	}
	follow := Request{Method: "GET", URL: req.URL, Mode: ModeNoCORS, Credentials: "omit", Timeout: req.Timeout}
	if _, err2 := p.Transport.Do(ctx, follow); err2 == nil {
		return p.corsBlocked(req)
	}
	return with(finding(diagnose.CodeUnreachable, diagnose.SeverityError,
		"Cannot reach "+urlOrigin(req.URL)+": both the request and a no-cors follow-up failed",
		"Nothing answered: the backend is not running, the host or port is wrong, DNS or TLS fails, or the browser blocks the address (Chrome's Local Network Access prompt for a public page calling a private address).",
		"Start the backend (`python manage.py runserver 127.0.0.1:8000`) and check `"+curlCheck(req.URL)+"`; if it answers from a terminal but not here, the browser is blocking it."),
		"error", err.Error())
}

func (p Prober) corsBlocked(req Request) diagnose.Finding {
	raw := p.Transport.Origin()
	origin, ok := originOrExample(raw)
	line := "CORS_ALLOWED_ORIGINS = [" + PythonString(origin) + "]"
	title := "CORS refused: " + urlOrigin(req.URL) + " answers, but not to requests from " + origin
	fix := "In Django settings, with corsheaders in INSTALLED_APPS and CorsMiddleware at the top of MIDDLEWARE: `" + line + "` (and CORS_ALLOW_CREDENTIALS = True only if you send cookies)."
	if !ok {
		title = "CORS refused: " + urlOrigin(req.URL) + " answers, but not to requests from this page"
		fix += " Put your app's origin (scheme://host:port) in place of " + ExampleOrigin + ": this page's origin is not an http(s) origin a backend can allow."
	}
	return with(finding(diagnose.CodeCORSBlocked, diagnose.SeverityError, title,
		"The POST with Content-Type: application/json needs a preflight (OPTIONS); the backend's answer lacks Access-Control-Allow-Origin for this origin, so the browser withheld the response. A no-cors request got through, so the server is up. This is the browser's path: NextAuth's own refresh runs on the Next.js server, where CORS does not apply.",
		fix),
		"origin", raw, "settings line", line)
}

// precheck refuses what the browser would block before sending.
func (p Prober) precheck(target string) (diagnose.Finding, bool) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return finding(diagnose.CodeInvalidURL, diagnose.SeverityError,
			fmt.Sprintf("%q is not an http(s) URL", target),
			"The backend URL must be absolute: scheme, host and port.",
			"Type it like "+DefaultBackend+"."), false
	}
	page, _ := url.Parse(p.PageURL)
	if page != nil && page.Scheme == "https" && u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return with(finding(diagnose.CodeMixedContent, diagnose.SeverityError,
			"Mixed content: this https page cannot call http://"+u.Host,
			"Browsers block http requests from https pages (loopback addresses excepted), so the request was not sent. The app's browser code would meet the same block.",
			"Serve the backend over https (or call it through the Next.js server), or open this inspector over http for local testing."),
			"page", p.PageURL, "backend", target), false
	}
	return diagnose.Finding{}, true
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1" || strings.HasSuffix(host, ".localhost") || strings.HasPrefix(host, "127.")
}

// annotate adds what every probe verdict must say: which origin the request
// went from, and that the NextAuth server's own refresh may differ.
func (p Prober) annotate(f diagnose.Finding) diagnose.Finding {
	return with(f, "sent from origin", p.Transport.Origin(),
		"note", "this is the browser's path; NextAuth refreshes on the Next.js server (no CORS there), which may differ")
}

// notFound is the verdict on the URL the user gave, which answered 404.
func (p Prober) notFound(backend, first, working string) diagnose.Finding {
	f := finding(diagnose.CodeEndpointNotFound, diagnose.SeverityError,
		"No refresh endpoint at "+first+" (404)",
		"Django has no URL pattern for this path, and none of the usual refresh paths below "+backend+" answered like SimpleJWT either.",
		"Use the path your urls.py maps to TokenRefreshView: `path(\"api/token/refresh/\", TokenRefreshView.as_view())`, and the same in the NextAuth refresh call.")
	if working != "" {
		f.Title = "No refresh endpoint at " + first + " (404); the refresh endpoint is " + working
		f.Detail = "The URL you gave answers 404, so the app's refresh call fails the same way. " + working + " answered the probe like SimpleJWT's refresh view."
		f.Fix = "Use " + working + " in the NextAuth refresh call (e.g. `fetch(process.env.BACKEND_URL + " + jsString(pathBelow(backend, working)) + ", …)`)."
		if strings.TrimSuffix(working, "/") == first {
			f.Detail += " The only difference is Django's trailing slash: with APPEND_SLASH = False (or for a path that needs it) Django does not redirect, it answers 404."
		}
	}
	return p.annotate(with(f, "404", first, "working endpoint", working))
}

// candidatesTried is the info-level hint: what the usual paths answered
// after the given URL 404ed.
func (p Prober) candidatesTried(first string, tried []string, working string) diagnose.Finding {
	title := "Tried the usual refresh paths because " + first + " answered 404"
	if working != "" {
		title += "; " + working + " works"
	}
	return with(finding(diagnose.CodeCandidatesTried, diagnose.SeverityInfo, title,
		"Only tried because the URL you gave does not exist; a path that 404s here is simply not used by this backend.",
		""), "tried", strings.Join(tried, "; "))
}

// missingSlash rewords the verdict on a URL without its trailing slash from
// what Django answered, and names the slashed URL that works.
func missingSlash(f diagnose.Finding, resp Response, given, slashed string, ok Step) diagnose.Finding {
	works := slashed + " answered " + statusText(*ok.Response) + " (" + string(ok.Finding.Code) + ")"
	switch {
	case strings.Contains(resp.Body, "APPEND_SLASH"):
		f.Title = "Missing trailing slash: Django (DEBUG on) answers the POST to " + given + " with 500 RuntimeError"
		f.Detail = "With APPEND_SLASH and DEBUG = True, Django's CommonMiddleware raises RuntimeError \"You called this URL via POST, but the URL doesn't end in a slash and you have APPEND_SLASH set\" because it cannot redirect a POST without losing the body. With DEBUG off the same URL answers 301 to " + slashed + ", which fetch and Node follow as a GET: the token is dropped and the view answers 405."
	case f.Code == diagnose.CodeRedirected || (resp.Status >= 300 && resp.Status < 400):
		f.Title = "Missing trailing slash: Django redirects the POST to " + given
		f.Detail = "With APPEND_SLASH (Django's default) and DEBUG off, CommonMiddleware answers a URL without its trailing slash with 301 Moved Permanently to " + slashed + ". fetch and Node follow a 301 after a POST with a GET without the body, and TokenRefreshView answers 405 \"Method \\\"GET\\\" not allowed.\" (with DEBUG on it is a 500 RuntimeError instead)."
	default:
		f.Title += "; " + slashed + " (with the trailing slash) works"
	}
	f.Fix = "Add the trailing slash in the app's refresh call: " + slashed + "."
	return with(f, "with the trailing slash", works)
}

// pathBelow is the part of the endpoint URL after the backend base URL
// ("/api/token/refresh/"), both in their escaped forms.
func pathBelow(backend, endpoint string) string {
	e, err := url.Parse(endpoint)
	if err != nil {
		return endpoint
	}
	p := e.EscapedPath()
	if b, err := url.Parse(strings.TrimSpace(backend)); err == nil {
		if base := strings.TrimSuffix(b.EscapedPath(), "/"); strings.HasPrefix(p, base+"/") {
			p = p[len(base):]
		}
	}
	if e.RawQuery != "" {
		p += "?" + e.RawQuery
	}
	return p
}

// clockSkew compares the server's Date header (readable only when the
// backend exposes it: Access-Control-Expose-Headers, or same origin) with the
// browser clock. SimpleJWT's LEEWAY is 0, so seconds matter.
func (p Prober) clockSkew(step Step) (diagnose.Finding, bool) {
	if step.Response == nil {
		return diagnose.Finding{}, false
	}
	date, err := time.Parse(time.RFC1123, step.Response.Headers["date"])
	if err != nil {
		return diagnose.Finding{}, false
	}
	sent := step.At.Add(step.Response.Elapsed / 2)
	skew := date.Sub(sent)
	if skew.Abs() <= 5*time.Second {
		return diagnose.Finding{}, false
	}
	direction := "ahead of"
	if skew < 0 {
		direction = "behind"
	}
	return with(finding(diagnose.CodeClockSkew, diagnose.SeverityWarn,
		fmt.Sprintf("The backend's clock is %s %s this browser's", diagnose.Span(skew), direction),
		"SimpleJWT checks exp with LEEWAY 0: a skewed server expires tokens early or rejects fresh ones; NextAuth, on its own host, may disagree with Django about whether the access token is still valid.",
		"Run NTP on both hosts (`timedatectl status` → synchronized: yes), or tolerate it: SIMPLE_JWT['LEEWAY'] = timedelta(seconds=30)."),
		"server Date", step.Response.Headers["date"], "browser clock", diagnose.UTC(sent)), true
}
