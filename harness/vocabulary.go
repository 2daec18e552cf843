package harness

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ftpconform/ftpconform/rfc"
)

var idPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]*-[0-9]{3}$`)

// ConnectCommand stands for the connection itself in Spec.Commands (the greeting), as
// "<connect>" does in the RFC reply table.
const ConnectCommand = "<connect>"

// Validate checks a Spec against the closed vocabulary: known commands, reply codes, RFC
// sections, quotes that really are in those sections, features and conditions.
func (sp Spec) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !idPattern.MatchString(sp.ID) {
		bad("ID %q: expected WORD-NNN such as RETR-004", sp.ID)
	}
	if strings.TrimSpace(sp.Title) == "" {
		bad("no title")
	}
	if len(sp.Commands) == 0 {
		bad("no command")
	}
	for _, c := range sp.Commands {
		if c != ConnectCommand && !rfc.KnownCommand(c) {
			bad("unknown command %q", c)
		}
	}
	if len(sp.Codes) == 0 {
		bad("no reply code")
	}
	for _, code := range sp.Codes {
		if !rfc.CodeKnown(code) {
			bad("reply code %d is defined by no RFC the suite knows", code)
		}
	}
	switch sp.Level {
	case Must, Should, May:
	default:
		bad("level %q: expected MUST, SHOULD or MAY", sp.Level)
	}
	for i, sec := range append([]string{sp.Section}, sp.Also...) {
		doc, id, err := splitSection(sec)
		if err != nil {
			bad("%v", err)
			continue
		}
		if i == 0 {
			if strings.TrimSpace(sp.Quote) == "" {
				bad("no quote of the requirement from %s", sec)
			} else if err := rfc.CheckQuote(doc, id, sp.Quote); err != nil {
				bad("quote: %v", err)
			}
		}
	}
	if sp.Feature != "" {
		if _, ok := LookupFeature(sp.Feature); !ok {
			bad("unknown feature %q", sp.Feature)
		}
	}
	if sp.Condition != "" && !KnownCondition(sp.Condition) {
		bad("unknown condition %q", sp.Condition)
	}
	return errors.Join(errs...)
}

// splitSection checks "959:4.1.3" against the embedded RFC texts.
func splitSection(sec string) (doc, id string, err error) {
	doc, id, ok := strings.Cut(sec, ":")
	if !ok {
		return "", "", fmt.Errorf("section %q: expected RFC:SECTION such as 959:4.1.3", sec)
	}
	if _, found := rfc.Lookup(doc, id); !found {
		return doc, id, fmt.Errorf("section %q: RFC %s has no section %s", sec, doc, id)
	}
	return doc, id, nil
}

// Doc is the RFC of the scenario's primary section ("959", "3659", "deflate").
func (sp Spec) Doc() string {
	doc, _, _ := strings.Cut(sp.Section, ":")
	return doc
}

// Labels are the ginkgo labels of the scenario; docs/architecture.md lists their meaning.
func (sp Spec) Labels() []string {
	l := []string{"id:" + sp.ID, "level:" + string(sp.Level), "rfc:" + sp.Doc()}
	for _, c := range sp.Commands {
		l = append(l, "cmd:"+CommandLabel(c))
	}
	for _, code := range sp.Codes {
		l = append(l, fmt.Sprintf("code:%03d", code))
	}
	for _, sec := range append([]string{sp.Section}, sp.Also...) {
		l = append(l, SectionLabel(sec))
	}
	if sp.Feature != "" {
		l = append(l, "feature:"+sp.Feature)
	}
	if sp.Condition != "" {
		l = append(l, "cond:"+string(sp.Condition))
	}
	if sp.Writes {
		l = append(l, "writes")
	}
	if sp.Serial {
		l = append(l, "serial")
	}
	if sp.Slow {
		l = append(l, "slow")
	}
	if sp.FailsLogins {
		l = append(l, "fails-logins")
	}
	slices.Sort(l)
	return slices.Compact(l)
}

// CommandLabel is the label value of a command: the verb, or CONNECT for the greeting.
func CommandLabel(c string) string {
	if c == ConnectCommand {
		return "CONNECT"
	}
	return c
}

// SectionLabel turns "959:4.1.3" into the label "rfc959:4.1.3" (the MODE Z draft: "deflate:3.4").
func SectionLabel(sec string) string {
	doc, id, _ := strings.Cut(sec, ":")
	if doc == "deflate" {
		return "deflate:" + id
	}
	return "rfc" + doc + ":" + id
}
