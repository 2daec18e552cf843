package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ftpconform/ftpconform/reports"
)

// Baselines: --baseline-write FILE records every scenario's verdict and the reply codes the
// target gave at each step; --baseline FILE compares the run with such a file and reports every
// change; a regression (newly failing, a reply code that changed…) makes the run fail.

// checkBaselineFlags reads the baseline to compare with, so that a missing or broken file is a
// usage error before anything runs, and checks that the one to write can be written.
func checkBaselineFlags(o *options) error {
	if o.baselineExact && o.baselineFile == "" {
		return errors.New("--baseline-exact needs --baseline FILE")
	}
	if o.baselineFile != "" {
		b, err := reports.ReadBaseline(o.baselineFile)
		if err != nil {
			return fmt.Errorf("--baseline: %v", err)
		}
		o.baseline = &b
	}
	if o.baselineWrite != "" {
		dir := filepath.Dir(o.baselineWrite)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return fmt.Errorf("--baseline-write %s: directory %s does not exist", o.baselineWrite, dir)
		}
	}
	return nil
}

// compareWithBaseline returns the comparison of the run with --baseline, nil without one.
func compareWithBaseline(o options, r reports.Result) *reports.Comparison {
	if o.baseline == nil {
		return nil
	}
	c := reports.Compare(*o.baseline, o.baselineFile, r)
	c.Exact = o.baselineExact
	return c
}
