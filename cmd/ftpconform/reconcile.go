package main

import (
	"slices"
	"strings"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reports"
	"github.com/onsi/ginkgo/v2/types"
)

// reconcile makes the final report from the plan and the batches' outcomes. Every spec of the
// tree appears once, in tree order: the result of the worker that ran it; for a spec the run
// left out, skipped with the reason; for a spec the run meant to run but that never ran (its
// worker was stopped or crashed), interrupted with what became of its worker, so that such a
// run is never conformant.
func reconcile(p plan, outcomes []outcome) types.Report {
	var parts []types.Report
	problem := map[string]string{} // spec key → what became of its batch
	for _, o := range outcomes {
		if o.report != nil {
			parts = append(parts, *o.report)
		}
		for _, key := range o.batch.specKeys {
			problem[key] = o.problem
		}
	}
	merged := reports.Merge(parts...)
	results := map[string]types.SpecReport{}
	var suiteNodes types.SpecReports
	for _, spec := range merged.SpecReports {
		if spec.LeafNodeType == types.NodeTypeIt {
			results[reports.SpecKey(spec)] = spec
		} else {
			suiteNodes = append(suiteNodes, spec)
		}
	}

	final := merged
	if len(parts) == 0 {
		final = p.preview
		final.SpecialSuiteFailureReasons = nil
		final.StartTime, final.EndTime, final.RunTime = p.preview.StartTime, p.preview.StartTime, 0
	}
	final.SuiteDescription = suiteDescription
	final.SuiteConfig.LabelFilter = p.filter
	final.SuiteConfig.FocusStrings = p.focus
	final.SuiteConfig.SkipStrings = p.skip
	final.SuiteConfig.DryRun = false
	final.SuiteConfig.ParallelTotal = max(1, len(outcomes))
	final.PreRunStats = types.PreRunStats{TotalSpecs: len(p.specs), SpecsThatWillRun: p.selected()}
	final.SpecReports = nil
	for _, s := range p.specs {
		r, found := results[s.key]
		switch {
		case found && r.NumAttempts > 0:
		case !s.selected:
			r = withDeclaration(s.spec)
			r.State = types.SpecStateSkipped
			r.Failure = types.Failure{Message: s.reason}
		default:
			r = withDeclaration(s.spec)
			r.State = types.SpecStateInterrupted
			why := problem[s.key]
			if why == "" {
				why = "its worker finished without running it"
			}
			if !strings.HasPrefix(why, "not run: ") { // the workers' problems say it already
				why = "not run: " + why
			}
			r.Failure = types.Failure{Message: why, Location: s.spec.LeafNodeLocation}
		}
		final.SpecReports = append(final.SpecReports, r)
	}
	final.SpecReports = append(final.SpecReports, suiteNodes...)
	for _, o := range outcomes {
		if o.problem != "" && !slices.Contains(final.SpecialSuiteFailureReasons, o.problem) {
			final.SpecialSuiteFailureReasons = append(final.SpecialSuiteFailureReasons, o.problem)
		}
	}
	return final
}

// withDeclaration gives a spec that never ran the declaration harness.Scenario would have
// attached (its title, quote, section…), so that reports show it as they show the others.
func withDeclaration(spec types.SpecReport) types.SpecReport {
	d, ok := harness.Declared(reports.LabelValue(spec.Labels(), "id"))
	if !ok {
		return spec
	}
	spec.ReportEntries = append(slices.Clone(spec.ReportEntries), types.ReportEntry{
		Name: harness.EntrySpec, Visibility: types.ReportEntryVisibilityNever, Value: types.WrapEntryValue(d),
	})
	return spec
}
