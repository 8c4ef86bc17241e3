package ui

import (
	"tokenscope/app/diagnose"
	"tokenscope/app/token"
)

// explainClaim is the note beside a claim: its time in UTC and the
// viewer's zone for exp, iat and nbf, else what diagnose says it means.
func (in *Inspector) explainClaim(t diagnose.TokenReport, m token.Member) string {
	label, isTime := diagnose.TimeClaimLabels[m.Key]
	if !isTime {
		return diagnose.ClaimMeaning(m)
	}
	inst, ok := t.NumericDate(m.Key)
	if !ok {
		return label + ": not a valid NumericDate"
	}
	utc, local, rel := describeInstant(inst.Time, in.report.Now, in.env.Zone)
	return label + " " + rel + " · " + utc + " · " + local
}
