package reports

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/rfc"
	"github.com/onsi/ginkgo/v2/types"
)

func labelled(text string, labels ...string) types.SpecReport {
	return types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: text, LeafNodeLabels: labels}
}

func TestCoverageNamesWhatIsMissing(t *testing.T) {
	specs := []types.SpecReport{
		labelled("USER-001: USER asks for the password", "id:USER-001", "cmd:USER", "code:331", "rfc959:4.1.1", "rfc:959", "level:MUST"),
		labelled("PASS-001: PASS logs in", "id:PASS-001", "cmd:USER", "cmd:PASS", "code:230", "rfc959:4.1.1", "level:MUST"),
		labelled("BAD-001: a section that does not exist", "id:BAD-001", "cmd:NOOP", "code:200", "rfc959:9.9.9", "rfc3659:7.5.1", "rfc9999:1"),
		labelled("a spec without an ID", "cmd:NOOP"),
		{LeafNodeType: types.NodeTypeBeforeSuite},
	}
	c := CoverageOf(specs)
	if len(c.Scenarios) != 3 {
		t.Errorf("%d scenarios", len(c.Scenarios))
	}
	if slices.Contains(c.MissingCommands, "USER") || slices.Contains(c.MissingCommands, "NOOP") || !slices.Contains(c.MissingCommands, "RETR") {
		t.Errorf("missing commands %v", c.MissingCommands)
	}
	if len(c.MissingCommands) != len(rfc.SeedCommands)-3 || len(c.MissingCodes) != len(rfc.SeedCodes)-3 {
		t.Errorf("missing %d commands, %d codes", len(c.MissingCommands), len(c.MissingCodes))
	}
	gaps := strings.Join(c.Gaps(), "\n")
	for _, want := range []string{
		"30 commands of the seed table without a scenario: ABOR ACCT ALLO",
		"36 reply codes of the seed table without a scenario: 110 120 125",
		"BAD-001: label rfc959:9.9.9: RFC 959 §9.9.9 has no section 9.9.9",
		"BAD-001: label rfc9999:1: the suite knows no document \"9999\"",
		"a spec without an id label: a spec without an ID",
	} {
		if !strings.Contains(gaps, want) {
			t.Errorf("the gaps lack %q:\n%s", want, gaps)
		}
	}
	if strings.Contains(gaps, "rfc3659:7.5.1") {
		t.Errorf("an existing section is reported:\n%s", gaps)
	}
}

// A suite that covers every seed command and code, with valid labels, has no gaps.
func TestCoverageComplete(t *testing.T) {
	var specs []types.SpecReport
	for i, cmd := range rfc.SeedCommands {
		specs = append(specs, labelled(fmt.Sprintf("C-%03d: x", i), fmt.Sprintf("id:C-%03d", i), "cmd:"+cmd, "code:200", "rfc959:4.1.3"))
	}
	for i, code := range rfc.SeedCodes {
		specs = append(specs, labelled(fmt.Sprintf("K-%03d: x", i), fmt.Sprintf("id:K-%03d", i), "cmd:NOOP", fmt.Sprintf("code:%03d", code), "deflate:3.4"))
	}
	if gaps := CoverageOf(specs).Gaps(); len(gaps) != 0 {
		t.Errorf("gaps: %v", gaps)
	}
}

func TestCoverageMatrixText(t *testing.T) {
	c := CoverageOf([]types.SpecReport{
		labelled("PASS-001: x", "id:PASS-001", "cmd:USER", "cmd:PASS", "code:230", "rfc959:4.1.1"),
		labelled("CONNECT-001: x", "id:CONNECT-001", "cmd:CONNECT", "code:220", "rfc959:5.4"),
	})
	var b bytes.Buffer
	c.WriteMatrix(&b)
	out := b.String()
	for _, want := range []string{"CONNECT  220 CONNECT-001", "USER     230 PASS-001", "PASS     230 PASS-001",
		"not covered (in the reply table): 202 332 421 500 501 503 530", "RETR     (no scenario)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the matrix lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "631") {
		t.Errorf("codes any command may get are listed as not covered:\n%s", out)
	}
}

func TestMatrixCells(t *testing.T) {
	sc := func(id string, v Verdict, cmds []string, codes ...int) Scenario {
		return Scenario{Spec: harness.Spec{ID: id, Commands: cmds, Codes: codes}, Outcome: Outcome{Verdict: v}}
	}
	m := NewMatrix([]Scenario{
		sc("PASS-001", Passed, []string{"USER", "PASS"}, 230),                  // both rows list 230
		sc("RNTO-001", Failed, []string{"RNFR", "RNTO"}, 350, 250),             // 350 is RNFR's, 250 RNTO's
		sc("PWD-009", Warning, []string{"PWD"}, 530),                           // no row lists it: the command's cell all the same
		sc("CONNECT-001", Skipped, []string{harness.ConnectCommand}, 120, 220), // the greeting's row
	}, []string{"ABOR"}, []int{110})
	ids := func(cmd string, code int) string {
		var out []string
		for _, s := range m.Cell(cmd, code) {
			out = append(out, s.ID)
		}
		return strings.Join(out, " ")
	}
	for _, c := range []struct {
		cmd  string
		code int
		want string
	}{
		{"USER", 230, "PASS-001"}, {"PASS", 230, "PASS-001"},
		{"RNFR", 350, "RNTO-001"}, {"RNTO", 250, "RNTO-001"}, {"RNFR", 250, ""}, {"RNTO", 350, ""},
		{"PWD", 530, "PWD-009"}, {"CONNECT", 120, "CONNECT-001"}, {"ABOR", 110, ""},
	} {
		if got := ids(c.cmd, c.code); got != c.want {
			t.Errorf("cell %s %d = %q, want %q", c.cmd, c.code, got, c.want)
		}
	}
	if !slices.Equal(m.Commands, []string{"CONNECT", "USER", "PASS", "RNFR", "RNTO", "PWD", "ABOR"}) {
		t.Errorf("rows %v (want the reply table's order)", m.Commands)
	}
	if !slices.Equal(m.Codes, []int{110, 120, 220, 230, 250, 350, 530}) {
		t.Errorf("columns %v", m.Codes)
	}
	if CellVerdict(m.Cell("RNTO", 250)) != Failed || CellVerdict(nil) != "" || !m.InTable("RETR", 226) || m.InTable("NOOP", 550) {
		t.Errorf("cell verdicts or table lookups are wrong")
	}
}

func TestCatalogue(t *testing.T) {
	specs := []harness.Spec{
		{ID: "MLST-001", Title: "MLST gives facts", Commands: []string{"MLST"}, Codes: []int{250}, Section: "3659:7", Quote: "the facts", Level: harness.Must},
		{ID: "USER-002", Title: "USER *again*", Commands: []string{"USER"}, Codes: []int{331}, Section: "959:4.1.1", Quote: "a  quote\nover | lines", Level: harness.Should, Writes: true},
		{ID: "USER-001", Title: "USER", Commands: []string{"USER"}, Codes: []int{331}, Section: "959:4.1.1", Quote: "q", Level: harness.Must, Also: []string{"959:5.4"}},
		{ID: "CONNECT-001", Title: "greeting", Commands: []string{harness.ConnectCommand}, Codes: []int{220}, Section: "959:5.4", Quote: "g", Level: harness.Must},
	}
	out := string(Catalogue(specs, "make catalogue"))
	if again := string(Catalogue(specs, "make catalogue")); again != out {
		t.Errorf("the catalogue is not deterministic")
	}
	for _, want := range []string{
		"Generated from the scenarios' declarations by `make catalogue`; do not edit.",
		"4 scenarios: 3 MUST, 1 SHOULD, 0 MAY.",
		"## RFC 959: File Transfer Protocol (FTP)",
		"### RFC 959 §4.1.1 ACCESS CONTROL COMMANDS",
		"- **USER-002** (SHOULD) USER \\*again\\*\n  <br>commands: USER · codes: 331 · writes\n  > a quote over \\| lines\n",
		"<br>commands: greeting · codes: 220",
		"also: RFC 959 §5.4",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the catalogue lacks %q:\n%s", want, out)
		}
	}
	// RFC 959 before RFC 3659; §4.1.1 before §5.4; USER-001 before USER-002.
	order := []string{"RFC 959: File", "§4.1.1", "USER-001", "USER-002", "§5.4", "CONNECT-001", "## RFC 3659", "MLST-001"}
	last := -1
	for _, o := range order {
		i := strings.LastIndex(out, o)
		if i < last {
			t.Errorf("%q is out of order:\n%s", o, out)
		}
		last = i
	}
}
