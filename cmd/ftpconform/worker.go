package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/onsi/ginkgo/v2"
)

// workerEnv holds a workerJob as JSON. Its presence turns the process into a worker; the
// settings come separately, in harness.SettingsEnv.
const workerEnv = "FTPCONFORM_WORKER"

// workerJob is what the parent asks of one worker process.
type workerJob struct {
	Number      int           `json:"number"`       // the batch number, shown in reports as ParallelProcess
	LabelFilter string        `json:"label_filter"` // selects exactly the batch's specs
	Focus       []string      `json:"focus,omitempty"`
	Skip        []string      `json:"skip,omitempty"`
	JSONReport  string        `json:"json_report"` // absolute path for ginkgo's JSON report
	Timeout     time.Duration `json:"timeout"`     // ginkgo's suite timeout: the time left until the run's deadline
	Seed        int64         `json:"seed"`        // the same for every worker, so all build the same tree
	Verbose     bool          `json:"verbose"`
}

// failT is the minimal testing.T that RunSpecs needs.
type failT struct{ failed bool }

func (t *failT) Fail() { t.failed = true }

// workerMain runs one batch with ginkgo's RunSpecs. Its output goes to the parent's log file;
// its results go to the JSON report. It exits 0 when every spec passed, 1 otherwise, 2 when
// the job cannot be read.
func workerMain(env string) int {
	var job workerJob
	if err := json.Unmarshal([]byte(env), &job); err != nil {
		fmt.Fprintf(os.Stderr, "ftpconform worker: %s: %v\n", workerEnv, err)
		return exitUsage
	}
	if set, err := harness.ImportSettings(); err != nil || !set {
		fmt.Fprintf(os.Stderr, "ftpconform worker: %s missing or unreadable: %v\n", harness.SettingsEnv, err)
		return exitUsage
	}
	sc, rc := ginkgo.GinkgoConfiguration()
	sc.LabelFilter = job.LabelFilter
	sc.FocusStrings = job.Focus
	sc.SkipStrings = job.Skip
	sc.RandomSeed = job.Seed
	sc.ParallelProcess, sc.ParallelTotal = 1, 1
	if job.Timeout > 0 {
		sc.Timeout = job.Timeout
	}
	rc.JSONReport = job.JSONReport
	rc.NoColor = !job.Verbose
	rc.Verbose = job.Verbose
	t := &failT{}
	ginkgo.RunSpecs(t, suiteDescription, sc, rc)
	if t.failed {
		return exitNotConformant
	}
	return exitConformant
}
