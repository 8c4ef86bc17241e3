package diagnose

import (
	"fmt"
	"strings"

	"tokenscope/app/token"
)

// checkLog adds the findings of the server log lines in the paste.
func (r *Report) checkLog(text string) {
	fs := ScanLog(text)
	if len(fs) == 0 {
		return
	}
	r.logFound = true
	r.Findings = append(r.Findings, fs...)
}

// pastedSession is one decrypted session of the paste with its backend
// tokens, named by jti.
type pastedSession struct {
	index           int
	refresh, access string
	err             string
}

// checkPastedLineage gives two or more sessions pasted one after another
// (before and after a refresh) the lineage a HAR gets: consecutive sessions
// are the states before and after a request, in paste order.
func (r *Report) checkPastedLineage() {
	var sessions []pastedSession
	for _, tr := range r.Tokens {
		if tr.Parent >= 0 || tr.Session == nil || tr.Session.Secret == 0 {
			continue
		}
		s := pastedSession{index: tr.Index}
		if m, ok := tr.Claim("error"); ok {
			s.err = m.Text()
		}
		for _, nested := range r.Tokens {
			if nested.Parent != tr.Index {
				continue
			}
			id := nested.SimpleJWT.JTI
			if id == "" {
				id = "token " + fmt.Sprint(nested.Index+1)
			}
			switch {
			case nested.Role == token.RoleRefresh || nested.SimpleJWT.TokenType == "refresh":
				s.refresh = id
			case nested.Role == token.RoleAccess || nested.SimpleJWT.TokenType == "access":
				s.access = id
			}
		}
		if s.refresh != "" {
			sessions = append(sessions, s)
		}
	}
	if len(sessions) < 2 {
		return
	}
	steps := make([]Step, 0, len(sessions)-1)
	for i := 1; i < len(sessions); i++ {
		prev, cur := sessions[i-1], sessions[i]
		st := Step{
			Label:       fmt.Sprintf("session %d → session %d (tokens %d, %d)", i, i+1, prev.index+1, cur.index+1),
			SentRefresh: prev.refresh, SentAccess: prev.access,
			GotRefresh: cur.refresh, GotAccess: cur.access,
			Delivered: true, SessionError: cur.err,
		}
		if cur.err != "" {
			// A failed refresh leaves the session with the token it tried.
			st.SentRefresh, st.SentAccess = cur.refresh, cur.access
		}
		steps = append(steps, st)
	}
	l := JudgeLineage(steps)
	for _, f := range l.Findings {
		if f.Code == CodeTimelineSession {
			continue // session.error already reports each pasted session's marker
		}
		f.Evidence = append(f.Evidence, Evidence{Name: "from", Value: "sessions pasted one after another, in paste order: " + strings.TrimSpace(fmt.Sprint(len(sessions))) + " sessions"})
		r.Findings = append(r.Findings, f)
	}
}
