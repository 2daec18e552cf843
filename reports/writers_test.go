package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
	"golang.org/x/net/html"
)

func TestWriteAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "reports")
	written, err := WriteAll(dir, sampleReport(false))
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 3 {
		t.Fatalf("written %v", written)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("the report directory holds %d files, want 3 (no temporary files left)", len(entries))
	}
}

func TestJSONIsGinkgosFormatWithTheRun(t *testing.T) {
	file := filepath.Join(t.TempDir(), JSONFile)
	if err := WriteJSON(sampleReport(false), file); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	var back []types.Report
	if err := json.Unmarshal(b, &back); err != nil || len(back) != 1 {
		t.Fatalf("report.json is not a JSON array of one ginkgo report: %v", err)
	}
	info, ok := RunOf(back[0])
	if !ok || info.SchemaVersion != 1 || info.Settings.Profile != "modern" {
		t.Errorf("run node: %+v %v", info, ok)
	}
	if bytes.Contains(b, []byte("secret")) {
		// The target's password is not a secret of the suite's making, but it must not leak
		// into a report that is published as a CI artifact.
		t.Errorf("report.json contains the target's password")
	}
}

func TestJUnit(t *testing.T) {
	file := filepath.Join(t.TempDir(), JUnitFile)
	if err := WriteJUnit(sampleReport(false), file); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	var suites reporters.JUnitTestSuites
	if err := xml.Unmarshal(b, &suites); err != nil {
		t.Fatalf("junit.xml does not parse: %v", err)
	}
	if suites.Tests != 4 || suites.Failures != 1 || suites.Disabled != 1 {
		t.Errorf("totals: tests %d failures %d disabled %d", suites.Tests, suites.Failures, suites.Disabled)
	}
	var names []string
	cases := map[string]reporters.JUnitTestCase{}
	for _, s := range suites.TestSuites {
		names = append(names, s.Name)
		if s.Properties.WithName("profile") != "modern" {
			t.Errorf("suite %s lacks the run's profile", s.Name)
		}
		for _, tc := range s.TestCases {
			cases[tc.Properties.WithName("id")] = tc
		}
	}
	if strings.Join(names, ",") != "ftpconform: MODE,ftpconform: NOOP,ftpconform: RETR" {
		t.Errorf("test suites %v", names)
	}
	failed := cases["RETR-002"]
	if failed.Failure == nil || !strings.Contains(failed.Failure.Message, "got 550") {
		t.Fatalf("RETR-002 failure: %+v", failed.Failure)
	}
	p := failed.Properties
	if p.WithName("level") != "MUST" || p.WithName("commands") != "RETR" || p.WithName("codes") != "200" ||
		p.WithName("section") != "959:4.1.3" || p.WithName("verdict") != "failed" || !strings.Contains(p.WithName("labels"), "cmd:RETR") {
		t.Errorf("properties %+v", p)
	}
	if !strings.Contains(failed.SystemOut, "S< 550 no such file") || !strings.Contains(failed.SystemOut, "the quoted sentence") {
		t.Errorf("failure system-out lacks the transcript or the requirement:\n%s", failed.SystemOut)
	}
	if w := cases["RETR-010"]; w.Properties.WithName("verdict") != "warning" || !strings.Contains(w.SystemOut, "504 would be the better reply") {
		t.Errorf("warning case: %+v", w)
	}
	if s := cases["MODE-001"]; s.Skipped == nil || !strings.Contains(s.Skipped.Message, "not offered") {
		t.Errorf("skipped case: %+v", s.Skipped)
	}
	if strings.Contains(string(b), RunNodeText) {
		t.Errorf("the run node appears as a test case")
	}
}

func TestHTML(t *testing.T) {
	b, err := RenderHTML(sampleReport(false))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	text := func(id string) string {
		n := byID(doc, id)
		if n == nil {
			t.Fatalf("no element #%s", id)
		}
		return strings.Join(strings.Fields(textOf(n)), " ")
	}
	if got := text("verdict"); !strings.HasPrefix(got, "Not conformant to profile modern") || !strings.Contains(got, "1 scenario failed") {
		t.Errorf("verdict %q", got)
	}
	for id, want := range map[string]string{"count-passed": "1 passed", "count-failed": "1 failed", "count-warnings": "1 warnings", "count-skipped": "1 skipped"} {
		if got := text(id); got != want {
			t.Errorf("#%s = %q, want %q", id, got, want)
		}
	}
	failures := text("failures")
	for _, want := range []string{"RETR-002", "got 550 no such file", "the quoted sentence of RETR-002", "RFC 959 §4.1.3",
		"C> RETR <script>alert(1)</script>", "S< 550 no such file"} {
		if !strings.Contains(failures, want) {
			t.Errorf("the failures section lacks %q:\n%s", want, failures)
		}
	}
	if n := byID(doc, "failures"); findAll(n, "details")[0].Attr[1].Key != "open" {
		t.Errorf("the transcript of a failure is folded")
	}
	if w := text("warnings"); !strings.Contains(w, "504 would be the better reply") {
		t.Errorf("warnings section: %q", w)
	}
	commands := text("commands")
	for _, want := range []string{"MODE 1 scenario: 0 passed, 1 skipped", "not offered (allowed by RFC 959 §5.1)", "NOOP-001", "RETR 2 scenarios: 0 passed, 1 failed, 1 warnings"} {
		if !strings.Contains(commands, want) {
			t.Errorf("the commands section lacks %q:\n%s", want, commands)
		}
	}
	if len(findAll(doc, "script")) != 1 {
		t.Errorf("want exactly one inline script")
	}
	// Self-contained: nothing is loaded from anywhere.
	for _, n := range findAll(doc, "") {
		for _, a := range n.Attr {
			if a.Key == "src" || (a.Key == "href" && !strings.HasPrefix(a.Val, "#")) {
				t.Errorf("<%s %s=%q> loads or links something outside the page", n.Data, a.Key, a.Val)
			}
		}
	}
	if bytes.Contains(b, []byte("<script>alert(1)")) {
		t.Errorf("transcript text is not escaped")
	}
}

func TestHTMLOfAConformantRun(t *testing.T) {
	r := sampleReport(false)
	r.SpecReports = r.SpecReports[:2] // the run node and NOOP-001
	b, err := RenderHTML(r)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := html.Parse(bytes.NewReader(b))
	if v := textOf(byID(doc, "verdict")); !strings.Contains(v, "Conformant to profile modern") {
		t.Errorf("verdict %q", v)
	}
	if byID(doc, "failures") != nil {
		t.Errorf("a run without failures shows a failures section")
	}
}

func byID(n *html.Node, id string) *html.Node {
	for _, c := range findAll(n, "") {
		for _, a := range c.Attr {
			if a.Key == "id" && a.Val == id {
				return c
			}
		}
	}
	return nil
}

// findAll returns the elements under n named tag ("" for all), in document order.
func findAll(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (tag == "" || n.Data == tag) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func textOf(n *html.Node) string {
	if n == nil {
		return ""
	}
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c) + " ")
	}
	return b.String()
}

func TestMessageWithoutTheRestatedRequirement(t *testing.T) {
	reason := "RFC 959 §4.1.1 (MUST): \"the \\\"quoted\\\" sentence\"\n\nexpected 250, got 550"
	if got := message(reason, `the "quoted" sentence`); got != "expected 250, got 550" {
		t.Errorf("message = %q", got)
	}
	if got := message("expected 250", ""); got != "expected 250" {
		t.Errorf("message without a quote = %q", got)
	}
}
