package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/rfc"
	"github.com/onsi/ginkgo/v2/types"
)

// Scenario is one spec of the report as the writers show it.
type Scenario struct {
	harness.Spec
	Outcome
	State      types.SpecState
	Labels     []string
	Location   string // file:line of the scenario's declaration
	Start      time.Time
	Duration   time.Duration
	Worker     int  // number of the worker process that ran it; 0 when it did not run
	Ran        bool // the scenario ran (it may still have skipped itself: feature not offered…)
	Transcript harness.Transcript
	Findings   []harness.Finding
	Replies    []harness.Step
}

// Command is the scenario's group in "by command" listings: the command its ID is named
// after (RETR for RETR-004, CONNECT for the greeting's), else its first command.
func (s Scenario) Command() string {
	if prefix, _ := splitID(s.ID); len(prefix) > 1 && strings.HasSuffix(prefix, "-") {
		return strings.TrimSuffix(prefix, "-")
	}
	if len(s.Commands) > 0 {
		return s.Commands[0]
	}
	return "(no command)"
}

// Counts are the verdicts of a run, counted.
type Counts struct {
	Total    int `json:"total"`
	Passed   int `json:"passed"`
	Failed   int `json:"failed"`
	Warnings int `json:"warnings"`
	Skipped  int `json:"skipped"`
}

// Ran is how many scenarios ran to a verdict other than skipped.
func (c Counts) Ran() int { return c.Passed + c.Failed + c.Warnings }

// Add counts one verdict.
func (c *Counts) Add(v Verdict) {
	c.Total++
	switch v {
	case Passed:
		c.Passed++
	case Failed:
		c.Failed++
	case Warning:
		c.Warnings++
	case Skipped:
		c.Skipped++
	}
}

// Result is a report digested: the run, its scenarios with their verdicts, and what went
// wrong outside any scenario.
type Result struct {
	Run       harness.RunInfo
	HasRun    bool // Run was found in the report
	Start     time.Time
	Duration  time.Duration
	Scenarios []Scenario
	Counts    Counts
	// Problems are failures outside the scenarios: a suite-level node that failed, a worker
	// that was interrupted. Any problem makes the run non-conformant.
	Problems []string
	// The run's own filters (ginkgo's label filter, with the profile's part, and --focus,
	// --skip), as the report's SuiteConfig records them.
	LabelFilter string
	Focus, Skip []string
	// Baseline is the comparison with --baseline, nil when the run was compared with none.
	Baseline *Comparison
}

// Analyze digests a report.
func Analyze(report types.Report) Result {
	r := Result{Start: report.StartTime, Duration: report.RunTime, LabelFilter: report.SuiteConfig.LabelFilter,
		Focus: report.SuiteConfig.FocusStrings, Skip: report.SuiteConfig.SkipStrings}
	r.Run, r.HasRun = RunOf(report)
	r.Baseline = BaselineOf(report)
	for _, spec := range report.SpecReports {
		if isRunNode(spec) {
			continue
		}
		if spec.LeafNodeType != types.NodeTypeIt {
			if spec.State.Is(types.SpecStateFailureStates) {
				r.Problems = append(r.Problems, fmt.Sprintf("%s failed: %s", spec.LeafNodeType, Classify(spec).Reason))
			}
			continue
		}
		s := Scenario{
			Spec:       SpecOf(spec),
			Outcome:    Classify(spec),
			State:      spec.State,
			Labels:     spec.Labels(),
			Location:   spec.LeafNodeLocation.String(),
			Start:      spec.StartTime,
			Duration:   spec.RunTime,
			Transcript: TranscriptOf(spec),
			Findings:   FindingsOf(spec),
			Replies:    RepliesOf(spec),
		}
		if spec.NumAttempts > 0 {
			s.Worker, s.Ran = spec.ParallelProcess, true
		}
		// The harness starts a failure message with the scenario's title, which every view
		// already shows beside it.
		s.Reason = strings.TrimPrefix(s.Reason, s.Title+"\n")
		r.Scenarios = append(r.Scenarios, s)
		r.Counts.Add(s.Verdict)
	}
	for _, reason := range report.SpecialSuiteFailureReasons {
		if !slices.Contains(r.Problems, reason) {
			r.Problems = append(r.Problems, reason)
		}
	}
	return r
}

// Conformant reports whether the run shows the target conformant to its profile: at least one
// scenario ran, none failed, nothing went wrong outside them, and with --strict no warnings.
func (r Result) Conformant() bool {
	if r.Counts.Ran() == 0 || r.Counts.Failed > 0 || len(r.Problems) > 0 {
		return false
	}
	return !r.Run.Settings.Strict || r.Counts.Warnings == 0
}

// OK reports whether the run passes as a whole: conformant, and without regressions against
// the baseline it was compared with. The exit status is 0 exactly when it is.
func (r Result) OK() bool {
	return r.Conformant() && (r.Baseline == nil || r.Baseline.Regressions() == 0)
}

// Why explains a non-conformant verdict in one line; "" when the run is conformant.
func (r Result) Why() string {
	var parts []string
	if r.Counts.Ran() == 0 {
		parts = append(parts, "no scenario ran")
	}
	if n := r.Counts.Failed; n > 0 {
		parts = append(parts, plural(n, "scenario failed", "scenarios failed"))
	}
	if r.Run.Settings.Strict && r.Counts.Warnings > 0 {
		parts = append(parts, plural(r.Counts.Warnings, "warning under --strict", "warnings under --strict"))
	}
	if n := len(r.Problems); n > 0 {
		parts = append(parts, plural(n, "problem outside the scenarios", "problems outside the scenarios"))
	}
	return joinList(parts)
}

// Failures returns the failed scenarios, by ID.
func (r Result) Failures() []Scenario { return r.withVerdict(Failed) }

// Warnings returns the scenarios that passed with warnings, by ID.
func (r Result) Warnings() []Scenario { return r.withVerdict(Warning) }

func (r Result) withVerdict(v Verdict) []Scenario {
	var out []Scenario
	for _, s := range r.Scenarios {
		if s.Verdict == v {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b Scenario) int { return CompareIDs(a.ID, b.ID) })
	return out
}

// Group is a set of scenarios under one heading, with their counts.
type Group struct {
	Name      string
	Scenarios []Scenario
	Counts    Counts
}

// ByCommand groups the scenarios by their first command, groups and scenarios in order of name
// and ID.
func (r Result) ByCommand() []Group {
	return groupBy(r.Scenarios, Scenario.Command)
}

func groupBy(scenarios []Scenario, key func(Scenario) string) []Group {
	index := map[string]int{}
	var groups []Group
	for _, s := range scenarios {
		k := key(s)
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, Group{Name: k})
		}
		groups[i].Scenarios = append(groups[i].Scenarios, s)
		groups[i].Counts.Add(s.Verdict)
	}
	slices.SortFunc(groups, func(a, b Group) int { return cmp.Compare(a.Name, b.Name) })
	for _, g := range groups {
		slices.SortStableFunc(g.Scenarios, func(a, b Scenario) int { return CompareIDs(a.ID, b.ID) })
	}
	return groups
}

// CompareIDs orders scenario IDs by prefix, then by number: RETR-2 before RETR-10.
func CompareIDs(a, b string) int {
	pa, na := splitID(a)
	pb, nb := splitID(b)
	if c := cmp.Compare(pa, pb); c != 0 {
		return c
	}
	if c := cmp.Compare(na, nb); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

func splitID(id string) (string, int) {
	i := len(id)
	for i > 0 && id[i-1] >= '0' && id[i-1] <= '9' {
		i--
	}
	n := 0
	for _, c := range id[i:] {
		n = n*10 + int(c-'0')
		if n > 1e9 {
			break
		}
	}
	return id[:i], n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func joinList(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	out := ""
	for i, p := range parts {
		switch {
		case i == 0:
		case i == len(parts)-1:
			out += " and "
		default:
			out += ", "
		}
		out += p
	}
	return out
}

// DocGroup is the scenarios of one RFC (by their primary section), section by section.
type DocGroup struct {
	Doc      string // short name: "959"
	Name     string // "RFC 959"
	Title    string // "File Transfer Protocol (FTP)"
	Sections []SectionGroup
	Counts   Counts
}

// SectionGroup is the scenarios of one section.
type SectionGroup struct {
	Ref       string // "959:4.1.3"
	Name      string // "RFC 959 §4.1.3"
	Title     string // the heading as printed: "FTP SERVICE COMMANDS"
	Scenarios []Scenario
	Counts    Counts
}

// ByRFC groups scenarios by the RFC and section they cite first: documents in the order the
// suite cites them (RFC 959 first), sections in the order of the text, scenarios by ID.
func (r Result) ByRFC() []DocGroup { return groupByRFC(r.Scenarios) }

func groupByRFC(scenarios []Scenario) []DocGroup {
	var groups []DocGroup
	docIndex := map[string]int{}
	for _, s := range scenarios {
		doc, sec, _ := strings.Cut(s.Section, ":")
		i, ok := docIndex[doc]
		if !ok {
			i = len(groups)
			docIndex[doc] = i
			g := DocGroup{Doc: doc, Name: "RFC " + doc}
			for _, d := range rfc.Docs() {
				if d.Name == doc {
					g.Name, g.Title = d.Cite, d.Title
				}
			}
			if doc == "" {
				g.Name = "(no RFC)"
			}
			groups = append(groups, g)
		}
		g := &groups[i]
		g.Counts.Add(s.Verdict)
		j := slices.IndexFunc(g.Sections, func(x SectionGroup) bool { return x.Ref == s.Section })
		if j < 0 {
			j = len(g.Sections)
			sg := SectionGroup{Ref: s.Section, Name: SectionName(s.Section)}
			if found, ok := rfc.Lookup(doc, sec); ok {
				sg.Title = found.Title
			}
			g.Sections = append(g.Sections, sg)
		}
		g.Sections[j].Scenarios = append(g.Sections[j].Scenarios, s)
		g.Sections[j].Counts.Add(s.Verdict)
	}
	docOrder := func(doc string) int {
		i := slices.IndexFunc(rfc.Docs(), func(d rfc.Doc) bool { return d.Name == doc })
		if i < 0 {
			return len(rfc.Docs())
		}
		return i
	}
	slices.SortFunc(groups, func(a, b DocGroup) int {
		return cmp.Or(cmp.Compare(docOrder(a.Doc), docOrder(b.Doc)), cmp.Compare(a.Doc, b.Doc))
	})
	for _, g := range groups {
		order := map[string]int{}
		for i, sec := range rfc.Sections(g.Doc) {
			order[g.Doc+":"+sec.ID] = i
		}
		position := func(ref string) int {
			if i, ok := order[ref]; ok {
				return i
			}
			return len(order)
		}
		slices.SortFunc(g.Sections, func(a, b SectionGroup) int {
			return cmp.Or(cmp.Compare(position(a.Ref), position(b.Ref)), cmp.Compare(a.Ref, b.Ref))
		})
		for _, sg := range g.Sections {
			slices.SortStableFunc(sg.Scenarios, func(a, b Scenario) int { return CompareIDs(a.ID, b.ID) })
		}
	}
	return groups
}
