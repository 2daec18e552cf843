package reports

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// junitConfig keeps timelines for the specs a person has to look at, and labels in the
// test names (CI systems show names, not properties).
var junitConfig = reporters.JunitReportConfig{
	OmitTimelinesForSpecState: types.SpecStatePassed | types.SpecStateSkipped | types.SpecStatePending,
}

// WriteJUnit writes junit.xml. Ginkgo's reporter writes the test cases; this function then
// shapes them for CI: one testsuite per command (named "SUITE: CMD"; suite-level nodes in
// "SUITE: setup"), the run's settings as testsuite properties, each case's declaration as
// plain properties (id, commands, codes, section, level, verdict…), and for failures and
// warnings the findings and the transcript in system-out.
func WriteJUnit(report types.Report, file string) error {
	specs := slices.DeleteFunc(slices.Clone(report.SpecReports), isRunNode)
	plain := report
	plain.SpecReports = specs

	tmp, err := os.CreateTemp(filepath.Dir(file), ".junit-*.xml")
	if err != nil {
		return err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := reporters.GenerateJUnitReportWithConfig(plain, tmp.Name(), junitConfig); err != nil {
		return err
	}
	b, err := os.ReadFile(tmp.Name())
	if err != nil {
		return err
	}
	var generated reporters.JUnitTestSuites
	if err := xml.Unmarshal(b, &generated); err != nil {
		return fmt.Errorf("reading ginkgo's junit report: %v", err)
	}
	if len(generated.TestSuites) != 1 || len(generated.TestSuites[0].TestCases) != len(specs) {
		return fmt.Errorf("ginkgo's junit report has an unexpected shape: %d suites", len(generated.TestSuites))
	}
	out := shapeJUnit(report, specs, generated.TestSuites[0])
	if c := BaselineOf(report); c != nil {
		addBaselineSuite(&out, c, generated.TestSuites[0])
	}
	b, err = xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(file, append([]byte(xml.Header), append(b, '\n')...), 0o644)
}

func shapeJUnit(report types.Report, specs types.SpecReports, generated reporters.JUnitTestSuite) reporters.JUnitTestSuites {
	base := generated
	base.TestCases = nil
	base.Tests, base.Disabled, base.Skipped, base.Errors, base.Failures = 0, 0, 0, 0, 0
	base.Properties = runProperties(report, generated.Properties)

	const setup = "setup"
	var order []string
	bySuite := map[string][]reporters.JUnitTestCase{}
	for i, spec := range specs {
		tc := generated.TestCases[i]
		group := setup
		if spec.LeafNodeType == types.NodeTypeIt {
			s := Scenario{Spec: SpecOf(spec), Outcome: Classify(spec)}
			group = s.Command()
			tc.Properties = scenarioProperties(spec, s)
			if out := scenarioSystemOut(spec, s); out != "" {
				tc.SystemOut = strings.TrimRight(out+"\n"+tc.SystemOut, "\n")
			}
		}
		tc.Classname = report.SuiteDescription + "." + group
		if _, ok := bySuite[group]; !ok {
			order = append(order, group)
		}
		bySuite[group] = append(bySuite[group], tc)
	}
	slices.Sort(order)

	var out reporters.JUnitTestSuites
	out.Time = generated.Time
	for _, group := range order {
		suite := base
		suite.Name = report.SuiteDescription + ": " + group
		suite.TestCases = bySuite[group]
		suite.Time = 0
		for _, tc := range suite.TestCases {
			suite.Tests++
			suite.Time += tc.Time
			switch {
			case tc.Failure != nil:
				suite.Failures++
			case tc.Error != nil:
				suite.Errors++
			case tc.Skipped != nil && tc.Status == types.SpecStatePending.String():
				suite.Disabled++
			case tc.Skipped != nil:
				suite.Skipped++
			}
		}
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Errors += suite.Errors
		out.Disabled += suite.Disabled + suite.Skipped
		out.TestSuites = append(out.TestSuites, suite)
	}
	return out
}

// runProperties puts the run's description first, then ginkgo's own suite properties.
func runProperties(report types.Report, ginkgo reporters.JUnitProperties) reporters.JUnitProperties {
	var p reporters.JUnitProperties
	add := func(name, value string) {
		p.Properties = append(p.Properties, reporters.JUnitProperty{Name: name, Value: value})
	}
	if info, ok := RunOf(report); ok {
		add("suite_version", info.SuiteVersion)
		add("target", info.Settings.Target.String())
		add("embedded", strconv.FormatBool(info.Embedded))
		add("profile", string(info.Settings.Profile))
		add("strict", strconv.FormatBool(info.Settings.Strict))
		add("read_only", strconv.FormatBool(info.Settings.ReadOnly))
		add("greeting", info.Greeting)
		add("system", info.System)
		add("features", strings.Join(info.Features, "; "))
		add("reply_timeout", info.Settings.ReplyTimeout.String())
		add("tls", string(info.Settings.Target.TLS))
		add("active", strconv.FormatBool(info.Settings.Active))
		add("max_sessions", strconv.Itoa(info.Settings.MaxSessions))
	}
	p.Properties = append(p.Properties, ginkgo.Properties...)
	return p
}

func scenarioProperties(spec types.SpecReport, s Scenario) *reporters.JUnitProperties {
	var p reporters.JUnitProperties
	add := func(name, value string) {
		if value != "" {
			p.Properties = append(p.Properties, reporters.JUnitProperty{Name: name, Value: value})
		}
	}
	codes := make([]string, len(s.Codes))
	for i, c := range s.Codes {
		codes[i] = strconv.Itoa(c)
	}
	add("id", s.ID)
	add("verdict", string(s.Verdict))
	add("commands", strings.Join(s.Commands, " "))
	add("codes", strings.Join(codes, " "))
	add("rfc", s.Doc())
	add("section", s.Section)
	add("section_name", SectionName(s.Section))
	add("also", strings.Join(s.Also, " "))
	add("level", string(s.Level))
	add("feature", s.Feature)
	add("condition", string(s.Condition))
	if s.Writes {
		add("writes", "true")
	}
	if s.Serial {
		add("serial", "true")
	}
	add("quote", s.Quote)
	add("labels", strings.Join(spec.Labels(), ", "))
	if findings := FindingsOf(spec); len(findings) > 0 {
		b, _ := json.Marshal(findings)
		add("findings", string(b))
	}
	if replies := RepliesOf(spec); len(replies) > 0 {
		b, _ := json.Marshal(replies)
		add("replies", string(b))
		add("observed", FormatSteps(replies))
	}
	if len(p.Properties) == 0 {
		return nil
	}
	return &p
}

// scenarioSystemOut is what a person needs to see of a failure or warning in CI.
func scenarioSystemOut(spec types.SpecReport, s Scenario) string {
	if s.Verdict != Failed && s.Verdict != Warning {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s\n", s.ID, s.Verdict, s.Reason)
	if s.Quote != "" {
		fmt.Fprintf(&b, "requirement (%s, %s): %s\n", SectionName(s.Section), s.Level, s.Quote)
	}
	for _, f := range FindingsOf(spec) {
		fmt.Fprintf(&b, "finding %s (%s): %s\n", f.Level, SectionName(f.Section), f.Message)
	}
	if t := TranscriptOf(spec); len(t) > 0 {
		b.WriteString("transcript:\n")
		b.WriteString(FormatTranscript(t))
	}
	return b.String()
}

// FormatTranscript renders a transcript as text, a line per exchange:
//
//	0.012s #1 S< 220 ready
func FormatTranscript(t harness.Transcript) string {
	var b strings.Builder
	for _, l := range t {
		fmt.Fprintf(&b, "%8.3fs #%d %s %s\n", l.At.Seconds(), l.Conn, l.Dir, l.Text)
	}
	return b.String()
}

// addBaselineSuite adds a testsuite "SUITE: baseline" with a test case per change against the
// baseline: regressions fail, so that CI shows them beside the scenarios' failures.
func addBaselineSuite(out *reporters.JUnitTestSuites, c *Comparison, generated reporters.JUnitTestSuite) {
	suite := reporters.JUnitTestSuite{Name: "ftpconform: baseline", Package: generated.Package, Timestamp: generated.Timestamp,
		Properties: reporters.JUnitProperties{Properties: []reporters.JUnitProperty{
			{Name: "baseline", Value: c.File}, {Name: "summary", Value: c.Summary()},
			{Name: "compared", Value: strconv.Itoa(c.Compared)}, {Name: "not_compared", Value: strconv.Itoa(c.NotCompared)}}}}
	for _, ch := range c.Changes {
		tc := reporters.JUnitTestCase{Name: ch.String(), Classname: "ftpconform.baseline", Status: string(ch.Kind),
			SystemOut: strings.TrimSpace(ch.Title + "\n" + ch.Reason)}
		if ch.Regression || c.Exact {
			tc.Failure = &reporters.JUnitFailure{Message: ch.String(), Type: "regression", Description: ch.String()}
			suite.Failures++
		}
		suite.Tests++
		suite.TestCases = append(suite.TestCases, tc)
	}
	out.Tests += suite.Tests
	out.Failures += suite.Failures
	out.TestSuites = append(out.TestSuites, suite)
}
