package browser

import (
	"testing"
	"time"
)

func TestOffsetLabel(t *testing.T) {
	for _, tc := range []struct {
		off  int
		want string
	}{
		{0, "UTC"},
		{3600, "UTC+1"},
		{-3 * 3600, "UTC-3"},
		{5*3600 + 1800, "UTC+5:30"},
		{-(3*3600 + 1800), "UTC-3:30"},
		{5*3600 + 45*60, "UTC+5:45"},
	} {
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("", tc.off))
		if got := offsetLabel(at); got != tc.want {
			t.Errorf("offset %d: got %q, want %q", tc.off, got, tc.want)
		}
	}
}
