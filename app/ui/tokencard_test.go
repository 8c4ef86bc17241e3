package ui_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/token"
	"tokenscope/app/ui"
)

// manyTokens is a paste of token.MaxCandidates distinct tokens, one a line:
// the most cards one paste can make.
func manyTokens() string {
	var b strings.Builder
	for i := range token.MaxCandidates {
		b.WriteString("Authorization: Bearer " + manyClaims(20+i) + "\n")
	}
	return b.String()
}

// BenchmarkRenderPageManyTokens is the page's render (the virtual tree
// that go-app builds and diffs on every update) with the most cards a paste
// can make.
func BenchmarkRenderPageManyTokens(b *testing.B) {
	in := ui.NewInspector(ui.Env{Now: func() time.Time { return fuzzNow }})
	in.SetInput(manyTokens())
	if n := len(in.Report().Tokens); n != token.MaxCandidates {
		b.Fatalf("%d tokens", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		app.HTMLString(in.Render())
	}
}

func TestManyTokenCardsRenderedBounded(t *testing.T) {
	_, now := vectors(t)
	in := newInspector(now)
	in.SetInput(manyTokens())
	html := app.HTMLString(in.Render())
	for i := range token.MaxCandidates {
		// Every card keeps its id, index and form, whole or folded.
		if !strings.Contains(html, `id="token-`+strconv.Itoa(i)+`"`) || !strings.Contains(html, `data-token-index="`+strconv.Itoa(i)+`"`) {
			t.Fatalf("card %d missing", i)
		}
	}
	if got := strings.Count(html, `class="raw"`); got > ui.CardsShownWhole {
		t.Errorf("%d claim tables rendered, want at most the %d cards shown whole", got, ui.CardsShownWhole)
	}
}

func TestFoldedCardOpens(t *testing.T) {
	_, now := vectors(t)
	in := newInspector(now)
	in.SetInput(manyTokens())
	last := token.MaxCandidates - 1
	card := func() string {
		html := app.HTMLString(in.Render())
		// go-app writes attributes in map order: start at the tag.
		at := strings.Index(html, `data-token-index="`+strconv.Itoa(last)+`"`)
		html = html[strings.LastIndex(html[:at], "<article"):]
		return html[:strings.Index(html, "</article>")]
	}
	if c := card(); !strings.Contains(c, `data-folded`) || strings.Contains(c, `class="raw"`) {
		t.Fatal("the last card is not folded")
	}
	in.ShowAll("card-" + strconv.Itoa(last))
	if c := card(); strings.Contains(c, `data-folded`) || !strings.Contains(c, `class="raw"`) {
		t.Error("the opened card is not rendered whole")
	}
}
