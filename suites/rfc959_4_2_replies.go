package suites

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §4.2: the reply rules made explicit — the codes for unknown and too long commands,
// multi-line framing, a command sequence that must start again after a failure, and a positive
// reply for a command that is superfluous at the site.
var _ = Describe("RFC 959 §4.2 FTP replies", func() {
	Scenario(Spec{
		ID:       "REPLY-001",
		Title:    "a command the server does not recognize is answered 500 (502, not implemented, is allowed)",
		Commands: []string{"NOOP"},
		Codes:    []int{500, 502, 200},
		Section:  "959:4.2.1",
		Also:     []string{"959:4.2"},
		Quote:    "500 Syntax error, command unrecognized.",
		Level:    Must,
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("%s", unknownVerb)
		Expect(r).To(HaveReplyCode(500, 502), "%s is no FTP command", unknownVerb)
		s.Note("the server answers %03d to a command it does not know", r.Code)
		s.Prefer(r, 500)
		Expect(c.Cmd("NOOP")).To(HaveReplyCode(200), "the session goes on after the refusal")
	})

	Scenario(Spec{
		ID:       "REPLY-003",
		Title:    "a command line too long is answered once (500), and the session goes on with the next command",
		Commands: []string{"USER", "NOOP"},
		Codes:    []int{500, 200},
		Section:  "959:4.2.1",
		Also:     []string{"959:4.2"},
		Quote:    "500 Syntax error, command unrecognized. This may include errors such as command line too long.",
		Level:    Must,
	}, func(s *S) {
		c := s.Dial()
		r, err := c.TryCmd("USER %s", strings.Repeat("a", longLine))
		Expect(err).NotTo(HaveOccurred(), "a %d-byte command line must be answered (RFC 959 §4.2: every command must generate at least one reply)", longLine+5)
		if r.Code == 421 {
			Expect(c.WaitClosed()).To(Succeed(), "421 closes the control connection")
			return
		}
		if r.Class() == 5 {
			s.Prefer(r, 500)
		} else {
			s.Note("the server took the %d-byte line as a user name (%s): it has no lower limit on line length", longLine+5, r)
		}
		n, err := c.TryCmd("NOOP")
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(HaveReplyCode(200), "the long line was answered once; the next reply is NOOP's")
	})

	Scenario(Spec{
		ID:       "REPLY-006",
		Title:    "a multi-line reply starts with \"ddd-\", ends with \"ddd \", and the next reply belongs to the next command",
		Commands: []string{"HELP", "STAT", "NOOP"},
		Codes:    []int{214, 211, 200},
		Section:  "959:4.2",
		Quote:    "Thus the format for multi-line replies is that the first line will begin with the exact required reply code, followed immediately by a Hyphen, \"-\" (also known as Minus), followed by text.",
		Level:    Must,
	}, func(s *S) {
		c := s.Login()
		var multi *Reply
		for _, cmd := range []string{"HELP", "STAT"} {
			r := c.Cmd("%s", cmd)
			if r.Multiline() {
				multi = &r
				break
			}
		}
		if multi == nil {
			Skip("neither HELP nor STAT gave a multi-line reply to check")
		}
		code := fmt.Sprintf("%03d", multi.Code)
		Expect(multi.Lines[0]).To(HavePrefix(code+"-"), "the first line: the code, then a hyphen")
		Expect(multi.Lines[len(multi.Lines)-1]).To(HavePrefix(code+" "), "the last line: the same code, then a space")
		n, err := c.TryCmd("NOOP")
		Expect(err).NotTo(HaveOccurred(), "after the multi-line %s reply the next reply must be NOOP's", code)
		Expect(n).To(HaveReplyCode(200), "no line of the multi-line reply may be left over for the next command")
	})

	Scenario(Spec{
		ID:       "PASS-004",
		Title:    "PASS that does not immediately follow USER (a refused command came between) is refused, preferably 503, or accepted; either way the whole sequence from USER then logs in",
		Commands: []string{"USER", "PASS"},
		Codes:    []int{331, 500, 502, 530, 503, 230},
		Section:  "959:4.2",
		Also:     []string{"959:4.1.1", "959:6"},
		Quote:    "A failure at any point in the sequence necessitates the repetition of the entire sequence from the beginning.",
		Level:    Must,
	}, func(s *S) {
		// "This command must be immediately preceded by the user name command" (RFC 959 §4.1.1)
		// is a rule for the client: no sentence tells the server what to do with a PASS that
		// breaks it. A server may hold the client to it (503, Bad sequence of commands: PASS's
		// §5.4 row has it), which is preferred, or take the password for the user named.
		t := s.Settings.Target
		c := s.Dial()
		Expect(c.Cmd("USER %s", t.User)).To(HaveReplyCode(331))
		between := c.Cmd("%s", unknownVerb)
		// Before login 530 is as good a refusal as 500 or 502.
		expectRefused(between, unknownVerb+" is no FTP command")
		r := c.Cmd("PASS %s", t.Password)
		if r.Code == 230 || r.Code == 202 {
			s.Note("the server took PASS for the user of the USER before %s (%s): RFC 959 leaves the server that choice", unknownVerb, between)
			s.Prefer(r, 503)
			Expect(c.Cmd("NOOP")).To(HaveReplyCode(200), "PASS answered %s, so the user is logged in", r)
			return
		}
		expectRefused(r, "PASS after "+unknownVerb)
		s.Prefer(r, 503)
		Expect(c.Login(t.User, t.Password, "")).To(Succeed(), "the whole sequence, from USER, logs in")
	})

	Scenario(Spec{
		ID:          "PASS-005",
		Title:       "after a wrong password a second PASS alone is refused, preferably 503, or tried for the same user; either way the whole sequence from USER then logs in",
		Commands:    []string{"USER", "PASS"},
		Codes:       []int{331, 530, 503, 230},
		Section:     "959:4.2",
		Also:        []string{"959:4.1.1", "959:6"},
		Quote:       "A failure at any point in the sequence necessitates the repetition of the entire sequence from the beginning.",
		Level:       Must,
		Slow:        true,
		FailsLogins: true,
	}, func(s *S) {
		// The sentence tells the client what a failure costs; the §6 diagram is the client's.
		// A server may hold the client to it (503, preferred) or let it try PASS again.
		t := s.Settings.Target
		c := s.Dial()
		Expect(c.Cmd("USER %s", t.User)).To(HaveReplyCode(331))
		r, err := c.TryCmd("PASS %s", wrongPassword(t.Password))
		if err != nil || r.Code == 421 {
			Skip("the server closed the connection after one wrong password (RFC 2577 §5 allows it)")
		}
		Expect(r).To(HaveReplyCode(530))
		r, err = c.TryCmd("PASS %s", t.Password)
		if err != nil || r.Code == 421 {
			Skip("the server closed the connection after a PASS out of sequence")
		}
		if r.Code == 230 || r.Code == 202 {
			s.Note("the server tried the second PASS for the same user (%s): RFC 959 leaves the server that choice", r)
			s.Prefer(r, 503)
			Expect(c.Cmd("NOOP")).To(HaveReplyCode(200), "PASS answered %s, so the user is logged in", r)
			return
		}
		expectRefused(r, "a second PASS after the wrong one")
		s.Prefer(r, 503)
		Expect(c.Login(t.User, t.Password, "")).To(Succeed(), "the whole sequence, from USER, logs in")
	})

	Scenario(Spec{
		ID:          "ACCT-003",
		Title:       "a wrong account is refused (530) and the login starts again from USER",
		Commands:    []string{"USER", "PASS", "ACCT"},
		Codes:       []int{332, 530, 503, 230},
		Section:     "959:4.2",
		Also:        []string{"959:4.1.1", "959:6"},
		Quote:       "A failure at any point in the sequence necessitates the repetition of the entire sequence from the beginning.",
		Level:       Must,
		Condition:   CondAccountLogin,
		Slow:        true,
		FailsLogins: true,
	}, func(s *S) {
		rc := s.Condition(CondAccountLogin)
		c := s.DialTarget(rc.Target)
		accountRequested(c, rc)
		r, err := c.TryCmd("ACCT %s", wrongPassword(rc.Account))
		if err != nil || r.Code == 421 {
			Skip("the server closed the connection after a wrong account (RFC 2577 §5 allows it)")
		}
		Expect(r).To(BePermanentNegative(), "a wrong account does not complete the login")
		s.Prefer(r, 530)
		r = c.Cmd("ACCT %s", rc.Account)
		Expect(r).NotTo(HaveReplyCode(230, 202), "the failed ACCT ended the sequence; ACCT alone cannot complete it")
		s.Prefer(r, 503)
		Expect(c.Login(rc.Target.User, rc.Target.Password, rc.Account)).To(Succeed(), "the whole sequence, from USER, logs in")
	})

	Scenario(Spec{
		ID:       "ACCT-004",
		Title:    "ACCT where no account is needed still gets a positive completion (202 superfluous, or 230)",
		Commands: []string{"ACCT"},
		Codes:    []int{202, 230},
		Section:  "959:4.2",
		Also:     []string{"959:4.1.1", "959:5.4"},
		Quote:    "If the command is not implemented by a particular Server-FTP process because it has no relevance to that computer system, for example ALLO at a TOPS20 site, a Positive Completion reply is still desired so that the simple User-process knows it can proceed with its course of action.",
		Level:    Should,
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("ACCT ftpconform")
		Expect(r).To(HaveReplyCode(202, 230))
		s.Prefer(r, 202)
		Expect(c.Cmd("NOOP")).To(HaveReplyCode(200))
	})
})

// unknownVerb is four letters, as command codes are (RFC 959 §5.3), but no FTP command.
const unknownVerb = "XQZJ"

// longLine is the length of a deliberately over-long argument: longer than any server's line
// buffer we know of (most use 512 to 8192 bytes), short enough for a readable transcript.
const longLine = 16 << 10

// wrongPassword is a password that is certainly not p.
func wrongPassword(p string) string { return "wrong-" + p + "-ftpconform" }
