package interop

import (
	"cmp"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ftpconform/ftpconform/reports"
)

// Comparison is what the interop report shows: every server's verdicts side by side.
type Comparison struct {
	Generated    time.Time
	SuiteVersion string
	Servers      []string // the columns
	Outcomes     []Outcome
	Tables       []Table // one per profile
	Failures     []Failure
	Differences  []Difference
	Checked      bool // the verdicts were compared with the expected ones
	Judged       bool // the failures carry the judgements of interop/judgements.tsv
}

// Table is one profile's verdicts: a row per scenario, a cell per server.
type Table struct {
	Profile string
	Rows    []Row
}

// Row is one scenario across the servers.
type Row struct {
	ID, Title, Section, Level string
	Cells                     []Cell
	Differs                   bool // the servers do not all agree
}

// Failed reports whether the scenario failed on some server.
func (r Row) Failed() bool {
	for _, c := range r.Cells {
		if c.Verdict == reports.Failed {
			return true
		}
	}
	return false
}

// Cell is one server's verdict on one scenario.
type Cell struct {
	Verdict  reports.Verdict // "": the server did not run this scenario
	Reason   string
	Link     string          // the scenario in the server's report.html
	Expected reports.Verdict // the baseline's verdict when it differs; "" otherwise
}

// Failure is a scenario that failed on a server, with what shows the deviation: the RFC
// sentence and the transcript. One per server and scenario, with the profiles it failed under.
type Failure struct {
	Server, Version string
	Profiles        []string
	reports.Scenario
	Link       string
	Transcript string
	Message    string // the reason without the restated requirement, which is shown apart
	// NotOffered: the profile requires a feature the server does not offer (no sentence broken).
	NotOffered bool
	Judgement  Judgement // from interop/judgements.tsv; zero when nobody judged it
}

// notOfferedMark is how the harness words a failure for a feature the profile requires.
const notOfferedMark = "but the target does not offer it"

// RealFailures are the failures that point at a broken sentence; NotOffered the others.
func (c Comparison) RealFailures() []Failure { return c.failures(false) }

// NotOffered are the failures of features the profile requires and the server does not offer.
func (c Comparison) NotOffered() []Failure { return c.failures(true) }

func (c Comparison) failures(notOffered bool) []Failure {
	var out []Failure
	for _, f := range c.Failures {
		if f.NotOffered == notOffered {
			out = append(out, f)
		}
	}
	return out
}

// message drops the first line of a failure reason when it restates the requirement
// ("RFC 959 §4.1.3 (MUST): \"…\""), which the report shows as a quote already.
func message(reason, quote string) string {
	first, rest, ok := strings.Cut(reason, "\n")
	if ok && quote != "" && strings.Contains(first, quote[:min(len(quote), 40)]) {
		return strings.TrimSpace(rest)
	}
	return reason
}

// Compare builds the comparison of the outcomes, with the baseline differences (if checked).
func NewComparison(outcomes []Outcome, diffs []Difference, checked bool) Comparison {
	c := Comparison{Generated: time.Now(), Outcomes: outcomes, Differences: diffs, Checked: checked}
	column := map[string]int{}
	for _, o := range outcomes {
		if _, ok := column[o.Server]; !ok {
			column[o.Server] = len(c.Servers)
			c.Servers = append(c.Servers, o.Server)
		}
		if o.Ran && c.SuiteVersion == "" {
			c.SuiteVersion = o.Result.Run.SuiteVersion
		}
	}
	expected := map[[3]string]reports.Verdict{}
	for _, d := range diffs {
		expected[[3]string{d.Server, d.Profile, d.ID}] = cmp.Or(d.Expected, "none")
	}
	failures := map[[2]string]int{}
	for _, profile := range profilesOf(outcomes) {
		t := Table{Profile: profile}
		index := map[string]int{}
		for _, o := range outcomes {
			if o.Profile != profile || !o.Ran {
				continue
			}
			report := path.Join(filepath.ToSlash(o.Dir), reports.HTMLFile)
			for _, s := range o.Result.Scenarios {
				i, ok := index[s.ID]
				if !ok {
					i = len(t.Rows)
					index[s.ID] = i
					t.Rows = append(t.Rows, Row{ID: s.ID, Title: s.Title, Section: s.Section, Level: string(s.Level), Cells: make([]Cell, len(c.Servers))})
				}
				t.Rows[i].Cells[column[o.Server]] = Cell{
					Verdict: s.Verdict, Reason: s.Reason, Link: report + "#row-" + s.ID,
					Expected: expected[[3]string{o.Server, profile, s.ID}],
				}
				if s.Verdict != reports.Failed {
					continue
				}
				key := [2]string{o.Server, s.ID}
				if j, ok := failures[key]; ok {
					c.Failures[j].Profiles = append(c.Failures[j].Profiles, profile)
					continue
				}
				failures[key] = len(c.Failures)
				c.Failures = append(c.Failures, Failure{
					Server: o.Server, Version: o.Version, Profiles: []string{profile}, Scenario: s,
					Link: report + "#scenario-" + s.ID, Transcript: reports.FormatTranscript(s.Transcript),
					Message: message(s.Reason, s.Quote), NotOffered: strings.Contains(s.Reason, notOfferedMark),
				})
			}
		}
		for i := range t.Rows {
			t.Rows[i].Differs = !agree(t.Rows[i].Cells)
		}
		slices.SortFunc(t.Rows, func(a, b Row) int { return reports.CompareIDs(a.ID, b.ID) })
		c.Tables = append(c.Tables, t)
	}
	slices.SortStableFunc(c.Failures, func(a, b Failure) int {
		if x := reports.CompareIDs(a.ID, b.ID); x != 0 {
			return x
		}
		return cmp.Compare(column[a.Server], column[b.Server])
	})
	return c
}

// agree reports whether every server that ran the scenario gave the same verdict.
func agree(cells []Cell) bool {
	var first reports.Verdict
	for _, c := range cells {
		if c.Verdict == "" {
			continue
		}
		if first == "" {
			first = c.Verdict
		} else if c.Verdict != first {
			return false
		}
	}
	return true
}

func profilesOf(outcomes []Outcome) []string {
	var out []string
	for _, o := range outcomes {
		if !slices.Contains(out, o.Profile) {
			out = append(out, o.Profile)
		}
	}
	return out
}

// Markdown is the summary table for README.md: server, version, profile, counts.
func (c Comparison) Markdown() string {
	var b strings.Builder
	b.WriteString("| server | version | profile | passed | failed | warnings | skipped |\n")
	b.WriteString("|--------|---------|---------|-------:|-------:|---------:|--------:|\n")
	for _, o := range c.Outcomes {
		if !o.Ran {
			fmt.Fprintf(&b, "| %s | %s | %s | – | – | – | – |\n", o.Server, cmp.Or(o.Version, "–"), o.Profile)
			continue
		}
		n := o.Result.Counts
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d | %d |\n", o.Server, o.Version, o.Profile, n.Passed, n.Failed, n.Warnings, n.Skipped)
	}
	return b.String()
}

// FailuresText lists the failures by scenario, each with its requirement and, per server, the
// profiles it failed under and the message: what a reviewer reads to judge each one.
func (c Comparison) FailuresText() string {
	var b strings.Builder
	last := ""
	for _, f := range c.Failures {
		if f.ID != last {
			fmt.Fprintf(&b, "\n%s  %s  %s  %s\n", f.ID, f.Level, reports.SectionName(f.Section), f.Title)
			if f.Quote != "" {
				fmt.Fprintf(&b, "    %q\n", f.Quote)
			}
			last = f.ID
		}
		fmt.Fprintf(&b, "  %s (%s):\n", f.Server, strings.Join(f.Profiles, ", "))
		for _, line := range strings.Split(strings.TrimSpace(f.Reason), "\n") {
			fmt.Fprintf(&b, "      %s\n", line)
		}
	}
	return b.String()
}
