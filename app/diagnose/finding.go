// Package diagnose turns decoded tokens and pasted documents into findings:
// stable codes, a severity, the evidence (values, not prose), and the exact
// fix. Time is an input; nothing here reads the clock or the network.
package diagnose

// Severity orders findings: errors first.
type Severity string

// Severities, worst first.
const (
	SeverityError Severity = "error"
	SeverityWarn  Severity = "warn"
	SeverityInfo  Severity = "info"
	SeverityOK    Severity = "ok"
)

// Rank is 0 for the worst severity.
func (s Severity) Rank() int {
	switch s {
	case SeverityError:
		return 0
	case SeverityWarn:
		return 1
	case SeverityInfo:
		return 2
	default:
		return 3
	}
}

// Code is a finding's stable identifier. Codes are never renamed once shipped:
// users search for them and outside tests match on them.
type Code string

// Evidence is one value that triggered a finding.
type Evidence struct {
	Name  string
	Value string
}

// Finding is one verdict about the paste.
type Finding struct {
	Code     Code
	Severity Severity
	// Title says what happened, in one line.
	Title string
	// Detail says why it matters and what it means for the refresh.
	Detail string
	// Fix is the exact change: the setting, the code line, the action.
	Fix      string
	Evidence []Evidence
	// Token is the index in Report.Tokens the finding is about; -1 when it is
	// about the paste as a whole.
	Token int
	// Cause overrides the code's cause (CodeCause) when the same code means
	// different causes in different documents; empty: the code's.
	Cause Cause
}

func (f *Finding) with(name, value string) *Finding {
	f.Evidence = append(f.Evidence, Evidence{Name: name, Value: value})
	return f
}
