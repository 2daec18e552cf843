package reports

import (
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// Merge combines the reports of worker processes that each ran part of the same suite. Each
// worker reports every spec of the tree, marking the ones outside its share as skipped without
// running them; so for each spec Merge keeps the report of the worker that ran it (NumAttempts
// above zero), else one that skipped it with a reason, else the first. Suite-level nodes
// (BeforeSuite, ReportAfterSuite…) are kept once, the worst of each. The result is ordered as
// the first report that mentions each spec.
func Merge(parts ...types.Report) types.Report {
	if len(parts) == 0 {
		return types.Report{}
	}
	out := parts[0]
	out.SpecReports = nil
	out.SuiteSucceeded = true
	out.SpecialSuiteFailureReasons = nil
	out.PreRunStats = types.PreRunStats{}
	index := map[string]int{}
	for _, part := range parts {
		out.SuiteSucceeded = out.SuiteSucceeded && part.SuiteSucceeded
		for _, r := range part.SpecialSuiteFailureReasons {
			if !slices.Contains(out.SpecialSuiteFailureReasons, r) {
				out.SpecialSuiteFailureReasons = append(out.SpecialSuiteFailureReasons, r)
			}
		}
		out.PreRunStats.TotalSpecs = max(out.PreRunStats.TotalSpecs, part.PreRunStats.TotalSpecs)
		out.PreRunStats.SpecsThatWillRun += part.PreRunStats.SpecsThatWillRun
		if !part.StartTime.IsZero() && (out.StartTime.IsZero() || part.StartTime.Before(out.StartTime)) {
			out.StartTime = part.StartTime
		}
		if part.EndTime.After(out.EndTime) {
			out.EndTime = part.EndTime
		}
		for _, spec := range part.SpecReports {
			key := SpecKey(spec)
			i, seen := index[key]
			if !seen {
				index[key] = len(out.SpecReports)
				out.SpecReports = append(out.SpecReports, spec)
				continue
			}
			if better(spec, out.SpecReports[i]) {
				out.SpecReports[i] = spec
			}
		}
	}
	if !out.StartTime.IsZero() {
		out.RunTime = out.EndTime.Sub(out.StartTime)
	}
	return out
}

// SpecKey identifies a spec across the reports of one suite: its scenario ID where it has
// one (IDs are unique), else its node type, location and full text.
func SpecKey(spec types.SpecReport) string {
	if spec.LeafNodeType == types.NodeTypeIt {
		if id := LabelValue(spec.Labels(), labelID); id != "" {
			return "id:" + strings.ToUpper(id)
		}
	}
	return spec.LeafNodeType.String() + "|" + spec.LeafNodeLocation.String() + "|" + spec.FullText()
}

// better reports whether a should replace b as the report of the same spec.
func better(a, b types.SpecReport) bool {
	if a.LeafNodeType != types.NodeTypeIt {
		return rank(a.State) > rank(b.State)
	}
	if ranA, ranB := a.NumAttempts > 0, b.NumAttempts > 0; ranA != ranB {
		return ranA
	}
	if a.NumAttempts > 0 {
		return rank(a.State) > rank(b.State) // run twice: the worse result stands
	}
	return a.Failure.Message != "" && b.Failure.Message == ""
}

// rank orders states from harmless to worst.
func rank(s types.SpecState) int {
	switch {
	case s.Is(types.SpecStateFailureStates):
		return 3
	case s == types.SpecStatePassed:
		return 2
	case s == types.SpecStateSkipped || s == types.SpecStatePending:
		return 1
	default:
		return 0
	}
}
