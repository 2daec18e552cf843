// Command ftpconform runs the FTP conformance suite against a server and writes the reports.
//
//	ftpconform                                   # against the embedded reference server
//	ftpconform --target ftp://u:p@127.0.0.1:21/scratch
//
// The parent process checks the target, lists the scenarios with ginkgo's PreviewSpecs, runs
// them in worker processes (this same binary, started with workerEnv set), merges their reports
// and writes junit.xml, report.json and report.html. Exit status: 0 conformant, 1 not
// conformant, 2 usage or configuration error, 3 target unreachable.
package main

import (
	"os"

	_ "github.com/ftpconform/ftpconform/suites" // the scenarios
)

// Exit statuses, as documented in README.md.
const (
	exitConformant    = 0
	exitNotConformant = 1
	exitUsage         = 2
	exitUnreachable   = 3
)

func main() {
	if w := os.Getenv(workerEnv); w != "" {
		os.Exit(workerMain(w))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
