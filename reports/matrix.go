package reports

import (
	"cmp"
	"slices"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/rfc"
)

// Matrix is the command × reply-code table of a set of scenarios: which scenarios cover each
// pair of a command and a code. The HTML report colours it by verdict; `ftpconform --coverage`
// prints it for the suite's own declarations.
//
// A scenario declares its commands and its codes, not which code belongs to which command. A
// code is put in the cells of those of the scenario's commands whose reply table (rfc.Allows)
// lists it, so that PASS-001 (USER, PASS; 230) covers USER×230 and PASS×230; a code that the
// table lists for none of them (421 anywhere, 530 before login…) goes to all of them.
type Matrix struct {
	Commands []string // rows: command labels ("CONNECT" for the greeting), reply-table order first
	Codes    []int    // columns, in numeric order
	cells    map[matrixKey][]Scenario
}

type matrixKey struct {
	command string
	code    int
}

// NewMatrix builds the matrix of the scenarios. Rows and columns are the commands and codes the
// scenarios name, plus extra ones (the seed table's) shown even where no scenario covers them.
func NewMatrix(scenarios []Scenario, extraCommands []string, extraCodes []int) Matrix {
	m := Matrix{cells: map[matrixKey][]Scenario{}}
	commands := map[string]bool{}
	codes := map[int]bool{}
	for _, c := range extraCommands {
		commands[harness.CommandLabel(c)] = true
	}
	for _, c := range extraCodes {
		codes[c] = true
	}
	for _, s := range scenarios {
		for _, k := range cellsOf(s.Commands, s.Codes) {
			m.cells[k] = append(m.cells[k], s)
			commands[k.command] = true
			codes[k.code] = true
		}
	}
	order := map[string]int{}
	for i, c := range rfc.Commands() {
		if _, seen := order[harness.CommandLabel(c)]; !seen {
			order[harness.CommandLabel(c)] = i
		}
	}
	for c := range commands {
		m.Commands = append(m.Commands, c)
	}
	slices.SortFunc(m.Commands, func(a, b string) int {
		ia, oka := order[a]
		ib, okb := order[b]
		switch {
		case oka && okb:
			return cmp.Compare(ia, ib)
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		}
		return cmp.Compare(a, b)
	})
	for c := range codes {
		m.Codes = append(m.Codes, c)
	}
	slices.Sort(m.Codes)
	for k := range m.cells {
		slices.SortFunc(m.cells[k], func(a, b Scenario) int { return CompareIDs(a.ID, b.ID) })
	}
	return m
}

// cellsOf lists the cells one scenario covers (see Matrix).
func cellsOf(commands []string, codes []int) []matrixKey {
	var out []matrixKey
	for _, code := range codes {
		var fit []string
		for _, c := range commands {
			if rfc.Allows(tableCommand(c), code, nil) {
				fit = append(fit, c)
			}
		}
		if len(fit) == 0 {
			fit = commands
		}
		for _, c := range fit {
			k := matrixKey{harness.CommandLabel(c), code}
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// tableCommand is a command as the reply table names it: the greeting is rfc.Connect, whether
// it comes from a Spec ("<connect>") or from a label ("CONNECT").
func tableCommand(c string) string {
	if c == "CONNECT" || c == harness.ConnectCommand {
		return rfc.Connect
	}
	return c
}

// Cell returns the scenarios that cover a command (as a row label) and a code, by ID.
func (m Matrix) Cell(command string, code int) []Scenario {
	return m.cells[matrixKey{command, code}]
}

// InTable reports whether the reply table lists the code for the command, in any document.
func (m Matrix) InTable(command string, code int) bool {
	return rfc.Allows(tableCommand(command), code, nil)
}

// CellVerdict is the colour of a cell: the worst verdict of its scenarios (failed, then
// warning, passed, skipped); "" for a cell no scenario covers.
func CellVerdict(scenarios []Scenario) Verdict {
	var worst Verdict
	rank := map[Verdict]int{"": 0, Skipped: 1, Passed: 2, Warning: 3, Failed: 4}
	for _, s := range scenarios {
		if rank[s.Verdict] > rank[worst] {
			worst = s.Verdict
		}
	}
	return worst
}
