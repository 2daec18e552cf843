package reports

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/onsi/ginkgo/v2/types"
)

func TestAnalyzeCountsAndGroups(t *testing.T) {
	r := Analyze(sampleReport(false))
	want := Counts{Total: 4, Passed: 1, Failed: 1, Warnings: 1, Skipped: 1}
	if r.Counts != want {
		t.Fatalf("counts %+v, want %+v", r.Counts, want)
	}
	if !r.HasRun || r.Run.SuiteVersion != "test" {
		t.Errorf("run info not found: %+v", r.Run)
	}
	var names []string
	for _, g := range r.ByCommand() {
		names = append(names, g.Name)
	}
	if !slices.Equal(names, []string{"MODE", "NOOP", "RETR"}) {
		t.Errorf("groups %v", names)
	}
	retr := r.ByCommand()[2]
	if retr.Counts.Failed != 1 || retr.Counts.Warnings != 1 || retr.Scenarios[0].ID != "RETR-002" {
		t.Errorf("RETR group %+v", retr)
	}
	f := r.Failures()
	if len(f) != 1 || f[0].ID != "RETR-002" || len(f[0].Transcript) != 3 || f[0].Quote == "" || f[0].Worker != 2 {
		t.Errorf("failures %+v", f)
	}
}

func TestConformant(t *testing.T) {
	passing := func(strict bool, specs ...types.SpecReport) Result {
		r := types.Report{SpecReports: specs}
		return Analyze(AttachRun(r, harness.RunInfo{Settings: harness.Settings{Strict: strict}}))
	}
	pass := fake{id: "NOOP-001", cmd: "NOOP", state: types.SpecStatePassed, ran: true}.report()
	warn := fake{id: "NOOP-002", cmd: "NOOP", state: types.SpecStatePassed, ran: true,
		findings: []harness.Finding{{Level: harness.Should, Message: "better reply exists"}}}.report()
	skip := fake{id: "NOOP-003", cmd: "NOOP", state: types.SpecStateSkipped, message: "read-only run"}.report()
	fail := fake{id: "NOOP-004", cmd: "NOOP", state: types.SpecStateFailed, message: "boom"}.report()

	cases := []struct {
		name string
		r    Result
		want bool
		why  string
	}{
		{"all pass", passing(false, pass, skip), true, ""},
		{"nothing ran", passing(false, skip), false, "no scenario ran"},
		{"empty", passing(false), false, "no scenario ran"},
		{"a failure", passing(false, pass, fail), false, "1 scenario failed"},
		{"warning, not strict", passing(false, pass, warn), true, ""},
		{"warning, strict", passing(true, pass, warn), false, "1 warning under --strict"},
	}
	for _, c := range cases {
		if got := c.r.Conformant(); got != c.want {
			t.Errorf("%s: Conformant() = %v, want %v", c.name, got, c.want)
		}
		if got := c.r.Why(); got != c.why {
			t.Errorf("%s: Why() = %q, want %q", c.name, got, c.why)
		}
	}

	broken := types.Report{SpecReports: types.SpecReports{pass,
		{LeafNodeType: types.NodeTypeBeforeSuite, State: types.SpecStateFailed, Failure: types.Failure{Message: "cannot log in"}}}}
	r := Analyze(broken)
	if r.Conformant() || len(r.Problems) != 1 || r.Counts.Total != 1 {
		t.Errorf("a failed BeforeSuite must make the run non-conformant: %+v", r)
	}
}

// A report read back from report.json gives the same verdicts and entries as in memory.
func TestAnalyzeAfterJSONRoundTrip(t *testing.T) {
	report := sampleReport(true)
	b, err := json.Marshal([]types.Report{report})
	if err != nil {
		t.Fatal(err)
	}
	var back []types.Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	a, z := Analyze(report), Analyze(back[0])
	if a.Counts != z.Counts || a.Conformant() != z.Conformant() || !z.Run.Settings.Strict {
		t.Fatalf("in memory %+v, read back %+v", a.Counts, z.Counts)
	}
	for i := range a.Scenarios {
		if a.Scenarios[i].Outcome != z.Scenarios[i].Outcome || len(a.Scenarios[i].Transcript) != len(z.Scenarios[i].Transcript) {
			t.Errorf("scenario %d differs: %+v vs %+v", i, a.Scenarios[i].Outcome, z.Scenarios[i].Outcome)
		}
	}
}

func TestSpecFromLabels(t *testing.T) {
	spec := types.SpecReport{
		LeafNodeType:   types.NodeTypeIt,
		LeafNodeText:   "MODE-007: MODE Z compresses",
		LeafNodeLabels: []string{"id:MODE-007", "cmd:MODE", "cmd:RETR", "code:200", "code:226", "deflate:3.4", "rfc959:5.4", "level:MAY", "feature:MODE-Z", "cond:quota", "writes", "serial", "Serial", "slow"},
	}
	s := SpecOf(spec)
	if s.ID != "MODE-007" || !slices.Equal(s.Commands, []string{"MODE", "RETR"}) || !slices.Equal(s.Codes, []int{200, 226}) ||
		s.Section != "deflate:3.4" || !slices.Equal(s.Also, []string{"959:5.4"}) || s.Level != harness.May ||
		s.Feature != "MODE-Z" || s.Condition != "quota" || !s.Writes || !s.Serial || !s.Slow || s.Title != "MODE Z compresses" {
		t.Errorf("SpecOf = %+v", s)
	}
	// ginkgo's own "Serial" label is on FailsLogins specs too: only ours say which.
	spec.LeafNodeLabels = []string{"id:PASS-002", "cmd:PASS", "rfc959:5.4", "level:MUST", "fails-logins", "Serial"}
	if s := SpecOf(spec); s.Serial || !s.FailsLogins {
		t.Errorf("a FailsLogins spec: %+v", s)
	}
}

func TestCompareIDs(t *testing.T) {
	ids := []string{"RETR-10", "APPE-1", "RETR-2", "RETR-002"}
	slices.SortFunc(ids, CompareIDs)
	if !slices.Equal(ids, []string{"APPE-1", "RETR-002", "RETR-2", "RETR-10"}) {
		t.Errorf("sorted: %v", ids)
	}
}

func TestReasonWithoutTheRestatedTitle(t *testing.T) {
	spec := fake{id: "RETR-002", cmd: "RETR", section: "4.1.3", level: "MUST", state: types.SpecStateFailed, ran: true}.report()
	spec.Failure.Message = spec.LeafNodeText + "\nRFC 959 §4.1.3 (MUST): \"quote\"\n\nexpected 226, got 451"
	r := Analyze(types.Report{SpecReports: types.SpecReports{spec}})
	if got := r.Scenarios[0].Reason; !strings.HasPrefix(got, "RFC 959 §4.1.3 (MUST)") {
		t.Errorf("reason %q", got)
	}
}

func TestCommandGroup(t *testing.T) {
	for _, c := range []struct {
		s    Scenario
		want string
	}{
		{Scenario{Spec: harness.Spec{ID: "PASS-002", Commands: []string{"USER", "PASS"}}}, "PASS"},
		{Scenario{Spec: harness.Spec{ID: "CONNECT-001", Commands: []string{"<connect>"}}}, "CONNECT"},
		{Scenario{Spec: harness.Spec{Commands: []string{"NOOP"}}}, "NOOP"},
		{Scenario{}, "(no command)"},
	} {
		if got := c.s.Command(); got != c.want {
			t.Errorf("%+v: Command() = %q, want %q", c.s.Spec, got, c.want)
		}
	}
}
