package interop

import (
	"bytes"
	_ "embed"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ftpconform/ftpconform/reports"
)

//go:embed compare.html.tmpl
var compareTemplate string

var comparePage = template.Must(template.New("compare").Funcs(template.FuncMap{
	"section": reports.SectionName,
	"join":    strings.Join,
	"time":    func(t time.Time) string { return t.Format("2006-01-02 15:04:05 MST") },
	"round":   func(d time.Duration) time.Duration { return d.Round(time.Second) },
}).Parse(compareTemplate))

// IndexFile is the comparison page inside the output directory.
const IndexFile = "index.html"

// WriteHTML writes the comparison page (index.html), summary.md and failures.txt into dir, beside the
// servers' own reports (SERVER/PROFILE/report.html), which it links.
func (c Comparison) WriteHTML(dir string) (string, error) {
	var b bytes.Buffer
	if err := comparePage.Execute(&b, c); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	file := filepath.Join(dir, IndexFile)
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "failures.txt"), []byte(c.FailuresText()), 0o644); err != nil {
		return "", err
	}
	return file, os.WriteFile(filepath.Join(dir, "summary.md"), []byte(c.Markdown()), 0o644)
}
