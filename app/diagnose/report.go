package diagnose

import (
	"sort"
	"time"

	"tokenscope/app/token"
)

// Options are the inputs of an analysis besides the text.
type Options struct {
	// Now is the instant every time check uses. Required: the caller owns the
	// clock so tests and the page can pin it.
	Now time.Time
	// Leeway is the clock tolerance applied to exp, nbf and iat. SimpleJWT's
	// default LEEWAY is 0; NextAuth decodes its session with 15 s.
	Leeway time.Duration
	// SecretText is the secrets box as typed: one secret per line, or a
	// pasted .env block (ParseSecrets). Every secret is tried to open
	// session tokens and to verify HS* signatures. Secrets never enter the
	// Report: findings name them by variable name or line.
	SecretText string
	// SessionCookie is the cookie name a bare pasted session token is taken
	// to come from; Auth.js derives its key from it. Empty: the default name
	// for the token's format.
	SessionCookie string
	// Keys check JWS signatures (SimpleJWT's SIGNING_KEY, a PEM, a JWK(S)).
	Keys []token.VerifyKey
	// KeyText is a key as typed, parsed with token.ParseVerifyKeys and added
	// to Keys; KeyBase64 says an HMAC secret in it is base64.
	KeyText   string
	KeyBase64 bool
	// Pause, when set, is called at bounded intervals of work (every
	// token.PauseEveryBytes of text scanned, and between tokens) with the
	// bytes scanned so far of the total analysed; an error it returns stops
	// the analysis (RunPaused returns it). The page yields to the browser in
	// it and cancels stale runs through it. Nil: one uninterrupted run.
	Pause func(scanned, total int) error
}

// TokenReport is one decoded token with the facts the page shows about it.
type TokenReport struct {
	token.Token
	Index int
	// Parent is the index of the token this one was found inside; -1 for
	// tokens found in the paste itself.
	Parent int
	// Role is what the token's name (cookie, JSON field) says it is for.
	Role token.Role
	Exp  *token.Instant
	Iat  *token.Instant
	Nbf  *token.Instant
	// Lifetime is exp − iat when both are present.
	Lifetime  time.Duration
	SimpleJWT token.SimpleJWT
	// Session describes how a session token was opened; nil for others.
	Session *SessionInfo
	// Lifetimes puts a decrypted session's exp beside those of the backend
	// tokens inside it.
	Lifetimes []Lifetime
	// Signature is the outcome of checking the signature with typed keys.
	Signature *token.Verification
}

// SessionInfo says what kind of session token this is and how it opened.
type SessionInfo struct {
	Format token.SessionFormat
	// Salt is the cookie name the key was derived with.
	Salt string
	// Secret is the 1-based position of the typed secret that fit; 0 when
	// none did (or none was typed).
	Secret int
	// SecretLabel names the secret that fit ("NEXTAUTH_SECRET (line 3)");
	// SecretLine is the box line it is on.
	SecretLabel string
	SecretLine  int
	KidMatched  bool
}

// Lifetime is one row of the side-by-side expiry table.
type Lifetime struct {
	Label string // "session", "backendAccess", ...
	Exp   *token.Instant
}

// Report is the one model every part reads: the page renders it, the export
// serialises it, and later stages (decryption, probes) add to it.
type Report struct {
	Now        time.Time
	Leeway     time.Duration
	InputBytes int
	Tokens     []TokenReport
	Findings   []Finding
	// Objects are the JSON objects of the paste, for the session checks.
	Objects []token.Object
	// Timeline is the HAR timeline the page analysed beside the paste
	// (timeline.Timeline.Rows); the export shows it. Empty for a paste.
	Timeline []TimelineRow
	// TimelineRotations is the timeline's refresh-token lineage: Step
	// indexes Timeline. The export lists it under the table.
	TimelineRotations []Rotation

	truncated bool
	// logFound says the paste held server log lines (ScanLog found some).
	logFound bool

	// opts holds the secrets and keys while Run works; cleared before Run
	// returns so no secret outlives the analysis inside the Report.
	opts Options
	// secrets and boxKeys are the parsed secrets box, cleared with opts.
	secrets []Secret
	boxKeys []boxKey
	// signatures are the tokens whose signature is checked once every
	// session is open, so the blame rule knows which secret opened which.
	signatures []int
}

// Run analyses pasted text. A Pause that fails leaves a partial Report:
// callers that set one use RunPaused.
func Run(text string, opts Options) Report {
	r, _ := RunPaused(text, opts)
	return r
}

// RunPaused is Run calling opts.Pause between slices of the work; when the
// pause returns an error the analysis stops there and RunPaused returns an
// empty Report and that error.
func RunPaused(text string, opts Options) (Report, error) {
	r := Report{Now: opts.Now, Leeway: opts.Leeway, InputBytes: len(text), opts: opts}
	pause := func(int, int) error { return nil }
	if opts.Pause != nil {
		pause = opts.Pause
	}
	ex, err := token.ExtractPaused(text, token.Pause(opts.Pause))
	if err != nil {
		return Report{}, err
	}
	done := ex.AnalysedBytes
	r.Objects = ex.Objects
	r.readSecrets()
	for _, c := range ex.Candidates {
		// A candidate costs a decryption per secret: a pause for each.
		if err := pause(done, done); err != nil {
			return Report{}, err
		}
		r.addToken(c, -1)
	}
	for _, i := range r.signatures {
		if err := pause(done, done); err != nil {
			return Report{}, err
		}
		r.checkSignature(i)
	}
	if err := pause(done, done); err != nil {
		return Report{}, err
	}
	r.checkLog(text[:ex.AnalysedBytes])
	if err := pause(done, done); err != nil {
		return Report{}, err
	}
	r.checkInput(text, ex)
	r.checkObjects(ex.Objects)
	r.checkPastedLineage()
	r.checkCookieSizes(ex.CookieHeaders)
	r.sortFindings()
	r.opts, r.secrets, r.boxKeys, r.signatures = Options{}, nil, nil, nil
	return r, nil
}

// addToken decodes a candidate, judges it, and descends into tokens nested in
// its payload.
func (r *Report) addToken(c token.Candidate, parent int) {
	if len(r.Tokens) >= token.MaxCandidates {
		r.truncated = true // tokens nested in tokens count against the same cap
		return
	}
	t := token.Decode(c)
	tr := TokenReport{Token: t, Index: len(r.Tokens), Parent: parent, Role: token.RoleOf(c.Source.LeafName())}
	tr.fillTimes()
	tr.SimpleJWT = t.SimpleJWTFacts()
	r.Tokens = append(r.Tokens, tr)
	if parent < 0 && t.Form == token.FormJWE {
		r.openSession(tr.Index)
		return
	}
	r.judgeToken(tr)
	if parent < 0 {
		for _, nested := range t.NestedCandidates() {
			r.addToken(nested, tr.Index)
		}
		r.compareLifetimes(tr.Index)
	}
}

func (tr *TokenReport) fillTimes() {
	if v, ok := tr.NumericDate("exp"); ok {
		tr.Exp = &v
	}
	if v, ok := tr.NumericDate("iat"); ok {
		tr.Iat = &v
	}
	if v, ok := tr.NumericDate("nbf"); ok {
		tr.Nbf = &v
	}
	if tr.Exp != nil && tr.Iat != nil {
		tr.Lifetime = tr.Exp.Time.Sub(tr.Iat.Time)
	}
}

func (r *Report) add(f Finding) *Finding {
	r.Findings = append(r.Findings, f)
	return &r.Findings[len(r.Findings)-1]
}

// sortFindings puts the worst first; ties keep token order, then emission
// order, so the page never reshuffles between keystrokes.
func (r *Report) sortFindings() {
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		return a.Token < b.Token
	})
}

// AddFindings merges findings from later stages (the refresh probe) into the
// report, keeping the worst-first order.
func (r *Report) AddFindings(fs ...Finding) {
	r.Findings = append(r.Findings, fs...)
	r.sortFindings()
}

// FindingsFor returns the findings about token i, in report order.
func (r Report) FindingsFor(i int) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Token == i {
			out = append(out, f)
		}
	}
	return out
}

// Worst is the highest severity in the report; SeverityOK when it is empty.
func (r Report) Worst() Severity {
	if len(r.Findings) == 0 {
		return SeverityOK
	}
	return r.Findings[0].Severity
}

// WorstFor is the highest severity among token i's findings (its card's
// badge); SeverityOK when it has none.
func (r Report) WorstFor(i int) Severity {
	worst := SeverityOK
	for _, f := range r.FindingsFor(i) {
		if f.Severity.Rank() < worst.Rank() {
			worst = f.Severity
		}
	}
	return worst
}

// Has reports whether any finding carries code.
func (r Report) Has(code Code) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}
