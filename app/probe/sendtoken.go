package probe

import (
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/app/token"
)

// RefreshToSend picks the token a real refresh sends from the analysed
// paste: the first well-formed token whose token_type claim is "refresh",
// else the first found under a refresh name (backendRefresh, refresh_token).
// Local says what the page knows about it, "expired" judged with the
// report's leeway at now, exactly as diagnose judges jwt.expired.
func RefreshToSend(rep diagnose.Report, now time.Time) (diagnose.TokenReport, Local, bool) {
	pick := func(ok func(diagnose.TokenReport) bool) (diagnose.TokenReport, bool) {
		for _, t := range rep.Tokens {
			if ok(t) && !t.Malformed() {
				return t, true
			}
		}
		return diagnose.TokenReport{}, false
	}
	t, ok := pick(func(t diagnose.TokenReport) bool { return t.SimpleJWT.TokenType == "refresh" })
	if !ok {
		t, ok = pick(func(t diagnose.TokenReport) bool { return t.Role == token.RoleRefresh })
	}
	if !ok {
		return diagnose.TokenReport{}, Local{Index: -1}, false
	}
	return t, LocalOf(t, now, rep.Leeway), true
}

// LocalOf is what the page knows about a token it sends.
func LocalOf(t diagnose.TokenReport, now time.Time, leeway time.Duration) Local {
	l := Local{Known: t.Exp != nil, Type: t.SimpleJWT.TokenType, Index: t.Index}
	if t.Exp != nil {
		l.Exp = t.Exp.Time
		l.Expired = diagnose.Expired(t.Exp.Time, now, leeway)
	}
	return l
}
