package realprobe_test

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
)

// fromOrigin is a transport that sends from origin and meets a CORS refusal:
// the case whose fix holds a settings.py line with the origin in it.
type fromOrigin string

func (o fromOrigin) Origin() string { return string(o) }
func (o fromOrigin) Do(_ context.Context, r probe.Request) (probe.Response, error) {
	if r.Mode == probe.ModeNoCORS {
		return probe.Response{Opaque: true}, nil
	}
	return probe.Response{}, probe.ErrNetwork
}

// TestCORSSettingsLineIsOnePythonString: whatever the origin holds, the
// settings line Python reads is one assignment of a one-string list whose
// string is the validated origin (or the example origin, when the page's
// origin is not one a backend can allow). A browser origin cannot hold these characters; the
// quoting must not depend on that.
func TestCORSSettingsLineIsOnePythonString(t *testing.T) {
	origins := []string{
		"http://localhost:3000",
		`http://x"]; import os; os.system("id") #`,
		`http://x\"]; import os #`,
		"http://x'''\"\"\"\\",
		"http://x\n__import__('os').system('id')",
		"http://x\r\t\x00\x7f",
		"http://x\u202egnp.exe",
		"http://münchen.example:3000",
		"http://x\U0001F600",
	}
	for _, origin := range origins {
		p := probe.Prober{Transport: fromOrigin(origin)}
		res := p.SafeProbe(context.Background(), "http://127.0.0.1:8000", probe.CandidatePaths[:1])
		var line, fix string
		for _, f := range res.Findings {
			if f.Code == diagnose.CodeCORSBlocked {
				fix = f.Fix
				for _, e := range f.Evidence {
					if e.Name == "settings line" {
						line = e.Value
					}
				}
			}
		}
		if line == "" {
			t.Fatalf("%q: no cors_blocked settings line; findings %v", origin, codesOf(res.Findings))
		}
		if !strings.Contains(fix, line) {
			t.Errorf("%q: the fix does not hold the same settings line", origin)
		}
		if strings.ContainsAny(line, "\n\r\x00") {
			t.Errorf("%q: the settings line spans lines or holds NUL: %q", origin, line)
		}
		const check = `import ast, json, sys
line = sys.argv[1]
tree = ast.parse(line)
ok = (len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign)
      and isinstance(tree.body[0].value, ast.List) and len(tree.body[0].value.elts) == 1
      and isinstance(tree.body[0].value.elts[0], ast.Constant))
ns = {}
exec(compile(tree, "settings.py", "exec"), {}, ns) if ok else None
print(json.dumps({"ok": ok, "value": ns.get("CORS_ALLOWED_ORIGINS")}))
`
		out, err := exec.Command("python3", "-c", check, line).CombinedOutput()
		if err != nil {
			t.Fatalf("%q: python3 cannot read %q: %v\n%s", origin, line, err, out)
		}
		var got struct {
			OK    bool     `json:"ok"`
			Value []string `json:"value"`
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%q: %v: %s", origin, err, out)
		}
		want, ok := probe.ValidOrigin(origin)
		if !ok {
			want = probe.ExampleOrigin
		}
		if !got.OK || len(got.Value) != 1 || got.Value[0] != want {
			t.Errorf("%q: Python reads %s as %+v", origin, line, got)
		}
	}
}

// TestPyStringRoundTrips asks Python itself to read every literal back.
func TestPyStringRoundTrips(t *testing.T) {
	inputs := []string{
		"http://localhost:3000",
		`x"];import os;os.system("id");#`,
		`back\slash \" \n`,
		"new\nline\ttab\x00nul\x7fdel",
		"é ü 漢字 😀 \u2028",
	}
	var lines []string
	for _, s := range inputs {
		lines = append(lines, probe.PythonString(s))
	}
	script := "import ast, json, sys\nprint(json.dumps([ast.literal_eval(l) for l in sys.stdin.read().split('\\n')]))\n"
	cmd := exec.Command("/usr/bin/python3", "-c", script)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3 could not read the literals %q: %v", lines, err)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(inputs) {
		t.Fatalf("python3 read %s (%v), want %d strings", out, err, len(inputs))
	}
	for i := range inputs {
		if got[i] != inputs[i] {
			t.Errorf("probe.PythonString(%q) = %s, Python reads %q", inputs[i], lines[i], got[i])
		}
		if strings.ContainsAny(lines[i], "\n\r") {
			t.Errorf("probe.PythonString(%q) spans lines: %s", inputs[i], lines[i])
		}
	}
}
