package ui

import "tokenscope/app/diagnose"

// A result whose first render would hold the main thread too long is drawn
// over several tasks: the verdict and the first findings, then the next
// findings a batch a task, then the token cards. In the page's wasm build a
// DOM node costs about 0.15 ms to mount in a fresh tab (go-app creates every
// element and text node through syscall/js, and gives each handle a
// finalizer): a flood of malformed tokens with 67 findings and 1,348
// elements was one task of 206 to 232 ms.

// RevealNodesPerTask is roughly how many DOM nodes (elements and text) one
// task of a staged reveal adds: about 45 ms in a fresh tab on the bench
// machine, so a batch and go-app's diff of the page stay under the 100 ms
// budget for a main-thread task.
const RevealNodesPerTask = 300

// resultReveal is how much of the current report the page draws. The zero
// value draws all of it.
type resultReveal struct {
	// active: part of the report is still to come.
	active bool
	// findings and cards are how many findings (worst first) and token
	// cards are drawn while active.
	findings, cards int
}

// shownFindings returns the findings of r drawn now.
func (v resultReveal) shownFindings(r diagnose.Report) []diagnose.Finding {
	if !v.active || v.findings >= len(r.Findings) {
		return r.Findings
	}
	return r.Findings[:v.findings]
}

// shownCards returns how many of r's token cards are drawn now.
func (v resultReveal) shownCards(r diagnose.Report) int {
	if !v.active {
		return len(r.Tokens)
	}
	return min(v.cards, len(r.Tokens))
}

// findingsBatchEnd returns where the batch of findings that starts at from
// ends: at least one finding, then as many as fit in budget nodes.
func findingsBatchEnd(fs []diagnose.Finding, from, budget int) int {
	return batchEnd(len(fs), from, budget, func(i int) int { return findingNodes(i, fs[i]) })
}

// cardsBatchEnd is findingsBatchEnd for the token cards.
func cardsBatchEnd(r diagnose.Report, from, budget int) int {
	return batchEnd(len(r.Tokens), from, budget, func(i int) int { return cardNodes(r, i) })
}

func batchEnd(n, from, budget int, nodes func(int) int) int {
	end, used := from, 0
	for end < n {
		used += nodes(end)
		if end > from && used > budget {
			break
		}
		end++
	}
	return end
}

// findingNodes estimates the DOM nodes renderFinding makes for finding i as
// first shown: the head, title, detail and fix (10 elements, 7 texts), and
// its evidence (4 elements and 2 texts a row) or, past FindingsShownWhole,
// the button that shows it.
func findingNodes(i int, f diagnose.Finding) int {
	n := 17
	switch {
	case len(f.Evidence) == 0:
	case i < FindingsShownWhole:
		n += 1 + 6*len(f.Evidence)
	default:
		n += 2
	}
	return n
}

// cardNodes estimates the DOM nodes renderTokenCard makes for card i as
// first shown: a folded card is 5 elements and 2 texts; a whole one is
// about 40 nodes of title, segments, buttons and chips, and 8 a row of its
// lifetimes, header and claims tables (at most MaxMemberRows each).
func cardNodes(r diagnose.Report, i int) int {
	if i >= CardsShownWhole {
		return 7
	}
	t := r.Tokens[i]
	rows := len(t.Lifetimes) + min(len(t.Header), MaxMemberRows) + min(len(t.Claims), MaxMemberRows)
	return 40 + 8*rows
}

// reportNodes estimates the DOM nodes of r's findings and cards.
func reportNodes(r diagnose.Report) int {
	n := 0
	for i, f := range r.Findings {
		n += findingNodes(i, f)
	}
	for i := range r.Tokens {
		n += cardNodes(r, i)
	}
	return n
}

// revealResult draws the report just shown over as many tasks as its size
// needs: the first batch of findings now, then a batch a task, findings
// first, cards last, each drawn after the previous render. holdCards keeps
// the cards out of the first task even when everything fits in it: a run
// long enough to show its progress ends with work of its own in that task,
// and that render with the cards was the longest task of a big paste (110
// to 140 ms on the bench machine). Natively (no yield) everything is drawn
// at once. A newer report ends the reveal of this one.
func (in *Inspector) revealResult(holdCards bool) {
	in.reveal = resultReveal{}
	ui, yield := in.analysis.ui, in.env.Yield
	if !in.analysis.attached || yield == nil {
		return
	}
	r := in.report
	if !holdCards && reportNodes(r) <= RevealNodesPerTask {
		return // it all fits in one task
	}
	first := resultReveal{active: true, findings: findingsBatchEnd(r.Findings, 0, RevealNodesPerTask)}
	in.reveal = first
	shown := in.stats.count
	var next func()
	next = func() {
		if in.stats.count != shown {
			return // a newer report took over
		}
		r, v := in.report, &in.reveal
		switch {
		case v.findings < len(r.Findings):
			v.findings = findingsBatchEnd(r.Findings, v.findings, RevealNodesPerTask)
		case v.cards < len(r.Tokens):
			v.cards = cardsBatchEnd(r, v.cards, RevealNodesPerTask)
		default:
			in.reveal = resultReveal{}
			return
		}
		afterRender(ui, yield, next)
	}
	afterRender(ui, yield, next)
}
