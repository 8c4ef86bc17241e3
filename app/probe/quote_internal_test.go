//go:build unix

package probe

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

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
		lines = append(lines, pyString(s))
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
			t.Errorf("pyString(%q) = %s, Python reads %q", inputs[i], lines[i], got[i])
		}
		if strings.ContainsAny(lines[i], "\n\r") {
			t.Errorf("pyString(%q) spans lines: %s", inputs[i], lines[i])
		}
	}
}
