package browser

import (
	"fmt"
	"time"
)

// offsetLabel names a zone by its offset at t ("UTC", "UTC+1", "UTC-3:30")
// for when no IANA name is known.
func offsetLabel(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	h, m := off/3600, off%3600/60
	if m == 0 {
		return fmt.Sprintf("UTC%s%d", sign, h)
	}
	return fmt.Sprintf("UTC%s%d:%02d", sign, h, m)
}
