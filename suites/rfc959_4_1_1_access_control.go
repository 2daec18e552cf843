package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §4.1.1: USER, PASS, ACCT, CWD, CDUP, SMNT, REIN, QUIT.
var _ = Describe("RFC 959 §4.1.1 Access control commands", func() {
	Scenario(Spec{
		ID:       "USER-001",
		Title:    "USER for a user with a password asks for it with 331",
		Commands: []string{"USER"},
		Codes:    []int{331},
		Section:  "959:4.1.1",
		Quote:    "Additional identification information in the form of a password and/or an account command may also be required by some servers.",
		Level:    Must,
	}, func(s *S) {
		c := s.Dial()
		r := c.Cmd("USER %s", s.Settings.Target.User)
		if s.Settings.Target.Password == "" {
			Expect(r).To(HaveReplyCode(230, 331, 332))
			return
		}
		Expect(r).To(HaveReplyCode(331))
	})

	Scenario(Spec{
		ID:       "PASS-001",
		Title:    "PASS with the right password after USER completes the login with 230",
		Commands: []string{"USER", "PASS"},
		Codes:    []int{230},
		Section:  "959:4.1.1",
		Quote:    "This command must be immediately preceded by the user name command, and, for some sites, completes the user's identification for access control.",
		Level:    Must,
	}, func(s *S) {
		c := s.Dial()
		Expect(c.Cmd("USER %s", s.Settings.Target.User)).To(HaveReplyCode(331))
		Expect(c.Cmd("PASS %s", s.Settings.Target.Password)).To(HaveReplyCode(230))
	})

	Scenario(Spec{
		ID:       "PASS-002",
		Title:    "PASS with a wrong password is refused with 530",
		Commands: []string{"USER", "PASS"},
		Codes:    []int{530},
		Section:  "959:5.4",
		Also:     []string{"959:4.2.2"},
		Quote:    "These must be strictly adhered to; a server may substitute text in the replies, but the meaning and action implied by the code numbers and by the specific command reply sequence cannot be altered.",
		Level:    Must,
		Slow:     true,
	}, func(s *S) {
		c := s.Dial()
		Expect(c.Cmd("USER %s", s.Settings.Target.User)).To(HaveReplyCode(331))
		r, err := c.TryCmd("PASS %s", "wrong-"+s.Settings.Target.Password+"-x")
		if err != nil {
			// RFC 2577 §5 lets a server close the connection after failed logins (421 first).
			Expect(err).To(MatchError(ErrClosedByServer))
			return
		}
		Expect(r).To(HaveReplyCode(530, 421))
		if r.Code == 421 {
			return
		}
		// CWD's §5.4 row lists 530, so the refusal is within the table whatever the server says.
		Expect(c.Cmd("CWD %s", s.Settings.Target.Scratch)).NotTo(BePositiveCompletion(), "after a refused login no command that needs it may succeed")
	})

	Scenario(Spec{
		ID:       "PASS-003",
		Title:    "PASS without a preceding USER is a bad sequence of commands (503)",
		Commands: []string{"PASS"},
		Codes:    []int{503},
		Section:  "959:4.1.1",
		Quote:    "This command must be immediately preceded by the user name command",
		Level:    Must,
	}, func(s *S) {
		c := s.Dial()
		r := c.Cmd("PASS %s", s.Settings.Target.Password)
		Expect(r).To(HaveReplyCode(503, 530))
		s.Prefer(r, 503)
	})

	Scenario(Spec{
		ID:       "CWD-001",
		Title:    "CWD to an existing directory answers 250 and changes the working directory",
		Commands: []string{"CWD", "PWD"},
		Codes:    []int{250, 257},
		Section:  "959:4.1.1",
		Quote:    "This command allows the user to work with a different directory or dataset for file storage or retrieval without altering his login or accounting information.",
		Level:    Must,
		Feature:  "CWD",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		Expect(c.Cmd("CWD %s", dir)).To(HaveReplyCode(250))
		Expect(PathOf(c.Cmd("PWD"))).To(Equal(dir))
	})

	Scenario(Spec{
		ID:       "CWD-002",
		Title:    "CWD to a directory that does not exist is refused with 550",
		Commands: []string{"CWD"},
		Codes:    []int{550},
		Section:  "959:5.4",
		Quote:    "These must be strictly adhered to; a server may substitute text in the replies, but the meaning and action implied by the code numbers and by the specific command reply sequence cannot be altered.",
		Level:    Must,
		Feature:  "CWD",
		Writes:   true,
	}, func(s *S) {
		missing := s.Path("no-such-directory")
		c := s.Login()
		r := c.Cmd("CWD %s", missing)
		Expect(r).To(BePermanentNegative())
		s.Prefer(r, 550)
	})

	Scenario(Spec{
		ID:       "CDUP-001",
		Title:    "CDUP goes to the parent directory and answers 200 (or 250, CWD's code)",
		Commands: []string{"CDUP", "CWD", "PWD"},
		Codes:    []int{200, 250},
		Section:  "959:appendix-2",
		Quote:    "The reply codes for CDUP be identical to the reply codes of CWD.",
		Level:    Must,
		Feature:  "CDUP",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		Expect(c.Cmd("MKD %s", s.Path("child"))).To(HaveReplyCode(257))
		Expect(c.Cmd("CWD %s", s.Path("child"))).To(HaveReplyCode(250))
		r := c.Cmd("CDUP")
		// §5.4 lists 200; appendix II says CDUP's codes are CWD's (250). Both are right.
		Expect(r).To(HaveReplyCode(200, 250))
		Expect(PathOf(c.Cmd("PWD"))).To(Equal(dir))
	})

	Scenario(Spec{
		ID:       "QUIT-001",
		Title:    "QUIT is answered with 221 and the server closes the control connection",
		Commands: []string{"QUIT"},
		Codes:    []int{221},
		Section:  "959:4.1.1",
		Quote:    "This command terminates a USER and if file transfer is not in progress, the server closes the control connection.",
		Level:    Must,
	}, func(s *S) {
		c := s.Login()
		Expect(c.Cmd("QUIT")).To(HaveReplyCode(221))
		Expect(c.WaitClosed()).To(Succeed(), "the server must close the control connection after QUIT")
	})
})
