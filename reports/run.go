package reports

import (
	"maps"
	"net/url"
	"slices"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/onsi/ginkgo/v2/types"
)

// SchemaVersion is the version of what report.json carries beyond ginkgo's own format: the
// run node and the scenarios' entries. It changes when a field changes meaning or goes away.
const SchemaVersion = 1

// RunNodeText names the suite-level node that carries the run's description. In report.json it
// is the spec report with LeafNodeType "ReportBeforeSuite" and this LeafNodeText; its report
// entry harness.EntryRun ("ftpconform.run") holds harness.RunInfo as JSON in Value.AsJSON.
const RunNodeText = "ftpconform run"

// AttachRun returns the report with info stored in its run node (replacing an earlier one),
// placed first among the spec reports. The report passed in is not changed.
func AttachRun(report types.Report, info harness.RunInfo) types.Report {
	if info.SchemaVersion == 0 {
		info.SchemaVersion = SchemaVersion
	}
	info.Settings = Redact(info.Settings)
	node := types.SpecReport{
		LeafNodeType: types.NodeTypeReportBeforeSuite,
		LeafNodeText: RunNodeText,
		State:        types.SpecStatePassed,
		StartTime:    report.StartTime,
		EndTime:      report.StartTime,
		ReportEntries: types.ReportEntries{{
			Name:       harness.EntryRun,
			Time:       report.StartTime,
			Visibility: types.ReportEntryVisibilityNever,
			Value:      types.WrapEntryValue(info),
		}},
	}
	specs := slices.DeleteFunc(slices.Clone(report.SpecReports), isRunNode)
	report.SpecReports = append(types.SpecReports{node}, specs...)
	return report
}

// RunOf returns the RunInfo stored by AttachRun, and whether there is one.
func RunOf(report types.Report) (harness.RunInfo, bool) {
	for _, spec := range report.SpecReports {
		if isRunNode(spec) {
			var info harness.RunInfo
			if decodeEntry(spec.ReportEntries, harness.EntryRun, &info) {
				return info, true
			}
		}
	}
	return harness.RunInfo{}, false
}

func isRunNode(spec types.SpecReport) bool {
	return spec.LeafNodeType == types.NodeTypeReportBeforeSuite && spec.LeafNodeText == RunNodeText
}

// Redacted replaces passwords in what reports show.
const Redacted = "(redacted)"

// Redact returns the settings without passwords: the target's, and those of the target
// config's users and endpoints. Reports are published as CI artifacts; the passwords stay with
// whoever runs the suite.
func Redact(s harness.Settings) harness.Settings {
	if s.Target.Password != "" {
		s.Target.Password = Redacted
	}
	if s.TargetConfig != nil {
		tc := *s.TargetConfig
		tc.Conditions = maps.Clone(tc.Conditions)
		for name, c := range tc.Conditions {
			if c.Password != "" {
				c.Password = Redacted
			}
			if u, err := url.Parse(c.Target); err == nil && u.User != nil {
				if _, set := u.User.Password(); set {
					u.User = url.UserPassword(u.User.Username(), Redacted)
					c.Target = u.String()
				}
			}
			tc.Conditions[name] = c
		}
		s.TargetConfig = &tc
	}
	return s
}
