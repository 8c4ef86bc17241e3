package ui_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/ui"
	"tokenscope/internal/testvectors"
)

// revealStage is what one render of the page draws of its report.
type revealStage struct {
	findings, cards            int
	findingsBusy, tokensBusy   bool
	findingsTitle, tokensTitle bool
}

func stageOf(in *ui.Inspector) revealStage {
	html := app.HTMLString(in.Render())
	return revealStage{
		findings:      strings.Count(html, `class="finding `),
		cards:         strings.Count(html, `data-token-index=`),
		findingsBusy:  busySection(html, "findings"),
		tokensBusy:    busySection(html, "tokens"),
		findingsTitle: strings.Contains(html, `id="findings-title"`),
		tokensTitle:   strings.Contains(html, `id="tokens-title"`),
	}
}

// busySection reports whether the <section> with id says aria-busy.
func busySection(html, id string) bool {
	for _, tag := range regexp.MustCompile(`<section[^>]*>`).FindAllString(html, -1) {
		if strings.Contains(tag, `id="`+id+`"`) {
			// go-app's HTML encoder writes aria-busy="true" as a bare
			// aria-busy; the page sets it through the DOM as "true".
			return strings.Contains(tag, ` aria-busy`)
		}
	}
	return false
}

// revealStages steps the test engine until the page has drawn all of its
// report, and returns every distinct stage it went through.
func revealStages(t *testing.T, in *ui.Inspector, e app.TestEngine) []revealStage {
	t.Helper()
	var stages []revealStage
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		consumeNext(t, e) // one dispatch at a time: ConsumeAll would run every batch
		s := stageOf(in)
		if len(stages) == 0 || stages[len(stages)-1] != s {
			stages = append(stages, s)
		}
		r := in.Report()
		if s.findings == len(r.Findings) && s.cards == len(r.Tokens) && !s.findingsBusy && !s.tokensBusy && len(r.Tokens) > 0 {
			return stages
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page never drew all of its report: stages %+v", stages)
		}
	}
}

// TestRevealLargeResultInBatches: a report too large to draw in one task
// (the flood of malformed tokens: 67 findings, 64 cards) is drawn a batch a
// task, findings first, token cards last; each section says aria-busy until
// its last batch.
func TestRevealLargeResultInBatches(t *testing.T) {
	_, now := vectors(t)
	in, e := mountedWith(t, now, passingYield{}.yield)
	in.SetInput(testvectors.ChunkedCookieFlood(1 << 20))
	stages := revealStages(t, in, e)
	r := in.Report()
	if len(r.Findings) < 60 || len(r.Tokens) < 60 {
		t.Fatalf("the flood gave %d findings and %d tokens, want 60 and more of each", len(r.Findings), len(r.Tokens))
	}
	var partial, cardsHeld int
	prev := revealStage{}
	for _, s := range stages {
		if s.findings < prev.findings || s.cards < prev.cards {
			t.Errorf("a batch took findings or cards away: %+v after %+v", s, prev)
		}
		if s.findings > 0 && s.findings < len(r.Findings) {
			partial++
			if !s.findingsBusy {
				t.Errorf("%d of %d findings drawn without aria-busy", s.findings, len(r.Findings))
			}
			if s.cards > 0 {
				t.Errorf("%d cards drawn before the last finding", s.cards)
			}
		}
		if s.findings > 0 && s.cards < len(r.Tokens) {
			cardsHeld++
			if !s.tokensBusy || !s.tokensTitle {
				t.Errorf("%d of %d cards drawn: want section#tokens with its title and aria-busy", s.cards, len(r.Tokens))
			}
		}
		prev = s
	}
	if partial < 3 {
		t.Errorf("the findings came in %d partial stages, want 3 or more (%d nodes a task): %+v", partial, ui.RevealNodesPerTask, stages)
	}
	if cardsHeld < 2 {
		t.Errorf("the cards came in %d stages after the findings, want 2 or more: %+v", cardsHeld, stages)
	}
}

// TestRevealSmallResultAtOnce: a short run's small report is drawn in one
// render, never aria-busy.
func TestRevealSmallResultAtOnce(t *testing.T) {
	vs, now := vectors(t)
	in, e := mountedWith(t, now, passingYield{}.yield)
	in.SetInput(vs["access_valid"])
	for _, s := range revealStages(t, in, e) {
		if s.findingsBusy || s.tokensBusy {
			t.Errorf("a one-token report was drawn in stages: %+v", s)
		}
	}
}

// TestRevealNewerReportTakesOver: a new paste while a large report is being
// drawn is drawn whole; the old reveal does not hold any of it back.
func TestRevealNewerReportTakesOver(t *testing.T) {
	vs, now := vectors(t)
	in, e := mountedWith(t, now, passingYield{}.yield)
	in.SetInput(testvectors.ChunkedCookieFlood(1 << 20))
	for deadline := time.Now().Add(30 * time.Second); !stageOf(in).findingsBusy; time.Sleep(time.Millisecond) {
		consumeNext(t, e)
		if time.Now().After(deadline) {
			t.Fatal("the flood's findings were never drawn in part")
		}
	}
	in.SetInput(vs["access_valid"])
	stages := revealStages(t, in, e)
	last := stages[len(stages)-1]
	if last.findings != len(in.Report().Findings) || last.cards != 1 {
		t.Errorf("after the second paste the page drew %+v", last)
	}
}

// consumeNext is e.ConsumeNext, which waits for good when no dispatch comes,
// bounded.
func consumeNext(t *testing.T, e app.TestEngine) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		e.ConsumeNext()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("no dispatch came in 10 s: the page stopped drawing its report half way")
	}
}

// passingYield hands back at once: runs and reveals go on as in the page,
// without a browser in between.
type passingYield struct{}

func (passingYield) yield(ctx context.Context) error { return ctx.Err() }
