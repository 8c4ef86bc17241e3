package token_test

import (
	"errors"
	"testing"

	"tokenscope/app/token"
	"tokenscope/internal/testvectors"
)

// The page slices a big extraction with the pause hook: it must be called
// often enough that no slice runs long (within one long line and one big
// JSON document too), report progress that only grows, find exactly what
// Extract finds, and stop when the hook says so.
func TestExtractPausedCallsThePauseOften(t *testing.T) {
	tok := loadVectors(t).Get(t, "access_valid").Token
	for _, c := range []struct {
		name string
		text string
	}{
		{"plain text", testvectors.PlainTextWithToken(token.MaxInputBytes, tok)},
		{"one Cookie header", testvectors.ChunkedCookieFlood(1 << 20)},
		{"one JSON document", testvectors.NestedJSON(1<<20, 60, tok)},
		{"headers then JSON", "Authorization: Bearer " + tok + "\n" + testvectors.NestedJSON(1<<20, 3, tok)},
	} {
		t.Run(c.name, func(t *testing.T) {
			var calls []int
			var total int
			got, err := token.ExtractPaused(c.text, func(scanned, all int) error {
				calls = append(calls, scanned)
				total = all
				return nil
			})
			if err != nil {
				t.Fatalf("ExtractPaused: %v", err)
			}
			if want := token.Extract(c.text); len(got.Candidates) != len(want.Candidates) || len(got.Objects) != len(want.Objects) {
				t.Errorf("found %d candidates and %d objects, Extract %d and %d", len(got.Candidates), len(got.Objects), len(want.Candidates), len(want.Objects))
			}
			if len(calls) == 0 || calls[len(calls)-1] != total {
				t.Fatalf("calls %v: the last one must report all %d bytes", calls, total)
			}
			last := 0
			for _, n := range calls {
				if n < last {
					t.Fatalf("progress went back from %d to %d", last, n)
				}
				// A cookie or JSON member ends a step: allow one more
				// line of the vectors' size.
				if n-last > token.PauseEveryBytes+4096 {
					t.Fatalf("%d bytes scanned between two pauses, want at most %d", n-last, token.PauseEveryBytes)
				}
				last = n
			}
		})
	}
}

func TestExtractPausedStopsWhenThePauseFails(t *testing.T) {
	tok := loadVectors(t).Get(t, "access_valid").Token
	cancelled := errors.New("cancelled")
	for _, text := range []string{
		testvectors.PlainTextWithToken(1<<20, tok),
		testvectors.ChunkedCookieFlood(1 << 20),
		testvectors.NestedJSON(1<<20, 60, tok),
	} {
		calls := 0
		_, err := token.ExtractPaused(text, func(scanned, total int) error {
			calls++
			if scanned > 256<<10 {
				return cancelled
			}
			return nil
		})
		if !errors.Is(err, cancelled) {
			t.Errorf("err %v, want the pause's error", err)
		}
		if limit := 256<<10/token.PauseEveryBytes + 2; calls > limit {
			t.Errorf("%d pauses after the cancel point, want it to stop at once (%d)", calls, limit)
		}
	}
}
