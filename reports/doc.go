// Package reports turns ginkgo's report of a run into what people and CI read: junit.xml,
// report.json and report.html.
//
// Everything is derived from one types.Report: the scenarios' own report entries
// (harness.EntrySpec, EntryTranscript, EntryFindings, EntryReplies) and the run's RunInfo, which
// AttachRun stores in a suite-level node of the report (see RunNodeText). A report read back
// from report.json therefore gives the same verdicts as the run that wrote it.
//
// The layers, each in its own file:
//   - outcome.go: Classify, the one place that decides a scenario's verdict;
//   - result.go: Analyze, the report as scenarios, counts and groups (what every writer shows);
//   - merge.go: Merge, the reports of several worker processes as one;
//   - run.go: AttachRun and RunOf, the run's description inside the report;
//   - junit.go, json.go, html.go: the writers; WriteAll writes them all.
package reports
