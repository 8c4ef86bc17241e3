package diagnose

import (
	"math"
	"net/url"
	"sort"
	"strings"
)

// This file decides what in a string is a credential. The export removes
// every span it finds, whatever claim, key, cookie or title the string came
// from; the allowlist in redact.go only decides what else is kept.

// credentialSpan is one credential inside a string: s[start:end].
type credentialSpan struct {
	start, end int
	label      string // what it is: "GitHub token", "JWT", "high-entropy string"
}

// credentialFamily is a vendor's token format: a fixed prefix then a body
// of characters from one set. Prefixes are matched at a word start, so
// "ASIA" inside "EURASIA" is not a key.
type credentialFamily struct {
	prefix string
	label  string
	body   func(byte) bool
	// minBody is the shortest body that counts; shorter is a word that
	// happens to start like a token ("sk-learn").
	minBody int
	// digit: the body must hold a digit (prefixes common in prose: sk-).
	digit bool
}

// credentialFamilies are the token formats removed on sight. Sources: each
// vendor's documented prefix (GitHub's gh*_, Slack's xox*-, Stripe's
// sk_/rk_, AWS access key ids, GitLab's glpat-, Google's ya29. / 1// / AIza).
var credentialFamilies = []credentialFamily{
	{"github_pat_", "GitHub token", isWordByte, 20, false},
	{"gho_", "GitHub token", isAlnum, 20, false},
	{"ghp_", "GitHub token", isAlnum, 20, false},
	{"ghu_", "GitHub token", isAlnum, 20, false},
	{"ghs_", "GitHub token", isAlnum, 20, false},
	{"ghr_", "GitHub token", isAlnum, 20, false},
	{"ya29.", "Google OAuth token", isDottedTokenByte, 10, false},
	{"1//", "Google refresh token", isTokenByte, 10, false},
	{"AIza", "Google API key", isTokenByte, 30, false},
	{"xoxb-", "Slack token", isTokenByte, 10, false},
	{"xoxp-", "Slack token", isTokenByte, 10, false},
	{"xoxa-", "Slack token", isTokenByte, 10, false},
	{"xoxe-", "Slack token", isTokenByte, 10, false},
	{"xoxe.", "Slack token", isDottedTokenByte, 10, false},
	{"xoxr-", "Slack token", isTokenByte, 10, false},
	{"xoxs-", "Slack token", isTokenByte, 10, false},
	{"xoxo-", "Slack token", isTokenByte, 10, false},
	{"xapp-", "Slack token", isTokenByte, 10, false},
	{"sk_live_", "Stripe key", isAlnum, 10, false},
	{"sk_test_", "Stripe key", isAlnum, 10, false},
	{"rk_live_", "Stripe key", isAlnum, 10, false},
	{"rk_test_", "Stripe key", isAlnum, 10, false},
	{"whsec_", "webhook secret", isAlnum, 20, false},
	{"sk-", "API key", isTokenByte, 20, true},
	{"AKIA", "AWS access key id", isUpperDigit, 16, false},
	{"ASIA", "AWS access key id", isUpperDigit, 16, false},
	{"glpat-", "GitLab token", isTokenByte, 20, false},
	{"gldt-", "GitLab token", isTokenByte, 20, false},
	{"EAAC", "Facebook token", isAlnum, 20, false},
	{"EAAG", "Facebook token", isAlnum, 20, false},
	{"npm_", "npm token", isAlnum, 30, false},
	{"pypi-", "PyPI token", isTokenByte, 30, false},
	{"hf_", "Hugging Face token", isAlnum, 30, false},
	{"shpat_", "Shopify token", isAlnum, 20, false},
	{"shpss_", "Shopify token", isAlnum, 20, false},
	{"dop_v1_", "DigitalOcean token", isAlnum, 20, false},
	{"SG.", "SendGrid key", isDottedTokenByte, 20, false},
}

// Bounds of the high-entropy rule.
const (
	// entropyMinLength: a run shorter than this is a word, an id or a
	// number as far as the export knows; random tokens are longer.
	entropyMinLength = 20
	// wordSegmentLength: a run whose words (see meanWordLength) are
	// shorter than this on average changes character class too often to be
	// an identifier.
	wordSegmentLength = 3.0
	// entropyBitsPerChar and maxVowelShare: a run whose words are long
	// still counts when its Shannon entropy (bits per character) is this
	// high and its letters hold fewer vowels than words do.
	entropyBitsPerChar = 3.5
	maxVowelShare      = 0.3
	// randomBitsPerChar: entropy no identifier made of words reaches
	// (English text stays near 4.1 bits per letter).
	randomBitsPerChar = 4.3
	// maxDigitGroups: this many separate runs of digits is random text.
	maxDigitGroups = 4
	// hexMinLength: a run of hex digits at least this long is a key or a
	// digest (SHA-1 and up). Shorter hex, a UUID without dashes (32) among
	// it, is an identifier: SimpleJWT's jti.
	hexMinLength = 40
	// maxPercentDecodes bounds the percent-decoding rounds that look for a
	// credential hidden under URL encoding (%2E for the dots of a JWT).
	maxPercentDecodes = 3
)

// credentialSpans finds the credentials in s, in order, not overlapping.
func credentialSpans(s string) []credentialSpan {
	var spans []credentialSpan
	for i := 0; i < len(s); i++ {
		if sp, ok := encodedJSONAt(s, i); ok {
			spans = append(spans, sp)
			i = sp.end - 1
			continue
		}
		if i > 0 && isAlnum(s[i-1]) {
			continue
		}
		if sp, ok := familyAt(s, i); ok {
			spans = append(spans, sp)
			i = sp.end - 1
		}
	}
	spans = append(spans, entropySpans(s, spans)...)
	sort.Slice(spans, func(a, b int) bool { return spans[a].start < spans[b].start })
	return spans
}

// encodedJSONAt matches base64url of a JSON object ("eyJ" is `{"`) at i:
// a JWT, a JWE, or a lone segment. A token's header already names what the
// other segments hold, and a lone payload segment is a token's claims, so
// every such run goes, dots and all.
func encodedJSONAt(s string, i int) (credentialSpan, bool) {
	if !strings.HasPrefix(s[i:], "eyJ") {
		return credentialSpan{}, false
	}
	j := i
	for j < len(s) && (isTokenByte(s[j]) || s[j] == '.' || s[j] == '=') {
		j++
	}
	if j-i < 8 {
		return credentialSpan{}, false
	}
	label := "base64 JSON"
	switch strings.Count(s[i:j], ".") {
	case 2:
		label = "JWT"
	case 4:
		label = "JWE"
	}
	return credentialSpan{i, j, label}, true
}

// familyFirstBytes marks the bytes a credential prefix starts with, so the
// scan tries the families only where one can start.
var familyFirstBytes = func() (set [256]bool) {
	for _, f := range credentialFamilies {
		set[f.prefix[0]] = true
	}
	return set
}()

func familyAt(s string, i int) (credentialSpan, bool) {
	if !familyFirstBytes[s[i]] {
		return credentialSpan{}, false
	}
	for _, f := range credentialFamilies {
		if !strings.HasPrefix(s[i:], f.prefix) {
			continue
		}
		j, digit := i+len(f.prefix), false
		for j < len(s) && f.body(s[j]) {
			digit = digit || isDigit(s[j])
			j++
		}
		if j-i-len(f.prefix) >= f.minBody && (digit || !f.digit) {
			return credentialSpan{i, j, f.label}, true
		}
	}
	return credentialSpan{}, false
}

// entropySpans finds random-looking runs outside the spans already found.
// A run is a maximal stretch of base64 characters (letters, digits, + / = _
// -); dots, colons, @ and spaces split runs, so a host name, an email or a
// sentence is judged word by word.
func entropySpans(s string, found []credentialSpan) []credentialSpan {
	var out []credentialSpan
	for i := 0; i < len(s); {
		if !isRunByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isRunByte(s[j]) {
			j++
		}
		if !overlaps(found, i, j) && highEntropy(s[i:j]) {
			out = append(out, credentialSpan{i, j, "high-entropy string"})
		}
		i = j
	}
	return out
}

func overlaps(spans []credentialSpan, i, j int) bool {
	for _, sp := range spans {
		if sp.start < j && i < sp.end {
			return true
		}
	}
	return false
}

// highEntropy is the rule for secrets with no known prefix. A run counts
// when, trimmed of symbols at its ends, it is at least entropyMinLength long
// and either
//   - is all hex digits and at least hexMinLength long (a key or a digest), or
//   - mixes at least two of lower case, upper case and digits, and either
//     changes class every few characters (wordSegment below: words are
//     longer) or has the entropy of random text with too few vowels to be
//     words.
//
// A UUID (8-4-4-4-12 hex) never counts: it is an identifier (a jti, a sub)
// that the reader needs to follow a token's lineage, and it grants nothing.
// Digits alone never count (an id, a timestamp), nor letters of one case.
func highEntropy(run string) bool {
	core := strings.Trim(run, "-_/=+")
	if len(core) < entropyMinLength || isUUID(core) {
		return false
	}
	if isHex(core) {
		return len(core) >= hexMinLength
	}
	if charClasses(core) < 2 {
		return false
	}
	h := shannon(core)
	return meanWordLength(core) < wordSegmentLength ||
		digitGroups(core) >= maxDigitGroups ||
		h >= randomBitsPerChar ||
		(h >= entropyBitsPerChar && vowelShare(core) < maxVowelShare)
}

// digitGroups counts the runs of digits in s: identifiers carry one or two
// (a version, a year, a counter); random text scatters them.
func digitGroups(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) && (i == 0 || !isDigit(s[i-1])) {
			n++
		}
	}
	return n
}

// charClasses counts which of lower case, upper case and digits s holds.
func charClasses(s string) int {
	var lower, upper, digit int
	for i := 0; i < len(s); i++ {
		switch {
		case isLower(s[i]):
			lower = 1
		case isUpper(s[i]):
			upper = 1
		case isDigit(s[i]):
			digit = 1
		}
	}
	return lower + upper + digit
}

// meanWordLength splits s into words the way identifiers are built: at
// symbols, at letter/digit boundaries, and before an upper-case letter that
// follows a lower-case one (camelCase); "Access" is one word, "aB9x" four.
// Identifiers have words of 3 and more characters; random text changes
// class every two.
func meanWordLength(s string) float64 {
	words, chars := 0, 0
	prev := 0
	for i := 0; i < len(s); i++ {
		c := charClass(s[i])
		if c == 0 {
			prev = 0
			continue
		}
		chars++
		if prev == 0 || (c != prev && !(prev == 2 && c == 1)) {
			words++
		}
		prev = c
	}
	if words == 0 {
		return 0
	}
	return float64(chars) / float64(words)
}

// charClass is 1 for lower case, 2 for upper case, 3 for a digit, 0 else.
func charClass(c byte) int {
	switch {
	case isLower(c):
		return 1
	case isUpper(c):
		return 2
	case isDigit(c):
		return 3
	}
	return 0
}

// vowelShare is the share of vowels among s's letters: about 0.4 in
// English words and identifiers made of them, about 0.2 in random letters.
func vowelShare(s string) float64 {
	letters, vowels := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			continue
		}
		letters++
		if strings.IndexByte("aeiouy", c) >= 0 {
			vowels++
		}
	}
	if letters == 0 {
		return 0
	}
	return float64(vowels) / float64(letters)
}

// shannon is the entropy of s's byte distribution, in bits per byte.
func shannon(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	h, n := 0.0, float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHexByte(s[i]) {
				return false
			}
		}
	}
	return true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHexByte(s[i]) {
			return false
		}
	}
	return true
}

// hiddenCredential reports whether percent-decoding s (up to
// maxPercentDecodes times) reveals a credential that s itself does not
// show: a JWT written with %2E for its dots, a token inside an encoded
// callback URL.
func hiddenCredential(s string) (string, bool) {
	prev := s
	for range maxPercentDecodes {
		if !strings.Contains(prev, "%") {
			return "", false
		}
		dec, err := url.PathUnescape(prev)
		if err != nil {
			dec = lenientUnescape(prev)
		}
		if dec == prev {
			return "", false
		}
		if spans := credentialSpans(dec); len(spans) > 0 {
			return spans[0].label, true
		}
		prev = dec
	}
	return "", false
}

// lenientUnescape decodes every valid %XX and leaves the rest, as browsers
// do with a malformed URL.
func lenientUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHexByte(s[i+1]) && isHexByte(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func isLower(c byte) bool      { return c >= 'a' && c <= 'z' }
func isUpper(c byte) bool      { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool      { return isLower(c) || isUpper(c) || isDigit(c) }
func isUpperDigit(c byte) bool { return isUpper(c) || isDigit(c) }
func isHexByte(c byte) bool    { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func isWordByte(c byte) bool   { return isAlnum(c) || c == '_' }
func isTokenByte(c byte) bool  { return isAlnum(c) || c == '_' || c == '-' }
func isRunByte(c byte) bool    { return isTokenByte(c) || c == '+' || c == '/' || c == '=' }
func isDottedTokenByte(c byte) bool {
	return isTokenByte(c) || c == '.'
}
