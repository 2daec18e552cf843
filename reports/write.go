package reports

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2/types"
)

// File names inside the report directory.
const (
	JUnitFile = "junit.xml"
	JSONFile  = "report.json"
	HTMLFile  = "report.html"
)

// WriteAll writes the reports every run has (report.json, junit.xml, report.html, summary.md) into dir, creating it if needed, and returns the paths written.
// It writes as many as it can and returns the first error.
func WriteAll(dir string, report types.Report) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report directory: %v", err)
	}
	writers := []struct {
		name  string
		write func(types.Report, string) error
	}{
		{JSONFile, WriteJSON},
		{JUnitFile, WriteJUnit},
		{HTMLFile, WriteHTML},
		{SummaryFile, WriteSummary},
	}
	var written []string
	var first error
	for _, w := range writers {
		path := filepath.Join(dir, w.name)
		if err := w.write(report, path); err != nil {
			if first == nil {
				first = fmt.Errorf("writing %s: %v", path, err)
			}
			continue
		}
		written = append(written, path)
	}
	return written, first
}
