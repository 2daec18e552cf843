package reports

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/onsi/ginkgo/v2/types"
)

func step(conn int, cmd string, codes ...int) harness.Step {
	return harness.Step{Conn: conn, Command: cmd, Codes: codes}
}

// withReplies replaces the replies of the named scenario in a report.
func withReplies(r types.Report, id string, steps ...harness.Step) types.Report {
	r.SpecReports = append(types.SpecReports(nil), r.SpecReports...)
	for i, spec := range r.SpecReports {
		if LabelValue(spec.Labels(), "id") == id {
			spec.ReportEntries = append(append(types.ReportEntries(nil), spec.ReportEntries...), entry(harness.EntryReplies, steps))
			r.SpecReports[i] = spec
		}
	}
	return r
}

// Write a baseline, read it back, compare the same run: nothing changed. Change one reply
// code: exactly that change, a regression.
func TestBaselineRoundTrip(t *testing.T) {
	file := filepath.Join(t.TempDir(), "baseline.json")
	run := sampleReport(false)
	if err := WriteBaseline(Analyze(run), file); err != nil {
		t.Fatal(err)
	}
	b, err := ReadBaseline(file)
	if err != nil {
		t.Fatal(err)
	}
	// The run's four scenarios ran; MODE-001 skipped itself and is recorded as skipped.
	if len(b.Scenarios) != 4 || b.Scenarios["RETR-002"].Verdict != Failed || b.Target != embeddedTarget || b.Profile != "modern" {
		t.Fatalf("baseline %+v", b)
	}
	if c := Compare(b, file, Analyze(run)); len(c.Changes) != 0 || c.Compared != 4 || c.Regressions() != 0 {
		t.Fatalf("the same run compared with its own baseline: %+v", c)
	}
	changed := withReplies(run, "NOOP-001", step(1, harness.ConnectCommand, 220), step(1, "NOOP", 250))
	b.Scenarios["NOOP-001"] = BaselineScenario{Verdict: Passed, Steps: []harness.Step{step(1, harness.ConnectCommand, 220), step(1, "NOOP", 200)}}
	c := Compare(b, file, Analyze(changed))
	if len(c.Changes) != 1 || c.Regressions() != 1 {
		t.Fatalf("changes %+v", c.Changes)
	}
	if got := c.Changes[0].String(); got != "NOOP-001 replies changed: NOOP 200 → 250" {
		t.Errorf("change %q", got)
	}
	if !strings.Contains(c.Summary(), "1 regression against the baseline") {
		t.Errorf("summary %q", c.Summary())
	}
}

func TestBaselineFileFormat(t *testing.T) {
	b := NewBaseline(Analyze(sampleReport(true)))
	raw := b.Marshal()
	var back Baseline
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	if !back.Strict || len(back.Scenarios) != 4 {
		t.Errorf("read back %+v", back)
	}
	// One step a line, scenarios in ID order, so that a committed baseline diffs well.
	text := string(raw)
	if !strings.Contains(text, "\n      {\"conn\":1,\"command\":\"RETR\",\"codes\":[200]}\n") ||
		strings.Index(text, "MODE-001") > strings.Index(text, "NOOP-001") {
		t.Errorf("layout:\n%s", text)
	}
	for _, bad := range []string{`{`, `{"schema_version": 9, "scenarios": {}}`, `{"schema_version": 1}`} {
		f := filepath.Join(t.TempDir(), "b.json")
		os.WriteFile(f, []byte(bad), 0o644)
		if _, err := ReadBaseline(f); err == nil {
			t.Errorf("%q read as a baseline", bad)
		}
	}
}

func TestCompareVerdicts(t *testing.T) {
	same := []harness.Step{step(1, "NOOP", 200)}
	cases := []struct {
		before, after Verdict
		kind          ChangeKind
		regression    bool
	}{
		{Passed, Failed, NewlyFailing, true},
		{Warning, Failed, NewlyFailing, true},
		{Skipped, Failed, NewlyFailing, true},
		{Failed, Passed, NewlyPassing, false},
		{Failed, Warning, NewlyPassing, false},
		{Passed, Warning, NewlyWarning, true},
		{Warning, Passed, WarningGone, false},
		{Passed, Skipped, NewlySkipped, true},
		{Failed, Skipped, NewlySkipped, false},
		{Skipped, Passed, NewlyRun, false},
	}
	for _, c := range cases {
		s := Scenario{Spec: harness.Spec{ID: "NOOP-001"}, Outcome: Outcome{Verdict: c.after}, Ran: true, Replies: same}
		ch, changed := compareScenario(s, BaselineScenario{Verdict: c.before, Steps: same})
		if !changed || ch.Kind != c.kind || ch.Regression != c.regression {
			t.Errorf("%s → %s: %+v (changed %v), want %s, regression %v", c.before, c.after, ch, changed, c.kind, c.regression)
		}
	}
	// Newly passing, but with another code: the code change makes it a regression.
	s := Scenario{Spec: harness.Spec{ID: "NOOP-001"}, Outcome: Outcome{Verdict: Passed}, Ran: true, Replies: []harness.Step{step(1, "NOOP", 250)}}
	if ch, _ := compareScenario(s, BaselineScenario{Verdict: Failed, Steps: same}); !ch.Regression || ch.Replies != "NOOP 200 → 250" {
		t.Errorf("%+v", ch)
	}
}

func TestCompareScenarioSets(t *testing.T) {
	b := Baseline{SchemaVersion: 1, Scenarios: map[string]BaselineScenario{
		"GONE-001": {Verdict: Passed}, "NOOP-001": {Verdict: Passed}, "MODE-001": {Verdict: Passed}}}
	r := Result{Scenarios: []Scenario{
		{Spec: harness.Spec{ID: "NOOP-001"}, Outcome: Outcome{Verdict: Passed}, Ran: true},
		{Spec: harness.Spec{ID: "MODE-001"}, Outcome: Outcome{Verdict: Skipped, Reason: "not part of profile"}}, // left out: not compared
		{Spec: harness.Spec{ID: "NEW-001"}, Outcome: Outcome{Verdict: Passed}, Ran: true},
	}}
	c := Compare(b, "b.json", r)
	var got []string
	for _, ch := range c.Changes {
		got = append(got, ch.String())
	}
	if strings.Join(got, "; ") != "GONE-001 no longer in the suite; NEW-001 not in the baseline" || c.Regressions() != 0 || c.NotCompared != 1 || c.Compared != 1 {
		t.Errorf("changes %q, %+v", got, c)
	}
	c.Exact = true
	if c.Regressions() != 2 {
		t.Errorf("exact: %d regressions, want 2", c.Regressions())
	}
}

func TestDiffSteps(t *testing.T) {
	cases := []struct {
		before, after []harness.Step
		want          string
	}{
		{[]harness.Step{step(1, "USER", 331), step(1, "PASS", 230)}, []harness.Step{step(1, "USER", 331), step(1, "PASS", 230)}, ""},
		{[]harness.Step{step(1, "RETR", 150, 226)}, []harness.Step{step(1, "RETR", 125, 226)}, "RETR 150 226 → 125 226"},
		{[]harness.Step{step(1, "DELE", 550), step(1, "QUIT", 221)}, []harness.Step{step(1, "DELE", 450), step(1, "QUIT", 221)}, "DELE 550 → 450"},
		{[]harness.Step{step(1, "USER", 331), step(1, "PASS", 230), step(1, "PWD", 257)},
			[]harness.Step{step(1, "USER", 331), step(1, "PASS", 530)}, "… PASS 230, PWD 257 → … PASS 530"},
		{[]harness.Step{step(1, "NOOP", 200)}, nil, "NOOP 200 → (nothing)"},
		// Connections compared one by one, whatever their interleaving.
		{[]harness.Step{step(1, "NOOP", 200), step(2, "NOOP", 200), step(1, "QUIT", 221)},
			[]harness.Step{step(2, "NOOP", 200), step(1, "NOOP", 200), step(1, "QUIT", 221)}, ""},
		{[]harness.Step{step(1, "NOOP", 200), step(2, "STAT", 211)},
			[]harness.Step{step(2, "STAT", 213), step(1, "NOOP", 200)}, "connection 2: STAT 211 → 213"},
		{[]harness.Step{step(1, harness.ConnectCommand, 220)}, []harness.Step{step(1, harness.ConnectCommand, 120, 220)}, "greeting 220 → 120 220"},
	}
	for _, c := range cases {
		if got := diffSteps(c.before, c.after); got != c.want {
			t.Errorf("diffSteps(%v, %v) = %q, want %q", c.before, c.after, got, c.want)
		}
	}
}

func TestBaselineInReport(t *testing.T) {
	c := &Comparison{File: "b.json", Changes: []Change{{ID: "NOOP-001", Kind: NewlyFailing, Regression: true}}}
	r := AttachBaseline(sampleReport(false), c)
	b, _ := json.Marshal([]types.Report{r})
	var back []types.Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	got := Analyze(back[0])
	if got.Baseline == nil || got.Baseline.File != "b.json" || got.Baseline.Regressions() != 1 || got.OK() {
		t.Errorf("read back: %+v", got.Baseline)
	}
	if Analyze(sampleReport(false)).Baseline != nil {
		t.Errorf("a report without a comparison has one")
	}
}

// The harness's own connections (feature probes, scratch directories) come and go with the
// order scenarios run in; they are left out.
func TestCanonicalSteps(t *testing.T) {
	login := []harness.Step{step(0, harness.ConnectCommand, 220), step(0, "USER", 331), step(0, "PASS", 230)}
	conn := func(n int, housekeeping bool, rest ...harness.Step) []harness.Step {
		var out []harness.Step
		for _, s := range append(append([]harness.Step(nil), login...), rest...) {
			s.Conn, s.Housekeeping = n, housekeeping
			out = append(out, s)
		}
		return out
	}
	featProbe := conn(1, true, step(0, "FEAT", 211), step(0, "QUIT", 221))
	own := conn(4, false, step(0, "MODE", 200), step(0, "RETR", 150, 226))
	scratch := conn(5, true, step(0, "MKD", 257), step(0, "QUIT", 221))
	ownFEAT := conn(7, false, step(0, "FEAT", 211), step(0, "QUIT", 221)) // the scenario's own, whatever its shape
	var all []harness.Step
	for _, c := range [][]harness.Step{featProbe, own, scratch, ownFEAT} {
		all = append(all, c...)
	}
	got := FormatSteps(canonicalSteps(all))
	want := "#1 greeting 220, #1 USER 331, #1 PASS 230, #1 MODE 200, #1 RETR 150 226, " +
		"#2 greeting 220, #2 USER 331, #2 PASS 230, #2 FEAT 211, #2 QUIT 221"
	if got != want {
		t.Errorf("canonical steps\n got %s\nwant %s", got, want)
	}
	// With or without the harness's connections, the same record.
	var without []harness.Step
	for _, c := range [][]harness.Step{own, ownFEAT} {
		without = append(without, c...)
	}
	if d := diffSteps(canonicalSteps(all), canonicalSteps(without)); d != "" {
		t.Errorf("housekeeping makes a difference: %s", d)
	}
}

func TestStepsByConnection(t *testing.T) {
	steps := []harness.Step{step(2, harness.ConnectCommand, 220), step(1, "NOOP", 200), step(2, "STAT", 211), step(1, "RETR", 150, 226)}
	if got := strings.Join(StepsByConnection(steps), " | "); got != "#2: greeting 220, STAT 211 | #1: NOOP 200, RETR 150 226" {
		t.Errorf("by connection: %q", got)
	}
	if got := StepsByConnection(steps[1:2]); len(got) != 1 || got[0] != "NOOP 200" {
		t.Errorf("one connection: %q", got)
	}
}
