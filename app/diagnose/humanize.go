package diagnose

import (
	"fmt"
	"strings"
	"time"
)

// Span writes a duration the way people say it: "3 h 12 min", "4 min 10 s",
// "2 d 3 h". Two units at most; seconds are dropped above an hour.
func Span(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Second)
	if d < time.Second {
		return "0 s"
	}
	days := int64(d / (24 * time.Hour))
	hours := int64(d/time.Hour) % 24
	mins := int64(d/time.Minute) % 60
	secs := int64(d/time.Second) % 60
	switch {
	case days > 0:
		return joinUnits(unit(days, "d"), unit(hours, "h"))
	case hours > 0:
		return joinUnits(unit(hours, "h"), unit(mins, "min"))
	case mins > 0:
		return joinUnits(unit(mins, "min"), unit(secs, "s"))
	default:
		return unit(secs, "s")
	}
}

func unit(n int64, name string) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d %s", n, name)
}

func joinUnits(parts ...string) string {
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// Relative says when t is seen from now: "in 4 min 10 s" or "3 h 12 min ago".
func Relative(t, now time.Time) string {
	d := t.Sub(now)
	switch {
	case d.Abs() < time.Second:
		return "now"
	case d > 0:
		return "in " + Span(d)
	default:
		return Span(d) + " ago"
	}
}

// UTC formats an instant for evidence: RFC 3339 in UTC.
func UTC(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }
