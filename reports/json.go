package reports

import (
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// WriteJSON writes report.json in ginkgo's own JSON report format (a JSON array holding one
// types.Report, as `ginkgo --json-report` writes). What ftpconform adds is inside it, as report
// entries: the run (see RunNodeText) and each scenario's harness entries.
func WriteJSON(report types.Report, file string) error {
	return reporters.GenerateJSONReport(report, file)
}
