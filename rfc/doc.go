// Package rfc is the project's own copy of the FTP specifications, as data: the RFC texts
// (embedded, so that a user's binary never needs ../shared), their numbered sections, a check that
// a quoted requirement really occurs in a section, the command → reply-code table of RFC 959 §5.4
// and the extensions, the reply codes the RFCs define and the command verbs they define.
//
// The harness, the suites and the reports build on it; it imports nothing of the project, so that
// every part can trust the same vocabulary.
//
// Documents are named by short names: "959", "1123", "1639", "2228", "2389", "2428", "2577",
// "2640", "3659", "4217", "7151" and "deflate" (draft-preston-ftpext-deflate-04, MODE Z).
package rfc

import (
	"embed"
	"fmt"
	"slices"
)

//go:embed texts/*.txt replies.tsv
var files embed.FS

// Doc is one specification the suite cites.
type Doc struct {
	Name  string // short name used everywhere in the project: "959", "deflate"
	Cite  string // how a message names it: "RFC 959", "draft-preston-ftpext-deflate-04"
	Title string
	File  string // path of the embedded text, relative to this package
}

// docs is in citation order: RFC 959 first, then the RFCs by number, then the draft.
var docs = []Doc{
	{"959", "RFC 959", "File Transfer Protocol (FTP)", "texts/rfc959.txt"},
	{"1123", "RFC 1123", "Requirements for Internet Hosts -- Application and Support (§4.1 FILE TRANSFER PROTOCOL -- FTP only)", "texts/rfc1123-section-4.1.txt"},
	{"1639", "RFC 1639", "FTP Operation Over Big Address Records (FOOBAR)", "texts/rfc1639.txt"},
	{"2228", "RFC 2228", "FTP Security Extensions", "texts/rfc2228.txt"},
	{"2389", "RFC 2389", "Feature negotiation mechanism for the File Transfer Protocol", "texts/rfc2389.txt"},
	{"2428", "RFC 2428", "FTP Extensions for IPv6 and NATs", "texts/rfc2428.txt"},
	{"2577", "RFC 2577", "FTP Security Considerations", "texts/rfc2577.txt"},
	{"2640", "RFC 2640", "Internationalization of the File Transfer Protocol", "texts/rfc2640.txt"},
	{"3659", "RFC 3659", "Extensions to FTP", "texts/rfc3659.txt"},
	{"4217", "RFC 4217", "Securing FTP with TLS", "texts/rfc4217.txt"},
	{"7151", "RFC 7151", "File Transfer Protocol HOST Command for Virtual Hosts", "texts/rfc7151.txt"},
	{"deflate", "draft-preston-ftpext-deflate-04", "Deflate transmission mode for FTP", "texts/draft-preston-ftpext-deflate-04.txt"},
}

// Docs lists every document, RFC 959 first.
func Docs() []Doc { return slices.Clone(docs) }

// findDoc returns the document with that short name.
func findDoc(name string) (Doc, bool) {
	i := slices.IndexFunc(docs, func(d Doc) bool { return d.Name == name })
	if i < 0 {
		return Doc{}, false
	}
	return docs[i], true
}

// docNames is the list shown when a caller names a document that does not exist.
func docNames() []string {
	names := make([]string, len(docs))
	for i, d := range docs {
		names[i] = d.Name
	}
	return names
}

func unknownDoc(name string) error {
	return fmt.Errorf("rfc: no document %q (known: %v)", name, docNames())
}
