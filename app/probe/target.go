package probe

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"tokenscope/app/diagnose"
)

// MaxBackendInput bounds the backend field and a template variable's value.
// A curl line copied from DevTools with its headers and a refresh token in
// the body is 1–3 KiB; anything past 8 KiB is not a backend address.
const MaxBackendInput = 8 << 10

// Form is how the backend was written in the field.
type Form string

// The forms the backend field understands.
const (
	FormBase     Form = "base URL"
	FormEndpoint Form = "endpoint URL"
	FormCurl     Form = "curl command"
	FormFetch    Form = "fetch() / axios call"
	FormTemplate Form = "template"
)

// Errors ParseBackend and Target.Plan wrap.
var (
	ErrBackendTooLong = errors.New("backend field too long")
	ErrNoBackendURL   = errors.New("no URL found")
	ErrNotHTTP        = errors.New("not an http(s) URL")
	ErrTemplateValue  = errors.New("template variable has no value")
)

// Target is the backend field, understood. It never holds a token: a
// refresh token found in a curl or fetch body is only noted as present.
type Target struct {
	Form Form
	// URL is the absolute URL the field names, credentials removed. For a
	// template it is the part after the variable ("/api/token/refresh/").
	URL string
	// Endpoint is set when URL names the refresh view itself, not a base.
	Endpoint bool
	// Variable is a template's variable ("BACKEND_URL"), whose value the
	// user types once.
	Variable string
	// Method is the method a curl line or fetch call uses ("" if it says none).
	Method string
	// RefreshInBody says the curl or fetch body sends a "refresh" field.
	RefreshInBody bool
	// CredentialsRemoved says the URL carried user:password@, dropped
	// (fetch refuses such URLs) and never shown.
	CredentialsRemoved bool
}

// MissingSlash reports an endpoint URL whose path lacks Django's trailing
// slash.
func (t Target) MissingSlash() bool {
	if !t.Endpoint {
		return false
	}
	u, err := url.Parse(t.URL)
	return err == nil && !strings.HasSuffix(u.Path, "/")
}

// ParseBackend reads the backend field: a base URL, a full endpoint URL, a
// curl line, a fetch()/axios call, or a template such as
// ${process.env.BACKEND_URL}/api/token/refresh/.
func ParseBackend(field string) (Target, error) {
	if len(field) > MaxBackendInput {
		return Target{}, fmt.Errorf("%w: %d bytes, limit %d", ErrBackendTooLong, len(field), MaxBackendInput)
	}
	s := strings.TrimSpace(field)
	if s == "" {
		return parseURL(DefaultBackend, FormBase)
	}
	switch {
	case strings.HasPrefix(s, "curl ") || strings.HasPrefix(s, "curl\t") || strings.HasPrefix(s, "curl\\"):
		return parseCurl(s)
	case hasCall(s):
		return parseCall(s)
	}
	return parseAddress(unquote(s), "")
}

// parseAddress reads a URL or a template; form overrides the form found.
func parseAddress(s string, form Form) (Target, error) {
	if expr, rest, ok := matchTemplate(s); ok {
		return template(expr, rest)
	}
	if _, expr, literal, ok := matchConcat(s); ok {
		return template(expr, literal)
	}
	return parseURL(s, form)
}

func template(expr, rest string) (Target, error) {
	name := expr[strings.LastIndex(expr, ".")+1:]
	if name == "" || strings.ContainsAny(rest, " \t\r\n") {
		return Target{}, fmt.Errorf("%w: cannot read the template", ErrNoBackendURL)
	}
	return Target{Form: FormTemplate, Variable: name, URL: rest, Endpoint: looksLikeEndpoint(rest)}, nil
}

// parseURL reads one absolute URL. A scheme-less host:port ("localhost:8000")
// is taken as http, as curl does.
func parseURL(s string, form Form) (Target, error) {
	if strings.ContainsAny(s, " \t\r\n") {
		return Target{}, fmt.Errorf("%w: a URL has no spaces or line breaks", ErrNoBackendURL)
	}
	scheme := strings.ToLower(urlScheme(s))
	switch {
	case scheme == "http:" || scheme == "https:":
	case scheme != "" && (strings.Contains(s, "://") || !startsWithPort(s[len(scheme):])):
		return Target{}, fmt.Errorf("%w: scheme %q", ErrNotHTTP, strings.TrimSuffix(scheme, ":"))
	default:
		s = "http://" + s // host:port, as curl reads it
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Error repeats the whole input; keep only the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return Target{}, fmt.Errorf("%w: %v", ErrNoBackendURL, err)
	}
	if u.Scheme = strings.ToLower(u.Scheme); u.Scheme != "http" && u.Scheme != "https" {
		return Target{}, fmt.Errorf("%w: scheme %q", ErrNotHTTP, u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return Target{}, fmt.Errorf("%w: no host", ErrNoBackendURL)
	}
	t := Target{Form: form}
	if u.User != nil {
		u.User = nil
		t.CredentialsRemoved = true
	}
	u.Fragment, u.RawFragment = "", ""
	t.URL = u.String()
	t.Endpoint = looksLikeEndpoint(u.Path)
	if t.Form == "" {
		t.Form = FormBase
		if t.Endpoint {
			t.Form = FormEndpoint
		}
	}
	return t, nil
}

func startsWithPort(s string) bool {
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// looksLikeEndpoint says a path names a refresh view rather than a base: its
// last segment says "refresh" (SimpleJWT, dj-rest-auth, djoser's jwt/refresh).
func looksLikeEndpoint(path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	return strings.Contains(strings.ToLower(segs[len(segs)-1]), "refresh")
}

// unquote strips one pair of matching quotes or backticks around s.
func unquote(s string) string {
	if len(s) >= 2 {
		if q := s[0]; (q == '"' || q == '\'' || q == '`') && s[len(s)-1] == q {
			return strings.TrimSpace(s[1 : len(s)-1])
		}
	}
	return s
}

// hasCall says the field holds a fetch or axios call.
func hasCall(s string) bool {
	_, ok := callArgStart(s)
	return ok
}

// parseCall reads fetch("…", {…}), fetch(`${BASE}/…`), axios.post("…", {…})
// and fetch(process.env.X + "/…").
func parseCall(s string) (Target, error) {
	argStart, _ := callArgStart(s)
	arg := s[argStart:]
	rest := ""
	var addr string
	if arg != "" && strings.ContainsRune("\"'`", rune(arg[0])) {
		end := strings.IndexByte(arg[1:], arg[0])
		if end < 0 {
			return Target{}, fmt.Errorf("%w: unterminated string in the call", ErrNoBackendURL)
		}
		addr, rest = arg[1:1+end], arg[2+end:]
		if more := concatTail(rest); more != "" {
			addr, rest = addr+more, rest[strings.Index(rest, more)+len(more)+1:]
		}
	} else if n, _, _, ok := matchConcat(arg); ok {
		addr, rest = arg[:n], arg[n:]
	} else {
		return Target{}, fmt.Errorf("%w: the call's first argument is not a string", ErrNoBackendURL)
	}
	t, err := parseAddress(strings.TrimSpace(addr), FormFetch)
	if err != nil {
		return Target{}, err
	}
	if t.Form != FormTemplate {
		t.Form = FormFetch
	}
	if method, ok := callMethod(rest); ok {
		t.Method = strings.ToUpper(method)
	} else if strings.Contains(s[:argStart], "post") {
		t.Method = "POST"
	}
	t.RefreshInBody = hasRefreshField(rest)
	return t, nil
}

// concatTail reads `"base" + "/path"`: the second literal, or "".
func concatTail(rest string) string {
	r := strings.TrimLeft(rest, " \t\r\n")
	if !strings.HasPrefix(r, "+") {
		return ""
	}
	r = strings.TrimLeft(r[1:], " \t\r\n")
	if r == "" || !strings.ContainsRune("\"'`", rune(r[0])) {
		return ""
	}
	end := strings.IndexByte(r[1:], r[0])
	if end < 0 {
		return ""
	}
	return r[1 : 1+end]
}

// curlValueFlags are curl options that take a value, so that the value is
// not mistaken for the URL.
var curlValueFlags = map[string]bool{
	"-X": true, "--request": true, "-H": true, "--header": true,
	"-d": true, "--data": true, "--data-raw": true, "--data-binary": true, "--data-ascii": true, "--data-urlencode": true, "--json": true,
	"-u": true, "--user": true, "-b": true, "--cookie": true, "-c": true, "--cookie-jar": true,
	"-A": true, "--user-agent": true, "-e": true, "--referer": true, "-o": true, "--output": true,
	"-F": true, "--form": true, "-m": true, "--max-time": true, "--connect-timeout": true,
	"-x": true, "--proxy": true, "-w": true, "--write-out": true, "-T": true, "--upload-file": true,
	"-K": true, "--config": true, "--resolve": true, "--cacert": true, "--cert": true, "-E": true, "--key": true,
	"--retry": true, "-r": true, "--range": true, "-D": true, "--dump-header": true, "--max-redirs": true,
	"--oauth2-bearer": true, "--url": true, "-U": true, "--proxy-user": true,
}

func isCurlData(flag string) bool {
	return flag == "-d" || flag == "--json" || strings.HasPrefix(flag, "--data")
}

// parseCurl takes the URL argument of a curl line, ignoring its options. The
// body is only checked for a refresh field; its value is never kept.
func parseCurl(s string) (Target, error) {
	args, err := shellWords(s)
	if err != nil {
		return Target{}, err
	}
	var t Target
	addr, hasData := "", false
	for i := 1; i < len(args); i++ {
		a := args[i]
		flag, value, inline := a, "", false
		if strings.HasPrefix(a, "--") {
			if k, v, ok := strings.Cut(a, "="); ok {
				flag, value, inline = k, v, true
			}
		} else if len(a) > 2 && a[0] == '-' && curlValueFlags[a[:2]] {
			flag, value, inline = a[:2], a[2:], true
		}
		switch {
		case a == "--":
			if i+1 < len(args) && addr == "" {
				addr = args[i+1]
			}
			i = len(args)
			continue
		case strings.HasPrefix(a, "-") && len(a) > 1:
			if !curlValueFlags[flag] {
				continue
			}
			if !inline {
				if i+1 >= len(args) {
					continue
				}
				i++
				value = args[i]
			}
		default:
			if addr == "" {
				addr = a
			}
			continue
		}
		switch {
		case flag == "-X" || flag == "--request":
			t.Method = strings.ToUpper(value)
		case flag == "--url" && addr == "":
			addr = value
		case isCurlData(flag):
			hasData = true
			if hasRefreshField(value) {
				t.RefreshInBody = true
			}
		}
	}
	if addr == "" {
		return Target{}, fmt.Errorf("%w: the curl line has no URL argument", ErrNoBackendURL)
	}
	if t.Method == "" && hasData {
		t.Method = "POST"
	}
	u, err := parseAddress(addr, FormCurl)
	if err != nil {
		return Target{}, err
	}
	if u.Form != FormTemplate {
		u.Form = FormCurl
	}
	u.Method, u.RefreshInBody = t.Method, t.RefreshInBody
	return u, nil
}

// shellWords splits a POSIX shell line: single quotes, double quotes with
// backslash escapes, backslash-newline continuations; newlines separate
// words like spaces (DevTools' "Copy as cURL" spans lines).
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '\n' || s[i+1] == '\r'):
			i++
			if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("%w: unterminated ' quote in the curl line", ErrNoBackendURL)
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("%w: unterminated \" quote in the curl line", ErrNoBackendURL)
			}
			inWord = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// Plan is what the probe sends: First exactly, then the candidates only
// when First answers 404.
type Plan struct {
	// Base is the backend base URL the candidates hang below.
	Base string
	// First is the endpoint URL the user named (or base + chosen path).
	First string
	// Candidates are the usual refresh paths below Base, First excluded.
	Candidates []string
}

// Plan resolves the target: a template's variable from vars, a base URL
// joined with path (CandidatePaths[0] when empty).
func (t Target) Plan(path string, vars map[string]string) (Plan, error) {
	if t.Form == FormTemplate {
		value := strings.TrimSpace(vars[t.Variable])
		if value == "" {
			return Plan{}, fmt.Errorf("%w: type the value of %s", ErrTemplateValue, t.Variable)
		}
		if len(value) > MaxBackendInput {
			return Plan{}, fmt.Errorf("%w: %s is %d bytes, limit %d", ErrBackendTooLong, t.Variable, len(value), MaxBackendInput)
		}
		rest := t.URL
		if rest != "" && !strings.HasPrefix(rest, "/") && !strings.HasPrefix(rest, "?") {
			rest = "/" + rest
		}
		resolved, err := parseURL(strings.TrimRight(value, "/")+rest, "")
		if err != nil {
			return Plan{}, err
		}
		return resolved.Plan(path, nil)
	}
	if path == "" {
		path = CandidatePaths[0]
	}
	var plan Plan
	if t.Endpoint {
		u, err := url.Parse(t.URL)
		if err != nil {
			return Plan{}, fmt.Errorf("%w: %v", ErrNoBackendURL, err)
		}
		if plan.First, err = Endpoint(u.Scheme+"://"+u.Host, u.RequestURI()); err != nil {
			return Plan{}, err
		}
		plan.Base = baseOf(plan.First)
	} else {
		plan.Base = strings.TrimRight(t.URL, "/")
		first, err := Endpoint(plan.Base, path)
		if err != nil {
			return Plan{}, err
		}
		plan.First = first
	}
	for _, p := range CandidatePaths {
		e, err := Endpoint(plan.Base, p)
		if err == nil && e != plan.First {
			plan.Candidates = append(plan.Candidates, e)
		}
	}
	return plan, nil
}

// baseOf is an endpoint URL without the candidate path it ends in, or its
// origin: where the other candidates are tried.
func baseOf(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return endpoint
	}
	u.RawQuery, u.Fragment = "", ""
	path := u.EscapedPath()
	byLength := slices.Clone(CandidatePaths)
	slices.SortFunc(byLength, func(a, b string) int { return len(b) - len(a) })
	for _, p := range byLength {
		for _, suffix := range []string{p, strings.TrimSuffix(p, "/")} {
			if strings.HasSuffix(path, suffix) {
				u.Path, u.RawPath = "", ""
				return u.String() + strings.TrimSuffix(path, suffix)
			}
		}
	}
	u.Path, u.RawPath = "", ""
	return u.String()
}

// Describe says in one line what the field was read as, for the page. It
// never contains a token: the body is reduced to "has a refresh field".
func (t Target) Describe() string {
	var b strings.Builder
	b.WriteString(string(t.Form))
	if t.Form == FormTemplate {
		b.WriteString(": ${" + t.Variable + "}" + t.URL)
	} else {
		b.WriteString(": " + t.URL)
	}
	if t.Method != "" {
		b.WriteString(" · method " + t.Method)
	}
	if t.RefreshInBody {
		b.WriteString(" · its body has a refresh field (not kept; the probe sends its own invalid token)")
	}
	if t.CredentialsRemoved {
		b.WriteString(" · user:password@ removed (fetch refuses URLs with credentials)")
	}
	return b.String()
}

// BackendFinding explains why the backend field could not be probed. The
// error texts name schemes and limits, never the field's content: a curl
// line may carry tokens.
func BackendFinding(err error) diagnose.Finding {
	if errors.Is(err, ErrBackendTooLong) {
		return with(finding(diagnose.CodeBackendTooLong, diagnose.SeverityError,
			"The backend field is too long to be a backend address",
			fmt.Sprintf("The field (or a template variable's value) is read only up to %d bytes (probe.MaxBackendInput).", MaxBackendInput),
			"Type the backend's base URL ("+DefaultBackend+") or the refresh URL alone."), "error", err.Error())
	}
	title := "The backend field has no http(s) URL to probe"
	if errors.Is(err, ErrTemplateValue) {
		title = "The template needs its variable's value"
	}
	return with(finding(diagnose.CodeInvalidURL, diagnose.SeverityError, title,
		"The field takes a base URL ("+DefaultBackend+"), the refresh URL ("+DefaultBackend+CandidatePaths[0]+"), a curl line, a fetch(\"…\") or axios.post(\"…\") call, or a template such as ${process.env.BACKEND_URL}"+CandidatePaths[0]+".",
		"Type it like "+DefaultBackend+CandidatePaths[0]+"."), "error", err.Error())
}
