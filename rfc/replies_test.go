package rfc

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestRowsMatchTheFile(t *testing.T) {
	raw, _ := files.ReadFile("replies.tsv")
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	rows := Rows()
	if len(rows) != len(lines)-1 || len(rows) < 80 {
		t.Fatalf("%d rows for %d data lines", len(rows), len(lines)-1)
	}
	first := Row{Command: Connect, Doc: "959", Section: "5.4", Preliminary: []string{"120"}, Completion: []string{"220"}, Errors: []string{"421"}}
	if !rowEqual(rows[0], first) {
		t.Errorf("first row %+v, want %+v", rows[0], first)
	}
	stor := RowsFor("STOR")[0]
	if !slices.Equal(stor.Preliminary, []string{"125", "150", "110"}) || !slices.Equal(stor.Completion, []string{"226", "250"}) ||
		stor.Intermediate != nil || len(stor.Errors) != 13 {
		t.Errorf("STOR 959 row: %+v", stor)
	}
	mlst := RowsFor("MLST")[0]
	if mlst.Doc != "3659" || mlst.Section != "7.2" || mlst.Errors[len(mlst.Errors)-1] != "4xy" {
		t.Errorf("MLST row: %+v", mlst)
	}
	// Rows returns a copy: a caller cannot change the table.
	rows[0].Command = "changed"
	if Rows()[0].Command != Connect {
		t.Error("Rows shares its slice with the table")
	}
}

func rowEqual(a, b Row) bool {
	return a.Command == b.Command && a.Doc == b.Doc && a.Section == b.Section &&
		slices.Equal(a.Preliminary, b.Preliminary) && slices.Equal(a.Completion, b.Completion) &&
		slices.Equal(a.Intermediate, b.Intermediate) && slices.Equal(a.Errors, b.Errors)
}

// Every row cites a section that exists, and every code the row gives is written in that
// section (or its subsections): the table says nothing its texts do not.
func TestRowsCiteTheirSections(t *testing.T) {
	docsSeen := map[string]bool{}
	for _, r := range Rows() {
		docsSeen[r.Doc] = true
		s, ok := Lookup(r.Doc, r.Section)
		if !ok {
			t.Errorf("%s: %s has no section %s", r.Command, r.Doc, r.Section)
			continue
		}
		for _, c := range r.Codes() {
			if c == "4xy" {
				continue // the notes: prose such as "4xy replies", or a bare 4 in a state diagram
			}
			if from, ok := derivedRows[r.Command+" "+r.Doc+" "+r.Section]; ok {
				if !Allows(from, mustAtoi(c), []string{r.Doc}) {
					t.Errorf("%s %s §%s: code %s is not one of %s's codes", r.Command, r.Doc, r.Section, c, from)
				}
				continue
			}
			if !regexp.MustCompile(`\b` + c + `\b`).MatchString(s.Text) {
				t.Errorf("%s %s §%s: code %s does not occur in the section", r.Command, r.Doc, r.Section, c)
			}
		}
		if r.Command != Connect && r.Command != Any && !KnownCommand(r.Command) {
			t.Errorf("row command %q is unknown", r.Command)
		}
		if v, _, _ := strings.Cut(r.Command, " "); r.Command != Connect && r.Command != Any {
			if _, ok := findVerb(v); !ok {
				t.Errorf("row command %q: %s is no verb", r.Command, v)
			}
		}
	}
	if !docsSeen["deflate"] || docsSeen["draft-preston-ftpext-deflate"] {
		t.Error(`the table's "draft-preston-ftpext-deflate" should read "deflate"`)
	}
}

func TestRowsFor(t *testing.T) {
	for cmd, want := range map[string]int{
		"RETR": 4, "retr": 4, " Epsv   all ": 1, "EPSV ALL": 1, "EPSV": 1, "OPTS MLST": 1, "MODE Z": 1,
		"<connect>": 1, "<CONNECT>": 1, "<any>": 2, "MIC": 2, "XMKD": 0, "FOO": 0, "": 0,
	} {
		if got := len(RowsFor(cmd)); got != want {
			t.Errorf("RowsFor(%q): %d rows, want %d", cmd, got, want)
		}
	}
	for _, r := range RowsFor("EPSV ALL") {
		if r.Command != "EPSV ALL" {
			t.Errorf("RowsFor(EPSV ALL) gave %+v", r)
		}
	}
}

func TestCommands(t *testing.T) {
	cmds := Commands()
	if cmds[0] != Connect || cmds[1] != "USER" || !slices.Contains(cmds, Any) || !slices.Contains(cmds, "OPTS MODE Z") {
		t.Errorf("Commands() = %v", cmds)
	}
	var distinct []string
	for _, r := range Rows() {
		if !slices.Contains(distinct, r.Command) {
			distinct = append(distinct, r.Command)
		}
	}
	if !slices.Equal(cmds, distinct) {
		t.Errorf("Commands() = %v, want %v", cmds, distinct)
	}
}

func TestAllowed(t *testing.T) {
	for _, c := range []struct {
		command string
		docs    []string
		want    string
	}{
		// One document's rows, sorted.
		{"MKD", []string{"959"}, "257 421 500 501 502 530 550"},
		{"PWD", []string{"959"}, "257 421 500 501 502 550"},
		// Extension rows add to RFC 959's; <any> rows of the documents asked for come with them.
		{"RETR", []string{"959", "1123"}, "110 125 150 226 250 421 425 426 450 451 500 501 530 550 554 555"},
		{"RETR", []string{"959", "2228"}, "110 125 150 226 250 421 425 426 450 451 500 501 530 533 534 535 550 631 632 633"},
		{"RETR", nil, "110 125 150 226 250 421 425 426 450 451 500 501 521 522 530 533 534 535 550 554 555 631 632 633"},
		// A command with a parameter keyword gets its verb's rows too.
		{"MODE Z", []string{"deflate"}, "200 451 501"},
		{"MODE Z", []string{"959", "deflate"}, "200 421 451 500 501 504 530"},
		{"OPTS MODE Z", []string{"2389", "deflate"}, "200 451 500 501 502"},
		{"EPSV ALL", []string{"2428"}, "229 500 501 522"},
		{"AUTH TLS", []string{"4217"}, "234 421"},
		// A command line: the longest known run of words decides.
		{"mode z", []string{"deflate"}, "200 451 501"},
		{"RETR some file.txt", []string{"959"}, "110 125 150 226 250 421 425 426 450 451 500 501 530 550"},
		{"OPTS MLST type;size;", []string{"3659"}, "200 501"},
		{"MODE S", []string{"deflate"}, ""},
		// X-forms answer as their RFC 959 twins.
		{"XMKD", []string{"959"}, "257 421 500 501 502 530 550"},
		{"xpwd", []string{"959"}, "257 421 500 501 502 550"},
		// The greeting answers no command: no <any> rows.
		{Connect, nil, "120 220 421"},
		// A known command the documents give no row for still gets their <any> rows.
		{"NOOP", []string{"2228"}, "533 631 632 633"},
		{"NOOP", []string{"3659"}, ""},
		// "4xy" is kept as the table writes it.
		{"MDTM", []string{"3659"}, "213 4xy 500 501 550"},
	} {
		got := strings.Join(Allowed(c.command, c.docs), " ")
		if got != c.want {
			t.Errorf("Allowed(%q, %v) = %q, want %q", c.command, c.docs, got, c.want)
		}
	}
	for _, unknown := range []string{"FOO", "", "  ", "<nothing>"} {
		if got := Allowed(unknown, nil); got != nil {
			t.Errorf("Allowed(%q) = %v, want nil", unknown, got)
		}
	}
}

func TestAllowedPanicsOnUnknownDoc(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), `no document "rfc959"`) {
			t.Errorf("recovered %v", r)
		}
	}()
	Allowed("RETR", []string{"rfc959"})
}

func TestAllows(t *testing.T) {
	for _, c := range []struct {
		command string
		code    int
		docs    []string
		want    bool
	}{
		{"RETR", 226, nil, true},
		{"RETR", 227, nil, false},
		{"PWD", 530, []string{"959"}, false}, // issue 4: a warning, not a failure
		{"MKD", 257, []string{"959"}, true},
		{"MDTM", 450, []string{"3659"}, true}, // 4xy
		{"MDTM", 499, nil, true},
		{"MDTM", 550, nil, true},
		{"MDTM", 552, nil, false},
		{"MDTM", 450, []string{"959"}, false}, // RFC 959 has no MDTM
		{"SIZE", 5, nil, false},
		{"SIZE", 4000, nil, false},
		{Connect, 120, nil, true},
		{Connect, 631, nil, false},
		{"FOO", 500, nil, false},
	} {
		if got := Allows(c.command, c.code, c.docs); got != c.want {
			t.Errorf("Allows(%q, %d, %v) = %v", c.command, c.code, c.docs, got)
		}
	}
}

func TestParseTableRejects(t *testing.T) {
	header := "command\trfc\tsection\tpreliminary\tcompletion\tintermediate\terrors\n"
	for name, text := range map[string]string{
		"no header":       "RETR\t959\t5.4\t\t226\t\t\n",
		"short line":      header + "RETR\t959\t5.4\t226\n",
		"lower case":      header + "retr\t959\t5.4\t\t226\t\t\n",
		"bad code":        header + "RETR\t959\t5.4\t\t26\t\t\n",
		"bad first digit": header + "RETR\t959\t5.4\t\t726\t\t\n",
	} {
		if _, err := parseTable(text); err == nil {
			t.Errorf("%s: parseTable accepted %q", name, text)
		}
	}
	if _, err := parseTable(header + "RETR\t959\t5.4\t\t226\t\t\n"); err != nil {
		t.Errorf("a good table: %v", err)
	}
}

// derivedRows are rows whose section gives their codes by reference to another command's:
// RFC 959 Appendix II, "The reply codes for CDUP be identical to the reply codes of CWD" and
// "The reply codes for RMD be identical to the reply codes for its file analogue, DELE". They
// hold the codes of that command that §5.4's own row for them lacks.
var derivedRows = map[string]string{
	"CDUP 959 appendix-2": "CWD",
	"RMD 959 appendix-2":  "DELE",
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

// The embedded table is the developers' one: a copy that drifted would give users other verdicts
// than the ones the team reviewed. The check runs where ../shared is present (not in a user's
// clone).
func TestTableIsTheSharedOne(t *testing.T) {
	shared, err := os.ReadFile("../../shared/reply-matrix.tsv")
	if err != nil {
		t.Skip("../shared is not here:", err)
	}
	own, _ := files.ReadFile("replies.tsv")
	var extra []string
	for _, line := range strings.Split(string(own), "\n") {
		if !strings.Contains(string(shared), line) {
			extra = append(extra, line)
		}
	}
	for _, line := range strings.Split(string(shared), "\n") {
		if !strings.Contains(string(own), line) {
			t.Errorf("rfc/replies.tsv lacks the shared row %q", line)
		}
	}
	for _, line := range extra {
		f := strings.Split(line, "\t")
		if len(f) < 3 || derivedRows[f[0]+" "+f[1]+" "+f[2]] == "" {
			t.Errorf("rfc/replies.tsv has a row the shared table lacks and that is not a derived row: %q", line)
		}
	}
}
