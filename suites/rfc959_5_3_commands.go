package suites

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §5.3: the command syntax — arguments a command requires (§5.3.1), command codes and
// parameter values in any case, and (RFC 1123 §4.1.2.10) command lines that share a read.
var _ = Describe("RFC 959 §5.3 Commands", func() {
	Scenario(Spec{
		ID:       "REPLY-002",
		Title:    "USER without a user name is a syntax error in the arguments (501), and logs nobody in",
		Commands: []string{"USER", "PASS"},
		Codes:    []int{501, 500, 503},
		Section:  "959:5.3.1",
		Also:     []string{"959:5.3.2", "959:4.2.1"},
		Quote:    "USER <SP> <username> <CRLF>",
		Level:    Must,
	}, func(s *S) {
		c := s.Dial()
		r := c.Cmd("USER")
		Expect(r).To(HaveReplyCode(500, 501), "<username> is a <string> of at least one character (RFC 959 §5.3.2)")
		s.Prefer(r, 501)
		Expect(c.Cmd("PASS %s", s.Settings.Target.Password)).NotTo(HaveReplyCode(230, 202), "the refused USER began no login")
	})

	Scenario(Spec{
		ID:       "ACCT-006",
		Title:    "ACCT without account information is a syntax error in the arguments (501); a server that does not implement ACCT (502, or 202 superfluous) reads no argument",
		Commands: []string{"ACCT"},
		Codes:    []int{501, 500, 502, 202},
		Section:  "959:5.3.1",
		Also:     []string{"959:5.3.2", "959:4.2.1", "959:5.1"},
		Quote:    "ACCT <SP> <account-information> <CRLF>",
		Level:    Must,
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("ACCT")
		if r.Code == 502 {
			// ACCT is outside RFC 959 §5.1's minimum; RFC 1123 §4.1.2.13 adds it, and ACCT-007
			// judges that in the profiles that include RFC 1123.
			Skip(fmt.Sprintf("not offered: ACCT (%s; allowed by RFC 959 §5.1): a command not implemented has no argument syntax to check", r))
		}
		// 202: "Command not implemented, superfluous at this site" (RFC 959 §4.2.1), a reply
		// ACCT's §5.4 row has: a server that takes ACCT as superfluous need not read its argument.
		Expect(r).To(HaveReplyCode(500, 501, 202), "<account-information> is a <string> of at least one character (RFC 959 §5.3.2)")
		s.Prefer(r, 501)
	})

	Scenario(Spec{
		ID:       "SITE-003",
		Title:    "SITE without a subcommand is a syntax error in the arguments (501)",
		Commands: []string{"SITE"},
		Codes:    []int{501, 500},
		Section:  "959:5.3.1",
		Also:     []string{"959:4.1.3", "959:5.4"},
		Quote:    "SITE <SP> <string> <CRLF>",
		Level:    Must,
		Feature:  "SITE",
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("SITE")
		Expect(r).To(HaveReplyCode(500, 501), "SITE needs the <string> that names what to do")
		s.Prefer(r, 501)
	})

	Scenario(Spec{
		ID:       "REPLY-004",
		Title:    "command codes are case-insensitive: noop and NoOp are answered as NOOP, user and pass log in, nOOP then gets 200",
		Commands: []string{"USER", "PASS", "NOOP"},
		Codes:    []int{331, 230, 200, 530},
		Section:  "959:5.3",
		Quote:    "Upper and lower case alphabetic characters are to be treated identically.",
		Level:    Must,
	}, func(s *S) {
		t := s.Settings.Target
		c := s.Dial()
		// Before login the server may refuse NOOP (530, as many do for all but the login
		// commands; NOOP-002 judges that code): what matters here is that the case changes nothing.
		upper := c.Cmd("NOOP")
		for _, v := range []string{"noop", "NoOp"} {
			Expect(c.Cmd("%s", v)).To(HaveReplyCode(upper.Code), "before login NOOP was answered %s; %s is the same command", upper, v)
		}
		Expect(c.Cmd("user %s", t.User)).To(HaveReplyCode(331))
		Expect(c.Cmd("pass %s", t.Password)).To(HaveReplyCode(230))
		Expect(c.Cmd("nOOP")).To(HaveReplyCode(200), "after login, nOOP is NOOP")
	})

	Scenario(Spec{
		ID:       "REPLY-008",
		Title:    "parameter values are case-insensitive: \"type i\" and \"Type a\" set TYPE I and TYPE A",
		Commands: []string{"TYPE", "RETR"},
		Codes:    []int{200, 226},
		Section:  "959:5.3",
		Quote:    "This also applies to any symbols representing parameter values, such as A or a for ASCII TYPE.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		sample := storeTypeSample(s, c, s.Path("lines.txt"))
		Expect(c.Cmd("type i")).To(HaveReplyCode(200))
		got := c.Retrieve(kindFor(s, c), "RETR %s", sample.path)
		Expect(got).To(HaveReplyCode(226, 250))
		Expect(sample.typeOf(got.Data)).To(Equal("I"), "\"type i\" is TYPE I")
		Expect(c.Cmd("Type a")).To(HaveReplyCode(200))
		got = c.Retrieve(kindFor(s, c), "RETR %s", sample.path)
		Expect(got).To(HaveReplyCode(226, 250))
		Expect(sample.typeOf(got.Data)).To(Equal("A"), "\"Type a\" is TYPE A")
	})

	Scenario(Spec{
		ID:       "SESSION-003",
		Title:    "commands that arrive in one read are each answered, in order",
		Commands: []string{"NOOP"},
		Codes:    []int{200, 500, 502},
		Section:  "1123:4.1.2.10",
		Also:     []string{"959:5.3", "959:4.2"},
		Quote:    "Implementors MUST NOT assume any correspondence between READ boundaries on the control connection and the Telnet EOL sequences (CR LF).",
		Level:    Must,
	}, func(s *S) {
		c := s.Login()
		c.SendPipelined("NOOP", unknownVerb, "NOOP") // one write
		for i, want := range [][]int{{200}, {500, 502}, {200}} {
			r, err := c.ReadReply()
			Expect(err).NotTo(HaveOccurred(), "command %d of the three sent in one write is answered", i+1)
			Expect(r).To(HaveReplyCode(want...), "reply %d answers command %d", i+1, i+1)
		}
	})
})
