package diagnose

// MarkdownText and MarkdownFence expose the escaper to the fuzz tests.
var (
	MarkdownText  = mdText
	MarkdownFence = mdFence
)

// CredentialLabel names the first credential the export would remove from
// s, "" when none; a credential only under URL encoding counts too.
func CredentialLabel(s string) string {
	if sp := credentialSpans(s); len(sp) > 0 {
		return sp[0].label
	}
	label, _ := hiddenCredential(s)
	return label
}
