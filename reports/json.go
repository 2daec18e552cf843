package reports

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// WriteJSON writes report.json in ginkgo's own JSON report format (a JSON array holding one
// types.Report, as `ginkgo --json-report` writes). What ftpconform adds is inside it, as report
// entries: the run (see RunNodeText) and each scenario's harness entries.
func WriteJSON(report types.Report, file string) error {
	return reporters.GenerateJSONReport(report, file)
}

// ReadJSON reads a report WriteJSON (or a ginkgo worker) wrote: an array holding one report.
func ReadJSON(file string) (types.Report, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return types.Report{}, err
	}
	var rs []types.Report
	if err := json.Unmarshal(b, &rs); err != nil {
		return types.Report{}, fmt.Errorf("%s: %v", file, err)
	}
	if len(rs) != 1 {
		return types.Report{}, fmt.Errorf("%s holds %d reports, want 1", file, len(rs))
	}
	return rs[0], nil
}
