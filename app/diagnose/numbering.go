package diagnose

import "strconv"

// TokenNumber is how the page and the export both name token i: "1" for
// the first token of the paste, "1.2" for the second token found inside
// it (a backend token inside a session). Empty when i is out of range.
func (r Report) TokenNumber(i int) string {
	if i < 0 || i >= len(r.Tokens) {
		return ""
	}
	t := r.Tokens[i]
	n := 0
	for _, o := range r.Tokens[:i+1] {
		if o.Parent == t.Parent {
			n++
		}
	}
	if t.Parent < 0 || t.Parent >= i {
		return strconv.Itoa(n)
	}
	return r.TokenNumber(t.Parent) + "." + strconv.Itoa(n)
}

// TokenLabel is "token 1.2", or "" when i is out of range.
func (r Report) TokenLabel(i int) string {
	if n := r.TokenNumber(i); n != "" {
		return "token " + n
	}
	return ""
}
