package rfc

import (
	"strings"
	"testing"
)

func TestCheckQuoteFinds(t *testing.T) {
	for _, c := range []struct{ doc, id, quote string }{
		// On one line.
		{"959", "4.1.3", "This command causes the server-DTP to accept the data"},
		// Across a line break and its indentation.
		{"1123", "4.1.2.11", "However, a server-FTP MAY use a different reply code when needed, as long as the general rules of Section 4.2 are followed."},
		// Across a page break in the middle of a sentence (RFC 2228 pages 12-13).
		{"2228", "5.2", "Each fragment must be protected, then base 64 encoded in order into a separate line of the multiline reply."},
		// Across a page break in RFC 959's §4.2.2, between two entries.
		{"959", "4.2.2", "150 File status okay; about to open data connection. 200 Command okay."},
		// A word hyphenated at a line end ("Telnet end-" / "of-line code").
		{"2228", "5.2", "it must be a Telnet end-of-line code, not a local end-of-line code."},
		// Double spaces after a full stop in the text, one in the quote.
		{"2428", "3", "The EPSV command takes an optional argument. The response to this command includes only the TCP port number"},
		// Extra white space in the quote does not matter either.
		{"2428", "3", "  The response code for entering passive mode\n\t using an extended address MUST be 229.  "},
		// From a subsection, checked at its parent.
		{"3659", "7.2", "Many of the 4xy and 5xy responses defined in section 4.2 of STD 9"},
		// The draft, an appendix, and RFC 1123's only top-level section.
		{"deflate", "3.4", "A 501 reply is appropriate for a permanent error."},
		{"959", "appendix-2", "Since UNIX has a tree-like directory structure"},
		{"1123", "4", "A Server-FTP MUST send only correctly formatted replies"},
	} {
		if err := CheckQuote(c.doc, c.id, c.quote); err != nil {
			t.Errorf("CheckQuote(%s, %s): %v", c.doc, c.id, err)
		}
	}
}

func TestCheckQuoteRejects(t *testing.T) {
	for _, c := range []struct{ doc, id, quote, msg string }{
		{"nope", "1", "x", `no document "nope"`},
		{"959", "4.9", "x", `RFC 959 has no section "4.9"`},
		{"959", "4.1.3", " \n ", "empty quote"},
		// Case matters: the RFC's words, not a paraphrase.
		{"1123", "4.1.2.11", "a server-ftp MAY use a different reply code", "the section has no passage that starts like it"},
		// A quote from another section names where it is.
		{"959", "4.1.2", "This command causes the server-DTP to accept the data", "it occurs in RFC 959 §4.1.3 (FTP SERVICE COMMANDS)"},
		{"959", "5", "Since UNIX has a tree-like directory structure", "it occurs in RFC 959 Appendix II (DIRECTORY COMMANDS)"},
		{"7151", "A.1", "Overloading the ACCT Command", "it occurs in RFC 7151 Appendix A (Unworkable Alternatives)"},
		{"7151", "3", "This suggestion may seem plausible at first", "it occurs in RFC 7151 §A.3 (Overloading the USER Command)"},
		// A paraphrase shows where the text departs from it.
		{"1123", "4.1.2.11", "However, a server-FTP MAY use any reply code it likes",
			`the section has "However, a server-FTP MAY use" and then "a different reply code when needed, as long as the general…" where the quote has "any reply code it likes"`},
		// The hyphen is kept: "end-of-line" is not "endof-line".
		{"2228", "5.2", "a Telnet endof-line code", `where the quote has "endof-line code"`},
	} {
		err := CheckQuote(c.doc, c.id, c.quote)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("CheckQuote(%s, %s, %q) = %v, want an error containing %q", c.doc, c.id, c.quote, err, c.msg)
		}
	}
	// The error names the section searched.
	err := CheckQuote("959", "4.1.3", "no such sentence anywhere at all")
	if err == nil || !strings.Contains(err.Error(), "quote not found in RFC 959 §4.1.3 (FTP SERVICE COMMANDS)") {
		t.Errorf("error does not name the section: %v", err)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"a  b\n   c\t d":                "a b c d",
		"  lead and trail  \n\n":        "lead and trail",
		"Telnet end-\n   of-line code":  "Telnet end-of-line code",
		"a range 1 -\n 5":               "a range 1 - 5", // not a word before the hyphen
		"the list (1,2)-\n(3,4)":        "the list (1,2)- (3,4)",
		"a dash --\nhere":               "a dash -- here",
		"base-\n64":                     "base- 64", // a digit after it: not a broken word
		"accès à l'entrée-\nsortie fin": "accès à l'entrée-sortie fin",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
