package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/onsi/ginkgo/v2/types"
)

// A baseline records, for every scenario a run ran, its verdict and the reply codes the target
// gave at each step (harness.EntryReplies). A later run compared with it reports every change:
// a scenario newly failing or newly passing, and a reply code that changed even where both runs
// pass, so that a maintainer learns at once that DELE of a missing file now draws 450, not 550.

// BaselineSchemaVersion is the version of the baseline file's format.
const BaselineSchemaVersion = 1

// Baseline is the content of a --baseline-write file.
type Baseline struct {
	SchemaVersion int                         `json:"schema_version"`
	SuiteVersion  string                      `json:"suite_version"`
	Target        string                      `json:"target"` // password redacted; "embedded reference server" for it
	Profile       harness.Profile             `json:"profile"`
	Strict        bool                        `json:"strict"`
	Scenarios     map[string]BaselineScenario `json:"scenarios"` // by scenario ID
}

// BaselineScenario is one scenario's record: its verdict and what the target answered.
type BaselineScenario struct {
	Verdict Verdict        `json:"verdict"`
	Steps   []harness.Step `json:"steps"`
}

// embeddedTarget names the embedded reference server in baselines: its port changes each run.
const embeddedTarget = "embedded reference server"

// NewBaseline records the scenarios of a run that ran; those the run left out (another
// profile, a filter) are not in it, and a later comparison does not judge them.
func NewBaseline(r Result) Baseline {
	b := Baseline{SchemaVersion: BaselineSchemaVersion, SuiteVersion: r.Run.SuiteVersion,
		Target: r.Run.Settings.Target.String(), Profile: r.Run.Settings.Profile, Strict: r.Run.Settings.Strict,
		Scenarios: map[string]BaselineScenario{}}
	if r.Run.Embedded {
		b.Target = embeddedTarget
	}
	for _, s := range r.Scenarios {
		if s.Ran && s.ID != "" {
			b.Scenarios[s.ID] = BaselineScenario{Verdict: s.Verdict, Steps: nonNil(canonicalSteps(s.Replies))}
		}
	}
	return b
}

func nonNil(steps []harness.Step) []harness.Step {
	if steps == nil {
		return []harness.Step{}
	}
	return steps
}

// Marshal writes the baseline as indented JSON with one step per line, scenarios in ID order,
// so that a committed baseline changes by the lines of the scenarios that changed.
func (b Baseline) Marshal() []byte {
	var buf bytes.Buffer
	compact := func(v any) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // "<connect>" as it reads
		enc.Encode(v)
		return strings.TrimSuffix(b.String(), "\n")
	}
	str := func(s string) string { return compact(s) }
	fmt.Fprintf(&buf, "{\n  \"schema_version\": %d,\n  \"suite_version\": %s,\n  \"target\": %s,\n  \"profile\": %s,\n  \"strict\": %t,\n  \"scenarios\": {",
		b.SchemaVersion, str(b.SuiteVersion), str(b.Target), str(string(b.Profile)), b.Strict)
	ids := slices.SortedFunc(maps.Keys(b.Scenarios), CompareIDs)
	for i, id := range ids {
		s := b.Scenarios[id]
		if i > 0 {
			buf.WriteString(",")
		}
		fmt.Fprintf(&buf, "\n    %s: {\"verdict\": %s, \"steps\": [", str(id), str(string(s.Verdict)))
		for j, st := range s.Steps {
			if j > 0 {
				buf.WriteString(",")
			}
			fmt.Fprintf(&buf, "\n      %s", compact(st))
		}
		if len(s.Steps) > 0 {
			buf.WriteString("\n    ")
		}
		buf.WriteString("]}")
	}
	if len(ids) > 0 {
		buf.WriteString("\n  ")
	}
	buf.WriteString("}\n}\n")
	return buf.Bytes()
}

// WriteBaseline writes the baseline of a run into file.
func WriteBaseline(r Result, file string) error {
	return os.WriteFile(file, NewBaseline(r).Marshal(), 0o644)
}

// ReadBaseline reads a baseline file; its errors say what is wrong in one line.
func ReadBaseline(file string) (Baseline, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return Baseline{}, err
	}
	var b Baseline
	if err := json.Unmarshal(raw, &b); err != nil {
		return Baseline{}, fmt.Errorf("%s is not a baseline: %v", file, err)
	}
	if b.SchemaVersion != BaselineSchemaVersion {
		return Baseline{}, fmt.Errorf("%s: baseline schema_version %d, this ftpconform reads %d", file, b.SchemaVersion, BaselineSchemaVersion)
	}
	if b.Scenarios == nil {
		return Baseline{}, fmt.Errorf("%s: no \"scenarios\"", file)
	}
	return b, nil
}

// ChangeKind says how a scenario differs from the baseline.
type ChangeKind string

const (
	NewlyFailing   ChangeKind = "newly failing"
	NewlyWarning   ChangeKind = "newly warning" // passed; now a SHOULD is not met
	NewlySkipped   ChangeKind = "newly skipped" // ran to a verdict; now skips itself (a feature no longer offered…)
	RepliesChanged ChangeKind = "replies changed"
	NewlyPassing   ChangeKind = "newly passing"
	WarningGone    ChangeKind = "no longer warns"
	NewlyRun       ChangeKind = "newly run" // skipped itself before; now runs to a verdict
	NotInBaseline  ChangeKind = "not in the baseline"
	Removed        ChangeKind = "no longer in the suite"
)

// Change is one difference between a run and its baseline.
type Change struct {
	ID         string     `json:"id"`
	Title      string     `json:"title,omitempty"`
	Kind       ChangeKind `json:"kind"`
	Regression bool       `json:"regression"` // makes the run fail
	Before     Verdict    `json:"before,omitempty"`
	After      Verdict    `json:"after,omitempty"`
	// Replies says which reply codes changed: "DELE 550 → 450"; "" when none did.
	Replies string `json:"replies,omitempty"`
	Reason  string `json:"reason,omitempty"` // the new verdict's reason, for a failure or a skip
}

// String is the change in one line: "DELE-003 replies changed: DELE 550 → 450".
func (c Change) String() string {
	s := c.ID + " " + string(c.Kind)
	switch {
	case c.Replies != "":
		s += ": " + c.Replies
	case c.Before != "" && c.After != "" && c.Before != c.After:
		s += fmt.Sprintf(" (%s → %s)", c.Before, c.After)
	}
	return s
}

// Comparison is a run compared with a baseline. Changes are in order of importance:
// regressions first, then by ID.
type Comparison struct {
	File         string   `json:"file"`
	SuiteVersion string   `json:"suite_version"` // of the run that wrote the baseline
	Target       string   `json:"target"`
	Profile      string   `json:"profile"`
	Compared     int      `json:"compared"`     // scenarios that ran now and are in the baseline
	NotCompared  int      `json:"not_compared"` // in the baseline, but left out of this run
	Changes      []Change `json:"changes"`
	// Exact: every change fails the run, not only regressions (--baseline-exact).
	Exact bool `json:"exact,omitempty"`
}

// Regressions counts the changes that make the run fail: with Exact, every change.
func (c *Comparison) Regressions() int {
	n := 0
	for _, ch := range c.Changes {
		if ch.Regression || c.Exact {
			n++
		}
	}
	return n
}

// Summary says in one line how the run compares: "2 regressions and 1 other change against
// the baseline X", or with Exact "3 changes against the baseline X (--baseline-exact: …)".
func (c *Comparison) Summary() string {
	if len(c.Changes) == 0 {
		return fmt.Sprintf("no change against the baseline %s (%s compared)", c.File, plural(c.Compared, "scenario", "scenarios"))
	}
	reg := 0
	for _, ch := range c.Changes {
		if ch.Regression {
			reg++
		}
	}
	var parts []string
	if reg > 0 {
		parts = append(parts, plural(reg, "regression", "regressions"))
	}
	if other := len(c.Changes) - reg; other > 0 {
		word := "other change"
		if reg == 0 {
			word = "change"
		}
		parts = append(parts, plural(other, word, word+"s"))
	}
	s := fmt.Sprintf("%s against the baseline %s", joinList(parts), c.File)
	if c.Exact && len(c.Changes) > reg {
		s += " (--baseline-exact: every change fails the run)"
	}
	return s
}

// Compare compares a run with a baseline read from file.
func Compare(b Baseline, file string, r Result) *Comparison {
	c := &Comparison{File: file, SuiteVersion: b.SuiteVersion, Target: b.Target, Profile: string(b.Profile)}
	inSuite := map[string]bool{}
	for _, s := range r.Scenarios {
		if s.ID == "" {
			continue
		}
		inSuite[s.ID] = true
		before, known := b.Scenarios[s.ID]
		switch {
		case !s.Ran && known:
			c.NotCompared++
		case !s.Ran:
		case !known:
			c.Changes = append(c.Changes, Change{ID: s.ID, Title: s.Title, Kind: NotInBaseline, After: s.Verdict})
		default:
			c.Compared++
			if ch, changed := compareScenario(s, before); changed {
				c.Changes = append(c.Changes, ch)
			}
		}
	}
	for id, before := range b.Scenarios {
		if !inSuite[id] {
			c.Changes = append(c.Changes, Change{ID: id, Kind: Removed, Before: before.Verdict})
		}
	}
	slices.SortFunc(c.Changes, func(a, b Change) int {
		if a.Regression != b.Regression {
			if a.Regression {
				return -1
			}
			return 1
		}
		return CompareIDs(a.ID, b.ID)
	})
	return c
}

// compareScenario judges one scenario that ran in both runs.
func compareScenario(s Scenario, before BaselineScenario) (Change, bool) {
	ch := Change{ID: s.ID, Title: s.Title, Before: before.Verdict, After: s.Verdict,
		Replies: diffSteps(canonicalSteps(before.Steps), canonicalSteps(s.Replies))}
	if s.Verdict == Failed || s.Verdict == Skipped {
		ch.Reason = firstLines(s.Reason, 1)
	}
	switch b, a := before.Verdict, s.Verdict; {
	case a == b && ch.Replies == "":
		return ch, false
	case a == b:
		ch.Kind, ch.Regression = RepliesChanged, true
	case a == Failed:
		ch.Kind, ch.Regression = NewlyFailing, true
	case a == Skipped:
		ch.Kind, ch.Regression = NewlySkipped, b != Failed
	case b == Failed:
		ch.Kind = NewlyPassing
	case b == Skipped:
		ch.Kind = NewlyRun
	case a == Warning:
		ch.Kind, ch.Regression = NewlyWarning, true
	default:
		ch.Kind = WarningGone
	}
	// A changed reply code is a regression whatever the verdicts say.
	ch.Regression = ch.Regression || ch.Replies != ""
	return ch, true
}

// canonicalSteps leaves out the harness's own connections (feature probes, scratch
// directories: harness.Step.Housekeeping): whether a scenario's record holds a probe depends on
// which scenarios ran before it in the same worker. The connections left are numbered from 1 in
// the order they opened.
func canonicalSteps(steps []harness.Step) []harness.Step {
	number := map[int]int{}
	var out []harness.Step
	for _, st := range steps {
		if st.Housekeeping {
			continue
		}
		if _, ok := number[st.Conn]; !ok {
			number[st.Conn] = len(number) + 1
		}
		st.Conn = number[st.Conn]
		out = append(out, st)
	}
	return out
}

// diffSteps describes how the reply codes changed, connection by connection (a scenario's
// connections may interleave differently from run to run); "" when they did not.
func diffSteps(before, after []harness.Step) string {
	conns := map[int]bool{}
	byConn := func(steps []harness.Step) map[int][]harness.Step {
		m := map[int][]harness.Step{}
		for _, s := range steps {
			m[s.Conn] = append(m[s.Conn], s)
			conns[s.Conn] = true
		}
		return m
	}
	b, a := byConn(before), byConn(after)
	var parts []string
	for _, conn := range slices.Sorted(maps.Keys(conns)) {
		d := diffSequence(b[conn], a[conn])
		if d == "" {
			continue
		}
		if len(conns) > 1 {
			d = fmt.Sprintf("connection %d: %s", conn, d)
		}
		parts = append(parts, d)
	}
	return strings.Join(parts, "; ")
}

// diffSequence compares the steps of one connection. Where the commands are the same and only
// codes differ, each changed step reads "DELE 550 → 450"; otherwise the differing stretch of
// the exchange is shown before and after.
func diffSequence(before, after []harness.Step) string {
	same := func(x, y harness.Step) bool { return x.Command == y.Command && slices.Equal(x.Codes, y.Codes) }
	p := 0
	for p < len(before) && p < len(after) && same(before[p], after[p]) {
		p++
	}
	if p == len(before) && p == len(after) {
		return ""
	}
	s := 0
	for s < len(before)-p && s < len(after)-p && same(before[len(before)-1-s], after[len(after)-1-s]) {
		s++
	}
	bm, am := before[p:len(before)-s], after[p:len(after)-s]
	if len(bm) == len(am) {
		sameCommands := true
		for i := range bm {
			sameCommands = sameCommands && bm[i].Command == am[i].Command
		}
		if sameCommands {
			var parts []string
			for i := range bm {
				parts = append(parts, fmt.Sprintf("%s %s → %s", stepCommand(bm[i].Command), codeList(bm[i].Codes), codeList(am[i].Codes)))
			}
			return strings.Join(parts, ", ")
		}
	}
	render := func(steps []harness.Step) string {
		if len(steps) == 0 {
			return "(nothing)"
		}
		var parts []string
		for _, st := range steps {
			parts = append(parts, FormatStep(st))
		}
		out := strings.Join(parts, ", ")
		if p > 0 {
			out = "… " + out
		}
		if s > 0 {
			out += " …"
		}
		return out
	}
	return render(bm) + " → " + render(am)
}

// FormatStep renders a step as "RETR 150 226" ("greeting 220" for the connection itself).
func FormatStep(st harness.Step) string {
	return stepCommand(st.Command) + " " + codeList(st.Codes)
}

// FormatSteps renders the steps of a scenario, connection numbers shown where there are several.
func FormatSteps(steps []harness.Step) string {
	multi := false
	for _, st := range steps {
		multi = multi || st.Conn != steps[0].Conn
	}
	var parts []string
	for _, st := range steps {
		s := FormatStep(st)
		if multi {
			s = fmt.Sprintf("#%d %s", st.Conn, s)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// StepsByConnection renders the steps a line per connection ("#2: greeting 220, USER 331"),
// connections in the order they opened; without the prefix where there is only one.
func StepsByConnection(steps []harness.Step) []string {
	var order []int
	by := map[int][]string{}
	for _, st := range steps {
		if _, seen := by[st.Conn]; !seen {
			order = append(order, st.Conn)
		}
		by[st.Conn] = append(by[st.Conn], FormatStep(st))
	}
	var out []string
	for _, conn := range order {
		line := strings.Join(by[conn], ", ")
		if len(order) > 1 {
			line = fmt.Sprintf("#%d: %s", conn, line)
		}
		out = append(out, line)
	}
	return out
}

func stepCommand(c string) string {
	if c == harness.ConnectCommand {
		return "greeting"
	}
	return c
}

func codeList(codes []int) string {
	if len(codes) == 0 {
		return "(no reply)"
	}
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = fmt.Sprintf("%03d", c)
	}
	return strings.Join(s, " ")
}

func firstLines(s string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && len(out) < n {
			out = append(out, l)
		}
	}
	return strings.Join(out, " ")
}

// EntryBaseline names the run node's report entry that holds the Comparison (see AttachRun).
const EntryBaseline = "ftpconform.baseline"

// AttachBaseline stores the comparison in the report's run node (AttachRun must have made it).
func AttachBaseline(report types.Report, c *Comparison) types.Report {
	report.SpecReports = slices.Clone(report.SpecReports)
	for i, spec := range report.SpecReports {
		if isRunNode(spec) {
			spec.ReportEntries = append(slices.DeleteFunc(slices.Clone(spec.ReportEntries), func(e types.ReportEntry) bool { return e.Name == EntryBaseline }),
				types.ReportEntry{Name: EntryBaseline, Time: spec.StartTime, Visibility: types.ReportEntryVisibilityNever, Value: types.WrapEntryValue(c)})
			report.SpecReports[i] = spec
		}
	}
	return report
}

// BaselineOf returns the comparison stored in the report, nil when there is none.
func BaselineOf(report types.Report) *Comparison {
	for _, spec := range report.SpecReports {
		if isRunNode(spec) {
			var c Comparison
			if decodeEntry(spec.ReportEntries, EntryBaseline, &c) {
				return &c
			}
		}
	}
	return nil
}
