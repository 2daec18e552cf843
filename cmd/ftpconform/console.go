package main

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reports"
)

// console is what the parent prints: a header, a line per finished batch, then failures,
// counts, the verdict. Workers' own output goes to their log files (or, with -v, here too).
type console struct {
	mu   sync.Mutex
	w    io.Writer
	done int
}

func (c *console) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.w, format, args...)
}

// lines is a writer for whole lines from several goroutines.
func (c *console) lines() io.Writer {
	return writerFunc(func(b []byte) (int, error) { c.printf("%s", b); return len(b), nil })
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

func (c *console) header(s harness.Settings, info harness.RunInfo, p plan, procs int) {
	target := s.Target.String()
	if info.Embedded {
		target += " (embedded reference server)"
	}
	c.printf("ftpconform %s: profile %s%s%s\n", info.SuiteVersion, s.Profile, flagNote(s.Strict, ", strict"), flagNote(s.ReadOnly, ", read-only"))
	c.printf("Target: %s\n", target)
	if info.Greeting != "" {
		c.printf("Greeting: %s\n", info.Greeting)
	}
	if info.System != "" {
		c.printf("System: %s\n", info.System)
	}
	n := p.selected()
	switch {
	case len(p.specs) == 0:
		c.printf("The suite has no scenarios.\n")
	case n == 0:
		c.printf("None of the %d scenarios matches the profile and the filters.\n", len(p.specs))
	default:
		serial := 0
		for _, b := range p.batches {
			if b.serial {
				serial = b.count()
			}
		}
		c.printf("Running %d of %d scenarios on %d workers", n, len(p.specs), min(procs, len(p.batches)))
		if serial > 0 {
			c.printf(" (%d of them alone, at the end)", serial)
		}
		c.printf("\n")
	}
}

func flagNote(on bool, s string) string {
	if on {
		return s
	}
	return ""
}

// progress returns the callback the pool calls after each batch.
func (c *console) progress(total int) func(outcome) {
	return func(o outcome) {
		var bc reports.Counts
		if o.report != nil {
			for _, spec := range o.report.SpecReports {
				if spec.NumAttempts > 0 {
					bc.Add(reports.Classify(spec).Verdict)
				}
			}
		}
		c.mu.Lock()
		c.done += o.batch.count()
		line := fmt.Sprintf("  [%*d/%d] worker %2d: %s in %s", len(fmt.Sprint(total)), c.done, total, o.batch.number, countLine(bc), o.elapsed.Round(100*time.Millisecond))
		if o.problem != "" {
			line += " — " + o.problem
		}
		c.mu.Unlock()
		c.printf("%s\n", line)
	}
}

func countLine(c reports.Counts) string {
	warnings := "warnings"
	if c.Warnings == 1 {
		warnings = "warning"
	}
	return fmt.Sprintf("%d passed, %d failed, %d %s, %d skipped", c.Passed, c.Failed, c.Warnings, warnings, c.Skipped)
}

// summary prints the changes against the baseline, the failures, the warnings, the problems,
// the counts and the verdict.
func (c *console) summary(r reports.Result, elapsed time.Duration) {
	if b := r.Baseline; b != nil && len(b.Changes) > 0 {
		c.printf("\nChanges against the baseline %s:\n", b.File)
		for _, ch := range b.Changes {
			mark := "change    "
			if ch.Regression {
				mark = "REGRESSION"
			}
			c.printf("  %s  %s\n", mark, ch)
		}
	}
	if f := r.Failures(); len(f) > 0 {
		c.printf("\nFailures:\n")
		for _, s := range f {
			c.printf("  %s  %s  %s\n", s.ID, reports.SectionName(s.Section), s.Title)
			for _, l := range firstLines(s.Reason, 8) {
				c.printf("      %s\n", l)
			}
		}
	}
	if w := r.Warnings(); len(w) > 0 {
		c.printf("\nWarnings (SHOULD/MAY not met%s):\n", flagNote(r.Run.Settings.Strict, "; failing under --strict"))
		for _, s := range w {
			c.printf("  %s  %s\n", s.ID, firstLines(s.Reason, 1)[0])
		}
	}
	if len(r.Problems) > 0 {
		c.printf("\nProblems:\n")
		for _, pr := range r.Problems {
			c.printf("  %s\n", firstLines(pr, 1)[0])
		}
	}
	c.printf("\n%s (%d scenarios) in %s\n", countLine(r.Counts), r.Counts.Total, elapsed.Round(100*time.Millisecond))
	if r.Conformant() {
		c.printf("CONFORMANT to profile %s\n", r.Run.Settings.Profile)
	} else {
		c.printf("NOT CONFORMANT to profile %s: %s\n", r.Run.Settings.Profile, r.Why())
	}
	if b := r.Baseline; b != nil {
		switch {
		case b.Regressions() > 0 && slices.ContainsFunc(b.Changes, func(ch reports.Change) bool { return ch.Regression }):
			c.printf("REGRESSED: %s\n", b.Summary())
		case b.Regressions() > 0:
			c.printf("CHANGED: %s\n", b.Summary())
		default:
			c.printf("Baseline: %s\n", b.Summary())
		}
	}
}
