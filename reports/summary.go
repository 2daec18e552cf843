package reports

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// summaryRows bounds the tables of summary.md: a job summary or a pull-request comment is read
// at a glance; report.html has everything.
const summaryRows = 30

// WriteSummary writes summary.md.
func WriteSummary(report types.Report, file string) error {
	return os.WriteFile(file, RenderSummary(Analyze(report)), 0o644)
}

// RenderSummary is the short Markdown summary of a run, for CI job summaries and pull-request
// comments: the verdict, the target and settings, the counts, the changes against the baseline
// first, then the failures and the warnings.
func RenderSummary(r Result) []byte {
	var b bytes.Buffer
	profile := string(r.Run.Settings.Profile)
	switch {
	case r.OK():
		fmt.Fprintf(&b, "## ✅ FTP conformance: conformant to profile %s\n\n", profile)
	case r.Conformant():
		fmt.Fprintf(&b, "## ❌ FTP conformance: conformant to profile %s, but %s\n\n", profile, r.Baseline.Summary())
	default:
		fmt.Fprintf(&b, "## ❌ FTP conformance: not conformant to profile %s\n\n%s.\n\n", profile, capitalize(r.Why()))
	}
	if r.HasRun {
		target := "`" + r.Run.Settings.Target.String() + "`"
		if r.Run.Embedded {
			target += " (the embedded reference server)"
		}
		if len(r.Run.Faults) > 0 {
			target += " with faults switched on: " + strings.Join(r.Run.Faults, ", ")
		}
		fmt.Fprintf(&b, "Target %s", target)
		if r.Run.Greeting != "" {
			fmt.Fprintf(&b, ", greeting `%s`", inlineCode(r.Run.Greeting))
		}
		fmt.Fprintf(&b, ".  \nftpconform %s, %s.  \n", r.Run.SuiteVersion, strings.Join(SettingsSummary(r), ", "))
	}
	if !r.Start.IsZero() {
		fmt.Fprintf(&b, "Run %s, %s.\n", r.Start.UTC().Format("2006-01-02 15:04 UTC"), formatDuration(r.Duration.Round(time.Second)))
	}
	c := r.Counts
	fmt.Fprintf(&b, "\n| passed | failed | warnings | skipped | total |\n|---:|---:|---:|---:|---:|\n| %d | %d | %d | %d | %d |\n",
		c.Passed, c.Failed, c.Warnings, c.Skipped, c.Total)

	if bl := r.Baseline; bl != nil {
		fmt.Fprintf(&b, "\n### Changes against the baseline\n\n%s.\n", capitalize(bl.Summary()))
		if len(bl.Changes) > 0 {
			b.WriteString("\n| | scenario | change | replies |\n|---|---|---|---|\n")
			for i, ch := range bl.Changes {
				if i == summaryRows {
					fmt.Fprintf(&b, "| | … | %d more in report.html | |\n", len(bl.Changes)-i)
					break
				}
				mark := "ℹ️"
				if ch.Regression || bl.Exact {
					mark = "❌"
				}
				what := string(ch.Kind)
				if ch.Before != ch.After && ch.Before != "" && ch.After != "" {
					what += fmt.Sprintf(" (%s → %s)", ch.Before, ch.After)
				}
				fmt.Fprintf(&b, "| %s | **%s** %s | %s | %s |\n", mark, ch.ID, cell(ch.Title), cell(what), cell(ch.Replies))
			}
		}
	}
	if len(r.Problems) > 0 {
		b.WriteString("\n### Problems outside the scenarios\n\n")
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "- %s\n", cell(firstLines(p, 1)))
		}
	}
	if f := r.Failures(); len(f) > 0 {
		fmt.Fprintf(&b, "\n### Failures (%d)\n\n| scenario | requirement | what happened |\n|---|---|---|\n", len(f))
		for i, s := range f {
			if i == summaryRows {
				fmt.Fprintf(&b, "| … | %d more in report.html | |\n", len(f)-i)
				break
			}
			fmt.Fprintf(&b, "| **%s** %s | %s (%s) | %s |\n", s.ID, cell(s.Title), SectionName(s.Section), s.Level, cell(firstLines(message(s.Reason, s.Quote), 2)))
		}
	}
	if w := r.Warnings(); len(w) > 0 {
		strict := ""
		if r.Run.Settings.Strict {
			strict = ", failing under --strict"
		}
		fmt.Fprintf(&b, "\n### Warnings (%d: SHOULD or MAY not met%s)\n\n", len(w), strict)
		for i, s := range w {
			if i == summaryRows {
				fmt.Fprintf(&b, "- … %d more in report.html\n", len(w)-i)
				break
			}
			fmt.Fprintf(&b, "- **%s** %s\n", s.ID, cell(firstLines(s.Reason, 1)))
		}
	}
	b.WriteString("\nThe full report, with transcripts: `report.html` (also `junit.xml`, `report.json`).\n")
	return b.Bytes()
}

// SettingsSummary lists the run's settings as short phrases: "profile modern", "strict"….
func SettingsSummary(r Result) []string {
	s := r.Run.Settings
	out := []string{"profile " + string(s.Profile)}
	if s.Strict {
		out = append(out, "strict")
	}
	if s.ReadOnly {
		out = append(out, "read-only")
	}
	if s.Target.TLS != "" {
		out = append(out, "TLS "+string(s.Target.TLS))
	}
	if s.Active {
		out = append(out, "active data connections")
	}
	out = append(out, "reply timeout "+s.ReplyTimeout.String())
	if s.MaxSessions > 0 {
		out = append(out, fmt.Sprintf("at most %d sessions", s.MaxSessions))
	}
	if s.TargetConfig != nil && len(s.TargetConfig.Conditions) > 0 {
		out = append(out, plural(len(s.TargetConfig.Conditions), "target condition", "target conditions"))
	}
	if f := userFilter(r); f != "" {
		out = append(out, "label filter "+f)
	}
	if len(r.Focus) > 0 {
		out = append(out, "focus "+strings.Join(r.Focus, " | "))
	}
	if len(r.Skip) > 0 {
		out = append(out, "skip "+strings.Join(r.Skip, " | "))
	}
	return out
}

// userFilter is the run's label filter without the profile's part, which the runner puts first.
func userFilter(r Result) string {
	f := r.LabelFilter
	if !strings.HasPrefix(f, "(rfc: containsAny") {
		return f
	}
	i := strings.Index(f, ") && (")
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(f[i+len(") && ("):], ")")
}

// cell makes text safe for one Markdown table cell.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}

func inlineCode(s string) string { return strings.ReplaceAll(s, "`", "'") }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
