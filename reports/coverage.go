package reports

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/ftpconform/ftpconform/rfc"
	"github.com/onsi/ginkgo/v2/types"
)

// Coverage is what the suite's own labels cover: every command and every reply code of the
// seed table must have a scenario, and every section a label names must exist in its RFC.
// It reads labels (what ginkgo runs by), not declarations, so that a spec written without
// harness.Scenario is judged too.
type Coverage struct {
	Scenarios       []Scenario // one per It with an id label, declaration rebuilt from the labels
	Matrix          Matrix     // seed commands and codes included, covered or not
	MissingCommands []string   // seed commands no scenario exercises
	MissingCodes    []int      // seed codes no scenario checks
	BadSections     []string   // "USER-001: label rfc959:9.9: RFC 959 has no section 9.9"
	Unlabelled      []string   // Its without an id label: the suite cannot report them by ID
}

// CoverageOf judges the specs of a dry run (ginkgo's PreviewSpecs).
func CoverageOf(specs []types.SpecReport) Coverage {
	var c Coverage
	commands := map[string]bool{}
	codes := map[int]bool{}
	for _, spec := range specs {
		if spec.LeafNodeType != types.NodeTypeIt {
			continue
		}
		labels := spec.Labels()
		id := LabelValue(labels, labelID)
		if id == "" {
			c.Unlabelled = append(c.Unlabelled, fmt.Sprintf("%s (%s)", spec.FullText(), spec.LeafNodeLocation))
			continue
		}
		s := Scenario{Spec: specFromLabels(labels), Labels: labels}
		s.Title = strings.TrimPrefix(spec.LeafNodeText, id+": ")
		c.Scenarios = append(c.Scenarios, s)
		for _, cmd := range LabelValues(labels, labelCommand) {
			commands[strings.ToUpper(cmd)] = true
		}
		for _, v := range LabelValues(labels, labelCode) {
			if n, err := strconv.Atoi(v); err == nil {
				codes[n] = true
			}
		}
		for _, l := range labels {
			if problem := checkSectionLabel(l); problem != "" {
				c.BadSections = append(c.BadSections, fmt.Sprintf("%s: label %s: %s", id, l, problem))
			}
		}
	}
	for _, cmd := range rfc.SeedCommands {
		if !commands[cmd] {
			c.MissingCommands = append(c.MissingCommands, cmd)
		}
	}
	for _, code := range rfc.SeedCodes {
		if !codes[code] {
			c.MissingCodes = append(c.MissingCodes, code)
		}
	}
	slices.SortFunc(c.Scenarios, func(a, b Scenario) int { return CompareIDs(a.ID, b.ID) })
	c.Matrix = NewMatrix(c.Scenarios, rfc.SeedCommands, rfc.SeedCodes)
	return c
}

// checkSectionLabel returns what is wrong with a section label ("rfc959:4.1.3",
// "deflate:3.4"); "" when it is no section label or names a section that exists.
func checkSectionLabel(label string) string {
	k, v, ok := strings.Cut(label, ":")
	if !ok {
		return ""
	}
	k, v = strings.TrimSpace(k), strings.TrimSpace(v)
	var doc string
	switch {
	case k == "deflate":
		doc = "deflate"
	case strings.HasPrefix(k, "rfc") && len(k) > 3:
		doc = strings.TrimPrefix(k, "rfc")
	default:
		return ""
	}
	known := slices.ContainsFunc(rfc.Docs(), func(d rfc.Doc) bool { return d.Name == doc })
	if !known {
		return fmt.Sprintf("the suite knows no document %q", doc)
	}
	if _, ok := rfc.Lookup(doc, v); !ok {
		return fmt.Sprintf("%s has no section %s", SectionName(doc+":"+v), v)
	}
	return ""
}

// Gaps lists what the coverage test fails on, one line each; nil when nothing is missing.
func (c Coverage) Gaps() []string {
	var out []string
	if len(c.MissingCommands) > 0 {
		out = append(out, fmt.Sprintf("%s of the seed table without a scenario: %s",
			plural(len(c.MissingCommands), "command", "commands"), strings.Join(c.MissingCommands, " ")))
	}
	if len(c.MissingCodes) > 0 {
		codes := make([]string, len(c.MissingCodes))
		for i, n := range c.MissingCodes {
			codes[i] = strconv.Itoa(n)
		}
		out = append(out, fmt.Sprintf("%s of the seed table without a scenario: %s",
			plural(len(c.MissingCodes), "reply code", "reply codes"), strings.Join(codes, " ")))
	}
	for _, b := range c.BadSections {
		out = append(out, "a label names a section its RFC does not have: "+b)
	}
	for _, u := range c.Unlabelled {
		out = append(out, "a spec without an id label: "+u)
	}
	return out
}

// WriteMatrix prints the matrix as text: a line per command, each covered code with the IDs of
// its scenarios, then the codes the reply table lists for the command that no scenario covers.
func (c Coverage) WriteMatrix(w io.Writer) {
	m := c.Matrix
	fmt.Fprintf(w, "Command × reply-code coverage of %s (%s, %s; seed: %d commands, %d codes)\n\n",
		plural(len(c.Scenarios), "scenario", "scenarios"), plural(len(m.Commands), "command", "commands"),
		plural(len(m.Codes), "code", "codes"), len(rfc.SeedCommands), len(rfc.SeedCodes))
	width := 0
	for _, cmd := range m.Commands {
		width = max(width, len(cmd))
	}
	for _, cmd := range m.Commands {
		var covered, open []string
		for _, code := range m.Codes {
			if ss := m.Cell(cmd, code); len(ss) > 0 {
				ids := make([]string, len(ss))
				for i, s := range ss {
					ids[i] = s.ID
				}
				covered = append(covered, fmt.Sprintf("%03d %s", code, strings.Join(ids, ",")))
			}
		}
		for _, a := range ownCodes(tableCommand(cmd)) {
			if n, err := strconv.Atoi(a); err == nil && len(m.Cell(cmd, n)) == 0 {
				open = append(open, a)
			}
		}
		line := strings.Join(covered, "  ")
		if line == "" {
			line = "(no scenario)"
		}
		fmt.Fprintf(w, "%-*s  %s\n", width, cmd, line)
		if len(open) > 0 {
			fmt.Fprintf(w, "%-*s  not covered (in the reply table): %s\n", width, "", strings.Join(open, " "))
		}
	}
	var uncoveredCodes []string
	for _, code := range m.Codes {
		n := 0
		for _, cmd := range m.Commands {
			n += len(m.Cell(cmd, code))
		}
		if n == 0 {
			uncoveredCodes = append(uncoveredCodes, fmt.Sprintf("%03d", code))
		}
	}
	if len(uncoveredCodes) > 0 {
		fmt.Fprintf(w, "\nCodes no scenario checks: %s\n", strings.Join(uncoveredCodes, " "))
	}
}

// ownCodes are the codes the reply table lists for a command, without those it lists for any
// command (RFC 2228's protected replies), which would be noise on every row.
func ownCodes(command string) []string {
	any := map[string]bool{}
	for _, r := range rfc.RowsFor(rfc.Any) {
		for _, c := range r.Codes() {
			any[c] = true
		}
	}
	var out []string
	for _, c := range rfc.Allowed(command, nil) {
		if !any[c] {
			out = append(out, c)
		}
	}
	return out
}
