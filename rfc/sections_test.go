package rfc

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestDocs(t *testing.T) {
	var names []string
	for _, d := range Docs() {
		names = append(names, d.Name)
		raw, err := files.ReadFile(d.File)
		if err != nil || len(raw) < 5000 {
			t.Errorf("%s: embedded file %s: %d bytes, %v", d.Name, d.File, len(raw), err)
		}
		if d.Cite == "" || d.Title == "" {
			t.Errorf("%s: empty Cite or Title: %+v", d.Name, d)
		}
		if len(Sections(d.Name)) == 0 {
			t.Errorf("%s: no sections", d.Name)
		}
	}
	want := []string{"959", "1123", "1639", "2228", "2389", "2428", "2577", "2640", "3659", "4217", "7151", "deflate"}
	if !slices.Equal(names, want) {
		t.Errorf("Docs() = %v, want %v", names, want)
	}
	// The title each document prints on its first page.
	for _, d := range Docs() {
		raw, _ := files.ReadFile(d.File)
		title, _, _ := strings.Cut(d.Title, " (§") // RFC 1123's title says which part the file holds
		if d.Name == "1123" {
			continue // the extract starts at its §4; its title page is not in the file
		}
		if !strings.Contains(normalize(string(raw)), title) {
			t.Errorf("%s: title %q is not in the text", d.Name, title)
		}
	}
	if Sections("nope") != nil {
		t.Error("Sections of an unknown document should be nil")
	}
	if _, ok := Lookup("nope", "1"); ok {
		t.Error("Lookup of an unknown document succeeded")
	}
}

// wantSections is every section of every document, in order, checked by hand against the
// texts (each heading line read in the file). A change here is a change in the parsing.
var wantSections = map[string]string{
	"959": "1 2 2.1 2.2 2.3 3 3.1 3.1.1 3.1.1.1 3.1.1.2 3.1.1.3 3.1.1.4 3.1.1.5 3.1.1.5.1 3.1.1.5.2 " +
		"3.1.1.5.3 3.1.2 3.1.2.1 3.1.2.2 3.1.2.3 3.2 3.3 3.4 3.4.1 3.4.2 3.4.3 3.5 4 4.1 4.1.1 " +
		"4.1.2 4.1.3 4.2 4.2.1 4.2.2 5 5.1 5.2 5.3 5.3.1 5.3.2 5.4 6 7 8 appendix-1 appendix-2 appendix-3",
	"1123": "4 4.1 4.1.1 4.1.2 4.1.2.1 4.1.2.2 4.1.2.3 4.1.2.4 4.1.2.5 4.1.2.6 4.1.2.7 4.1.2.8 4.1.2.9 " +
		"4.1.2.10 4.1.2.11 4.1.2.12 4.1.2.13 4.1.3 4.1.3.1 4.1.3.2 4.1.3.3 4.1.3.4 4.1.4 4.1.4.1 " +
		"4.1.4.2 4.1.4.3 4.1.4.4 4.1.5",
	"1639": "1 2 3 4 5 6 7 8 9",
	"2228": "1 2 3 4 5 5.1 5.2 6 7 8 8.1 8.2 9 10 11 12 13 14 appendix-1 appendix-2",
	"2389": "1 2 2.1 2.2 3 3.1 3.2 3.3 4 5 6",
	"2428": "1 2 3 4 5 6",
	"2577": "1 2 3 4 5 6 7 8 9 10 11",
	"2640": "1 1.1 2 2.1 2.2 3 3.1 3.2 3.3 4 4.1 4.2 4.3 4.3.1 5 6 7 8 9 annex-A A.1 A.2 annex-B B.1 " +
		"B.2 B.2.1 B.2.2 B.2.3 B.2.4 B.3",
	"3659": "1 2 2.1 2.2 2.2.1 2.2.2 2.3 2.4 2.5 3 3.1 3.2 3.3 3.4 4 4.1 4.2 4.3 4.4 5 5.1 5.2 5.3 5.4 " +
		"5.5 6 6.1 6.2 6.2.1 6.3 6.4 6.5 7 7.1 7.2 7.2.1 7.3 7.3.1 7.4 7.5 7.5.1 7.5.1.1 7.5.1.2 " +
		"7.5.1.3 7.5.1.4 7.5.1.5 7.5.1.6 7.5.2 7.5.3 7.5.4 7.5.5 7.5.6 7.5.7 7.5.8 7.5.9 7.5.10 7.6 " +
		"7.6.1 7.6.2 7.7 7.7.1 7.7.2 7.7.3 7.7.4 7.7.5 7.7.6 7.7.7 7.7.8 7.7.9 7.7.10 7.7.11 7.8 " +
		"7.8.1 7.9 7.9.1 7.9.2 8 9 10 10.1 10.2 11 12",
	"4217": "1 2 3 4 4.1 4.2 5 6 7 8 9 10 10.1 10.2 10.3 10.4 11 11.1 11.2 11.3 11.4 11.5 12 12.1 12.2 " +
		"12.3 12.4 12.5 12.6 12.7 13 14 15 15.1 15.1.1 15.1.2 15.2 15.2.1 15.2.2 15.2.3 15.2.4 " +
		"15.2.5 15.2.6 15.2.7 15.3 16 17 18 19 20 21 21.1 21.2",
	"7151": "1 2 2.1 2.2 3 3.1 3.2 3.2.1 3.2.2 3.2.3 3.3 3.4 4 5 6 6.1 6.2 appendix-A A.1 A.2 A.3 A.4 " +
		"appendix-B",
	"deflate": "1 2 2.1 3 3.1 3.2 3.3 3.3.1 3.4 3.5 3.5.1 3.6 3.6.1 3.6.1.1 3.6.1.2 3.6.1.3 3.6.1.4 " +
		"3.6.1.5 3.6.2 3.7 4 5 5.1 5.2 6",
}

func TestSectionList(t *testing.T) {
	for _, d := range Docs() {
		var ids []string
		for _, s := range Sections(d.Name) {
			ids = append(ids, s.ID)
		}
		t.Logf("%-8s %3d sections", d.Name, len(ids))
		want := strings.Fields(wantSections[d.Name])
		if !slices.Equal(ids, want) {
			t.Errorf("%s sections:\n got %v\nwant %v", d.Name, ids, want)
		}
	}
}

// TestSectionsInOrder checks what makes a section list sound whatever the golden list says: each
// ID once, headings in file order, every section found by Lookup, every ID usable in a label.
func TestSectionsInOrder(t *testing.T) {
	labelSafe := regexp.MustCompile(`^[A-Za-z0-9.-]+$`)
	for _, d := range Docs() {
		seen := map[string]bool{}
		last := 0
		for _, s := range Sections(d.Name) {
			if seen[s.ID] {
				t.Errorf("%s: section %s twice", d.Name, s.ID)
			}
			seen[s.ID] = true
			if s.line <= last {
				t.Errorf("%s: section %s (line %d) comes after line %d", d.Name, s.ID, s.line, last)
			}
			last = s.line
			if !labelSafe.MatchString(s.ID) || strings.ContainsAny(s.ID, "&|!,()/: ") {
				t.Errorf("%s: section ID %q is not label-safe", d.Name, s.ID)
			}
			if got, ok := Lookup(d.Name, s.ID); !ok || got.Title != s.Title || got.Text != s.Text {
				t.Errorf("%s: Lookup(%s) = %v, %v", d.Name, s.ID, got, ok)
			}
			if s.Doc != d.Name || s.Title == "" || s.Text == "" {
				t.Errorf("%s: section %s incomplete: %+v", d.Name, s.ID, s)
			}
		}
	}
}

// notHeadings are the lines of the texts that look like a section heading (a number with a
// dot, then a word) and are not one. TestEveryHeadingFound requires every other such line to be
// the heading of a section, so a heading the parser missed cannot go unnoticed.
var notHeadings = map[string][]int{
	"959": {
		415,                         // "2. The data connection need not exist all of the time." (a list in §2.3)
		999, 1002, 1004, 1007, 1009, // §3.3's list of conditions that close the data connection
		1403,                   // "332.  On the other hand, …" (a sentence that ends with a code, §4.1.1)
		1880, 1883, 1885, 1888, // §4.1.3's ABOR steps
	},
	"2228": {90, 93, 96, 98},                                                   // §1's list of file transfer methods
	"2640": {1362, 1364, 1366, 1371, 1374, 1396, 1398, 1407, 1409, 1414, 1417}, // steps in B.2.3, B.2.4
	"3659": {1947},                                                             // "4.  The most common need …" (a list in §7.5.7)
	"4217": {83, 87, 91, 93},                                                   // table-of-contents entries whose dot leaders are on their second line
}

func TestEveryHeadingFound(t *testing.T) {
	looksLikeHeading := regexp.MustCompile(`^(( *)(\d+\.(\d+\.?)*|[A-Z](\.\d+)+\.?)|\d+) +["A-Za-z]`)
	for _, d := range Docs() {
		raw, _ := files.ReadFile(d.File)
		headings := map[int]string{}
		for _, s := range Sections(d.Name) {
			headings[s.line] = s.ID
		}
		var missed []string
		for _, l := range stripFurniture(string(raw)) {
			if !looksLikeHeading.MatchString(l.s) && !appendixRE.MatchString(l.s) || tocRE.MatchString(l.s) {
				continue
			}
			if _, ok := headings[l.n]; !ok && !slices.Contains(notHeadings[d.Name], l.n) {
				missed = append(missed, fmt.Sprintf("line %d %q", l.n, l.s))
			}
		}
		if missed != nil {
			t.Errorf("%s: lines that look like headings and are no section's:\n%s", d.Name, strings.Join(missed, "\n"))
		}
		for _, n := range notHeadings[d.Name] {
			if id, ok := headings[n]; ok {
				t.Errorf("%s: line %d is listed in notHeadings but is the heading of %s", d.Name, n, id)
			}
		}
	}
}

// TestTableOfContents compares each table of contents the texts have with the sections found:
// every entry must be a section (the contents are an independent list of the headings).
func TestTableOfContents(t *testing.T) {
	entry := regexp.MustCompile(`^ +(\d+(?:\.\d+)*|[A-Z](?:\.\d+)+)\.? +\S`)
	appendixEntry := regexp.MustCompile(`(?i)^ +(appendix|annex) +([A-Z])\b`)
	// The draft's contents list sections it does not have: "6. Copyright" and
	// "7. Authors' Addresses"; its §6 is "Authors' Addresses".
	missing := map[string][]string{"deflate": {"7"}}
	tocs := 0
	for _, d := range Docs() {
		raw, _ := files.ReadFile(d.File)
		lines := stripFurniture(string(raw))
		start := slices.IndexFunc(lines, func(l line) bool { return l.s == "Table of Contents" })
		if start < 0 {
			continue
		}
		tocs++
		first := Sections(d.Name)[0].line
		var ids []string
		for _, l := range lines[start+1:] {
			if l.n >= first {
				break
			}
			if m := entry.FindStringSubmatch(l.s); m != nil {
				ids = append(ids, m[1])
			} else if m := appendixEntry.FindStringSubmatch(l.s); m != nil {
				ids = append(ids, strings.ToLower(m[1])+"-"+m[2])
			}
		}
		if len(ids) < 5 {
			t.Errorf("%s: only %d contents entries found", d.Name, len(ids))
		}
		for _, id := range ids {
			if _, ok := Lookup(d.Name, id); !ok && !slices.Contains(missing[d.Name], id) {
				t.Errorf("%s: the table of contents lists %s, which is no section", d.Name, id)
			}
		}
	}
	if tocs != 6 { // 2389, 2640, 3659, 4217, 7151, deflate
		t.Errorf("found %d tables of contents, want 6", tocs)
	}
}

// TestSectionsByHand checks sections read by hand in the texts: the title, the first words of
// the body and its last words (so that the section ends where the next begins).
func TestSectionsByHand(t *testing.T) {
	for _, c := range []struct{ doc, id, title, first, last string }{
		{"959", "4.1.1", "ACCESS CONTROL COMMANDS", "The following commands specify access control identifiers", "server to take the effective action of an abort (ABOR) and a logout (QUIT)."},
		{"959", "4.1.3", "FTP SERVICE COMMANDS", "The FTP service commands define the file transfer", "(For other servers this may not be necessary but the actions listed above should have no unusual effect.)"},
		{"959", "4.2.1", "Reply Codes by Function Groups", "200 Command okay.", "553 Requested action not taken. File name not allowed."},
		{"959", "4.2.2", "Numeric Order List of Reply Codes", "110 Restart marker reply.", "553 Requested action not taken. File name not allowed."},
		{"959", "5.4", "SEQUENCING OF COMMANDS AND REPLIES", "The communication between the user and server", "SITE 200 202 500, 501, 530 NOOP 200 500 421"},
		{"959", "3.1.1.5.2", "TELNET FORMAT CONTROLS", "The file contains ASCII/EBCDIC vertical format controls", "<CRLF>, in exactly this sequence, also denotes end-of-line."},
		{"959", "3.1.1.5.3", "CARRIAGE CONTROL (ASA)", "The file contains ASA (FORTRAN) vertical format control", "but these format effectors are overridden by the ASA controls."},
		{"959", "appendix-2", "DIRECTORY COMMANDS", "Since UNIX has a tree-like directory structure", "must always contain the absolute pathname of the created directory."},
		{"1123", "4.1.2.11", "FTP Replies: RFC-959 Section 4.2, Page 35", "A Server-FTP MUST send only correctly formatted replies", "conveys specific system-dependent information, when appropriate."},
		{"1123", "4.1.3.4", "FTP Restart Mechanism", "The description of the 110 reply on pp. 40-41 of RFC-959", `and sends "REST rrrr" to the receiving Server-FTP.`},
		{"2228", "3", "New FTP Commands", "The following commands are optional, but dependent on each other.", "it should make a 533 reply to commands other than MIC, CONF, and ENC."},
		{"2228", "8.2", "Command-Reply sequences", "Security Association Setup AUTH 234 334", "reply once a security data exchange has completed successfully."},
		{"3659", "7.9", "OPTS Parameters for MLST", "For the MLSx commands, the Client-FTP may specify a list of facts", "because none of the facts requested were available."},
		{"4217", "10.2", "The Server's View of the Data Connection", "The server can take one of four basic views of the data connection.", "authentication of the server host itself and not a user on the server host."},
		{"7151", "3", "The HOST Command", `A new command, "HOST", is added to the FTP command set`, "The one-space indentation of the feature lines is mandatory [RFC2389]."},
		{"deflate", "3.4", "Syntax", `The deflate extension modifies the MODE command by adding the parameter "Z"`, "A 501 reply is appropriate for a permanent error."},
		{"deflate", "3.6", "OPTS Features", "The user-FTP process may specify alternate compression settings", "S> 501 MODE Z BLOCKSIZE is not available."},
		{"2428", "2", "The EPRT Command", "The EPRT command allows for the specification of an extended address", "Network protocol not supported, use (1,2)"},
		{"2428", "3", "The EPSV Command", "The EPSV command requests that a server listen on a data port", "This use of the EPSV command is further explained in section 4."},
		{"2389", "3.2", "FEAT Command Responses", "Where a server-FTP process does not support the FEAT command", "error response has been received to the FEAT command."},
		{"2389", "4", "The OPTS Command", "The OPTS (options) command allows a user-PI", `thus there are no "OPTS FEAT" or "OPTS OPTS" commands.`},
		{"2640", "4.2", "Syntax of the LANG command", "The LANG command is defined as follows:", "even though it is not an exact syntax match."},
		{"1639", "3", "The LPSV Command", "The L(ONG) PASSIVE command requests the server-DTP", "228 Entering Long Passive Mode (af, hal, h1, h2, h3,..., pal, p1, p2...)"},
		{"1639", "4", "Permanent Negative Completion Reply Codes", "The negative completion reply codes that are associated with syntax", "could also be represented by ASCII strings.)"},
		{"2577", "3", "Protecting Against the Bounce Attack", "The original FTP specification [PR85] assumes", "but proxy FTP may not be necessary in a particular environment."},
		{"2577", "5", "Protecting Passwords", "To minimize the risk of brute force password guessing", "Technology Working Group [HL97])."},
		{"2577", "7", "Protecting Usernames", "Standard FTP [PR85] specifies a 530 response to the USER command", "password for an invalid username."},
	} {
		s, ok := Lookup(c.doc, c.id)
		if !ok {
			t.Errorf("%s %s: not found", c.doc, c.id)
			continue
		}
		if s.Title != c.title {
			t.Errorf("%s %s: title %q, want %q", c.doc, c.id, s.Title, c.title)
		}
		if !strings.HasPrefix(s.norm, normalize(c.first)) {
			t.Errorf("%s %s: text starts %q, want %q", c.doc, c.id, clip(s.norm, 80, false), c.first)
		}
		if !strings.HasSuffix(s.norm, normalize(c.last)) {
			t.Errorf("%s %s: text ends %q, want %q", c.doc, c.id, clip(s.norm, 80, true), c.last)
		}
	}
}

func TestSectionTitlesAndCitations(t *testing.T) {
	for _, c := range []struct{ doc, id, want string }{
		{"959", "4.1.3", "RFC 959 §4.1.3 (FTP SERVICE COMMANDS)"},
		{"959", "appendix-2", "RFC 959 Appendix II (DIRECTORY COMMANDS)"},
		{"2228", "appendix-1", "RFC 2228 Appendix I (Specification under the GSSAPI)"},
		{"7151", "appendix-A", "RFC 7151 Appendix A (Unworkable Alternatives)"},
		{"7151", "A.2", "RFC 7151 §A.2 (Overloading the ACCT Command)"},
		{"2640", "annex-B", "RFC 2640 Annex B (Sample Code and Examples)"},
		{"deflate", "3.4", "draft-preston-ftpext-deflate-04 §3.4 (Syntax)"},
		// Titles on two lines are joined.
		{"4217", "11.5", "RFC 4217 §11.5 (What level of protection is required for a particular data transfer?)"},
		{"4217", "12.3", "RFC 4217 §12.3 (Establishing a Protected Session and then Clearing with the CCC Command)"},
		{"1123", "4.1.4.2", `RFC 1123 §4.1.4.2 ("QUOTE" Command)`},
		{"3659", "7.5.1.1", "RFC 3659 §7.5.1.1 (type=file)"},
	} {
		s, ok := Lookup(c.doc, c.id)
		if got := s.String(); !ok || got != c.want {
			t.Errorf("%s %s: %q, want %q", c.doc, c.id, got, c.want)
		}
	}
}

// A section's text holds its subsections' text, and stops where its next sibling begins.
func TestSubsectionsIncluded(t *testing.T) {
	stor := "This command causes the server-DTP to accept the data"
	for _, id := range []string{"4", "4.1", "4.1.3"} {
		if err := CheckQuote("959", id, stor); err != nil {
			t.Errorf("959 %s: %v", id, err)
		}
	}
	for _, id := range []string{"4.1.2", "4.2", "5", "3"} {
		if CheckQuote("959", id, stor) == nil {
			t.Errorf("959 %s holds a sentence of §4.1.3", id)
		}
	}
	s, _ := Lookup("959", "4.1")
	if !strings.Contains(s.Text, "4.1.3.  FTP SERVICE COMMANDS") || strings.Contains(s.Text, "4.2.  FTP REPLIES") {
		t.Errorf("959 4.1 should hold the heading of 4.1.3 and not that of 4.2")
	}
	// The last section of a document stops at its back matter.
	last, _ := Lookup("2577", "11")
	if strings.Contains(last.Text, "Acknowledgments") || strings.Contains(last.Text, "Full Copyright") {
		t.Errorf("2577 §11 runs into the back matter: %q", last.Text)
	}
	app, _ := Lookup("959", "appendix-3")
	if strings.Contains(app.Text, "REFERENCES") {
		t.Errorf("959 appendix-3 runs into the references")
	}
}

// TestNoFurniture checks every section of every text against the page furniture found in the raw
// file: no footer, no running header, no form feed, no run of blank lines.
func TestNoFurniture(t *testing.T) {
	for _, d := range Docs() {
		raw, _ := files.ReadFile(d.File)
		rawLines := strings.Split(string(raw), "\n")
		furniture := map[string]bool{}
		footers := 0
		for i, l := range rawLines {
			if footerRE.MatchString(strings.TrimRight(l, " ")) {
				footers++
				furniture[strings.TrimSpace(l)] = true
				for j := i + 1; j < len(rawLines) && j < i+6; j++ {
					if h := strings.TrimSpace(strings.Trim(rawLines[j], "\f")); headerRE.MatchString(h) {
						furniture[h] = true
						if d.Name == "959" {
							furniture[strings.TrimSpace(rawLines[j+1])] = true // "File Transfer Protocol"
						}
						break
					}
				}
			}
		}
		if footers < 5 || len(furniture) < 3 {
			t.Errorf("%s: found %d footers, %d furniture lines: the test's own scan is broken", d.Name, footers, len(furniture))
		}
		for _, s := range Sections(d.Name) {
			if strings.ContainsAny(s.Text, "\f\r") || strings.Contains(s.Text, "\n\n\n") {
				t.Errorf("%s %s: form feed, CR or a run of blank lines in the text", d.Name, s.ID)
			}
			for _, l := range strings.Split(s.Text, "\n") {
				if furniture[strings.TrimSpace(l)] || strings.Contains(l, "[Page ") {
					t.Errorf("%s %s: page furniture in the text: %q", d.Name, s.ID, l)
				}
				if l != strings.TrimRight(l, " \t") {
					t.Errorf("%s %s: trailing space in %q", d.Name, s.ID, l)
				}
			}
		}
	}
}

func TestStripFurniture(t *testing.T) {
	text := strings.Join([]string{
		"1.  ONE",
		"",
		"   A sentence that runs on",
		"",
		"",
		"Author                                  [Page 1]",
		"\f",
		"RFC 9999          Title            May 2000",
		"Second Header Line",
		"",
		"",
		"   across the page break.",
		"",
		"",
		"Author                                  [Page 2]",
		"\f",
		"RFC 9999          Title            May 2000",
		"",
		"   A new paragraph.   ",
		"2.  TWO",
		"",
		"Author                                  [Page 3]",
	}, "\n")
	var got []string
	for _, l := range stripFurniture(text) {
		got = append(got, l.s)
	}
	want := []string{"1.  ONE", "", "   A sentence that runs on", "   across the page break.", "", "   A new paragraph.", "2.  TWO"}
	if !slices.Equal(got, want) {
		t.Errorf("stripFurniture:\n got %q\nwant %q", got, want)
	}
}

func TestFollows(t *testing.T) {
	p := func(s string) []string { return strings.Split(s, ".") }
	for _, c := range []struct {
		prev, cand string
		want       bool
	}{
		{"4", "4.1", true}, {"4", "5", true}, {"4.1.3", "4.2", true}, {"4.1.3", "5", true},
		{"4.1.3", "4.1.3.1", true}, {"9", "10", true}, {"A.1", "A.2", true}, {"A", "A.1", true},
		{"4", "4.2", false}, {"4", "6", false}, {"4.1.3", "4.1.3", false}, {"4.1", "4.1.2", false},
		{"3.3.1", "8", false}, {"7.5.7", "4", false}, {"4", "4.1.1", false},
	} {
		if got := follows(p(c.prev), p(c.cand)); got != c.want {
			t.Errorf("follows(%s, %s) = %v", c.prev, c.cand, got)
		}
	}
}

// TestParseSectionsSynthetic covers what the real texts do not all show: a numbered line at the
// left margin that breaks the numbering is body text, appendices follow in order, back matter
// ends the last section, and a heading after the back matter is an error.
func TestParseSectionsSynthetic(t *testing.T) {
	text := strings.Join([]string{
		"Front matter",
		"",
		"   1. Introduction.............................2",
		"",
		"1.  First",
		"",
		"   Body of one.",
		"",
		"2.  Second",
		"",
		"1. a list item at the margin",
		"5 Apples are not a section",
		"2.2  Skips 2.1, so it is text",
		"",
		"2.1.  Second's first",
		"",
		"   Body of two-one.",
		"",
		"Appendix B.  Out of order, text",
		"",
		"Appendix A.  Letters",
		"",
		"A.1.  Lettered sub",
		"",
		"3.  Not after an appendix",
		"",
		"Appendix B - Bees",
		"",
		"Full Copyright Statement",
		"",
		"   Legal text.",
	}, "\n")
	secs, err := parseSections("test", text)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range secs {
		got = append(got, s.ID+"="+s.Title)
	}
	want := []string{"1=First", "2=Second", "2.1=Second's first", "appendix-A=Letters", "A.1=Lettered sub", "appendix-B=Bees"}
	if !slices.Equal(got, want) {
		t.Errorf("sections:\n got %q\nwant %q", got, want)
	}
	two := secs[1].Text
	for _, body := range []string{"1. a list item at the margin", "5 Apples", "2.2  Skips", "2.1.  Second's first", "Body of two-one."} {
		if !strings.Contains(two, body) {
			t.Errorf("§2 lacks %q:\n%s", body, two)
		}
	}
	if !strings.Contains(secs[4].Text, "3.  Not after an appendix") || strings.Contains(secs[5].Text, "Legal") {
		t.Errorf("A.1 = %q, appendix-B = %q", secs[4].Text, secs[5].Text)
	}

	if _, err := parseSections("test", "1.  One\n\nReferences\n\n2.  Two\n"); err == nil || !strings.Contains(err.Error(), "after the back matter") {
		t.Errorf("a heading after the back matter: %v", err)
	}
	if _, err := parseSections("test", "no headings\n"); err == nil {
		t.Error("a text without headings parsed")
	}
}
