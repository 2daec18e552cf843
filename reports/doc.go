// Package reports turns ginkgo's report of a run into what people and CI read: report.json,
// junit.xml, report.html and summary.md; and, beside them, the baseline comparison, the
// certificate and badge of a conformant run, and the suite's own coverage and catalogue.
//
// Everything is derived from one types.Report: the scenarios' own report entries
// (harness.EntrySpec, EntryTranscript, EntryFindings, EntryReplies) and the run's RunInfo, which
// AttachRun stores in a suite-level node of the report (see RunNodeText), with the baseline
// comparison beside it (AttachBaseline). A report read back from report.json therefore gives
// the same verdicts as the run that wrote it; docs/report-json.md describes its schema.
//
// The layers, each in its own file:
//   - outcome.go: Classify, the one place that decides a scenario's verdict;
//   - result.go: Analyze, the report as scenarios, counts and groups (what every writer shows);
//   - merge.go: Merge, the reports of several worker processes as one;
//   - run.go: AttachRun and RunOf, the run's description inside the report;
//   - matrix.go: the command × reply-code matrix of a set of scenarios;
//   - baseline.go: baselines written and compared (--baseline-write, --baseline);
//   - junit.go, json.go, html.go, summary.go: the writers; WriteAll writes them all;
//   - certificate.go, badge.go: certificate.json (signed with ed25519) and badge.svg;
//   - coverage.go, catalogue.go: the suite's own labels checked against the seed table, and
//     the scenario catalogue (docs/scenarios.md).
package reports
