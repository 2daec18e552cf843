package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reports"
	"github.com/onsi/ginkgo/v2/types"
)

// fakeRunnerEnv turns the test binary into a fake bin/ftpconform: it writes the report the
// variable describes (scenario ID → ginkgo state, "exit" → status, "hang" → wait for a signal)
// and records its arguments.
const fakeRunnerEnv = "MUTATION_TEST_FAKE_RUNNER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(fakeRunnerEnv); spec != "" {
		os.Exit(fakeFTPConform(spec, os.Args[1:]))
	}
	os.Exit(m.Run())
}

func fakeFTPConform(spec string, args []string) int {
	var plan map[string]string
	json.Unmarshal([]byte(spec), &plan)
	fs := flag.NewFlagSet("fake", flag.ContinueOnError)
	dir := fs.String("report-dir", "", "")
	for _, name := range []string{"profile", "procs", "label-filter", "embedded-fault"} {
		fs.String(name, "", "")
	}
	fs.Bool("strict", false, "")
	fs.Bool("ipv6", false, "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	os.WriteFile(filepath.Join(*dir, "args.txt"), []byte(strings.Join(args, "\n")), 0o644)
	if os.Getenv(harness.TargetEnv) != "" {
		fmt.Fprintln(os.Stderr, "ftpconform: --embedded-fault cannot be used with --target")
		return 2
	}
	if plan["hang"] != "" {
		time.Sleep(time.Minute)
	}
	var report types.Report
	for id, state := range plan {
		var st types.SpecState
		var findings []harness.Finding
		switch state {
		case "passed":
			st = types.SpecStatePassed
		case "grammar": // passed its own checks; a reply broke §4.2's grammar
			st = types.SpecStateFailed
			findings = []harness.Finding{{Level: harness.Must, Section: "959:4.2", Message: "bare LF"}}
		case "grammar-unjudged": // the same, as a report judges it when the harness did not
			st = types.SpecStatePassed
			findings = []harness.Finding{{Level: harness.Must, Section: "959:4.2", Message: "bare LF"}}
		case "failed":
			st = types.SpecStateFailed
		case "skipped":
			st = types.SpecStateSkipped
		case "interrupted":
			st = types.SpecStateInterrupted
		default:
			continue
		}
		spec := types.SpecReport{
			LeafNodeType: types.NodeTypeIt, LeafNodeText: id + ": a scenario", NumAttempts: 1, State: st,
			// Scenarios of §5.4, except those named REPLY, which are of §4.2.
			LeafNodeLabels: []string{"id:" + id, "rfc:959", "rfc959:5.4"},
		}
		if strings.HasPrefix(id, "REPLY") {
			spec.LeafNodeLabels[2] = "rfc959:4.2"
		}
		switch {
		case state == "grammar":
			spec.Failure = types.Failure{Message: generalRulesFailure + "\nRFC 959 §4.2 (MUST): bare LF"}
		case st != types.SpecStatePassed:
			spec.Failure = types.Failure{Message: "why " + id + "\nmore"}
		}
		if findings != nil {
			spec.ReportEntries = types.ReportEntries{{Name: harness.EntryFindings, Value: types.WrapEntryValue(findings)}}
		}
		report.SpecReports = append(report.SpecReports, spec)
	}
	if plan["exit"] != "3" && plan["exit"] != "2" {
		b, _ := json.Marshal([]types.Report{report})
		os.WriteFile(filepath.Join(*dir, reports.JSONFile), b, 0o644)
	}
	switch plan["exit"] {
	case "":
		return 1
	case "3":
		fmt.Fprintln(os.Stderr, "ftpconform: 127.0.0.1:1 greets with 200, not 220")
		return 3
	default:
		var n int
		fmt.Sscan(plan["exit"], &n)
		return n
	}
}

func fakeExec(t *testing.T, plan map[string]string, timeout time.Duration) (execRunner, func(job) result) {
	t.Helper()
	b, _ := json.Marshal(plan)
	t.Setenv(fakeRunnerEnv, string(b))
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r := execRunner{exe: exe, out: t.TempDir(), profile: harness.ProfileSecure, procs: 2, timeout: timeout}
	return r, func(j job) result { return r.run(context.Background(), j) }
}

func TestExecRunner(t *testing.T) {
	t.Setenv(harness.TargetEnv, "ftp://u:p@127.0.0.1:21/") // must not reach the runner
	r, run := fakeExec(t, map[string]string{"A-001": "failed", "A-002": "passed", "A-003": "skipped", "A-004": "interrupted", "B-001": "failed"}, time.Minute)
	res := run(job{Fault: "bare-lf", Targeted: []string{"A-002", "A-001"}, Sampled: []string{"A-003", "A-004"}})
	if res.Problem != "" {
		t.Fatalf("problem: %s", res.Problem)
	}
	if got := res.failedIDs(); len(got) != 1 || got[0] != "A-001" {
		t.Errorf("failed %q: want A-001 alone (A-004 was cut short, B-001 is not the job's)", got)
	}
	if v := res.Scenarios["A-001"]; v.Reason != "why A-001" {
		t.Errorf("reason %q", v.Reason)
	}
	if len(res.Scenarios) != 4 || ranCount(res) != 3 {
		t.Errorf("scenarios %+v", res.Scenarios)
	}
	args, _ := os.ReadFile(filepath.Join(r.out, "bare-lf", "args.txt"))
	for _, want := range []string{"--strict", "--embedded-fault\nbare-lf", "--label-filter\nid: containsAny {A-001, A-002, A-003, A-004}", "--procs\n2", "--profile\nsecure"} {
		if !strings.Contains(string(args), want) {
			t.Errorf("args lack %q:\n%s", want, args)
		}
	}
	// Under a fault of every reply, a scenario fails through the general rules: it catches
	// the fault, but only a scenario of the broken rule's own section is proven by it.
	_, run = fakeExec(t, map[string]string{"A-001": "grammar", "A-003": "grammar-unjudged", "REPLY-001": "grammar", "A-002": "failed"}, time.Minute)
	res = run(job{Fault: "bare-lf", Targeted: []string{"A-001", "A-002", "A-003", "REPLY-001"}})
	if got := res.failedIDs(); !slices.Equal(got, []string{"A-001", "A-002", "A-003", "REPLY-001"}) {
		t.Errorf("failed %q", got)
	}
	for _, id := range []string{"A-001", "A-003"} {
		if v := res.Scenarios[id]; !v.Incidental || v.ownFailure() || v.Reason == "" {
			t.Errorf("%s failed through another section's rule: %+v", id, v)
		}
	}
	for _, id := range []string{"A-002", "REPLY-001"} {
		if v := res.Scenarios[id]; !v.ownFailure() {
			t.Errorf("%s failed on its own rule: %+v", id, v)
		}
	}
	r, run = fakeExec(t, map[string]string{"A-002": "passed"}, time.Minute)

	// The baseline: no fault.
	res = run(job{Targeted: []string{"A-002"}})
	args, _ = os.ReadFile(filepath.Join(r.out, baselineName, "args.txt"))
	if res.Problem != "" || strings.Contains(string(args), "--embedded-fault") {
		t.Errorf("baseline: %q, args %s", res.Problem, args)
	}
	// On ::1.
	run(job{Fault: "bare-lf", Targeted: []string{"A-002"}, Variant: variantIPv6})
	args, _ = os.ReadFile(filepath.Join(r.out, "bare-lf.ipv6", "args.txt"))
	if !strings.Contains(string(args), "--ipv6") || !strings.Contains(string(args), "--embedded-fault\nbare-lf") {
		t.Errorf("ipv6 job: args %s", args)
	}
	// Nothing to run: no process.
	if res := run(job{Fault: "x"}); res.Problem != "" || len(res.Scenarios) != 0 {
		t.Errorf("empty job: %+v", res)
	}
}

func TestExecRunnerProblems(t *testing.T) {
	_, run := fakeExec(t, map[string]string{"exit": "3"}, time.Minute)
	if res := run(job{Fault: "greeting-not-220", Targeted: []string{"A-001"}}); !strings.Contains(res.Problem, "target unusable, no scenario ran: ftpconform: 127.0.0.1:1 greets with 200") {
		t.Errorf("exit 3: %q", res.Problem)
	}
	_, run = fakeExec(t, map[string]string{"exit": "2"}, time.Minute)
	if res := run(job{Fault: "f", Targeted: []string{"A-001"}}); !strings.Contains(res.Problem, "refused its arguments") {
		t.Errorf("exit 2: %q", res.Problem)
	}
	_, run = fakeExec(t, map[string]string{"A-001": "failed", "exit": "0"}, time.Minute)
	if res := run(job{Fault: "f", Targeted: []string{"A-001"}}); !strings.Contains(res.Problem, "said conformant") {
		t.Errorf("conformant with failures: %q", res.Problem)
	}
	_, run = fakeExec(t, map[string]string{"A-001": "failed", "hang": "yes"}, 500*time.Millisecond)
	start := time.Now()
	res := run(job{Fault: "f", Targeted: []string{"A-001"}})
	if !strings.Contains(res.Problem, "interrupted after 500ms") || time.Since(start) > 30*time.Second {
		t.Errorf("hanging runner: %q after %s", res.Problem, time.Since(start))
	}
}

func writeFile(name, text string) error { return os.WriteFile(name, []byte(text), 0o644) }
