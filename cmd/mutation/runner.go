package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reports"
	"github.com/onsi/ginkgo/v2/types"
)

// result is what one run found.
type result struct {
	Job       job
	Scenarios map[string]verdict // the verdicts of the job's scenarios, by ID
	Problem   string             // what went wrong with the run itself; "" when nothing did
	Elapsed   time.Duration
	ReportDir string // the runner's reports: report.html shows the failures as a user sees them
}

// verdict is one scenario's verdict in one run.
type verdict struct {
	Verdict reports.Verdict
	Reason  string // the first line of why it failed
	// Interrupted: it did not finish (the run was stopped); such a failure proves nothing.
	Interrupted bool `json:",omitempty"`
	// Incidental: it failed only because a reply broke a general rule (harness/rules.go) of a
	// section other than its own; its own checks passed.
	Incidental bool `json:",omitempty"`
}

// failed reports whether the scenario noticed the fault: it failed, or under --strict a SHOULD
// it checks was not met. A scenario cut short by an interrupted run did not notice anything.
func (v verdict) failed() bool {
	return !v.Interrupted && (v.Verdict == reports.Failed || v.Verdict == reports.Warning)
}

// ownFailure reports whether the scenario failed on its own rule: one of its checks failed, or
// a general rule of its own section (a grammar scenario's, §4.2). A fault of every reply
// (bare-lf) fails every scenario through the general rules; that proves only the rules.
func (v verdict) ownFailure() bool { return v.failed() && !v.Incidental }

// generalRulesFailure begins the failure of a scenario whose own checks passed but whose
// replies broke the general rules (harness/scenario.go, judgeFindings).
const generalRulesFailure = harness.GeneralRulesFailure

// incidental reports whether a scenario of the report failed only through findings of the
// general rules in sections other than its own.
func incidental(s reports.Scenario) bool {
	switch {
	case s.State == types.SpecStatePassed: // findings judged by the report (no --strict)
	case s.State == types.SpecStateFailed && strings.HasPrefix(strings.TrimSpace(s.Reason), generalRulesFailure):
	default:
		return false // its own check failed (or it was cut short)
	}
	own := append([]string{s.Section}, s.Also...)
	for _, f := range s.Findings {
		if slices.Contains(own, f.Section) {
			return false
		}
	}
	return true
}

// failedIDs lists the scenarios of the run that failed.
func (r result) failedIDs() []string {
	var ids []string
	for id, v := range r.Scenarios {
		if v.failed() {
			ids = append(ids, id)
		}
	}
	sortIDs(ids)
	return ids
}

// runner runs jobs; tests replace it.
type runner interface {
	run(ctx context.Context, j job) result
}

// execRunner runs bin/ftpconform, one process per job, each with its own embedded reference
// server, and reads the verdicts from its report.json.
type execRunner struct {
	exe     string // bin/ftpconform
	out     string // each job's reports go to out/<job name>
	profile harness.Profile
	procs   int           // the runner's worker processes
	timeout time.Duration // a job still running after this is interrupted
}

// Exit statuses of bin/ftpconform (README.md).
const (
	runnerConformant    = 0
	runnerNotConformant = 1
	runnerUsage         = 2
	runnerUnreachable   = 3
)

// killGrace is how long an interrupted runner has to write its reports before it is killed.
const killGrace = time.Minute

func (r execRunner) run(ctx context.Context, j job) result {
	res := result{Job: j, Scenarios: map[string]verdict{}, ReportDir: filepath.Join(r.out, j.name())}
	ids := j.ids()
	if len(ids) == 0 {
		return res
	}
	if err := os.RemoveAll(res.ReportDir); err != nil {
		res.Problem = err.Error()
		return res
	}
	if err := os.MkdirAll(res.ReportDir, 0o755); err != nil {
		res.Problem = err.Error()
		return res
	}
	log, err := os.Create(filepath.Join(res.ReportDir, "runner.log"))
	if err != nil {
		res.Problem = err.Error()
		return res
	}
	defer log.Close()

	args := []string{
		"--strict", "--profile", string(r.profile), "--procs", strconv.Itoa(max(1, min(r.procs, len(ids)))),
		"--report-dir", res.ReportDir, "--label-filter", "id: containsAny {" + strings.Join(ids, ", ") + "}",
	}
	if j.Fault != "" {
		args = append(args, "--embedded-fault", j.Fault)
	}
	if j.Variant == variantIPv6 {
		args = append(args, "--ipv6")
	}
	fmt.Fprintf(log, "%s %s\n\n", r.exe, strings.Join(args, " "))
	rctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	cmd := exec.CommandContext(rctx, r.exe, args...)
	cmd.Env = withoutTarget(os.Environ()) // the embedded server is the target
	var stderr bytes.Buffer
	cmd.Stdout = log
	cmd.Stderr = io.MultiWriter(log, &stderr)
	// Ask as Ctrl-C would: the runner interrupts its workers and still writes its reports.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = killGrace
	start := time.Now()
	err = cmd.Run()
	res.Elapsed = time.Since(start)

	var exit *exec.ExitError
	status := 0
	if errors.As(err, &exit) {
		status = exit.ExitCode()
	} else if err != nil {
		res.Problem = fmt.Sprintf("cannot run %s: %v", r.exe, err)
		return res
	}
	switch {
	case rctx.Err() != nil && ctx.Err() == nil:
		res.Problem = fmt.Sprintf("interrupted after %s (--timeout)", r.timeout)
	case ctx.Err() != nil:
		res.Problem = "interrupted"
	case status == runnerUsage:
		res.Problem = "the runner refused its arguments: " + lastLine(stderr.String())
		return res
	case status == runnerUnreachable:
		res.Problem = "the runner found the target unusable, no scenario ran: " + lastLine(stderr.String())
		return res
	case status != runnerConformant && status != runnerNotConformant:
		res.Problem = fmt.Sprintf("the runner exited with status %d: %s", status, lastLine(stderr.String()))
	}
	report, err := reports.ReadJSON(filepath.Join(res.ReportDir, reports.JSONFile))
	if err != nil {
		res.Problem = strings.TrimSpace(res.Problem + "; no report: " + err.Error())
		return res
	}
	wanted := map[string]bool{}
	for _, id := range ids {
		wanted[id] = true
	}
	for _, s := range reports.Analyze(report).Scenarios {
		if wanted[s.ID] {
			v := verdict{Verdict: s.Verdict, Reason: firstLine(s.Reason), Interrupted: s.State == types.SpecStateInterrupted}
			v.Incidental = v.failed() && incidental(s)
			res.Scenarios[s.ID] = v
		}
	}
	if status == runnerConformant && len(res.failedIDs()) > 0 {
		res.Problem = "the runner said conformant, but its report has failures"
	}
	return res
}

// withoutTarget removes a target given through the environment.
func withoutTarget(env []string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, harness.TargetEnv+"=") {
			out = append(out, e)
		}
	}
	return out
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
