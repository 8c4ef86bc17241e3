package breakdown

import (
	"errors"
	"testing"
)

// uleb appends v as unsigned LEB128.
func uleb(b []byte, v int) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func str(b []byte, s string) []byte { return append(uleb(b, len(s)), s...) }

func section(id byte, body []byte) []byte {
	return append(uleb([]byte{id}, len(body)), body...)
}

// testModule is a hand-built module: one imported function, three function
// bodies of 5, 300 and 20 bytes of code, a data section and, when names is
// set, a name section with a module name subsection (skipped) and the
// function names subsection.
func testModule(names map[int]string) []byte {
	m := append([]byte(nil), magic...)
	m = append(m, section(SectionType, []byte{1, 0x60, 0, 0})...) // one type: [] -> []
	imp := uleb(nil, 2)
	imp = str(str(imp, "gojs"), "runtime.wasmExit")
	imp = append(imp, importKindFunc, 0)
	imp = str(str(imp, "env"), "mem")
	imp = append(imp, 0x02, 0x01, 1, 2) // memory, limits min 1 max 2
	m = append(m, section(SectionImport, imp)...)
	m = append(m, section(SectionFunction, []byte{3, 0, 0, 0})...)
	code := uleb(nil, 3)
	for _, n := range []int{5, 300, 20} {
		body := make([]byte, n) // contents do not matter to the reader
		code = append(uleb(code, len(body)), body...)
	}
	m = append(m, section(SectionCode, code)...)
	m = append(m, section(SectionData, make([]byte, 1000))...)
	if names != nil {
		mod := str(nil, "hello")
		fn := uleb(nil, len(names))
		for i := 0; i < 4; i++ {
			if name, ok := names[i]; ok {
				fn = str(uleb(fn, i), name)
			}
		}
		ns := str(nil, "name")
		ns = append(uleb(append(ns, 0), len(mod)), mod...)
		ns = append(uleb(append(ns, nameSubsectionFunctions), len(fn)), fn...)
		m = append(m, section(SectionCustom, ns)...)
	}
	return m
}

var testNames = map[int]string{
	0: "runtime.wasmExit", // the import
	1: "runtime.mallocgc",
	2: "github.com_maxence_charriere_go_app_v10_pkg_app.__Compo_.Render",
	3: "crypto/internal/fips140/aes.encryptBlock", // unsanitized also works
}

func TestParse(t *testing.T) {
	m, err := Parse(testModule(testNames))
	if err != nil {
		t.Fatal(err)
	}
	if m.Imports != 1 || !m.HasNames {
		t.Fatalf("Imports = %d, HasNames = %v; want 1, true", m.Imports, m.HasNames)
	}
	want := []Func{
		{Index: 1, Name: testNames[1], Size: 6},   // 5 bytes and a 1-byte size
		{Index: 2, Name: testNames[2], Size: 302}, // 300 bytes and a 2-byte size
		{Index: 3, Name: testNames[3], Size: 21},
	}
	if len(m.Funcs) != len(want) {
		t.Fatalf("%d funcs, want %d", len(m.Funcs), len(want))
	}
	for i, f := range m.Funcs {
		if f != want[i] {
			t.Errorf("func %d = %+v, want %+v", i, f, want[i])
		}
	}
	// code section: id, 2-byte size, 1-byte count, 329 bytes of entries.
	if m.CodeSection != 1+2+1+329 {
		t.Errorf("CodeSection = %d, want %d", m.CodeSection, 1+2+1+329)
	}
	if m.DataSection != 1+2+1000 {
		t.Errorf("DataSection = %d, want %d", m.DataSection, 1+2+1000)
	}
	total := len(magic)
	for _, s := range m.Sections {
		total += s.Size
	}
	if total != m.Size {
		t.Errorf("sections add up to %d bytes, file is %d", total, m.Size)
	}
	if last := m.Sections[len(m.Sections)-1]; last.ID != SectionCustom || last.Name != "name" {
		t.Errorf("last section = %+v, want the custom name section", last)
	}
}

func TestParseWithoutNames(t *testing.T) {
	m, err := Parse(testModule(nil))
	if err != nil {
		t.Fatal(err)
	}
	if m.HasNames || m.Funcs[0].Name != "" {
		t.Fatalf("HasNames = %v, first name %q; want false, empty", m.HasNames, m.Funcs[0].Name)
	}
	if _, err := Summarize(m, NewPackages(nil, ""), DefaultGroups); !errors.Is(err, ErrNoNames) {
		t.Fatalf("Summarize without names: %v, want ErrNoNames", err)
	}
}

func TestParseRejects(t *testing.T) {
	good := testModule(testNames)
	huge := append(append([]byte(nil), magic...), section(SectionCode, uleb(nil, 1<<30))...)
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrNotWasm},
		{"wrong magic", []byte("\x00asm\x02\x00\x00\x00"), ErrNotWasm},
		{"cut in a section", good[:len(good)-3], ErrTruncated},
		{"cut in a section header", append(append([]byte(nil), magic...), SectionCode), ErrTruncated},
		{"LEB128 over 5 bytes", append(append([]byte(nil), magic...), SectionCode, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), ErrMalformed},
		{"vector longer than its section", huge, ErrMalformed},
		{"bytes after the last body", append(append([]byte(nil), magic...), section(SectionCode, []byte{1, 1, 0, 0xff})...), ErrMalformed},
		{"unknown import kind", append(append([]byte(nil), magic...), section(SectionImport, append(str(str(uleb(nil, 1), "m"), "f"), 0x09))...), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(tt.in); !errors.Is(err, tt.want) {
				t.Fatalf("Parse: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	m, err := Parse(testModule(testNames))
	if err != nil {
		t.Fatal(err)
	}
	pkgs := NewPackages([]string{"runtime", "github.com/maxence-charriere/go-app/v10/pkg/app", "crypto/internal/fips140/aes"}, "")
	b, err := Summarize(m, pkgs, DefaultGroups)
	if err != nil {
		t.Fatal(err)
	}
	if b.FuncBytes != 6+302+21 {
		t.Errorf("FuncBytes = %d, want %d", b.FuncBytes, 6+302+21)
	}
	wantPkgs := []Row{
		{Name: "github.com/maxence-charriere/go-app/v10/pkg/app", Bytes: 302, Funcs: 1},
		{Name: "crypto/internal/fips140/aes", Bytes: 21, Funcs: 1},
		{Name: "runtime", Bytes: 6, Funcs: 1},
	}
	if len(b.Packages) != len(wantPkgs) {
		t.Fatalf("Packages = %+v, want %+v", b.Packages, wantPkgs)
	}
	for i, r := range b.Packages {
		if r != wantPkgs[i] {
			t.Errorf("Packages[%d] = %+v, want %+v", i, r, wantPkgs[i])
		}
	}
	groups := map[string]int{}
	for _, r := range b.Groups {
		groups[r.Name] = r.Bytes
	}
	for name, want := range map[string]int{"go-app": 302, "crypto/*": 21, "runtime": 6, "regexp": 0, GroupOther: 0} {
		if got, ok := groups[name]; !ok || got != want {
			t.Errorf("group %q = %d (listed %v), want %d", name, got, ok, want)
		}
	}
	if len(b.Groups) != len(DefaultGroups)+1 {
		t.Errorf("%d groups, want every default group and %q", len(b.Groups), GroupOther)
	}
}
