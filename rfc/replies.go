package rfc

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// The pseudo-commands of the reply table.
const (
	// Connect stands for opening the control connection: its "replies" are the greeting
	// (RFC 959 §5.4 "Connection Establishment": 120, 220, 421).
	Connect = "<connect>"
	// Any stands for every command: its codes may answer any command (RFC 2228's protected
	// replies 631–633 and its 533).
	Any = "<any>"
)

// Row is one row of the reply table (rfc/replies.tsv): the replies one section of one document
// gives for a command. Codes are strings because the table says "4xy" where a text allows any
// transient negative reply. An extension's row adds to the command's RFC 959 row; it does not
// replace it (rfc/replies.tsv's notes live in ../shared/reply-matrix-notes.md).
type Row struct {
	Command      string // "RETR", "EPSV ALL", "OPTS MLST", "MODE Z", Connect, Any
	Doc          string // short name: "959"; the table's "draft-preston-ftpext-deflate" is "deflate"
	Section      string // section ID in Doc: "5.4"
	Preliminary  []string
	Completion   []string
	Intermediate []string
	Errors       []string
}

// Codes lists every code of the row, in the order of its columns.
func (r Row) Codes() []string {
	return slices.Concat(r.Preliminary, r.Completion, r.Intermediate, r.Errors)
}

// Rows is the whole reply table in the file's order: RFC 959 §5.4 first, then the extensions.
func Rows() []Row { return slices.Clone(table().rows) }

// RowsFor lists the rows whose command is exactly command ("EPSV ALL" gives the EPSV ALL rows,
// not EPSV's). Case and spacing do not matter, as in FTP itself.
func RowsFor(command string) []Row {
	command = canonical(command)
	var out []Row
	for _, r := range table().rows {
		if r.Command == command {
			out = append(out, r)
		}
	}
	return out
}

// Commands lists the table's commands once each, in the order they first appear (RFC 959 §5.4's
// order, then the extensions'), pseudo-commands included: the rows of a coverage matrix.
func Commands() []string { return slices.Clone(table().commands) }

// Allowed lists, sorted, every code the given documents allow in reply to command: the union of
// their rows for it and of their Any rows. Nil docs means every document. Nil means the table
// does not know the command.
//
// command may be a whole command line: the longest run of leading words that the table has
// decides, and a command with a parameter keyword also gets its verb's rows, as the table's notes
// ask ("MODE Z" gets MODE's 504 for a server without MODE Z; "OPTS MLST" gets OPTS's codes;
// "RETR file" is RETR). RFC 1123 §4.1.3.1's X-forms (XMKD …) get the rows of the command they
// stand for. The greeting (Connect) gets no Any rows: it answers no command.
//
// Allowed panics when docs names a document that does not exist: document lists are constants
// in the caller, and a misspelt one would silently empty the table.
func Allowed(command string, docs []string) []string {
	for _, d := range docs {
		if _, ok := findDoc(d); !ok {
			panic(unknownDoc(d))
		}
	}
	keys := tableKeys(command)
	if keys == nil {
		return nil
	}
	if keys[0] != Connect {
		keys = append(keys, Any)
	}
	var out []string
	for _, r := range table().rows {
		if slices.Contains(keys, r.Command) && (docs == nil || slices.Contains(docs, r.Doc)) {
			out = append(out, r.Codes()...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Allows reports whether the given documents allow code in reply to command (see Allowed);
// "4xy" in the table allows every 4yz code.
func Allows(command string, code int, docs []string) bool {
	for _, c := range Allowed(command, docs) {
		if codeMatches(c, code) {
			return true
		}
	}
	return false
}

// codeMatches reports whether code fits a table entry: "226" only 226, "4xy" any 4yz.
func codeMatches(entry string, code int) bool {
	got := fmt.Sprintf("%03d", code)
	if len(entry) != 3 || len(got) != 3 {
		return false
	}
	for i := range 3 {
		if entry[i] >= '0' && entry[i] <= '9' && entry[i] != got[i] {
			return false
		}
	}
	return true
}

// tableKeys gives the table commands whose rows apply to a command line, longest first: for
// "OPTS MLST type;" that is "OPTS MLST" and "OPTS". Nil when the table has none.
func tableKeys(command string) []string {
	words := strings.Fields(canonical(command))
	if len(words) == 0 {
		return nil
	}
	if v, ok := findVerb(words[0]); ok && v.AliasOf != "" {
		words[0] = v.AliasOf
	}
	known := table().commands
	var keys []string
	for n := len(words); n > 0; n-- {
		if k := strings.Join(words[:n], " "); slices.Contains(known, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// canonical spells a command as the table does: verbs and keywords upper case, pseudo-commands
// lower case, one space between words.
func canonical(command string) string {
	c := strings.Join(strings.Fields(command), " ")
	if strings.HasPrefix(c, "<") {
		return strings.ToLower(c)
	}
	return strings.ToUpper(c)
}

type replyTable struct {
	rows     []Row
	commands []string
}

// tableDocs maps the table's document column to short names.
var tableDocs = map[string]string{"draft-preston-ftpext-deflate": "deflate"}

var table = sync.OnceValue(func() replyTable {
	raw, err := files.ReadFile("replies.tsv")
	if err != nil {
		panic(err)
	}
	t, err := parseTable(string(raw))
	if err != nil {
		panic(err)
	}
	return t
})

// parseTable reads replies.tsv: a header line, then command, document, section and the four
// columns of space-separated codes, tab-separated.
func parseTable(text string) (replyTable, error) {
	var t replyTable
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	want := "command\trfc\tsection\tpreliminary\tcompletion\tintermediate\terrors"
	if len(lines) == 0 || lines[0] != want {
		return t, fmt.Errorf("rfc: replies.tsv: header is not %q", want)
	}
	for i, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) != 7 {
			return t, fmt.Errorf("rfc: replies.tsv line %d: %d fields, want 7", i+2, len(f))
		}
		doc := f[1]
		if short, ok := tableDocs[doc]; ok {
			doc = short
		}
		r := Row{Command: f[0], Doc: doc, Section: f[2],
			Preliminary: codeList(f[3]), Completion: codeList(f[4]), Intermediate: codeList(f[5]), Errors: codeList(f[6])}
		if r.Command != canonical(r.Command) {
			return t, fmt.Errorf("rfc: replies.tsv line %d: command %q is not spelt %q", i+2, r.Command, canonical(r.Command))
		}
		for _, c := range r.Codes() {
			if len(c) != 3 || c[0] < '1' || c[0] > '6' {
				return t, fmt.Errorf("rfc: replies.tsv line %d: bad code %q", i+2, c)
			}
		}
		t.rows = append(t.rows, r)
		if !slices.Contains(t.commands, r.Command) {
			t.commands = append(t.commands, r.Command)
		}
	}
	return t, nil
}

// codeList splits a column; an empty column is nil.
func codeList(field string) []string {
	if strings.TrimSpace(field) == "" {
		return nil
	}
	return strings.Fields(field)
}
