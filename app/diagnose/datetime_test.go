package diagnose

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// dateTimePattern is the definition isDateTimeString implements by hand (so
// that the wasm app compiles no regular expression): an RFC 3339 date-time,
// with a space allowed for the T, optional seconds and fraction, and an
// optional zone.
var dateTimePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$`)

func TestIsDateTimeString(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"2026-12-26T00:00:00.000Z", true},
		{"2026-12-01T00:00:00Z", true},
		{"2026-12-01 00:00", true},
		{"2026-12-01T00:00+01:00", true},
		{"2026-12-01T00:00:00-0130", true},
		{"2026-12-01T00:00:00.123456789+01:00", true},
		{"2026-12-01T00:00:00.1234567890Z", false}, // fraction over 9 digits
		{"2026-12-01T00:00:00.Z", false},           // empty fraction
		{"2026-12-01T00:00.5Z", false},             // fraction without seconds
		{"2026-12-01", false},
		{"2026-12-01T00", false},
		{"2026-12-01t00:00", false},
		{"2026-12-01T00:00Zx", false},
		{"2026-12-01T00:00+01", false},
		{"2026-12-01T00:00+01:0", false},
		{"2026-12-01T00:00+0100:", false},
		{"x2026-12-01T00:00", false},
		{"2026-12-01T00:00\n", false},
		{"\u0662026-12-01T00:00", false}, // a non-ASCII digit is not \d
		{"20261-2-01T00:00", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isDateTimeString(tt.in); got != tt.want {
			t.Errorf("isDateTimeString(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if re := dateTimePattern.MatchString(tt.in); re != tt.want {
			t.Errorf("the pattern says %v for %q: the table is wrong", re, tt.in)
		}
	}
}

// TestIsDateTimeStringMatchesPattern mutates valid date-times at random
// (bytes replaced, inserted or removed, from an alphabet of the bytes the
// pattern cares about) and requires the hand-written check to agree with
// the pattern on every one.
func TestIsDateTimeStringMatchesPattern(t *testing.T) {
	seeds := []string{
		"2026-12-26T00:00:00.000Z", "2026-12-01 00:00", "2026-12-01T00:00:00-0130",
		"2026-12-01T00:00:00.123456789+01:00", "2026-12-01T00:00+01:00",
	}
	const alphabet = "0123456789-+:.TZ tz\x00é"
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		b := []byte(seeds[rng.IntN(len(seeds))])
		for n := rng.IntN(3) + 1; n > 0; n-- {
			at := rng.IntN(len(b) + 1)
			c := alphabet[rng.IntN(len(alphabet))]
			switch rng.IntN(3) {
			case 0:
				if at < len(b) {
					b[at] = c
				}
			case 1:
				b = append(b[:at], append([]byte{c}, b[at:]...)...)
			case 2:
				if at < len(b) {
					b = append(b[:at], b[at+1:]...)
				}
			}
		}
		s := string(b)
		if got, want := isDateTimeString(s), dateTimePattern.MatchString(s); got != want {
			t.Fatalf("isDateTimeString(%q) = %v, the pattern says %v", s, got, want)
		}
	}
}
