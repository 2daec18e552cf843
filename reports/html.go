package reports

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/rfc"
	"github.com/onsi/ginkgo/v2/types"
)

// The page is one self-contained file: the stylesheet, the script and the chart are inline,
// nothing is fetched, so it opens from a CI artifact or an e-mail attachment.
//
//go:embed html/report.html.tmpl html/report.css html/report.js
var htmlFiles embed.FS

var htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"section":  SectionName,
	"duration": formatDuration,
	"dirClass": dirClass,
	"plural":   plural,
	"message":  message,
	"steps":    StepsByConnection,
	"codes":    codeList,
	"join":     strings.Join,
	"commands": func(c []string) string { return strings.Join(commandWords(c), " ") },
	"first":    firstLines,
	"seconds":  func(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) },
	"is":       func(v Verdict, name string) bool { return string(v) == name },
	"sectionRefs": func(s Scenario) string {
		return strings.Join(append([]string{s.Section}, s.Also...), " ")
	},
	"codeAttr": func(codes []int) string {
		out := make([]string, len(codes))
		for i, c := range codes {
			out[i] = fmt.Sprintf("%03d", c)
		}
		return strings.Join(out, " ")
	},
}).ParseFS(htmlFiles, "html/report.html.tmpl"))

// page is what the template shows; each part of the page has its own field and block.
type page struct {
	Result
	Title      string
	Generated  string
	OK         bool
	Conformant bool
	Why        string
	Settings   []setting
	Failures   []Scenario
	Warnings   []Scenario
	Matrix     matrixView
	Chart      chartView
	RFCs       []DocGroup
	CSS        template.CSS
	JS         template.JS
}

type setting struct{ Name, Value string }

// matrixView is the command × reply-code matrix as the page draws it.
type matrixView struct {
	Codes []int
	Rows  []matrixRow
}

type matrixRow struct {
	Command string
	Cells   []matrixCell
}

// matrixCell is one cell: its class is the worst verdict of its scenarios, or "uncovered"
// (the reply table lists the code for the command; no scenario checks it) or "na" (the table
// does not list it).
type matrixCell struct {
	Code  int
	Class string
	IDs   string // space-separated scenario IDs
	N     int
	Title string
}

// chartView is the pass-rate chart: a bar per RFC.
type chartView struct {
	Width, Height  int
	BarX, BarWidth int // where the bars start, and their full width
	TextX          int // where the labels after the bars start
	Bars           []chartBar
}

type chartBar struct {
	Name                              string
	Y                                 int
	Passed, Warnings, Failed, Skipped int
	WPassed, WWarnings, WFailed       float64 // widths of the segments
	XWarnings, XFailed                float64
	Label                             string
}

const (
	chartLabelWidth = 150
	chartBarWidth   = 420
	chartRow        = 26
)

// WriteHTML writes report.html.
func WriteHTML(report types.Report, file string) error {
	b, err := RenderHTML(report)
	if err != nil {
		return err
	}
	return os.WriteFile(file, b, 0o644)
}

// RenderHTML renders the HTML report of a run.
func RenderHTML(report types.Report) ([]byte, error) {
	r := Analyze(report)
	css, err := htmlFiles.ReadFile("html/report.css")
	if err != nil {
		return nil, err
	}
	js, err := htmlFiles.ReadFile("html/report.js")
	if err != nil {
		return nil, err
	}
	p := page{
		Result:     r,
		Title:      "FTP conformance report",
		Generated:  time.Now().UTC().Format(time.RFC3339),
		OK:         r.OK(),
		Conformant: r.Conformant(),
		Why:        r.Why(),
		Failures:   r.Failures(),
		Warnings:   r.Warnings(),
		Matrix:     newMatrixView(NewMatrix(r.Scenarios, rfc.SeedCommands, rfc.SeedCodes)),
		RFCs:       r.ByRFC(),
		CSS:        template.CSS(css),
		JS:         template.JS(js),
	}
	p.Chart = newChart(p.RFCs)
	if r.HasRun {
		p.Title += " — " + r.Run.Settings.Target.String()
		p.Settings = settingsOf(r)
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func newMatrixView(m Matrix) matrixView {
	v := matrixView{Codes: m.Codes}
	for _, cmd := range m.Commands {
		row := matrixRow{Command: cmd}
		for _, code := range m.Codes {
			ss := m.Cell(cmd, code)
			c := matrixCell{Code: code, N: len(ss)}
			switch {
			case len(ss) > 0:
				c.Class = string(CellVerdict(ss))
				var ids []string
				var counts Counts
				for _, s := range ss {
					ids = append(ids, s.ID)
					counts.Add(s.Verdict)
				}
				c.IDs = strings.Join(ids, " ")
				c.Title = fmt.Sprintf("%s %03d: %s", cmd, code, countPhrase(counts))
			case m.InTable(cmd, code):
				c.Class = "uncovered"
				c.Title = fmt.Sprintf("%s %03d: allowed by the reply table; no scenario checks it", cmd, code)
			default:
				c.Class = "na"
			}
			row.Cells = append(row.Cells, c)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// countPhrase is "2 passed, 1 failed" with the zero counts left out.
func countPhrase(c Counts) string {
	var parts []string
	for _, x := range []struct {
		n    int
		word string
	}{{c.Failed, "failed"}, {c.Warnings, "warning"}, {c.Passed, "passed"}, {c.Skipped, "skipped"}} {
		if x.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", x.n, x.word))
		}
	}
	if len(parts) == 0 {
		return "no scenario"
	}
	return strings.Join(parts, ", ")
}

func newChart(groups []DocGroup) chartView {
	v := chartView{Width: chartLabelWidth + chartBarWidth + 280, BarX: chartLabelWidth, BarWidth: chartBarWidth, TextX: chartLabelWidth + chartBarWidth + 10}
	for i, g := range groups {
		c := g.Counts
		name := g.Name
		if g.Doc == "deflate" {
			name = "MODE Z (draft)"
		}
		b := chartBar{Name: name, Y: i * chartRow, Passed: c.Passed, Warnings: c.Warnings, Failed: c.Failed, Skipped: c.Skipped}
		if ran := c.Ran(); ran > 0 {
			unit := float64(chartBarWidth) / float64(ran)
			b.WPassed, b.WWarnings, b.WFailed = unit*float64(c.Passed), unit*float64(c.Warnings), unit*float64(c.Failed)
			b.Label = fmt.Sprintf("%d%% passed (%d/%d)", (c.Passed+c.Warnings)*100/ran, c.Passed+c.Warnings, ran)
		} else {
			b.Label = "none ran"
		}
		if c.Skipped > 0 {
			b.Label += fmt.Sprintf(", %d skipped", c.Skipped)
		}
		b.XWarnings = chartLabelWidth + b.WPassed
		b.XFailed = b.XWarnings + b.WWarnings
		v.Bars = append(v.Bars, b)
	}
	v.Height = max(1, len(groups)) * chartRow
	return v
}

// settingsOf lists what the run was asked to do, so that the report says how to reproduce it.
func settingsOf(r Result) []setting {
	s := r.Run.Settings
	out := []setting{
		{"Profile", string(s.Profile)},
		{"Strict", yesNo(s.Strict, "yes: SHOULD deviations fail", "no: SHOULD deviations are warnings")},
		{"Read-only", yesNo(s.ReadOnly, "yes: scenarios that write were skipped", "no")},
		{"Reply timeout", s.ReplyTimeout.String()},
		{"TLS", yesNo(s.Target.TLS != harness.TLSNone, string(s.Target.TLS), "none")},
		{"Data connections", yesNo(s.Active, "active (PORT/EPRT) by default", "passive (PASV/EPSV) by default")},
	}
	if s.MaxSessions > 0 {
		out = append(out, setting{"Max sessions", strconv.Itoa(s.MaxSessions)})
	}
	if s.TargetConfig != nil && len(s.TargetConfig.Conditions) > 0 {
		var names []string
		for name := range s.TargetConfig.Conditions {
			names = append(names, string(name))
		}
		slices.Sort(names)
		out = append(out, setting{"Target conditions", strings.Join(names, ", ")})
	}
	if r.LabelFilter != "" {
		out = append(out, setting{"Label filter", r.LabelFilter})
	}
	if len(r.Focus) > 0 {
		out = append(out, setting{"Focus", strings.Join(r.Focus, " | ")})
	}
	if len(r.Skip) > 0 {
		out = append(out, setting{"Skip", strings.Join(r.Skip, " | ")})
	}
	return out
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Millisecond:
		return "< 1 ms"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	default:
		return d.Round(time.Second).String()
	}
}

// message is a failure's reason without the line that restates the requirement (the harness
// writes it with the quote in Go syntax); the page shows the requirement just above.
func message(reason, quote string) string {
	if quote == "" {
		return reason
	}
	q := strconv.Quote(quote)
	var keep []string
	for _, l := range strings.Split(reason, "\n") {
		if !strings.Contains(l, q) {
			keep = append(keep, l)
		}
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

func dirClass(dir string) string {
	switch dir {
	case harness.Sent:
		return "sent"
	case harness.Received:
		return "received"
	default:
		return "note"
	}
}
