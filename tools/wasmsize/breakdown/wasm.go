// Package breakdown reads a WebAssembly module built by the Go toolchain and
// says where its bytes go: the size of every function body in the code
// section, named through the "name" custom section, summed by Go package and
// by a coarse group (runtime, crypto, go-app, ...).
//
// It reads only what it needs of the binary format
// (https://webassembly.github.io/spec/core/binary/modules.html): the section
// headers, the import section (imported functions come first in the function
// index space that the name section uses), the code section's entry sizes
// and the name section's function names subsection.
package breakdown

import (
	"bytes"
	"errors"
	"fmt"
)

// Errors a malformed module is reported with, wrapped with its offset.
var (
	ErrNotWasm    = errors.New("not a WebAssembly module")
	ErrTruncated  = errors.New("truncated WebAssembly module")
	ErrMalformed  = errors.New("malformed WebAssembly module")
	ErrNoNames    = errors.New("module has no function names (built with -ldflags=-s?)")
	errLEBTooLong = errors.New("LEB128 value too long")
)

// Section ids of the binary format.
const (
	SectionCustom   = 0
	SectionType     = 1
	SectionImport   = 2
	SectionFunction = 3
	SectionTable    = 4
	SectionMemory   = 5
	SectionGlobal   = 6
	SectionExport   = 7
	SectionStart    = 8
	SectionElement  = 9
	SectionCode     = 10
	SectionData     = 11
	SectionDataCnt  = 12
)

// sectionNames are the spec's names for the known section ids.
var sectionNames = map[byte]string{
	SectionCustom: "custom", SectionType: "type", SectionImport: "import",
	SectionFunction: "function", SectionTable: "table", SectionMemory: "memory",
	SectionGlobal: "global", SectionExport: "export", SectionStart: "start",
	SectionElement: "element", SectionCode: "code", SectionData: "data",
	SectionDataCnt: "datacount",
}

// importKindFunc is the import descriptor tag of a function import.
const importKindFunc = 0x00

// nameSubsectionFunctions is the name section's function names subsection.
const nameSubsectionFunctions = 1

var magic = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

// Section is one section of a module: its id, its name ("code", or a custom
// section's own name such as "name") and its size, header included.
type Section struct {
	ID   byte
	Name string
	// Size counts the whole section as it sits in the file: the id byte, the
	// size field and the contents.
	Size int
}

// Func is one function body of the code section.
type Func struct {
	Index int    // in the function index space (imports first)
	Name  string // from the name section; "" when it has none
	// Size is the body's bytes in the code section, its size field included.
	Size int
}

// Module is what this package reads of a module.
type Module struct {
	Size        int // the whole file
	Sections    []Section
	Imports     int // imported functions: the first indices of the index space
	Funcs       []Func
	CodeSection int // bytes of the code section, header included (0: none)
	DataSection int // bytes of the data section, header included (0: none)
	HasNames    bool
}

// Parse reads a module. A module without a name section parses, with
// HasNames false and every Func.Name empty.
func Parse(b []byte) (*Module, error) {
	if len(b) < len(magic) || !bytes.Equal(b[:len(magic)], magic) {
		return nil, ErrNotWasm
	}
	m := &Module{Size: len(b)}
	var names map[int]string
	r := &reader{b: b, off: len(magic)}
	for r.off < len(b) {
		start := r.off
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		n, err := r.u32()
		if err != nil {
			return nil, err
		}
		body, err := r.bytes(int(n))
		if err != nil {
			return nil, err
		}
		sec := Section{ID: id, Name: sectionNames[id], Size: r.off - start}
		sr := &reader{b: body, base: r.off - len(body)}
		switch id {
		case SectionCustom:
			if sec.Name, err = sr.name(); err != nil {
				return nil, err
			}
			if sec.Name == "name" {
				if names, err = sr.functionNames(); err != nil {
					return nil, err
				}
				m.HasNames = true
			}
		case SectionImport:
			if m.Imports, err = sr.functionImports(); err != nil {
				return nil, err
			}
		case SectionCode:
			m.CodeSection = sec.Size
			if m.Funcs, err = sr.codeEntries(); err != nil {
				return nil, err
			}
		case SectionData:
			m.DataSection = sec.Size
		}
		m.Sections = append(m.Sections, sec)
	}
	for i := range m.Funcs {
		m.Funcs[i].Index = m.Imports + i
		m.Funcs[i].Name = names[m.Funcs[i].Index]
	}
	return m, nil
}

// reader walks a byte slice; base is its offset in the file, for errors.
type reader struct {
	b    []byte
	off  int
	base int
}

func (r *reader) errorf(err error, format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", err, r.base+r.off, fmt.Sprintf(format, args...))
}

func (r *reader) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, r.errorf(ErrTruncated, "want 1 more byte")
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *reader) bytes(n int) ([]byte, error) {
	if n < 0 || n > len(r.b)-r.off {
		return nil, r.errorf(ErrTruncated, "want %d bytes, %d left", n, len(r.b)-r.off)
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s, nil
}

// u32 reads an unsigned LEB128 of at most 5 bytes (the spec's u32).
func (r *reader) u32() (uint32, error) {
	var v uint32
	for i := 0; i < 5; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= uint32(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, nil
		}
	}
	return 0, r.errorf(ErrMalformed, "%v", errLEBTooLong)
}

// count reads a vector length and refuses one that cannot fit in what is
// left (every element takes at least one byte), so a corrupt length cannot
// make Parse allocate gigabytes.
func (r *reader) count() (int, error) {
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	if int(n) > len(r.b)-r.off {
		return 0, r.errorf(ErrMalformed, "vector of %d elements in %d bytes", n, len(r.b)-r.off)
	}
	return int(n), nil
}

func (r *reader) name() (string, error) {
	n, err := r.u32()
	if err != nil {
		return "", err
	}
	s, err := r.bytes(int(n))
	return string(s), err
}

// functionImports counts the function imports of an import section.
func (r *reader) functionImports() (int, error) {
	n, err := r.count()
	if err != nil {
		return 0, err
	}
	funcs := 0
	for i := 0; i < n; i++ {
		if _, err := r.name(); err != nil { // module
			return 0, err
		}
		if _, err := r.name(); err != nil { // field
			return 0, err
		}
		kind, err := r.byte()
		if err != nil {
			return 0, err
		}
		switch kind {
		case importKindFunc: // typeidx
			funcs++
			_, err = r.u32()
		case 0x01: // table: reftype, limits
			if _, err = r.byte(); err == nil {
				err = r.limits()
			}
		case 0x02: // memory: limits
			err = r.limits()
		case 0x03: // global: valtype, mutability
			if _, err = r.byte(); err == nil {
				_, err = r.byte()
			}
		default:
			return 0, r.errorf(ErrMalformed, "import kind 0x%02x", kind)
		}
		if err != nil {
			return 0, err
		}
	}
	return funcs, nil
}

func (r *reader) limits() error {
	flag, err := r.byte()
	if err != nil {
		return err
	}
	if _, err := r.u32(); err != nil {
		return err
	}
	switch flag {
	case 0x00:
		return nil
	case 0x01:
		_, err := r.u32()
		return err
	}
	return r.errorf(ErrMalformed, "limits flag 0x%02x", flag)
}

// codeEntries reads the size of each function body of a code section.
func (r *reader) codeEntries() ([]Func, error) {
	n, err := r.count()
	if err != nil {
		return nil, err
	}
	funcs := make([]Func, n)
	for i := range funcs {
		start := r.off
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		if _, err := r.bytes(int(size)); err != nil {
			return nil, err
		}
		funcs[i].Size = r.off - start
	}
	if r.off != len(r.b) {
		return nil, r.errorf(ErrMalformed, "%d bytes after the last function body", len(r.b)-r.off)
	}
	return funcs, nil
}

// functionNames reads the function names subsection of a name section and
// skips the others (module and local names).
func (r *reader) functionNames() (map[int]string, error) {
	names := map[int]string{}
	for r.off < len(r.b) {
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		body, err := r.bytes(int(size))
		if err != nil {
			return nil, err
		}
		if id != nameSubsectionFunctions {
			continue
		}
		sr := &reader{b: body, base: r.base + r.off - len(body)}
		n, err := sr.count()
		if err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			idx, err := sr.u32()
			if err != nil {
				return nil, err
			}
			name, err := sr.name()
			if err != nil {
				return nil, err
			}
			names[int(idx)] = name
		}
	}
	return names, nil
}
