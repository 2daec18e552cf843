package harness

import (
	"fmt"
	"strings"

	"github.com/onsi/gomega/format"
	"github.com/onsi/gomega/types"
)

// HaveReplyCode succeeds when a reply has one of the given codes. It accepts a Reply, a *Reply
// or a Transfer (whose final reply is judged). The failure message names the codes expected and
// shows the reply received and the command it answered; the scenario wrapper adds the RFC
// section and the quoted requirement.
func HaveReplyCode(codes ...int) types.GomegaMatcher {
	return &replyMatcher{codes: codes, describe: "a reply " + codesOr(codes)}
}

// The first-digit classes of RFC 959 §4.2.1.
func BePositivePreliminary() types.GomegaMatcher  { return classMatcher(1, "positive preliminary") }
func BePositiveCompletion() types.GomegaMatcher   { return classMatcher(2, "positive completion") }
func BePositiveIntermediate() types.GomegaMatcher { return classMatcher(3, "positive intermediate") }
func BeTransientNegative() types.GomegaMatcher {
	return classMatcher(4, "transient negative completion")
}
func BePermanentNegative() types.GomegaMatcher {
	return classMatcher(5, "permanent negative completion")
}

func classMatcher(class int, name string) types.GomegaMatcher {
	return &replyMatcher{class: class, describe: fmt.Sprintf("a %s reply (%dyz, RFC 959 §4.2.1)", name, class)}
}

type replyMatcher struct {
	codes    []int
	class    int
	describe string
}

func (m *replyMatcher) Match(actual any) (bool, error) {
	r, err := asReply(actual)
	if err != nil {
		return false, err
	}
	if m.class != 0 {
		return r.Class() == m.class, nil
	}
	if len(m.codes) == 0 {
		return false, fmt.Errorf("HaveReplyCode needs at least one code")
	}
	for _, c := range m.codes {
		if r.Code == c {
			return true, nil
		}
	}
	return false, nil
}

func (m *replyMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("expected %s\n     got %s", m.describe, describeReply(actual))
}

func (m *replyMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("expected anything but %s\n     got %s", m.describe, describeReply(actual))
}

func asReply(actual any) (Reply, error) {
	switch a := actual.(type) {
	case Reply:
		return a, nil
	case *Reply:
		if a == nil {
			return Reply{}, fmt.Errorf("expected a reply, got a nil *Reply")
		}
		return *a, nil
	case Transfer:
		if len(a.Replies) == 0 {
			return Reply{}, fmt.Errorf("the transfer has no reply")
		}
		return a.Final(), nil
	default:
		return Reply{}, fmt.Errorf("reply matchers expect a harness.Reply, *harness.Reply or harness.Transfer, got:\n%s", format.Object(actual, 1))
	}
}

func describeReply(actual any) string {
	r, err := asReply(actual)
	if err != nil {
		return err.Error()
	}
	s := r.String()
	if r.Command != "" {
		s += fmt.Sprintf("  (answering %q)", r.Command)
	}
	if len(r.Lines) > 1 {
		s += "\n" + indent(strings.Join(r.Lines, "\n"), "         | ")
	}
	return s
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// codesOr words a code list: "226", "226 or 250", "125, 150 or 110".
func codesOr(codes []int) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%03d", c)
	}
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}
