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
	want := []string{JSONFile, JUnitFile, HTMLFile, SummaryFile}
	if len(written) != len(want) {
		t.Fatalf("written %v", written)
	}
	for i, w := range want {
		if filepath.Base(written[i]) != w {
			t.Errorf("written[%d] = %s, want %s", i, written[i], w)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(want) {
		t.Errorf("the report directory holds %d files, want %d (no temporary files left)", len(entries), len(want))
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
	// The verdict first, with target, profile, date, duration and counts.
	if got := text("verdict"); !strings.HasPrefix(got, "Not conformant to profile modern") || !strings.Contains(got, "1 scenario failed") {
		t.Errorf("verdict %q", got)
	}
	for id, want := range map[string]string{"count-passed": "1 passed", "count-failed": "1 failed", "count-warnings": "1 warnings",
		"count-skipped": "1 skipped", "target": "ftp://u@127.0.0.1:2121/ (the embedded reference server)", "profile": "modern",
		"date": "2026-01-02 03:04:00 UTC", "duration": "1m30s"} {
		if got := text(id); got != want {
			t.Errorf("#%s = %q, want %q", id, got, want)
		}
	}
	if s := text("settings"); !strings.Contains(s, "Reply timeout") || !strings.Contains(s, "passive (PASV/EPSV) by default") {
		t.Errorf("settings: %q", s)
	}
	// The failures, listed with a link to each.
	if f := text("failures"); !strings.Contains(f, "RETR-002") || !strings.Contains(f, "expected reply 150 or 125, got 550 no such file") {
		t.Errorf("failures: %q", f)
	}
	// The failed scenario in full: requirement, expected and observed replies, message, the
	// transcript unfolded and escaped.
	failed := text("scenario-RETR-002")
	for _, want := range []string{"failed RETR-002", "the quoted sentence of RETR-002", "Expected RETR: 200", "Observed RETR 200",
		"got 550 no such file", "C> RETR <script>alert(1)</script>", "S< 550 no such file", "25 ms"} {
		if !strings.Contains(failed, want) {
			t.Errorf("RETR-002 lacks %q:\n%s", want, failed)
		}
	}
	if d := findAll(byID(doc, "scenario-RETR-002"), "details"); len(d) != 1 || !hasAttr(d[0], "open") {
		t.Errorf("the failure's transcript is folded")
	}
	if d := findAll(byID(doc, "scenario-NOOP-001"), "details"); len(d) != 0 {
		t.Errorf("NOOP-001 has no transcript, yet shows one")
	}
	if w := text("scenario-RETR-010"); !strings.Contains(w, "504 would be the better reply") {
		t.Errorf("the warning: %q", w)
	}
	if s := text("scenario-MODE-001"); !strings.Contains(s, "Skipped: not offered (allowed by RFC 959 §5.1)") {
		t.Errorf("the skipped scenario: %q", s)
	}
	// Grouped by RFC and section; sections with a failure or a warning open.
	rfc959 := byID(doc, "rfc-959")
	if rfc959 == nil {
		t.Fatal("no group for RFC 959")
	}
	sections := findAll(rfc959, "details")
	var open []string
	for _, d := range sections {
		if hasAttr(d, "data-section") && hasAttr(d, "open") {
			open = append(open, attr(d, "data-section"))
		}
	}
	if strings.Join(open, " ") != "959:4.1.3" {
		t.Errorf("open sections %v", open)
	}
	// The matrix: cells coloured by the worst verdict, listing their scenarios.
	cells := map[string]*html.Node{}
	for _, td := range findAll(byID(doc, "matrix"), "td") {
		if hasAttr(td, "data-ids") {
			cells[attr(td, "data-cmd")+" "+attr(td, "data-code")] = td
		}
	}
	for cell, want := range map[string]string{"RETR 200": "cell failed|RETR-002 RETR-010", "NOOP 200": "cell passed|NOOP-001", "MODE 200": "cell skipped|MODE-001"} {
		td := cells[cell]
		if td == nil {
			t.Errorf("no matrix cell %s", cell)
			continue
		}
		if got := attr(td, "class") + "|" + attr(td, "data-ids"); got != want {
			t.Errorf("cell %s: %q, want %q", cell, got, want)
		}
	}
	// The chart: a bar per RFC, in inline SVG.
	if c := text("chart"); !strings.Contains(c, "RFC 959") || !strings.Contains(c, "66% passed (2/3), 1 skipped") {
		t.Errorf("chart: %q", c)
	}
	if byID(doc, "filter") == nil || byID(doc, "outcome") == nil {
		t.Errorf("no filter")
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
	if v := textOf(byID(doc, "verdict")); !strings.Contains(v, "Conformant to profile modern") || attr(byID(doc, "verdict"), "class") != "verdict conformant" {
		t.Errorf("verdict %q", v)
	}
	if byID(doc, "failures") != nil || byID(doc, "baseline") != nil {
		t.Errorf("a run without failures or baseline shows their sections")
	}
}

// The changes against the baseline come first, right under the verdict.
func TestHTMLShowsBaselineChangesFirst(t *testing.T) {
	r := sampleReport(false)
	r.SpecReports = r.SpecReports[:2] // conformant
	c := &Comparison{File: "base.json", Compared: 1, Changes: []Change{{ID: "NOOP-001", Title: "NOOP answers 200", Kind: RepliesChanged,
		Regression: true, Before: Passed, After: Passed, Replies: "NOOP 200 → 250"}}}
	b, err := RenderHTML(AttachBaseline(r, c))
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := html.Parse(bytes.NewReader(b))
	v := strings.Join(strings.Fields(textOf(byID(doc, "verdict"))), " ")
	if !strings.Contains(v, "Conformant to profile modern but 1 regression against the baseline base.json") || attr(byID(doc, "verdict"), "class") != "verdict not-conformant" {
		t.Errorf("verdict %q", v)
	}
	if got := strings.Join(strings.Fields(textOf(byID(doc, "baseline"))), " "); !strings.Contains(got, "regression NOOP-001 NOOP answers 200 replies changed NOOP 200 → 250") {
		t.Errorf("baseline section: %q", got)
	}
	if i, j := bytes.Index(b, []byte(`id="baseline"`)), bytes.Index(b, []byte(`id="matrix"`)); i < 0 || i > j {
		t.Errorf("the baseline's changes do not come before the matrix")
	}
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
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
