package reports

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ftpconform/ftpconform/harness"
)

// Catalogue renders the scenario catalogue (docs/scenarios.md) from the scenarios'
// declarations: by RFC and section, each scenario with its ID, level, title and the quoted
// requirement. It depends on the declarations alone (no date, no version), so that the
// committed file changes exactly when a scenario does; regenerate tells how to rebuild it.
func Catalogue(specs []harness.Spec, regenerate string) []byte {
	scenarios := make([]Scenario, len(specs))
	for i, sp := range specs {
		scenarios[i] = Scenario{Spec: sp}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Scenario catalogue\n\n")
	fmt.Fprintf(&b, "<!-- Generated from the scenarios' declarations by `%s`; do not edit. -->\n\n", regenerate)
	groups := groupByRFC(scenarios)
	levels := map[harness.Level]int{}
	for _, s := range specs {
		levels[s.Level]++
	}
	fmt.Fprintf(&b, "%s: %d MUST, %d SHOULD, %d MAY. ", plural(len(specs), "scenario", "scenarios"), levels[harness.Must], levels[harness.Should], levels[harness.May])
	fmt.Fprintf(&b, "Each checks the requirement it quotes; `ftpconform --explain ID` shows one, ")
	fmt.Fprintf(&b, "`ftpconform --label-filter id:ID` runs it alone.\n\n")
	for _, g := range groups {
		fmt.Fprintf(&b, "- [%s](#%s) (%s)\n", docHeading(g), anchor(docHeading(g)), plural(g.Counts.Total, "scenario", "scenarios"))
	}
	for _, g := range groups {
		fmt.Fprintf(&b, "\n## %s\n", docHeading(g))
		for _, sg := range g.Sections {
			heading := sg.Name
			if sg.Title != "" {
				heading += " " + sg.Title
			}
			fmt.Fprintf(&b, "\n### %s\n\n", heading)
			for _, s := range sg.Scenarios {
				fmt.Fprintf(&b, "- **%s** (%s) %s\n", s.ID, s.Level, escapeMarkdown(s.Title))
				var facts []string
				facts = append(facts, "commands: "+strings.Join(commandWords(s.Commands), " "))
				facts = append(facts, "codes: "+codeList(s.Codes))
				if len(s.Also) > 0 {
					also := make([]string, len(s.Also))
					for i, a := range s.Also {
						also[i] = SectionName(a)
					}
					facts = append(facts, "also: "+strings.Join(also, ", "))
				}
				if s.Feature != "" {
					facts = append(facts, "feature: "+s.Feature)
				}
				if s.Condition != "" {
					facts = append(facts, "condition: "+string(s.Condition))
				}
				if s.Writes {
					facts = append(facts, "writes")
				}
				if s.Serial {
					facts = append(facts, "runs alone")
				}
				fmt.Fprintf(&b, "  <br>%s\n", escapeMarkdown(strings.Join(facts, " · ")))
				if q := strings.TrimSpace(s.Quote); q != "" {
					fmt.Fprintf(&b, "  > %s\n", escapeMarkdown(strings.Join(strings.Fields(q), " ")))
				}
			}
		}
	}
	return b.Bytes()
}

func docHeading(g DocGroup) string {
	if g.Title == "" {
		return g.Name
	}
	return g.Name + ": " + g.Title
}

// anchor is the fragment GitHub gives a heading.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}

func commandWords(commands []string) []string {
	out := make([]string, len(commands))
	for i, c := range commands {
		out[i] = stepCommand(c)
	}
	return out
}

// escapeMarkdown keeps text from being read as Markdown or HTML.
func escapeMarkdown(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "|", `\|`)
	return r.Replace(s)
}
