package ui_test

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
	"tokenscope/app/ui"
	"tokenscope/internal/testvectors"
)

func TestPasteSmallLeftToTheBrowser(t *testing.T) {
	vs, now := vectors(t)
	in := newInspector(now)
	if _, handled := in.PasteText(vs["access_valid"]); handled {
		t.Error("a small paste was taken from the browser")
	}
}

func TestPasteBigKeptInMemory(t *testing.T) {
	vs, now := vectors(t)
	text := testvectors.PlainTextWithToken(10<<20, vs["access_valid"])
	in := newInspector(now)
	box, handled := in.PasteText(text)
	if !handled {
		t.Fatal("a 10 MiB paste was left to the browser")
	}
	if len(box) > ui.PastePreviewBytes || !strings.HasPrefix(text, box) || !utf8.ValidString(box) || !strings.HasSuffix(box, "\n") {
		t.Errorf("preview of %d bytes, want a prefix of at most %d ending a line", len(box), ui.PastePreviewBytes)
	}
	in.Analyse()
	r := in.Report()
	if !r.Has(diagnose.CodeInputTooLarge) || !r.Has(diagnose.CodeSimpleJWT) {
		t.Errorf("findings %v: want input.too_large and the token's", r.Findings)
	}
	if r.InputBytes != len(text) {
		t.Errorf("analysis read %d bytes of input, want the whole paste held in memory (%d)", r.InputBytes, len(text))
	}
	html := app.HTMLString(in)
	for _, want := range []string{
		"Pasted 10.0 MiB; showing the first 16.0 KiB; analysed the first 4.0 MiB.",
		"Typing in the box replaces the pasted text",
		`id="input-clear"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	// Any paste while one is held replaces it, a small one too: the box
	// holds only a preview to insert into.
	box, handled = in.PasteText(vs["refresh_valid"])
	if !handled || box != vs["refresh_valid"] {
		t.Errorf("small paste over a held one: handled %v, box %.20q", handled, box)
	}
	in.Analyse()
	if html := app.HTMLString(in); strings.Contains(html, "paste-summary") {
		t.Error("the summary outlived the paste it describes")
	}

	in.PasteText(text)
	in.ClearInput()
	if html := app.HTMLString(in); strings.Contains(html, "paste-summary") || in.Report().InputBytes != 0 {
		t.Error("clearing kept the paste")
	}
}

func TestPasteBigUnderTheCapAnalysedWhole(t *testing.T) {
	vs, now := vectors(t)
	text := testvectors.PlainTextWithToken(1<<20, vs["access_valid"])
	in := newInspector(now)
	if _, handled := in.PasteText(text); !handled {
		t.Fatal("a 1 MiB paste was left to the browser")
	}
	in.Analyse()
	if in.Report().Has(diagnose.CodeInputTooLarge) {
		t.Error("input.too_large for a paste under the cap")
	}
	if html := app.HTMLString(in); !strings.Contains(html, "analysed all of it.") {
		t.Error("the summary does not say all of it was analysed")
	}
}

// manyClaims is a token whose payload has n claims.
func manyClaims(n int) string {
	var b strings.Builder
	b.WriteString(`{"exp":1895706169`)
	for i := range n {
		fmt.Fprintf(&b, `,"claim_%03d":%d`, i, i)
	}
	b.WriteByte('}')
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(b.String())) + ".c2ln"
}

func TestClaimRowsLimited(t *testing.T) {
	_, now := vectors(t)
	in := newInspector(now)
	in.SetInput(manyClaims(120))
	html := app.HTMLString(in)
	if got := strings.Count(html, `data-claim="claim_`); got != ui.MaxMemberRows-1 { // exp is the first row
		t.Errorf("%d claim rows rendered, want %d", got, ui.MaxMemberRows-1)
	}
	for _, want := range []string{"Payload claims (showing 50 of 121)", `id="show-all-claims-0"`, "Show all 121 claims", `aria-controls="claims-0"`, `<button`} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if md := diagnose.Markdown(in.Report()); !strings.Contains(md, "claim_119") {
		t.Error("the export lost claims past the rendered rows")
	}

	small := newInspector(now)
	small.SetInput(manyClaims(ui.MaxMemberRows - 1))
	if html := app.HTMLString(small); strings.Contains(html, "show-all") || strings.Contains(html, "showing") {
		t.Error("a table within the limit offers to show all")
	}
}

func TestClaimRowsShowAll(t *testing.T) {
	_, now := vectors(t)
	in := newInspector(now)
	in.SetInput(manyClaims(120))
	in.ShowAll("claims-0")
	html := app.HTMLString(in)
	if got := strings.Count(html, `data-claim="claim_`); got != 120 {
		t.Errorf("%d claim rows after show all, want 120", got)
	}
	if strings.Contains(html, "show-all-claims-0") {
		t.Error("the button stays after showing all")
	}
	in.SetInput(manyClaims(120) + " ")
	if html := app.HTMLString(in); !strings.Contains(html, "show-all-claims-0") {
		t.Error("a new paste kept the previous paste's expanded tables")
	}
}

// TestFindingEvidenceFolded: past ui.FindingsShownWhole a finding keeps its
// head, title and fix but renders its evidence only when asked; the export
// keeps every row.
func TestFindingEvidenceFolded(t *testing.T) {
	_, now := vectors(t)
	in := newInspector(now)
	in.SetInput(testvectors.ChunkedCookieFlood(1 << 20))
	r := in.Report()
	var late int
	for i, f := range r.Findings {
		if i >= ui.FindingsShownWhole && len(f.Evidence) > 0 {
			late = i
			break
		}
	}
	if late == 0 {
		t.Fatalf("the flood has no finding with evidence past the first %d (%d findings)", ui.FindingsShownWhole, len(r.Findings))
	}
	html := app.HTMLString(in)
	button := `id="show-evidence-` + strconv.Itoa(late) + `"`
	if !strings.Contains(html, button) {
		t.Errorf("finding %d offers no button for its evidence", late)
	}
	if got, want := strings.Count(html, `class="evidence"`), ui.FindingsShownWhole; got > want {
		t.Errorf("%d evidence lists rendered, want at most %d", got, want)
	}
	if got := strings.Count(html, `class="finding `); got != len(r.Findings) {
		t.Errorf("%d findings rendered, want all %d", got, len(r.Findings))
	}
	if md := diagnose.Markdown(r); !strings.Contains(md, r.Findings[late].Evidence[0].Name) {
		t.Error("the export lost the folded evidence")
	}
	in.ShowAll("evidence-" + strconv.Itoa(late))
	if html := app.HTMLString(in); strings.Contains(html, button) {
		t.Error("the button stays once the evidence is shown")
	}
}
