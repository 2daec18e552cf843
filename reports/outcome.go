package reports

import (
	"fmt"
	"strings"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/onsi/ginkgo/v2/types"
)

// Verdict is what a scenario's run means for conformance.
type Verdict string

const (
	Passed  Verdict = "passed"  // every requirement checked was met
	Failed  Verdict = "failed"  // a MUST was broken, or the scenario could not finish
	Warning Verdict = "warning" // passed, but a SHOULD or MAY was not met (fails the run only with --strict)
	Skipped Verdict = "skipped" // not run, or not applicable to this target; Reason says why
)

// Verdicts in the order reports show them: the ones that need attention first.
var Verdicts = []Verdict{Failed, Warning, Passed, Skipped}

// Outcome is a verdict with the sentence that explains it.
type Outcome struct {
	Verdict Verdict
	Reason  string // failure message, skip reason or the first finding; "" for a plain pass
}

// Classify decides the verdict of one spec from ginkgo's state and the harness's findings:
//   - failed, panicked, timed out, interrupted or aborted: Failed, with ginkgo's message;
//   - skipped or pending: Skipped, with the skip message as reason;
//   - passed with a MUST finding (a general rule broken outside the assertions): Failed;
//   - passed with SHOULD or MAY findings: Warning, with the first finding as reason;
//   - otherwise: Passed.
func Classify(spec types.SpecReport) Outcome {
	switch spec.State {
	case types.SpecStatePassed:
		findings := FindingsOf(spec)
		if f, n := firstFinding(findings, harness.Must); n > 0 {
			return Outcome{Failed, describeFinding(f, n)}
		}
		if f, n := firstFinding(findings, harness.Should, harness.May); n > 0 {
			return Outcome{Warning, describeFinding(f, n)}
		}
		return Outcome{Verdict: Passed}
	case types.SpecStateSkipped:
		reason := strings.TrimSpace(spec.Failure.Message)
		if reason == "" {
			reason = "not run"
		}
		return Outcome{Skipped, reason}
	case types.SpecStatePending:
		return Outcome{Skipped, "pending: not written yet"}
	case types.SpecStatePanicked:
		msg := strings.TrimSpace(spec.Failure.Message)
		if p := strings.TrimSpace(spec.Failure.ForwardedPanic); p != "" {
			msg = strings.TrimSpace(msg + ": " + p)
		}
		return Outcome{Failed, msg}
	case types.SpecStateFailed, types.SpecStateTimedout, types.SpecStateInterrupted, types.SpecStateAborted:
		msg := strings.TrimSpace(spec.Failure.Message)
		if msg == "" {
			msg = spec.State.String()
		} else if spec.State != types.SpecStateFailed {
			msg = spec.State.String() + ": " + msg
		}
		return Outcome{Failed, msg}
	default:
		return Outcome{Failed, fmt.Sprintf("unexpected ginkgo state %q", spec.State)}
	}
}

// firstFinding returns the first finding at one of the levels and how many there are.
func firstFinding(findings []harness.Finding, levels ...harness.Level) (harness.Finding, int) {
	var first harness.Finding
	n := 0
	for _, f := range findings {
		for _, l := range levels {
			if f.Level == l {
				if n == 0 {
					first = f
				}
				n++
			}
		}
	}
	return first, n
}

func describeFinding(f harness.Finding, n int) string {
	s := f.Message
	if f.Section != "" {
		s = fmt.Sprintf("%s (%s, %s)", s, SectionName(f.Section), f.Level)
	}
	if n > 1 {
		s += fmt.Sprintf(" and %d more", n-1)
	}
	return s
}

// SectionName turns a section reference as scenarios write it into words: "959:4.1.3" is
// "RFC 959 §4.1.3", "959:appendix-2" is "RFC 959 Appendix 2", "deflate:3.4" is "deflate §3.4".
// Other forms are kept as they are.
func SectionName(s string) string {
	doc, sec, ok := strings.Cut(s, ":")
	if !ok || doc == "" || sec == "" {
		return s
	}
	if strings.Trim(doc, "0123456789") == "" {
		doc = "RFC " + doc
	}
	if n, ok := strings.CutPrefix(sec, "appendix-"); ok {
		return doc + " Appendix " + n
	}
	return doc + " §" + sec
}
