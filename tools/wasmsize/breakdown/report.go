package breakdown

import (
	"fmt"
	"io"
	"sort"
)

// Row is one line of a breakdown: a package or a group and the bytes of
// its function bodies.
type Row struct {
	Name  string
	Bytes int
	Funcs int
}

// Breakdown is a module's code section summed by package and by group.
type Breakdown struct {
	Module     *Module
	Packages   []Row // largest first
	Groups     []Row // largest first, every group listed (empty ones with 0)
	FuncBytes  int   // sum of all function bodies
	BiggestFns []Func
}

// biggestFns is how many of the largest functions a Breakdown keeps.
const biggestFns = 15

// Summarize attributes every function body of m to its package and group.
func Summarize(m *Module, pkgs *Packages, groups []Group) (*Breakdown, error) {
	if !m.HasNames {
		return nil, ErrNoNames
	}
	byPkg := map[string]*Row{}
	byGroup := map[string]*Row{}
	for _, g := range groups {
		byGroup[g.Name] = &Row{Name: g.Name}
	}
	byGroup[GroupOther] = &Row{Name: GroupOther}
	b := &Breakdown{Module: m}
	for _, f := range m.Funcs {
		pkg := pkgs.Of(f.Name)
		r := byPkg[pkg]
		if r == nil {
			r = &Row{Name: pkg}
			byPkg[pkg] = r
		}
		r.Bytes += f.Size
		r.Funcs++
		g := byGroup[GroupOf(groups, pkg)]
		g.Bytes += f.Size
		g.Funcs++
		b.FuncBytes += f.Size
	}
	b.Packages = sortedRows(byPkg)
	b.Groups = sortedRows(byGroup)
	fns := append([]Func(nil), m.Funcs...)
	sort.SliceStable(fns, func(i, j int) bool { return fns[i].Size > fns[j].Size })
	b.BiggestFns = fns[:min(len(fns), biggestFns)]
	return b, nil
}

func sortedRows(m map[string]*Row) []Row {
	rows := make([]Row, 0, len(m))
	for _, r := range m {
		rows = append(rows, *r)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Bytes != rows[j].Bytes {
			return rows[i].Bytes > rows[j].Bytes
		}
		return rows[i].Name < rows[j].Name
	})
	return rows
}

// Write prints the breakdown: sections, groups, the top packages and the
// largest functions. Percentages are of the code section.
func (b *Breakdown) Write(w io.Writer, topPackages int) error {
	m := b.Module
	pw := &printer{w: w}
	pw.printf("%-48s %12s %8s\n", "section", "bytes", "% file")
	for _, s := range m.Sections {
		name := s.Name
		if s.ID == SectionCustom {
			name = "custom " + s.Name
		}
		pw.printf("%-48s %12d %7.1f%%\n", name, s.Size, pct(s.Size, m.Size))
	}
	pw.printf("%-48s %12d\n\n", "file", m.Size)

	header := func(what string) {
		pw.printf("%-48s %12s %8s %7s\n", what, "code bytes", "% code", "funcs")
	}
	row := func(r Row) {
		pw.printf("%-48s %12d %7.1f%% %7d\n", r.Name, r.Bytes, pct(r.Bytes, m.CodeSection), r.Funcs)
	}
	header("group")
	for _, r := range b.Groups {
		row(r)
	}
	row(Row{Name: "all function bodies", Bytes: b.FuncBytes, Funcs: len(m.Funcs)})
	pw.printf("%-48s %12d\n\n", "data section (not in % code)", m.DataSection)

	n := min(topPackages, len(b.Packages))
	header(fmt.Sprintf("package (top %d of %d)", n, len(b.Packages)))
	for _, r := range b.Packages[:n] {
		row(r)
	}
	pw.printf("\n%-48s %12s %8s\n", "largest functions", "code bytes", "% code")
	for _, f := range b.BiggestFns {
		pw.printf("%-48s %12d %7.1f%%\n", f.Name, f.Size, pct(f.Size, m.CodeSection))
	}
	return pw.err
}

func pct(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}

// printer keeps the first write error so Write can check once.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}
