package main

import (
	"fmt"
	"io"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reports"
	"github.com/onsi/ginkgo/v2/types"
)

// catalogueCommand is how the committed catalogue is regenerated; the file and the staleness
// check name it.
const catalogueCommand = "make catalogue"

// declarations returns the declaration of every scenario of the tree, in tree order: the Spec
// the scenario declared (harness.Declared), or, for a spec written without harness.Scenario,
// what its labels say.
func declarations() []harness.Spec {
	var out []harness.Spec
	for _, spec := range previewSpecs("", nil, nil).SpecReports {
		if spec.LeafNodeType != types.NodeTypeIt {
			continue
		}
		out = append(out, declaration(spec))
	}
	return out
}

// declaration is the Spec of one spec of the tree.
func declaration(spec types.SpecReport) harness.Spec {
	id := reports.LabelValue(spec.Labels(), "id")
	if d, ok := harness.Declared(id); ok && id != "" {
		return d
	}
	return reports.SpecOf(spec)
}

// catalogue prints docs/scenarios.md.
func catalogue(stdout io.Writer) int {
	stdout.Write(reports.Catalogue(declarations(), catalogueCommand))
	return exitConformant
}

// coverage prints the command × reply-code matrix of the suite's labels to stdout, and what
// the coverage test fails on to stderr: 1 if anything is missing.
func coverage(stdout, stderr io.Writer) int {
	c := reports.CoverageOf(previewSpecs("", nil, nil).SpecReports)
	c.WriteMatrix(stdout)
	gaps := c.Gaps()
	if len(gaps) == 0 {
		fmt.Fprintf(stdout, "\nEvery command and every reply code of the seed table has a scenario; every section label exists.\n")
		return exitConformant
	}
	fmt.Fprintf(stderr, "ftpconform: coverage: %d problems:\n", len(gaps))
	for _, g := range gaps {
		fmt.Fprintf(stderr, "  %s\n", g)
	}
	return exitNotConformant
}
