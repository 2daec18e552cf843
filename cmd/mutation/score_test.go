package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ftpconform/ftpconform/reports"
)

// fakeRunner plays the suite: every scenario a job runs passes, except those the table makes
// fail (or warn, or skip) under a fault; "" is the baseline.
type fakeRunner struct {
	verdicts map[string]map[string]verdict // fault → scenario → verdict
	problems map[string]string             // fault → problem of its run
	mu       sync.Mutex
	ran      []job
}

func (f *fakeRunner) run(_ context.Context, j job) result {
	f.mu.Lock()
	f.ran = append(f.ran, j)
	f.mu.Unlock()
	r := result{Job: j, Scenarios: map[string]verdict{}, Problem: f.problems[j.Fault]}
	for _, id := range j.ids() {
		v, ok := f.verdicts[j.name()][id] // "baseline.ipv6", "retr-250.ipv6"
		if !ok {
			v, ok = f.verdicts[j.Fault][id]
		}
		if !ok {
			v = verdict{Verdict: reports.Passed}
		}
		r.Scenarios[id] = v
	}
	return r
}

var (
	fails    = verdict{Verdict: reports.Failed, Reason: "expected 226, got 250"}
	warns    = verdict{Verdict: reports.Warning, Reason: "a SHOULD"}
	skips    = verdict{Verdict: reports.Skipped, Reason: "not offered"}
	cutShort = verdict{Verdict: reports.Failed, Reason: "interrupted", Interrupted: true}
)

var testScenarios = []scenario{
	{ID: "RETR-001", Commands: []string{"RETR"}, Location: "suites/a.go:10"},
	{ID: "RETR-002", Commands: []string{"RETR"}, Location: "suites/a.go:20"},
	{ID: "PWD-001", Commands: []string{"PWD"}, Location: "suites/b.go:10"},
	{ID: "PWD-002", Commands: []string{"PWD"}, Location: "suites/b.go:20"},
	{ID: "STOR-001", Commands: []string{"STOR"}, Location: "suites/c.go:10"},
}

var testFaults = []fault{
	{Name: "retr-250", Group: "transfer", RFC: "959:5.4", Commands: []string{"RETR"}, Description: "RETR answers 250"},
	{Name: "pwd-unquoted", Group: "directory", RFC: "959:appendix-2", Commands: []string{"PWD"}, Description: "PWD unquoted"},
	{Name: "stor-lost", Group: "transfer", RFC: "959:4.1.3", Commands: []string{"STOR"}, Description: "STOR loses data"},
}

func runFake(t *testing.T, f *fakeRunner, unfailable string, args ...string) (int, string, string) {
	t.Helper()
	dir := t.TempDir()
	file := dir + "/unfailable.txt"
	if err := writeFile(file, unfailable); err != nil {
		t.Fatal(err)
	}
	o, err := parseArgs(append([]string{"--out", dir + "/out", "--unfailable", file}, args...), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := mutate(context.Background(), o, testFaults, testScenarios, &out, &errOut, f)
	return code, out.String(), errOut.String()
}

func TestAllProven(t *testing.T) {
	f := &fakeRunner{verdicts: map[string]map[string]verdict{
		"retr-250":     {"RETR-001": fails, "RETR-002": warns},
		"pwd-unquoted": {"PWD-001": fails},
		"stor-lost":    {"STOR-001": fails},
	}}
	f.verdicts["stor-lost"]["PWD-001"] = fails // off its commands: in the sample (of all 4 others)
	code, out, stderr := runFake(t, f, "PWD-002 the harness decides it alone\n")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s\n%s", code, out, stderr)
	}
	summary, _ := os.ReadFile(filepath.Join(outDir(t, out), summaryFile))
	if !strings.Contains(string(summary), `"off_target": [
        "PWD-001"
      ]`) {
		t.Errorf("mutation.json lacks stor-lost's off-target PWD-001:\n%s", summary)
	}
	for _, want := range []string{
		"baseline: 5 of 5 scenarios pass",
		"retr-250 ", "RETR-001 RETR-002",
		"Score: 3/3 faults caught (100.0%)",
		"Scenarios: 4 failed by some fault, 1 excused with a written reason, 0 failed by none",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if f.ran[0].Fault != "" || len(f.ran) != 4 {
		t.Errorf("runs %+v: want the baseline first, then a run per fault", f.ran)
	}
}

// outDir is the report directory a run names in its last line.
func outDir(t *testing.T, out string) string {
	t.Helper()
	_, dir, ok := strings.Cut(out, "Reports of each run in ")
	if !ok {
		t.Fatalf("no report directory in:\n%s", out)
	}
	return strings.TrimSpace(dir)
}

func TestGaps(t *testing.T) {
	f := &fakeRunner{verdicts: map[string]map[string]verdict{
		"":             {"STOR-001": fails},                       // broken on the reference server
		"retr-250":     {"RETR-001": cutShort, "STOR-001": fails}, // proves nothing
		"pwd-unquoted": {"PWD-001": fails},
	}}
	code, out, _ := runFake(t, f, "PWD-001 wrongly excused\nGONE-001 no longer exists\n")
	if code != exitGaps {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{
		"retr-250", "— NOT CAUGHT",
		"Faults no scenario catches (2)",
		"Scenarios that do not pass on the reference server", "STOR-001  suites/c.go:10", "fails on the reference server: expected 226, got 250",
		"Scenarios no fault fails", "RETR-001  suites/a.go:10", "passed in all",
		"PWD-001  suites/b.go:10\n      listed as unfailable, but pwd-unquoted failed it",
		"GONE-001  no scenario has this ID",
		"Score: 1/3 faults caught (33.3%)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The scenario broken on the reference server is not run under faults.
	for _, j := range f.ran[1:] {
		if slices.Contains(j.ids(), "STOR-001") {
			t.Errorf("%s ran STOR-001, which fails without a fault", j.Fault)
		}
	}
}

// A fault of every reply fails every scenario through the general rules; that proves the
// rules' own scenarios, not the others.
func TestIncidentalFailuresProveNothing(t *testing.T) {
	incidentally := verdict{Verdict: reports.Failed, Reason: "bare LF", Incidental: true}
	f := &fakeRunner{verdicts: map[string]map[string]verdict{
		"retr-250":     {"RETR-001": fails, "RETR-002": fails, "PWD-002": incidentally},
		"pwd-unquoted": {"PWD-001": fails, "PWD-002": incidentally},
		"stor-lost":    {"STOR-001": incidentally},
	}}
	code, out, _ := runFake(t, f, "")
	if code != exitGaps {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{
		"Score: 3/3 faults caught",
		"PWD-002  suites/b.go:20\n      its own checks passed in all 3 fault runs that ran it; it failed only through general reply rules of other sections, under pwd-unquoted, retr-250",
		"STOR-001  suites/c.go:10\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestSkippedOnTheReferenceServer(t *testing.T) {
	f := &fakeRunner{verdicts: map[string]map[string]verdict{"": {"PWD-002": skips}}}
	_, out, _ := runFake(t, f, "", "--sample", "0")
	if !strings.Contains(out, "PWD-002  suites/b.go:20\n      skipped on the reference server: not offered") {
		t.Errorf("output:\n%s", out)
	}
	// With a reason on file, it is excused; it is not run under faults.
	f = &fakeRunner{verdicts: map[string]map[string]verdict{
		"":             {"PWD-002": skips},
		"retr-250":     {"RETR-001": fails, "RETR-002": fails},
		"pwd-unquoted": {"PWD-001": fails},
		"stor-lost":    {"STOR-001": fails},
	}}
	code, out, _ := runFake(t, f, "PWD-002 needs an IPv6 target\n")
	if code != exitOK || !strings.Contains(out, "1 excused with a written reason") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	for _, j := range f.ran {
		if j.Fault != "" && slices.Contains(j.ids(), "PWD-002") {
			t.Errorf("%s ran PWD-002", j.name())
		}
	}
}

// A scenario skipped on 127.0.0.1 that passes on ::1 runs there under every fault that runs it.
func TestIPv6Scenarios(t *testing.T) {
	f := &fakeRunner{verdicts: map[string]map[string]verdict{
		"":                  {"RETR-002": skips},
		"baseline.ipv6":     {"RETR-002": {Verdict: reports.Passed}},
		"retr-250":          {"RETR-001": fails},
		"retr-250.ipv6":     {"RETR-002": fails},
		"pwd-unquoted":      {"PWD-001": fails, "PWD-002": fails},
		"stor-lost":         {"STOR-001": fails},
		"pwd-unquoted.ipv6": {"RETR-002": fails}, // would be in its sample, which keeps to 127.0.0.1
	}}
	code, out, _ := runFake(t, f, "")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	var v6 []string
	for _, j := range f.ran {
		if j.Variant == variantIPv6 {
			v6 = append(v6, j.name()+" "+strings.Join(j.ids(), ","))
		}
		if j.Variant == "" && j.Fault != "" && slices.Contains(j.ids(), "RETR-002") {
			t.Errorf("%s ran RETR-002 on 127.0.0.1", j.name())
		}
	}
	slices.Sort(v6)
	want := []string{"baseline.ipv6 RETR-002", "retr-250.ipv6 RETR-002"}
	if !slices.Equal(v6, want) {
		t.Errorf("runs on ::1 %q, want %q", v6, want)
	}
	if strings.Contains(out, "pwd-unquoted  directory  5    3") {
		t.Errorf("pwd-unquoted ran a sampled scenario on ::1:\n%s", out)
	}
	if !strings.Contains(out, "baseline on ::1: 1 of the 1 skipped pass there") || !regexp.MustCompile(`retr-250\s+transfer\s+5\s+2\s+RETR-001 RETR-002\n`).MatchString(out) {
		t.Errorf("output:\n%s", out)
	}
}

func TestProblemsFailTheRun(t *testing.T) {
	f := &fakeRunner{
		verdicts: map[string]map[string]verdict{"retr-250": {"RETR-001": fails}},
		problems: map[string]string{"retr-250": "the runner found the target unusable"},
	}
	code, out, _ := runFake(t, f, "", "--fault", "retr-250")
	if code != exitGaps || !strings.Contains(out, "Runs that went wrong (1):\n  retr-250: the runner found the target unusable") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// --fault runs the faults named, without a baseline and without judging the scenarios.
func TestNamedFaults(t *testing.T) {
	f := &fakeRunner{verdicts: map[string]map[string]verdict{"pwd-unquoted": {"PWD-001": fails}}}
	code, out, _ := runFake(t, f, "", "--fault", "pwd-unquoted")
	if code != exitOK || len(f.ran) != 1 || strings.Contains(out, "Scenarios:") {
		t.Errorf("exit %d, runs %+v:\n%s", code, f.ran, out)
	}
	code, _, stderr := runFake(t, f, "", "--fault", "nope")
	if code != exitUsage || !strings.Contains(stderr, `--fault "nope": no such fault`) {
		t.Errorf("unknown fault: exit %d, %s", code, stderr)
	}
}

func TestQuick(t *testing.T) {
	// In the transfer group stor-lost (1 scenario) is tried first; it is not caught, so
	// retr-250 (2 scenarios) is tried next, and caught.
	f := &fakeRunner{verdicts: map[string]map[string]verdict{
		"retr-250":     {"RETR-002": fails},
		"pwd-unquoted": {"PWD-001": fails},
	}}
	code, out, _ := runFake(t, f, "", "--quick")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{"directory            pwd-unquoted caught", "transfer             retr-250 caught", "2/2 groups have a fault caught"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	var order []string
	for _, j := range f.ran {
		if j.Fault == "" {
			t.Error("a quick run ran a baseline")
		}
		if j.Fault != "pwd-unquoted" {
			order = append(order, j.Fault)
		}
	}
	if !slices.Equal(order, []string{"stor-lost", "retr-250"}) {
		t.Errorf("transfer tried %q", order)
	}

	f = &fakeRunner{verdicts: map[string]map[string]verdict{"pwd-unquoted": {"PWD-001": fails}}}
	code, out, _ = runFake(t, f, "", "--quick")
	if code != exitGaps || !strings.Contains(out, "transfer             NOT CAUGHT: no scenario failed under stor-lost, retr-250") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestList(t *testing.T) {
	f := &fakeRunner{}
	code, out, _ := runFake(t, f, "", "--list", "--sample", "1")
	if code != exitOK || len(f.ran) != 0 || !strings.Contains(out, "retr-250: 2 on its commands + 1 sampled") || !strings.Contains(out, "3 runs") {
		t.Errorf("exit %d, ran %d:\n%s", code, len(f.ran), out)
	}
}
