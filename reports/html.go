package reports

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/onsi/ginkgo/v2/types"
)

// The page is one self-contained file: the stylesheet and the script are inlined, nothing is
// fetched, so it opens from a CI artifact or an e-mail attachment.
//
//go:embed html/report.html.tmpl html/report.css html/report.js
var htmlFiles embed.FS

var htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"section":  SectionName,
	"duration": formatDuration,
	"lower":    strings.ToLower,
	"dirClass": dirClass,
	"plural":   plural,
	"message":  message,
	"seconds":  func(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) },
}).ParseFS(htmlFiles, "html/report.html.tmpl"))

// page is what the template shows. Each part of the page has its own field and its own
// template block, so that further views (matrix, per-RFC grouping, chart) slot in beside them.
type page struct {
	Result
	Title      string
	Generated  string
	Conformant bool
	Why        string
	Failures   []Scenario
	Warnings   []Scenario
	Commands   []Group
	CSS        template.CSS
	JS         template.JS
}

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
		Conformant: r.Conformant(),
		Why:        r.Why(),
		Failures:   r.Failures(),
		Warnings:   r.Warnings(),
		Commands:   r.ByCommand(),
		CSS:        template.CSS(css),
		JS:         template.JS(js),
	}
	if r.HasRun {
		p.Title += " — " + r.Run.Settings.Target.String()
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
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
