package rfc

import (
	"fmt"
	"strings"
	"unicode"
)

// CheckQuote reports whether quote occurs in the section's text (its subsections included), so
// that a scenario's quoted requirement is the RFC's sentence and not a paraphrase. Line breaks,
// indentation and page breaks do not matter: both sides are compared with every run of white space
// made one space, and a word hyphenated across a line break ("end-\n of-line") read with its hyphen
// and without the break ("end-of-line"). Everything else must match exactly, case included.
//
// The error says which section was searched and, when part of the quote matches, where the text
// departs from it; when the quote is in another section of the same document, it names that one.
func CheckQuote(doc, id, quote string) error {
	if _, ok := findDoc(doc); !ok {
		return unknownDoc(doc)
	}
	sec, ok := Lookup(doc, id)
	if !ok {
		return fmt.Errorf("rfc: %s has no section %q", cite(doc), id)
	}
	q := normalize(quote)
	if q == "" {
		return fmt.Errorf("rfc: empty quote for %s", sec)
	}
	if strings.Contains(sec.norm, q) {
		return nil
	}
	msg := fmt.Sprintf("rfc: quote not found in %s: %q", sec, q)
	// Name the deepest section that holds it: the most useful correction.
	var elsewhere *Section
	for i, s := range parsed()[doc].sections {
		if (elsewhere == nil || s.level > elsewhere.level) && strings.Contains(s.norm, q) {
			elsewhere = &parsed()[doc].sections[i]
		}
	}
	if elsewhere != nil {
		return fmt.Errorf("%s; it occurs in %s", msg, elsewhere)
	}
	return fmt.Errorf("%s; %s", msg, nearest(sec.norm, q))
}

// nearest describes where text departs from quote: it finds the longest run of the quote's
// leading words that text contains (a binary search, since a prefix found implies every shorter
// one is found too) and shows what follows it on both sides.
func nearest(text, quote string) string {
	words := strings.Fields(quote)
	lo, hi := 0, len(words) // words[:lo] is found; words[:hi+1] is not
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if strings.Contains(text, strings.Join(words[:mid], " ")) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo < 2 {
		return "the section has no passage that starts like it"
	}
	found := strings.Join(words[:lo], " ")
	at := strings.Index(text, found) + len(found)
	return fmt.Sprintf("the section has %q and then %q where the quote has %q",
		clip(found, 60, true), clip(strings.TrimSpace(text[at:]), 60, false), clip(strings.TrimSpace(quote[len(found):]), 60, false))
}

// clip shortens s to about n bytes at a word boundary, keeping its end when tail is set.
func clip(s string, n int, tail bool) string {
	if len(s) <= n {
		return s
	}
	if tail {
		cut := len(s) - n
		if i := strings.IndexByte(s[cut:], ' '); i >= 0 {
			cut += i + 1
		}
		return "…" + strings.ToValidUTF8(s[cut:], "")
	}
	cut := n
	if i := strings.LastIndexByte(s[:n], ' '); i > 0 {
		cut = i
	}
	return strings.ToValidUTF8(s[:cut], "") + "…"
}

// normalize makes the comparison form of a text: white space runs become one space, and a line
// that ends in a hyphen right after a letter is joined to the next line when that starts with a
// letter, the hyphen kept.
func normalize(s string) string {
	var b strings.Builder
	prev := ""
	for l := range strings.SplitSeq(s, "\n") {
		words := strings.Fields(l)
		if len(words) == 0 {
			continue
		}
		joined := strings.Join(words, " ")
		if prev != "" && !(hyphenated(prev) && startsWithLetter(joined)) {
			b.WriteByte(' ')
		}
		b.WriteString(joined)
		prev = joined
	}
	return b.String()
}

func hyphenated(s string) bool {
	r := []rune(s)
	n := len(r)
	return n >= 2 && r[n-1] == '-' && unicode.IsLetter(r[n-2])
}

func startsWithLetter(s string) bool {
	for _, r := range s {
		return unicode.IsLetter(r)
	}
	return false
}

// cite names a document for messages: "RFC 959".
func cite(doc string) string {
	if d, ok := findDoc(doc); ok {
		return d.Cite
	}
	return doc
}
