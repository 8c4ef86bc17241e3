package diagnose

import (
	"fmt"
	"strings"
	"time"
)

// TimelineRow is one entry of a HAR timeline as the export shows it. It
// holds no token text: tokens are named by type and jti (or a hash).
type TimelineRow struct {
	// Label names the request: "#5 GET /api/auth/session" (path only).
	Label      string
	Start, End time.Time
	Status     int
	// Sent and Received are "refresh f2c0e3eb…"-style names.
	Sent, Received []string
	SessionError   string
	// Overlaps are the HAR indexes of the entries this one overlaps.
	Overlaps []int
}

// maxExportRows bounds the timeline rows written into the export; the
// findings already name the entries that matter.
const maxExportRows = 200

// writeTimeline adds the timeline table. Every cell that came from the file
// goes through x.text (typed secrets and credentials removed, Markdown
// escaped); jtis pass, since they identify tokens without being them.
func (x *redactor) writeTimeline(b *strings.Builder) {
	rows := x.r.Timeline
	if len(rows) == 0 {
		return
	}
	b.WriteString("### Timeline\n\n| Start (UTC) | ms | Request | Status | Sent | Received | Notes |\n|---|---|---|---|---|---|---|\n")
	for i, row := range rows {
		if i == maxExportRows {
			fmt.Fprintf(b, "\n%d more rows not exported.\n", len(rows)-maxExportRows)
			break
		}
		var notes []string
		if row.SessionError != "" {
			notes = append(notes, "error "+row.SessionError)
		}
		if len(row.Overlaps) > 0 {
			var ov []string
			for _, o := range row.Overlaps {
				ov = append(ov, fmt.Sprintf("#%d", o))
			}
			notes = append(notes, "overlaps "+strings.Join(ov, ", "))
		}
		start := "—"
		if !row.Start.IsZero() {
			start = row.Start.UTC().Format("15:04:05.000")
		}
		fmt.Fprintf(b, "| %s | %d | %s | %d | %s | %s | %s |\n", start, row.End.Sub(row.Start).Milliseconds(),
			x.text(row.Label), row.Status, x.text(strings.Join(row.Sent, ", ")), x.text(strings.Join(row.Received, ", ")), x.text(strings.Join(notes, "; ")))
	}
	b.WriteString("\n")
	x.writeLineage(b)
}

// writeLineage lists the refresh-token lineage under the timeline: which
// response replaced which refresh token, when, and whether the new one was
// stored. Tokens are named by jti (or hash) only, through x.text like every
// other cell.
func (x *redactor) writeLineage(b *strings.Builder) {
	rows, rots := x.r.Timeline, x.r.TimelineRotations
	if len(rots) == 0 {
		return
	}
	b.WriteString("Refresh-token lineage:\n\n")
	for i, r := range rots {
		if i == maxExportRows {
			fmt.Fprintf(b, "\n%d more rotations not exported.\n", len(rots)-maxExportRows)
			break
		}
		at, when := "an unknown request", ""
		if r.Step >= 0 && r.Step < len(rows) {
			at = rows[r.Step].Label
			if !rows[r.Step].Start.IsZero() {
				when = " at " + rows[r.Step].Start.UTC().Format("15:04:05.000")
			}
		}
		stored := "stored"
		if !r.Delivered {
			stored = "not stored (the next requests still carry the old one)"
		}
		fmt.Fprintf(b, "%d. %s%s replaced refresh %s with %s: %s\n", i+1, x.text(at), when, x.text(r.From), x.text(r.To), stored)
	}
	b.WriteString("\n")
}
