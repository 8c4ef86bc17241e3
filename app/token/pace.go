package token

// Extraction of a big paste takes a while (in the page's wasm build about
// 10 ms for every 256 KiB of plain text, more for a Cookie header of
// thousands of cookies). The page runs it in slices: it passes a pause hook
// that yields to the browser every few tens of milliseconds and stops the
// extraction when the user pasted something else or cancelled.

// PauseEveryBytes is how much text the extraction scans between two calls of
// its pause hook: a few milliseconds of work in the page, so the hook (which
// yields only once its time slice is used up) can keep every slice short.
const PauseEveryBytes = 16 << 10

// Pause is told how many bytes of the analysed text were scanned, of total,
// and returns an error to stop the extraction (the run was cancelled).
type Pause func(scanned, total int) error

// ExtractPaused is Extract calling pause at least every PauseEveryBytes of
// scanned text, including inside one long line (a Cookie header) and inside
// one big JSON document. When pause returns an error the extraction stops
// there and ExtractPaused returns that error with what it found so far. A nil
// pause makes it Extract.
func ExtractPaused(text string, pause Pause) (Extraction, error) {
	ex := extractor{pause: pause}
	cut, _ := CutInput(text)
	ex.result.InputBytes, ex.result.AnalysedBytes = len(text), len(cut)
	normal := normalizeNewlines(cut)
	ex.total = len(normal)
	ex.run(normal)
	if ex.err == nil && pause != nil {
		ex.err = pause(ex.total, ex.total)
	}
	return ex.result, ex.err
}

// stopped calls the pause hook when at least PauseEveryBytes were scanned
// since its last call (pos is an offset in the analysed text) and reports
// whether the extraction must stop.
func (ex *extractor) stopped(pos int) bool {
	if ex.err != nil {
		return true
	}
	if ex.pause == nil || pos < ex.nextPause {
		return false
	}
	ex.nextPause = pos + PauseEveryBytes
	ex.err = ex.pause(min(pos, ex.total), ex.total)
	return ex.err != nil
}

// stoppedAt is stopped for an offset inside the current line or document.
func (ex *extractor) stoppedAt(offset int) bool { return ex.stopped(ex.base + offset) }
