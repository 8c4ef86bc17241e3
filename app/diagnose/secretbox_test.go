package diagnose_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"tokenscope/app/diagnose"
)

// entry is what a test expects of one parsed secret.
type entry struct {
	label, value string
}

func entries(box diagnose.SecretBox) []entry {
	out := []entry{}
	for _, s := range box.Secrets {
		out = append(out, entry{s.Label(), s.Value})
	}
	return out
}

func TestParseSecrets(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []entry
		ignored []string
	}{
		{"empty", "", []entry{}, nil},
		{"blank lines and comments", "\n  \n# NEXTAUTH_SECRET=commented-out\n\t# x\n", []entry{}, nil},
		{"one bare secret", "s3cr3t-value", []entry{{"line 1", "s3cr3t-value"}}, nil},
		{"bare secret trimmed", "  s3cr3t-value \t", []entry{{"line 1", "s3cr3t-value"}}, nil},
		{"two bare secrets", "first\nsecond", []entry{{"line 1", "first"}, {"line 2", "second"}}, nil},
		{"CRLF", "first\r\nsecond\r\n", []entry{{"line 1", "first"}, {"line 2", "second"}}, nil},
		{"bare base64 with padding stays a secret", "fbMk5oWi/G7HviiaaZzqNvenPwowiW2gFct8nhxRyiw=", []entry{{"line 1", "fbMk5oWi/G7HviiaaZzqNvenPwowiW2gFct8nhxRyiw="}}, nil},
		{"bare alphanumeric base64 with padding", "AbCdEfGh0123456789xyzXYZ==", []entry{{"line 1", "AbCdEfGh0123456789xyzXYZ=="}}, nil},
		{"all-caps base64 with one pad", "ABCDEFGH0123456789XYZ=", []entry{}, []string{"ABCDEFGH0123456789XYZ (line 1)"}},
		{"bare quoted", `"quoted-secret"`, []entry{{"line 1", "quoted-secret"}}, nil},
		{"NEXTAUTH_SECRET", "NEXTAUTH_SECRET=abc", []entry{{"NEXTAUTH_SECRET (line 1)", "abc"}}, nil},
		{"export", "export AUTH_SECRET=abc", []entry{{"AUTH_SECRET (line 1)", "abc"}}, nil},
		{"export with tabs", "export\tAUTH_SECRET=abc", []entry{{"AUTH_SECRET (line 1)", "abc"}}, nil},
		{"rotation slots", "AUTH_SECRET=new\nAUTH_SECRET_1=old\nAUTH_SECRET_2=older\nAUTH_SECRET_3=oldest",
			[]entry{{"AUTH_SECRET (line 1)", "new"}, {"AUTH_SECRET_1 (line 2)", "old"}, {"AUTH_SECRET_2 (line 3)", "older"}, {"AUTH_SECRET_3 (line 4)", "oldest"}}, nil},
		{"double quoted with escapes", `JWT_SECRET="a\"b\\c\nd"`, []entry{{"JWT_SECRET (line 1)", "a\"b\\c\nd"}}, nil},
		{"double quoted then comment", `SIGNING_KEY="k # not a comment" # a comment`, []entry{{"SIGNING_KEY (line 1)", "k # not a comment"}}, nil},
		{"single quoted is literal", `SECRET_KEY='django-insecure-a\nb#c'`, []entry{{"SECRET_KEY (line 1)", `django-insecure-a\nb#c`}}, nil},
		{"Django settings line", `SECRET_KEY = 'django-insecure-x'`, []entry{{"SECRET_KEY (line 1)", "django-insecure-x"}}, nil},
		{"unquoted hash without space is kept", "SECRET_KEY=ab#cd", []entry{{"SECRET_KEY (line 1)", "ab#cd"}}, nil},
		{"unquoted inline comment", "SECRET_KEY=abcd   # prod key", []entry{{"SECRET_KEY (line 1)", "abcd"}}, nil},
		{"unterminated quote takes the rest", `NEXTAUTH_SECRET="abc`, []entry{{"NEXTAUTH_SECRET (line 1)", "abc"}}, nil},
		{"empty value skipped", "NEXTAUTH_SECRET=\nAUTH_SECRET=''", []entry{}, nil},
		{"Django and SimpleJWT names", "DJANGO_SECRET_KEY=a\nSIMPLE_JWT_SIGNING_KEY=b", []entry{{"DJANGO_SECRET_KEY (line 1)", "a"}, {"SIMPLE_JWT_SIGNING_KEY (line 2)", "b"}}, nil},
		{"known name in lower case", "nextauth_secret=abc", []entry{{"nextauth_secret (line 1)", "abc"}}, nil},
		{"unknown lower-case assignment is a secret", "foo=bar", []entry{{"line 1", "foo=bar"}}, nil},
		{"value with = signs", "NEXTAUTH_SECRET=ab==", []entry{{"NEXTAUTH_SECRET (line 1)", "ab=="}}, nil},
		{"env block", strings.Join([]string{
			"# .env.local",
			"DATABASE_URL=postgres://u:p@db/app",
			`NEXTAUTH_URL="http://localhost:3000"`,
			`NEXTAUTH_SECRET="right-secret" # from openssl`,
			"",
			"export SECRET_KEY='django-key'",
			"DEBUG=1",
		}, "\n"), []entry{{"NEXTAUTH_SECRET (line 4)", "right-secret"}, {"SECRET_KEY (line 6)", "django-key"}},
			[]string{"DATABASE_URL (line 2)", "NEXTAUTH_URL (line 3)", "DEBUG (line 7)"}},
		{"PEM block", "line-one\n-----BEGIN PUBLIC KEY-----\nMFkw\nEwYH\n-----END PUBLIC KEY-----\nafter",
			[]entry{{"line 1", "line-one"}, {"PEM block (line 2)", "-----BEGIN PUBLIC KEY-----\nMFkw\nEwYH\n-----END PUBLIC KEY-----"}, {"line 6", "after"}}, nil},
		{"unclosed PEM takes the rest", "-----BEGIN PUBLIC KEY-----\nMFkw", []entry{{"PEM block (line 1)", "-----BEGIN PUBLIC KEY-----\nMFkw"}}, nil},
		{"JSON block across lines", "{\"keys\": [\n {\"kty\": \"oct\", \"k\": \"}{\"}\n]}\nnext",
			[]entry{{"JSON key (line 1)", "{\"keys\": [\n {\"kty\": \"oct\", \"k\": \"}{\"}\n]}"}, {"line 4", "next"}}, nil},
		{"JSON on one line", `{"kty":"oct","k":"YWJj"}`, []entry{{"JSON key (line 1)", `{"kty":"oct","k":"YWJj"}`}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			box := diagnose.ParseSecrets(tc.text)
			if got := entries(box); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("secrets\n got %q\nwant %q", got, tc.want)
			}
			if !reflect.DeepEqual(box.Ignored, tc.ignored) {
				t.Errorf("ignored %q, want %q", box.Ignored, tc.ignored)
			}
		})
	}
}

func TestParseSecretsRoles(t *testing.T) {
	box := diagnose.ParseSecrets("bare\nNEXTAUTH_SECRET=a\nAUTH_SECRET_2=b\nSECRET_KEY=c\nSIGNING_KEY=d\nJWT_SECRET=e\n-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----")
	want := []diagnose.SecretRole{diagnose.RoleUnnamed, diagnose.RoleSessionSecret, diagnose.RoleSessionSecret,
		diagnose.RoleSigningKey, diagnose.RoleSigningKey, diagnose.RoleSigningKey, diagnose.RoleSigningKey}
	var got []diagnose.SecretRole
	for _, s := range box.Secrets {
		got = append(got, s.Role())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("roles %v, want %v", got, want)
	}
}

func TestParseSecretsBound(t *testing.T) {
	lines := make([]string, diagnose.MaxSecrets+5)
	for i := range lines {
		lines[i] = "secret-" + strings.Repeat("x", i+1)
	}
	box := diagnose.ParseSecrets(strings.Join(lines, "\n"))
	if len(box.Secrets) != diagnose.MaxSecrets || box.Dropped != 5 {
		t.Errorf("%d secrets, %d dropped; want %d and 5", len(box.Secrets), box.Dropped, diagnose.MaxSecrets)
	}
	r := diagnose.Run(fuzzJWS(`{"sub":"1"}`), diagnose.Options{Now: fuzzNow, SecretText: strings.Join(lines, "\n")})
	assertCodes(t, r, []string{"input.too_many_secrets:warn"}, nil)
}

// TestMayBlame is the rule for naming a secret as the wrong signing key.
func TestMayBlame(t *testing.T) {
	tests := []struct {
		name                         string
		role                         diagnose.SecretRole
		sessionToken, opened, inside bool
		want                         bool
	}{
		{"NEXTAUTH_SECRET on a backend token", diagnose.RoleSessionSecret, false, false, false, false},
		{"NEXTAUTH_SECRET that opened the session, on a backend token inside", diagnose.RoleSessionSecret, false, true, true, false},
		{"NEXTAUTH_SECRET on a signed session cookie", diagnose.RoleSessionSecret, true, false, false, true},
		{"SECRET_KEY on a backend token", diagnose.RoleSigningKey, false, false, false, true},
		{"SECRET_KEY on a backend token inside an opened session", diagnose.RoleSigningKey, false, false, true, true},
		{"SECRET_KEY on a signed session cookie", diagnose.RoleSigningKey, true, false, false, false},
		{"unnamed line on a backend token", diagnose.RoleUnnamed, false, false, false, true},
		{"unnamed line on a signed session cookie", diagnose.RoleUnnamed, true, false, false, true},
		{"unnamed line that opened the session, on a backend token inside", diagnose.RoleUnnamed, false, true, true, false},
		{"unnamed line that opened a session, on a backend token elsewhere", diagnose.RoleUnnamed, false, true, false, false},
		{"another unnamed line, on a backend token inside an opened session", diagnose.RoleUnnamed, false, false, true, false},
	}
	for _, tc := range tests {
		if got := diagnose.MayBlame(tc.role, tc.sessionToken, tc.opened, tc.inside); got != tc.want {
			t.Errorf("%s: MayBlame = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// labelShape is every form a label takes: a variable name, a line number,
// a block's kind; nothing else of the input can enter it.
var labelShape = regexp.MustCompile(`^(?:(?:[A-Za-z_][A-Za-z0-9_]*|PEM block|JSON key) \(line [1-9][0-9]*\)|line [1-9][0-9]*)$`)

// FuzzParseSecrets: whatever is typed, the parser does not panic, every
// secret is non-empty and its line is in range, a label never holds the
// value, and no ignored assignment is used.
func FuzzParseSecrets(f *testing.F) {
	for _, s := range []string{"", "a\nb", "NEXTAUTH_SECRET=\"x\\\"y\"", "export SECRET_KEY='k' # c", "{\n\"keys\":[{}]\n}", "-----BEGIN X-----\n", "A==", "DATABASE_URL=x\nsecret", "\"", "X=\"\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		box := diagnose.ParseSecrets(text)
		lines := strings.Count(strings.ReplaceAll(text, "\r\n", "\n"), "\n") + 1
		if len(box.Secrets) > diagnose.MaxSecrets {
			t.Fatalf("%d secrets", len(box.Secrets))
		}
		for _, s := range box.Secrets {
			if s.Value == "" || s.Line < 1 || s.Line > lines {
				t.Fatalf("secret %+v out of %d lines", s, lines)
			}
			if !labelShape.MatchString(s.Label()) {
				t.Fatalf("label %q is not a name and a line", s.Label())
			}
		}
	})
}
