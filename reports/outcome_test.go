package reports

import (
	"strings"
	"testing"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/onsi/ginkgo/v2/types"
)

func TestClassify(t *testing.T) {
	should := harness.Finding{Level: harness.Should, Section: "959:5.4", Message: "502 is the better reply"}
	may := harness.Finding{Level: harness.May, Section: "959:5.4", Message: "optional"}
	must := harness.Finding{Level: harness.Must, Section: "959:4.2", Message: "reply line lacks CRLF"}
	cases := []struct {
		name     string
		spec     types.SpecReport
		verdict  Verdict
		contains string
	}{
		{"plain pass", fake{state: types.SpecStatePassed, ran: true}.report(), Passed, ""},
		{"pass with SHOULD finding", fake{state: types.SpecStatePassed, ran: true, findings: []harness.Finding{should}}.report(), Warning, "502 is the better reply (RFC 959 §5.4, SHOULD)"},
		{"pass with two findings", fake{state: types.SpecStatePassed, ran: true, findings: []harness.Finding{may, should}}.report(), Warning, "and 1 more"},
		{"pass with MUST finding", fake{state: types.SpecStatePassed, ran: true, findings: []harness.Finding{should, must}}.report(), Failed, "lacks CRLF"},
		{"failed", fake{state: types.SpecStateFailed, message: "expected 226, got 451"}.report(), Failed, "expected 226, got 451"},
		{"timed out", fake{state: types.SpecStateTimedout, message: "A spec timeout occurred"}.report(), Failed, "timedout: A spec timeout"},
		{"interrupted", fake{state: types.SpecStateInterrupted}.report(), Failed, "interrupted"},
		{"aborted", fake{state: types.SpecStateAborted, message: "aborted"}.report(), Failed, "aborted"},
		{"skipped with reason", fake{state: types.SpecStateSkipped, message: "condition not provided: quota"}.report(), Skipped, "condition not provided: quota"},
		{"skipped by filter", fake{state: types.SpecStateSkipped}.report(), Skipped, "not run"},
		{"pending", fake{state: types.SpecStatePending}.report(), Skipped, "pending"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Classify(c.spec)
			if got.Verdict != c.verdict {
				t.Fatalf("verdict %q, want %q (reason %q)", got.Verdict, c.verdict, got.Reason)
			}
			if !strings.Contains(got.Reason, c.contains) {
				t.Errorf("reason %q does not contain %q", got.Reason, c.contains)
			}
		})
	}
}

func TestClassifyPanic(t *testing.T) {
	spec := fake{state: types.SpecStatePanicked, message: "Test Panicked"}.report()
	spec.Failure.ForwardedPanic = "runtime error: index out of range"
	got := Classify(spec)
	if got.Verdict != Failed || !strings.Contains(got.Reason, "index out of range") {
		t.Errorf("got %+v", got)
	}
}

func TestSectionName(t *testing.T) {
	for in, want := range map[string]string{
		"959:4.1.3":      "RFC 959 §4.1.3",
		"deflate:3.4":    "deflate §3.4",
		"959:appendix-2": "RFC 959 Appendix 2",
		"whatever":       "whatever",
	} {
		if got := SectionName(in); got != want {
			t.Errorf("SectionName(%q) = %q, want %q", in, got, want)
		}
	}
}
