package reports

import (
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/onsi/ginkgo/v2/types"
)

// scenario builds the spec report a worker would produce for a harness.Scenario.
type fake struct {
	id, cmd, section, level string
	state                   types.SpecState
	message                 string
	findings                []harness.Finding
	transcript              harness.Transcript
	ran                     bool
	worker                  int
}

func (f fake) report() types.SpecReport {
	labels := []string{"id:" + f.id, "cmd:" + f.cmd, "code:200", "rfc959:" + f.section, "rfc:959", "level:" + f.level}
	r := types.SpecReport{
		ContainerHierarchyTexts: []string{"RFC 959 §" + f.section},
		LeafNodeType:            types.NodeTypeIt,
		LeafNodeText:            f.cmd + " does what " + f.id + " says",
		LeafNodeLabels:          labels,
		LeafNodeLocation:        types.CodeLocation{FileName: "suites/x.go", LineNumber: len(f.id)},
		State:                   f.state,
		Failure:                 types.Failure{Message: f.message},
		ParallelProcess:         f.worker,
	}
	if f.ran {
		r.NumAttempts = 1
		r.StartTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		r.RunTime = 25 * time.Millisecond
		r.EndTime = r.StartTime.Add(r.RunTime)
		spec := harness.Spec{ID: f.id, Title: r.LeafNodeText, Commands: []string{f.cmd}, Codes: []int{200},
			Section: "959:" + f.section, Quote: "the quoted sentence of " + f.id, Level: harness.Level(f.level)}
		r.ReportEntries = append(r.ReportEntries,
			entry(harness.EntrySpec, spec),
			entry(harness.EntryTranscript, f.transcript),
			entry(harness.EntryFindings, f.findings),
			entry(harness.EntryReplies, []harness.Step{{Conn: 1, Command: f.cmd, Codes: []int{200}}}))
	}
	return r
}

func entry(name string, v any) types.ReportEntry {
	return types.ReportEntry{Name: name, Visibility: types.ReportEntryVisibilityNever, Value: types.WrapEntryValue(v)}
}

var sampleTranscript = harness.Transcript{
	{At: 0, Conn: 1, Dir: harness.Received, Text: "220 ready"},
	{At: 3 * time.Millisecond, Conn: 1, Dir: harness.Sent, Text: "RETR <script>alert(1)</script>"},
	{At: 5 * time.Millisecond, Conn: 1, Dir: harness.Received, Text: "550 no such file"},
}

// sampleReport is a run with one scenario of each verdict, and a run node.
func sampleReport(strict bool) types.Report {
	start := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	r := types.Report{
		SuiteDescription: "ftpconform",
		SuiteSucceeded:   false,
		StartTime:        start,
		EndTime:          start.Add(90 * time.Second),
		RunTime:          90 * time.Second,
		SpecReports: types.SpecReports{
			fake{id: "NOOP-001", cmd: "NOOP", section: "4.1.3", level: "MUST", state: types.SpecStatePassed, ran: true, worker: 1}.report(),
			fake{id: "RETR-002", cmd: "RETR", section: "4.1.3", level: "MUST", state: types.SpecStateFailed, ran: true, worker: 2,
				message: "expected reply 150 or 125, got 550 no such file", transcript: sampleTranscript}.report(),
			fake{id: "RETR-010", cmd: "RETR", section: "4.1.3", level: "SHOULD", state: types.SpecStatePassed, ran: true, worker: 2,
				findings: []harness.Finding{{Level: harness.Should, Section: "959:5.4", Message: "504 would be the better reply"}}}.report(),
			fake{id: "MODE-001", cmd: "MODE", section: "4.1.2", level: "MAY", state: types.SpecStateSkipped, ran: true,
				message: "not offered (allowed by RFC 959 §5.1)"}.report(),
		},
	}
	info := harness.RunInfo{SuiteVersion: "test", Greeting: "220 ready", Embedded: true,
		Settings: harness.Settings{Target: harness.Target{Host: "127.0.0.1", Port: 2121, User: "u", Password: "secret", Scratch: "/"},
			Profile: harness.ProfileModern, Strict: strict}}
	return AttachRun(r, info)
}
