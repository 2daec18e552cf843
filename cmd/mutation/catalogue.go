package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ftpconform/ftpconform/harness"
	refserver "github.com/ftpconform/ftpconform/reference-server"
	"github.com/ftpconform/ftpconform/reports"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	_ "github.com/ftpconform/ftpconform/suites" // the scenarios, to list them
)

// scenario is one scenario of the suite, as the mutation run needs it.
type scenario struct {
	ID       string
	Commands []string // its cmd: labels (CONNECT for the greeting)
	Location string   // where it is declared, relative to the working directory when it can be
}

// fault is one fault of the reference server's catalogue.
type fault struct {
	Name        string `json:"name"`
	Group       string `json:"group"`
	RFC         string `json:"rfc"`
	Description string `json:"description"`
	// Commands are the cmd: label values of the commands the fault changes; empty: all.
	Commands []string `json:"commands,omitempty"`
}

// catalogue is the reference server's fault catalogue, with its commands as label values.
func catalogue() []fault {
	var out []fault
	for _, f := range refserver.Faults() {
		var cmds []string
		for _, c := range f.Commands {
			cmds = append(cmds, harness.CommandLabel(c))
		}
		out = append(out, fault{Name: f.Name, Group: f.Group, RFC: f.RFC, Description: f.Description, Commands: cmds})
	}
	return out
}

// listScenarios lists the scenarios that a run with this profile selects, as the runner does:
// ginkgo's dry run of the tree that bin/ftpconform links too.
func listScenarios(profile harness.Profile) []scenario {
	sc, rc := ginkgo.GinkgoConfiguration()
	sc.LabelFilter = harness.RunFilter(harness.Settings{Profile: profile})
	preview := ginkgo.PreviewSpecs("ftpconform", sc, rc)
	wd, _ := os.Getwd()
	var out []scenario
	for _, spec := range preview.SpecReports {
		if spec.LeafNodeType != types.NodeTypeIt || spec.State != types.SpecStatePassed {
			continue // not an It, or left out by the profile
		}
		id := reports.LabelValue(spec.Labels(), "id")
		if id == "" {
			continue
		}
		loc := spec.LeafNodeLocation.String()
		if rel, err := filepath.Rel(wd, spec.LeafNodeLocation.FileName); err == nil && !strings.HasPrefix(rel, "..") {
			loc = strings.Replace(loc, spec.LeafNodeLocation.FileName, rel, 1)
		}
		out = append(out, scenario{ID: id, Commands: reports.LabelValues(spec.Labels(), "cmd"), Location: loc})
	}
	slices.SortFunc(out, func(a, b scenario) int { return reports.CompareIDs(a.ID, b.ID) })
	return out
}
