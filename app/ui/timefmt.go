package ui

import (
	"time"

	"tokenscope/app/diagnose"
)

// formatLocal shows an instant on the viewer's wall clock with the zone name.
func formatLocal(t time.Time, z Zone) string {
	return t.In(z.Location()).Format("2006-01-02 15:04:05") + " " + z.Name()
}

// describeInstant is the claims-table text for exp, iat, nbf.
func describeInstant(t, now time.Time, z Zone) (utc, local, relative string) {
	return diagnose.UTC(t), formatLocal(t, z), diagnose.Relative(t, now)
}
