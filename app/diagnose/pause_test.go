package diagnose_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/internal/testvectors"
)

// A paused run finds exactly what an uninterrupted one finds; a pause that
// fails stops the run and comes back as its error, with no report.
func TestRunPaused(t *testing.T) {
	tok := loadVectors(t).Get(t, "access_valid").Token
	text := testvectors.PlainTextWithToken(1<<20, tok) + "Authorization: Bearer " + tok + "x\n"
	opts := diagnose.Options{Now: time.Unix(1_800_000_000, 0)}
	want := diagnose.Run(text, opts)

	pauses := 0
	opts.Pause = func(scanned, total int) error {
		pauses++
		if scanned > total {
			t.Errorf("scanned %d of %d", scanned, total)
		}
		return nil
	}
	got, err := diagnose.RunPaused(text, opts)
	if err != nil {
		t.Fatalf("RunPaused: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("a paused run's report differs from Run's")
	}
	if pauses < 16 {
		t.Errorf("%d pauses for 1 MiB, want one per 64 KiB at least", pauses)
	}

	cancelled := errors.New("superseded")
	for _, stopAt := range []int{0, 3, pauses - 2} {
		n := 0
		opts.Pause = func(int, int) error {
			n++
			if n > stopAt {
				return cancelled
			}
			return nil
		}
		r, err := diagnose.RunPaused(text, opts)
		if !errors.Is(err, cancelled) {
			t.Errorf("stop at pause %d: err %v, want the pause's error", stopAt, err)
		}
		if len(r.Findings) > 0 || len(r.Tokens) > 0 {
			t.Errorf("stop at pause %d: a cancelled run returned %d findings", stopAt, len(r.Findings))
		}
	}
}
