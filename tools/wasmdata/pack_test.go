package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// module builds a module: the magic, then each section as given.
func module(sections ...[]byte) []byte {
	b := append([]byte(nil), magic...)
	for _, s := range sections {
		b = append(b, s...)
	}
	return b
}

func section(id byte, body []byte) []byte { return appendSection(nil, id, body) }

// image is the memory a module's data segments leave, from address 0 to
// the end of the last segment.
func image(t *testing.T, mod []byte) []byte {
	t.Helper()
	var mem []byte
	for _, s := range dataSegments(t, mod) {
		end := int(s.Offset) + len(s.Data)
		if end > len(mem) {
			mem = append(mem, make([]byte, end-len(mem))...)
		}
		copy(mem[s.Offset:], s.Data)
	}
	return mem
}

func dataSegments(t *testing.T, mod []byte) []Segment {
	t.Helper()
	var segs []Segment
	for _, s := range sections(t, mod) {
		if s[0] == sectionData {
			_, body, err := uleb(s, 1)
			if err != nil {
				t.Fatal(err)
			}
			if segs, err = ParseData(s[body:]); err != nil {
				t.Fatal(err)
			}
		}
	}
	return segs
}

// sections splits a module into its sections, headers included.
func sections(t *testing.T, mod []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for off := len(magic); off < len(mod); {
		n, body, err := uleb(mod, off+1)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, mod[off:body+int(n)])
		off = body + int(n)
	}
	return out
}

func TestPack(t *testing.T) {
	typeSec := section(1, []byte{1, 0x60, 0, 0})
	custom := section(0, append([]byte{4}, "name\x00\x01\x02"...))
	segs := []Segment{
		{Offset: 100, Data: []byte{1, 2, 3}},
		{Offset: 110, Data: []byte{4}},        // gap 7: joined
		{Offset: 1000, Data: []byte{5, 6}},    // gap 889: a new segment
		{Offset: 40, Data: []byte{7, 8}},      // below: sorted first, gap 58 to 100: joined
		{Offset: 1002 + 63, Data: []byte{9}},  // gap 63: joined
		{Offset: 1066 + 64, Data: []byte{10}}, // gap 64: a new segment
		{Offset: 1 << 20, Data: bytes.Repeat([]byte{11}, 300)},
	}
	in := module(typeSec, section(sectionData, AppendData(nil, segs)), custom)
	out, err := Pack(in, 64)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := image(t, out), image(t, in); !bytes.Equal(got, want) {
		t.Fatal("packed module leaves another memory image")
	}
	got := dataSegments(t, out)
	wantOffsets := []uint32{40, 1000, 1130, 1 << 20}
	if len(got) != len(wantOffsets) {
		t.Fatalf("%d segments, want %d: %v", len(got), len(wantOffsets), got)
	}
	for i, s := range got {
		if s.Offset != wantOffsets[i] {
			t.Errorf("segment %d at %d, want %d", i, s.Offset, wantOffsets[i])
		}
	}
	inSecs, outSecs := sections(t, in), sections(t, out)
	if len(inSecs) != len(outSecs) || !bytes.Equal(inSecs[0], outSecs[0]) || !bytes.Equal(inSecs[2], outSecs[2]) {
		t.Error("sections other than data changed")
	}
}

func TestPackRefuses(t *testing.T) {
	seg := func(flags byte, rest ...byte) []byte {
		return section(sectionData, append([]byte{1, flags}, rest...))
	}
	tests := []struct {
		name string
		mod  []byte
		err  error
	}{
		{"not wasm", []byte("\x7fELF\x02\x01\x01\x00"), ErrNotWasm},
		{"passive segment", module(seg(0x01, 1, 0xaa)), ErrUnsupported},
		{"offset from a global", module(seg(0x00, 0x23, 0, opEnd, 1, 0xaa)), ErrUnsupported},
		{"negative offset", module(seg(0x00, opI32Const, 0x7f, opEnd, 1, 0xaa)), ErrUnsupported},
		{"data count section", module(section(sectionDataCount, []byte{1})), ErrUnsupported},
		{"overlap", module(section(sectionData, AppendData(nil, []Segment{{10, []byte{1, 2}}, {11, []byte{3}}}))), ErrOverlap},
		{"segment past its section", module(seg(0x00, opI32Const, 0, opEnd, 5, 0xaa)), ErrMalformed},
		{"section past the end", append(module(), sectionData, 9, 0), ErrMalformed},
		{"bytes after the segments", module(section(sectionData, append(AppendData(nil, []Segment{{0, []byte{1}}}), 0))), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Pack(tt.mod, MaxZeroGap); !errors.Is(err, tt.err) {
				t.Fatalf("Pack: %v, want %v", err, tt.err)
			}
		})
	}
}

// TestPackGoModule packs a module Go's linker wrote (a small program that
// still has the runtime's tables, where the linker cuts zeros into
// thousands of segments): the memory image is the same, the code is the
// same, and gzip -9 makes it smaller.
func TestPackGoModule(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"packed\") }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wasm := filepath.Join(dir, "app.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", wasm, src)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GO111MODULE=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	in, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Pack(in, MaxZeroGap)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(image(t, out), image(t, in)) {
		t.Fatal("packed module leaves another memory image")
	}
	before, after := len(dataSegments(t, in)), len(dataSegments(t, out))
	if before < 1000 || after*10 > before {
		t.Errorf("segments %d → %d: the linker's cut into many, packing should leave few", before, after)
	}
	inSecs, outSecs := sections(t, in), sections(t, out)
	for i := range inSecs {
		if inSecs[i][0] != sectionData && !bytes.Equal(inSecs[i], outSecs[i]) {
			t.Errorf("section %d (id %d) changed", i, inSecs[i][0])
		}
	}
	if gin, gout := gzipLen(t, in), gzipLen(t, out); gout >= gin {
		t.Errorf("gzip -9: %d bytes packed, %d before", gout, gin)
	} else {
		t.Logf("segments %d → %d, gzip -9 %d → %d bytes, raw %d → %d", before, after, gin, gout, len(in), len(out))
	}
}

func gzipLen(t *testing.T, b []byte) int {
	t.Helper()
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Len()
}
