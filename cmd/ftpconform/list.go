package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/ftpconform/ftpconform/reports"
	"github.com/onsi/ginkgo/v2/types"
)

// listed returns the scenarios that --list and --explain show: the whole tree, narrowed by
// the user's own filters (not by the profile).
func listed(o options) []types.SpecReport {
	preview := previewSpecs(o.labelFilter, o.focus, o.skip)
	filtered := o.labelFilter != "" || len(o.focus) > 0 || len(o.skip) > 0
	var out []types.SpecReport
	for _, spec := range preview.SpecReports {
		if spec.LeafNodeType != types.NodeTypeIt || (filtered && spec.State != types.SpecStatePassed) {
			continue
		}
		out = append(out, spec)
	}
	return out
}

// list prints every scenario: its ID, level, section and title on one line, then its labels
// and the requirement it checks, quoted.
func list(o options, stdout io.Writer) int {
	specs := listed(o)
	for _, spec := range specs {
		s := declaration(spec)
		fmt.Fprintf(stdout, "%s  %s  %s  %s\n", s.ID, s.Level, reports.SectionName(s.Section), s.Title)
		fmt.Fprintf(stdout, "    labels: %s\n", strings.Join(spec.Labels(), ", "))
		if q := strings.Join(strings.Fields(s.Quote), " "); q != "" {
			fmt.Fprintf(stdout, "    requirement: %q\n", q)
		}
	}
	fmt.Fprintf(stdout, "%d scenarios\n", len(specs))
	return exitConformant
}

// explain prints one scenario in full, with the RFC's words.
func explain(o options, stdout, stderr io.Writer) int {
	for _, spec := range listed(o) {
		s := declaration(spec)
		if !strings.EqualFold(s.ID, o.explain) {
			continue
		}
		fmt.Fprintf(stdout, "%s  %s\n\n", s.ID, s.Title)
		row := func(k, v string) {
			if v != "" {
				fmt.Fprintf(stdout, "  %-12s %s\n", k+":", v)
			}
		}
		row("level", string(s.Level))
		row("section", reports.SectionName(s.Section))
		var also []string
		for _, a := range s.Also {
			also = append(also, reports.SectionName(a))
		}
		row("also", strings.Join(also, ", "))
		row("commands", strings.Join(s.Commands, " "))
		row("codes", strings.Trim(fmt.Sprint(s.Codes), "[]"))
		row("feature", s.Feature)
		row("condition", string(s.Condition))
		row("labels", strings.Join(spec.Labels(), ", "))
		row("declared", spec.LeafNodeLocation.String())
		row("run alone", fmt.Sprintf("ftpconform --label-filter id:%s", s.ID))
		if s.Quote != "" {
			fmt.Fprintf(stdout, "\n  %s says:\n", reports.SectionName(s.Section))
			for _, l := range strings.Split(s.Quote, "\n") {
				fmt.Fprintf(stdout, "    %s\n", l)
			}
		}
		return exitConformant
	}
	fmt.Fprintf(stderr, "ftpconform: --explain %s: no scenario has this ID (see ftpconform --list)\n", o.explain)
	return exitUsage
}
