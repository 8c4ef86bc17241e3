package ui

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
	"tokenscope/app/token"
)

func (in *Inspector) renderTokens() app.UI {
	r := in.report
	if len(r.Tokens) == 0 {
		return app.Text("")
	}
	shown := in.reveal.shownCards(r)
	section := app.Section().ID("tokens").Aria("labelledby", "tokens-title")
	if shown < len(r.Tokens) {
		section = section.Aria("busy", "true") // the rest follow (revealResult)
	}
	return section.Body(
		app.H2().ID("tokens-title").Text("Tokens ("+strconv.Itoa(len(r.Tokens))+")"),
		app.Range(r.Tokens[:shown]).Slice(func(i int) app.UI { return in.renderTokenCard(i) }),
	)
}

// CardsShownWhole is how many token cards are rendered whole. The others
// are folded (a <details> with the card's title) and rendered when opened:
// go-app builds and diffs the whole page on every update (each keystroke,
// each progress tick), and 64 whole cards cost about 45 ms natively, ten
// times that in the page's wasm build; eight cost an eighth of it. Folded
// cards keep their id, data-token-index and data-form.
const CardsShownWhole = 8

// foldedCardKey is the expanded key of an opened folded card.
func foldedCardKey(i int) string { return "card-" + strconv.Itoa(i) }

func (in *Inspector) renderTokenCard(i int) app.UI {
	r := in.report
	t := r.Tokens[i]
	class := []string{"token", "worst-" + string(r.WorstFor(i))}
	if t.Parent >= 0 {
		class = append(class, "nested")
	}
	card := app.Article().
		ID("token-"+strconv.Itoa(i)).
		Class(class...).
		DataSet("token-index", i).
		DataSet("form", string(t.Form)).
		Aria("labelledby", "token-title-"+strconv.Itoa(i))
	if i >= CardsShownWhole && !in.paste.expanded[foldedCardKey(i)] {
		return card.DataSet("folded", true).Body(
			app.Details().Class("card-fold").OnToggle(in.onOpenCard(i)).Body(
				app.Summary().Body(
					app.H3().ID("token-title-"+strconv.Itoa(i)).Text(cardTitle(r, i)),
					app.P().Class("source").Text(sourceText(r, i)),
				),
			),
		)
	}
	return card.Body(
		app.H3().ID("token-title-"+strconv.Itoa(i)).Text(cardTitle(r, i)),
		app.P().Class("source").Text(sourceText(r, i)),
		app.If(t.Session != nil, func() app.UI { return renderSessionFacts(t) }),
		renderSegments(t.Token),
		in.renderCopyButtons(t),
		renderFindingChips(r, i),
		app.If(len(t.Lifetimes) > 0, func() app.UI { return in.renderLifetimes(t) }),
		app.If(len(t.Header) > 0, func() app.UI {
			return in.renderMembers("header-"+strconv.Itoa(i), "Header", "header fields", t.Header, nil)
		}),
		app.If(len(t.Claims) > 0, func() app.UI {
			return in.renderMembers("claims-"+strconv.Itoa(i), "Payload claims", "claims", t.Claims, func(m token.Member) string { return in.explainClaim(t, m) })
		}),
		app.If(t.Lifetime > 0, func() app.UI {
			return app.P().Class("lifetime").Text("Lifetime (exp − iat): " + diagnose.Span(t.Lifetime))
		}),
	)
}

func cardTitle(r diagnose.Report, i int) string {
	t := r.Tokens[i]
	parts := []string{"Token " + r.TokenNumber(i), string(t.Form)}
	if t.Alg != "" {
		parts = append(parts, t.Alg)
	}
	if t.Enc != "" {
		parts = append(parts, t.Enc)
	}
	if typ := t.SimpleJWT.TokenType; typ != "" {
		parts = append(parts, "SimpleJWT "+typ)
	}
	return strings.Join(parts, " · ")
}

func sourceText(r diagnose.Report, i int) string {
	t := r.Tokens[i]
	s := "From the " + t.Source.Describe()
	if t.Parent >= 0 {
		s = "Inside " + r.TokenLabel(t.Parent) + " at " + t.Source.Name
	}
	if t.Source.Line > 1 {
		s += ", line " + strconv.Itoa(t.Source.Line)
	}
	if t.Role != token.RoleUnknown {
		s += " · the name says: " + string(t.Role) + " token"
	}
	return s
}

// renderSegments shows the token with each segment coloured, and the
// character a Problem blames highlighted in place.
func renderSegments(t token.Token) app.UI {
	return app.Pre().Class("raw").Aria("label", "token segments").Body(
		app.Code().Body(
			app.Range(t.Segments).Slice(func(i int) app.UI {
				seg := t.Segments[i]
				return app.Span().Body(
					app.If(i > 0, func() app.UI { return app.Span().Class("dot").Text(".") }),
					app.Span().
						Class("seg", "seg-"+strconv.Itoa(i)).
						Title(seg.Name).
						Body(segmentText(seg, problemFor(t, seg.Name))...),
				)
			}),
		),
	)
}

func problemFor(t token.Token, segment string) *token.Problem {
	for i := range t.Problems {
		if t.Problems[i].Segment == segment && t.Problems[i].Offset >= 0 {
			return &t.Problems[i]
		}
	}
	return nil
}

func segmentText(seg token.Segment, p *token.Problem) []app.UI {
	if p == nil || p.Offset >= len(seg.Text) {
		return []app.UI{app.Text(seg.Text)}
	}
	// The width of what is actually there: an invalid byte is reported as
	// U+FFFD, three bytes long, but occupies one.
	_, width := utf8.DecodeRuneInString(seg.Text[p.Offset:])
	end := min(p.Offset+max(width, 1), len(seg.Text))
	return []app.UI{
		app.Text(seg.Text[:p.Offset]),
		app.Mark().Class("bad").Title(attrSafe(p.Message)).Text(seg.Text[p.Offset:end]),
		app.Text(seg.Text[end:]),
	}
}

func (in *Inspector) renderCopyButtons(t diagnose.TokenReport) app.UI {
	n := strconv.Itoa(t.Index)
	return app.Div().Class("copy").Body(
		app.Button().Type("button").ID("copy-token-"+n).Text("Copy token").OnClick(in.copyText("the token", t.Raw)),
		app.If(len(t.Header) > 0, func() app.UI {
			return app.Button().Type("button").Text("Copy header JSON").OnClick(in.copyText("the header JSON", prettyJSON(t.Segments[0].Decoded)))
		}),
		app.If(len(t.Claims) > 0, func() app.UI {
			return app.Button().Type("button").Text("Copy payload JSON").OnClick(in.copyText("the payload JSON", prettyJSON(claimsJSON(t.Claims))))
		}),
	)
}

func prettyJSON(raw []byte) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if enc.Encode(json.RawMessage(raw)) != nil {
		return string(raw)
	}
	return strings.TrimSpace(b.String())
}

func renderFindingChips(r diagnose.Report, i int) app.UI {
	var links []app.UI
	for idx, f := range r.Findings {
		if f.Token == i {
			links = append(links, app.A().Class("chip", "sev-"+string(f.Severity)).
				Href("#finding-"+strconv.Itoa(idx)).Text(string(f.Code)))
		}
	}
	if len(links) == 0 {
		return app.Text("")
	}
	return app.P().Class("chips").Body(links...)
}

// MaxMemberRows is how many rows of a header or claims table are rendered
// until the user asks for all: a token can carry thousands of claims, and
// each row is several DOM nodes. The export is not affected.
const MaxMemberRows = 50

// renderMembers is the header or claims table; explain adds the third column.
// Past MaxMemberRows the table says how many rows it shows and offers a
// button to show them all.
func (in *Inspector) renderMembers(id, caption, noun string, members []token.Member, explain func(token.Member) string) app.UI {
	shown := members
	cut := len(members) > MaxMemberRows && !in.paste.expanded[id]
	if cut {
		shown = members[:MaxMemberRows]
		caption += " (showing " + strconv.Itoa(MaxMemberRows) + " of " + strconv.Itoa(len(members)) + ")"
	}
	table := app.Table().Class("members").Body(
		app.Caption().Text(caption),
		app.THead().Body(app.Tr().Body(
			app.Th().Scope("col").Text("Name"),
			app.Th().Scope("col").Text("Value"),
			app.If(explain != nil, func() app.UI { return app.Th().Scope("col").Text("Meaning") }),
		)),
		app.TBody().Body(
			app.Range(shown).Slice(func(i int) app.UI {
				m := shown[i]
				return app.Tr().DataSet("claim", attrSafe(m.Key)).Body(
					app.Th().Scope("row").Body(app.Code().Text(m.Key)),
					app.Td().Class("value", "kind-"+string(m.Kind)).Body(app.Code().Text(m.Text())),
					app.If(explain != nil, func() app.UI { return app.Td().Class("meaning").Text(explain(m)) }),
				)
			}),
		),
	)
	if !cut {
		return table
	}
	return app.Div().Class("members-cut").Body(
		table.ID(id).DataSet("rows", len(members)),
		app.Button().ID("show-all-"+id).Class("show-all").Type("button").
			Aria("controls", id).
			Text("Show all "+strconv.Itoa(len(members))+" "+noun).
			OnClick(in.onShowAll(id)),
	)
}

// onOpenCard renders a folded card whole once it is opened.
func (in *Inspector) onOpenCard(i int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if ctx.JSSrc().Get("open").Bool() {
			in.ShowAll(foldedCardKey(i))
		}
	}
}

// ShowAll renders the member table id ("claims-0", "header-2") whole, or
// the folded card id ("card-9") whole.
func (in *Inspector) ShowAll(id string) {
	if in.paste.expanded == nil {
		in.paste.expanded = map[string]bool{}
	}
	in.paste.expanded[id] = true
}

func (in *Inspector) onShowAll(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) { in.ShowAll(id) }
}

// attrSafe keeps pasted text from breaking out of an attribute. In the
// browser go-app sets attributes through the DOM, which is safe, but its HTML
// encoder (prerendering, HTMLString) quotes values Go-style, writing \" for a
// quote, which HTML does not honour. Replacing the quote closes that door;
// angle brackets go too, so no reader of the markup mistakes them for tags.
func attrSafe(s string) string { return attrReplacer.Replace(s) }

var attrReplacer = strings.NewReplacer(`"`, "'", "<", "‹", ">", "›")

// claimsJSON rebuilds the payload from its members in order: for a decrypted
// session there is no payload segment to copy.
func claimsJSON(ms []token.Member) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(m.Key)
		b.Write(key)
		b.WriteByte(':')
		b.Write(m.Raw)
	}
	b.WriteByte('}')
	return []byte(b.String())
}

func renderSessionFacts(t diagnose.TokenReport) app.UI {
	s := t.Session
	text := s.Format.Describe()
	if s.Secret > 0 {
		text += " · opened with " + s.SecretLabel
	} else {
		text += " · not opened"
	}
	if token.KeySpecFor(s.Format, s.Salt).UsesSalt() {
		text += " · key salt (cookie name): " + s.Salt
	}
	return app.P().Class("session-facts").Text(text)
}

func (in *Inspector) renderLifetimes(t diagnose.TokenReport) app.UI {
	now, zone := in.report.Now, in.env.Zone
	return app.Table().Class("members", "lifetimes").Body(
		app.Caption().Text("Lifetimes side by side"),
		app.THead().Body(app.Tr().Body(
			app.Th().Scope("col").Text("Token"),
			app.Th().Scope("col").Text("exp (UTC)"),
			app.Th().Scope("col").Text("Local"),
			app.Th().Scope("col").Text("When"),
		)),
		app.TBody().Body(app.Range(t.Lifetimes).Slice(func(i int) app.UI {
			l := t.Lifetimes[i]
			utc, local, rel := describeInstant(l.Exp.Time, now, zone)
			return app.Tr().DataSet("lifetime", attrSafe(l.Label)).Body(
				app.Th().Scope("row").Body(app.Code().Text(l.Label)),
				app.Td().Text(utc), app.Td().Text(local), app.Td().Text(rel),
			)
		})),
	)
}
