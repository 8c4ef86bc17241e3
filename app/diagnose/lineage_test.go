package diagnose_test

import (
	"testing"
	"time"

	"tokenscope/app/diagnose"
)

// TestJudgeLineage covers the rules on hand-made sequences the recordings
// do not have: an expired refresh token, a refusal for another reason, a
// non-rotating backend, and overlap without failure.
func TestJudgeLineage(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	tests := []struct {
		name  string
		steps []diagnose.Step
		want  []diagnose.Code
	}{
		{"overlap alone is not a race", []diagnose.Step{
			{Label: "a", Start: at(0), End: at(100), SentRefresh: "r1", SentAccess: "a1", GotRefresh: "r1", GotAccess: "a1", Delivered: true},
			{Label: "b", Start: at(5), End: at(90), SentRefresh: "r1", SentAccess: "a1", GotRefresh: "r1", GotAccess: "a1", Delivered: true},
		}, nil},
		{"expired refresh token is not a race", []diagnose.Step{
			{Label: "a", Start: at(0), End: at(100), SentRefresh: "r1", SentAccessExpired: true, GotRefresh: "r2", GotAccess: "a2", Delivered: true},
			{Label: "b", Start: at(200), End: at(300), SentRefresh: "r1", SentRefreshExpired: true, SessionError: "RefreshAccessTokenError"},
		}, []diagnose.Code{diagnose.CodeRefreshRotated, diagnose.CodeTimelineSession}},
		{"refused for another reason", []diagnose.Step{
			{Label: "a", Start: at(0), End: at(100), ClientRefresh: true, SentRefresh: "r1", GotRefresh: "r2", GotAccess: "a2"},
			{Label: "b", Start: at(10), End: at(90), ClientRefresh: true, SentRefresh: "r1", Refused: "401 (simplejwt.token_invalid)"},
		}, []diagnose.Code{diagnose.CodeRefreshRotated}},
		{"non-rotating backend, no failure", []diagnose.Step{
			{Label: "a", Start: at(0), End: at(100), SentRefresh: "r1", SentAccess: "a1", SentAccessExpired: true, GotRefresh: "r1", GotAccess: "a2", Delivered: true},
			{Label: "b", Start: at(200), End: at(300), SentRefresh: "r1", SentAccess: "a2", SentAccessExpired: true, GotRefresh: "r1", GotAccess: "a3", Delivered: true},
		}, nil},
		{"replay after a drop", []diagnose.Step{
			{Label: "a", Start: at(0), End: at(100), SentRefresh: "r1", SentAccess: "a1", SentAccessExpired: true, GotAccess: "a2"},
			{Label: "b", Start: at(200), End: at(300), SentRefresh: "r1", SentAccess: "a1", SentAccessExpired: true, GotRefresh: "r1", GotAccess: "a1", Delivered: true, SessionError: "RefreshAccessTokenError"},
		}, []diagnose.Code{diagnose.CodeStaleRefreshReused, diagnose.CodeTimelineSession}},
		{"two overlapping failures, rotation unseen", []diagnose.Step{
			{Label: "a", Start: at(0), End: at(100), ClientRefresh: true, SentRefresh: "r1", Refused: "401 (simplejwt.blacklisted)"},
			{Label: "b", Start: at(10), End: at(90), ClientRefresh: true, SentRefresh: "r1", Refused: "401 (simplejwt.blacklisted)"},
		}, []diagnose.Code{diagnose.CodeConcurrentRefresh}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := diagnose.JudgeLineage(tc.steps)
			got := map[string]bool{}
			for _, f := range l.Findings {
				got[string(f.Code)] = true
			}
			want := map[string]bool{}
			for _, c := range tc.want {
				want[string(c)] = true
			}
			if keys(got) != keys(want) {
				t.Errorf("codes %q, want %q", keys(got), keys(want))
			}
		})
	}
}
