package diagnose_test

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"tokenscope/app/diagnose"
)

// TestTimelineExportNeverLeaks: timeline rows and lineage whose every
// file-derived string (request label, token names, session error, rotation
// ids) carries a random credential or a typed secret export none of them,
// and the lineage still names the rows by request and time.
func TestTimelineExportNeverLeaks(t *testing.T) {
	rng := rand.New(rand.NewSource(20261201))
	start := time.Date(2026, 11, 30, 7, 11, 0, 0, time.UTC)
	const typed = "harfixtures-typed-secret-0123456789"
	for n := range propertyCases {
		var planted []string
		cred := func() string {
			c := randomCredential(rng)
			planted = append(planted, c)
			return wrap(rng, c)
		}
		r := diagnose.Report{Now: fuzzNow}
		for i := range 1 + rng.Intn(4) {
			r.Timeline = append(r.Timeline, diagnose.TimelineRow{
				Label:  "#" + string(rune('0'+i)) + " GET /api/auth/session?token=" + cred(),
				Start:  start.Add(time.Duration(i) * time.Second),
				End:    start.Add(time.Duration(i)*time.Second + 150*time.Millisecond),
				Status: 200, Sent: []string{"refresh " + cred()}, Received: []string{"access " + typed},
				SessionError: "RefreshAccessTokenError " + cred(), Overlaps: []int{i + 1},
			})
		}
		for i := range r.Timeline {
			r.TimelineRotations = append(r.TimelineRotations, diagnose.Rotation{Step: i, From: cred(), To: "f2c0e3eb091f4ac4bef77d4c3f3b1eae", Delivered: i%2 == 0})
		}
		md := diagnose.Markdown(r, typed)
		if l := leaks(md, append(planted, typed)...); len(l) > 0 {
			t.Fatalf("case %d leaks %v\nexport:\n%s", n, l, md)
		}
		if !strings.Contains(md, "### Timeline") || !strings.Contains(md, "Refresh-token lineage:") {
			t.Fatalf("case %d: no timeline or lineage in\n%s", n, md)
		}
		if !strings.Contains(md, "07:11:00.000 replaced refresh") || !strings.Contains(md, "with f2c0e3eb091f4ac4bef77d4c3f3b1eae") {
			t.Fatalf("case %d: the lineage lost its time or its jti:\n%s", n, md)
		}
		if len(r.TimelineRotations) > 1 && !strings.Contains(md, "not stored") {
			t.Fatalf("case %d: a dropped rotation is not said:\n%s", n, md)
		}
	}
}
