package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ftpconform/ftpconform/reports"
)

// idsPerLine is how many scenario IDs a line of the table holds.
const idsPerLine = 10

// printScore prints the table (fault → scenarios that failed), the gaps and the score.
func printScore(w io.Writer, s score, unfailableFile string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FAULT\tGROUP\tRAN\tFAILED\tSCENARIOS THAT FAILED")
	for _, f := range s.Faults {
		lines := idLines(f)
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", f.Name, f.Group, f.Ran, len(f.Failed), lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(tw, "\t\t\t\t%s\n", l)
		}
	}
	tw.Flush()

	var uncaught []faultScore
	for _, f := range s.Faults {
		if !f.caught() {
			uncaught = append(uncaught, f)
		}
	}
	if len(uncaught) > 0 && !s.Quick {
		fmt.Fprintf(w, "\nFaults no scenario catches (%d): each needs a scenario that checks the rule it breaks\n", len(uncaught))
		for _, f := range uncaught {
			cmds := "every command"
			if len(f.Commands) > 0 {
				cmds = strings.Join(f.Commands, ", ")
			}
			fmt.Fprintf(w, "  %s  [%s, %s; %s; ran %d scenarios, %d on its commands]\n      %s\n",
				f.Name, f.Group, reports.SectionName(f.RFC), cmds, f.Ran, f.Targeted, f.Description)
		}
	}
	printGaps(w, "Scenarios that do not pass on the reference server: no fault run can judge them", s.Baseline)
	printGaps(w, "Scenarios no fault fails: each needs a fault that breaks its rule, or a reason in "+unfailableFile, s.Unfailed)
	printGaps(w, "Entries of "+unfailableFile+" that are not true", s.Stale)
	if len(s.Problems) > 0 {
		fmt.Fprintf(w, "\nRuns that went wrong (%d):\n", len(s.Problems))
		for _, p := range s.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}

	if s.Quick {
		printGroups(w, s.Groups)
		return
	}
	fmt.Fprintf(w, "\nScore: %d/%d faults caught (%s)\n", s.Caught, len(s.Faults), percent(s.Caught, len(s.Faults)))
	if s.JudgeScenarios {
		fmt.Fprintf(w, "Scenarios: %d failed by some fault, %d excused with a written reason, %d failed by none, %d not passing on the reference server\n",
			len(s.FailedBy), len(s.Excused), len(s.Unfailed), len(s.Baseline))
	}
}

// idLines are the failed scenarios of a fault, a few per line; "all N" when every one that
// ran failed, so that faults of every reply do not fill pages.
func idLines(f faultScore) []string {
	switch {
	case f.Problem != "" && !f.caught():
		return []string{"— NOT CAUGHT: " + f.Problem}
	case !f.caught():
		return []string{"— NOT CAUGHT"}
	case len(f.Failed) == f.Ran && f.Ran > idsPerLine:
		return []string{fmt.Sprintf("all %d that ran", f.Ran)}
	}
	var lines []string
	for i := 0; i < len(f.Failed); i += idsPerLine {
		lines = append(lines, strings.Join(f.Failed[i:min(i+idsPerLine, len(f.Failed))], " "))
	}
	return lines
}

func printGaps(w io.Writer, title string, gaps []gap) {
	if len(gaps) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s (%d):\n", title, len(gaps))
	for _, g := range gaps {
		if g.Location != "" {
			fmt.Fprintf(w, "  %s  %s\n      %s\n", g.ID, g.Location, g.Why)
		} else {
			fmt.Fprintf(w, "  %s  %s\n", g.ID, g.Why)
		}
	}
}

// printGroups prints the quick check's verdict of each group.
func printGroups(w io.Writer, groups []groupCheck) {
	fmt.Fprintf(w, "\nQuick check, a fault per group:\n")
	checked := 0
	for _, g := range groups {
		switch {
		case g.Caught != "":
			checked++
			fmt.Fprintf(w, "  %-20s %s caught\n", g.Group, g.Caught)
		case len(g.Tried) == 0:
			fmt.Fprintf(w, "  %-20s NOT CHECKED: no scenario exercises the commands of any of its faults\n", g.Group)
		default:
			fmt.Fprintf(w, "  %-20s NOT CAUGHT: no scenario failed under %s\n", g.Group, strings.Join(g.Tried, ", "))
		}
	}
	fmt.Fprintf(w, "%d/%d groups have a fault caught\n", checked, len(groups))
}

func percent(n, of int) string {
	if of == 0 {
		return "no faults"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}
