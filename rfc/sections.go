package rfc

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Section is one numbered section of a document. Its Text holds its subsections too, so a quote
// cited at "959:4.1" may come from §4.1.3.
//
// IDs are the section numbers as printed, without the trailing dot ("4.1.3", "7.5.1.1"), so that
// a label such as rfc959:4.1.3 reads like the RFC's own citation. Appendices have no number; they
// get the word the document uses and their letter, or their Roman numeral in Arabic digits:
// RFC 959 "APPENDIX II - DIRECTORY COMMANDS" is "appendix-2", RFC 7151 "Appendix A." is
// "appendix-A", RFC 2640 "Annex B" is "annex-B". Subsections of a lettered appendix keep their
// printed number ("A.1", "B.2.1"). No ID contains a space or any of & | ! , ( ) / : (ginkgo's label
// syntax), so every ID can be used in a label.
//
// One heading is misprinted: RFC 959 numbers both "TELNET FORMAT CONTROLS" and "CARRIAGE
// CONTROL (ASA)" 3.1.1.5.2. The second is 3.1.1.5.3 here, the number its position gives it, so
// that every ID names one section.
type Section struct {
	Doc   string // short name of the document: "959"
	ID    string // "4.1.3", "appendix-2", "A.1"
	Title string // as printed, continuation lines joined: "FTP SERVICE COMMANDS"
	Text  string // the body without page furniture, subsections included, common indentation removed

	number string // how a message cites it: "§4.1.3", "Appendix II"
	level  int    // 1 for "4" or an appendix, 2 for "4.1" or "A.1", …
	line   int    // line number of the heading in the file
	norm   string // Text as CheckQuote compares it
}

// String cites the section as a failure message should: "RFC 959 §4.1.3 (FTP SERVICE COMMANDS)".
func (s Section) String() string {
	d, _ := findDoc(s.Doc)
	return fmt.Sprintf("%s %s (%s)", d.Cite, s.number, s.Title)
}

// Lookup returns the section of document doc ("959") with that ID ("4.1.3").
func Lookup(doc, id string) (Section, bool) {
	p := parsed()[doc]
	if p == nil {
		return Section{}, false
	}
	i, ok := p.byID[id]
	if !ok {
		return Section{}, false
	}
	return p.sections[i], true
}

// Sections lists the sections of a document in the order the text has them; nil for an unknown
// document.
func Sections(doc string) []Section {
	p := parsed()[doc]
	if p == nil {
		return nil
	}
	return slices.Clone(p.sections)
}

type parsedDoc struct {
	sections []Section
	byID     map[string]int
}

// parsed reads every embedded text once. The texts are part of the binary and the tests check
// every one, so a text that does not parse is a programming error.
var parsed = sync.OnceValue(func() map[string]*parsedDoc {
	m := map[string]*parsedDoc{}
	for _, d := range docs {
		raw, err := files.ReadFile(d.File)
		if err != nil {
			panic(err)
		}
		secs, err := parseSections(d.Name, string(raw))
		if err != nil {
			panic(err)
		}
		p := &parsedDoc{sections: secs, byID: map[string]int{}}
		for i, s := range secs {
			if _, dup := p.byID[s.ID]; dup {
				panic(fmt.Sprintf("rfc: %s has two sections %q", d.Name, s.ID))
			}
			p.byID[s.ID] = i
		}
		m[d.Name] = p
	}
	return m
})

// line is one line of a text after page furniture is removed; n is its line number in the file
// (1-based), for error messages and for telling adjacent lines from lines a page break joined.
type line struct {
	n int
	s string
}

var (
	footerRE = regexp.MustCompile(`\[Page \d+\]$`)
	headerRE = regexp.MustCompile(`^(RFC ?\d+ |Internet Draft )`)
)

// stripFurniture removes what the page layout adds: form feeds, trailing spaces, the footer
// ("Postel & Reynolds   [Page 12]"), the running header that follows it ("RFC 959   October 1985",
// and RFC 959's second header line "File Transfer Protocol"), and the blank lines padding the page.
// Where a page break falls inside a paragraph (the last line before it does not end a sentence)
// the two halves are joined; otherwise one blank line stands for the break.
func stripFurniture(text string) []line {
	raw := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, s := range raw {
		raw[i] = strings.TrimRight(strings.ReplaceAll(s, "\f", ""), " \t")
	}
	var out []line
	for i := 0; i < len(raw); i++ {
		if !footerRE.MatchString(raw[i]) {
			out = append(out, line{i + 1, raw[i]})
			continue
		}
		for len(out) > 0 && out[len(out)-1].s == "" {
			out = out[:len(out)-1]
		}
		j := i + 1
		for j < len(raw) && raw[j] == "" {
			j++
		}
		if j < len(raw) && headerRE.MatchString(raw[j]) {
			for j < len(raw) && raw[j] != "" { // the header block
				j++
			}
		}
		for j < len(raw) && raw[j] == "" {
			j++
		}
		if j < len(raw) && len(out) > 0 && (endsSentence(out[len(out)-1].s) || headingRE.MatchString(raw[j])) {
			out = append(out, line{j, ""})
		}
		i = j - 1
	}
	return out
}

func endsSentence(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || strings.ContainsAny(s[len(s)-1:], ".:;?!")
}

var (
	// headingRE matches a numbered heading: indentation, number, optional dot, title. A title
	// starts with a letter or a quote (RFC 1123 `4.1.4.2  "QUOTE" Command`). Lettered numbers
	// ("A.1") belong to appendices.
	headingRE = regexp.MustCompile(`^( *)(\d+(?:\.\d+)*|[A-Z](?:\.\d+)+)\.? +(["A-Za-z].*)$`)
	// appendixRE matches an appendix heading at the left margin.
	appendixRE = regexp.MustCompile(`^(APPENDIX|Appendix|ANNEX|Annex) +([IVX]+|[A-Z])[ .:-]+(\S.*)$`)
	// tocRE matches a table-of-contents entry: dot leaders and a page number.
	tocRE = regexp.MustCompile(`(\.\s*){3,}\d+$`)
)

// backMatter holds the unnumbered headings at the left margin that end a document's numbered
// part: what follows them belongs to no section.
var backMatter = []string{
	"references", "acknowledgments", "acknowledgements", "acknowledgement", "contributors",
	"author's address", "authors' addresses", "editors' addresses",
	"full copyright statement", "intellectual property", "rfc editor note:",
}

// firstSection is the number a document's first section has, where it is not "1": the RFC 1123
// text holds only its section 4.
var firstSection = map[string]string{"1123": "4"}

// misnumbered maps a misprinted heading line to the number its position gives it.
var misnumbered = map[string]map[string]string{
	"959": {"3.1.1.5.2.  CARRIAGE CONTROL (ASA)": "3.1.1.5.3"},
}

var romans = map[string]int{"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}

// heading is a section heading found in the text.
type heading struct {
	at, body int      // index of the heading line, of the first body line
	path     []string // "4","1","3"; an appendix is its letter or its number ("A", "2")
	appendix string   // for an appendix's own heading, the word it uses, lower case
	printed  string   // the number as printed, or "Appendix II"
	title    string
}

func (h heading) id() string {
	if h.appendix != "" {
		return h.appendix + "-" + h.path[0]
	}
	return strings.Join(h.path, ".")
}

// parseSections finds every section heading of a document and cuts the text into sections.
//
// A line is a heading when it has the shape of one (a number, a title), sits where the document
// puts headings (the left margin, or three spaces per level as in RFC 959 and RFC 1123), is no
// table-of-contents entry, and continues the numbering: it is the first child, the next sibling,
// or the next sibling of an ancestor of the heading before it. Numbered lists, reply-code lists
// and page numbers in the body fail one of these tests.
func parseSections(doc, text string) ([]Section, error) {
	lines := stripFurniture(text)
	var hs []heading
	var prev []string   // path of the last heading
	var inAppendix bool // prev is inside an appendix
	stop := -1          // index of the back-matter heading, if any
	for i, l := range lines {
		if l.s == "" || tocRE.MatchString(l.s) {
			continue
		}
		if slices.Contains(backMatter, strings.ToLower(l.s)) {
			if prev != nil && stop < 0 {
				stop = i
			}
			continue
		}
		var h heading
		if m := appendixRE.FindStringSubmatch(l.s); m != nil {
			key := m[2]
			if n, ok := romans[key]; ok {
				key = strconv.Itoa(n)
			}
			if len(key) > 1 && romans[m[2]] == 0 {
				continue
			}
			first := key == "A" || key == "1"
			if inAppendix && key != next(prev[0]) || !inAppendix && (prev == nil || !first) {
				continue
			}
			h = heading{at: i, path: []string{key}, appendix: strings.ToLower(m[1]), printed: capitalise(m[1]) + " " + m[2], title: m[3]}
			inAppendix = true
		} else if m := headingRE.FindStringSubmatch(l.s); m != nil {
			number, title := m[2], m[3]
			if fix, ok := misnumbered[doc][strings.TrimSpace(l.s)]; ok {
				number = fix
			}
			path := strings.Split(number, ".")
			if indent := len(m[1]); indent != 0 && indent != 3*(len(path)-1) {
				continue
			}
			lettered := path[0][0] >= 'A' && path[0][0] <= 'Z'
			switch {
			case prev == nil:
				first := firstSection[doc]
				if first == "" {
					first = "1"
				}
				if number != first {
					continue
				}
			case lettered != inAppendix || !follows(prev, path):
				continue
			}
			h = heading{at: i, path: path, printed: "§" + number, title: title}
		} else {
			continue
		}
		// A title too long for one line goes on under its first word (RFC 4217 §11.5).
		col := strings.Index(l.s, h.title)
		h.body = i + 1
		for h.body < len(lines) {
			c := lines[h.body]
			if c.n != lines[h.body-1].n+1 || c.s == "" || len(c.s)-len(strings.TrimLeft(c.s, " ")) != col {
				break
			}
			h.title += " " + strings.TrimSpace(c.s)
			h.body++
		}
		h.title = strings.Join(strings.Fields(h.title), " ")
		if stop >= 0 && stop < i {
			return nil, fmt.Errorf("rfc: %s line %d: heading %q after the back matter", doc, l.n, l.s)
		}
		hs = append(hs, h)
		prev = h.path
	}
	if len(hs) == 0 {
		return nil, fmt.Errorf("rfc: %s: no section headings found", doc)
	}
	end := len(lines)
	if stop >= 0 {
		end = stop
	}
	secs := make([]Section, len(hs))
	for k, h := range hs {
		last := end
		for _, n := range hs[k+1:] {
			if level(n) <= level(h) {
				last = n.at
				break
			}
		}
		body := dedent(lines[h.body:last])
		secs[k] = Section{Doc: doc, ID: h.id(), Title: h.title, Text: body, number: h.printed, level: level(h), line: lines[h.at].n, norm: normalize(body)}
	}
	return secs, nil
}

// level is a heading's depth: an appendix's own heading is at the top like "4".
func level(h heading) int { return len(h.path) }

// follows reports whether cand may come after prev in a numbering: the first child of prev, the
// next sibling of prev, or the next sibling of one of prev's ancestors.
func follows(prev, cand []string) bool {
	if len(cand) == len(prev)+1 && slices.Equal(cand[:len(prev)], prev) && cand[len(prev)] == "1" {
		return true
	}
	k := len(cand)
	return k <= len(prev) && slices.Equal(cand[:k-1], prev[:k-1]) && cand[k-1] == next(prev[k-1])
}

// next is the number or letter after n: "9" → "10", "A" → "B".
func next(n string) string {
	if v, err := strconv.Atoi(n); err == nil {
		return strconv.Itoa(v + 1)
	}
	if len(n) == 1 && n[0] >= 'A' && n[0] < 'Z' {
		return string(n[0] + 1)
	}
	return ""
}

func capitalise(word string) string {
	return word[:1] + strings.ToLower(word[1:])
}

// dedent joins lines into a text without the blank lines around it, without runs of blank lines
// and without the indentation all its lines share.
func dedent(ls []line) string {
	for len(ls) > 0 && ls[0].s == "" {
		ls = ls[1:]
	}
	for len(ls) > 0 && ls[len(ls)-1].s == "" {
		ls = ls[:len(ls)-1]
	}
	common := -1
	for _, l := range ls {
		if l.s == "" {
			continue
		}
		if n := len(l.s) - len(strings.TrimLeft(l.s, " ")); common < 0 || n < common {
			common = n
		}
	}
	var b strings.Builder
	for i, l := range ls {
		if l.s == "" && ls[i-1].s == "" {
			continue // the texts' runs of blank lines are layout too
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		if l.s != "" {
			b.WriteString(l.s[common:])
		}
	}
	return b.String()
}
