package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 4217 §4: AUTH TLS on the control connection.
var _ = Describe("RFC 4217 §4 Session negotiation on the control port", func() {
	Scenario(Spec{
		ID:       "AUTH-001",
		Title:    "AUTH TLS is answered 234 (not 334) and the TLS handshake follows on the control connection",
		Commands: []string{"AUTH"},
		Codes:    []int{234},
		Section:  "4217:4.2",
		Quote:    "In either case, '234' is the server response to an 'AUTH TLS' command that it will honour.",
		Level:    Must,
		Feature:  "AUTH-TLS",
	}, func(s *S) {
		c := s.DialClear()
		r, err := c.Auth("TLS")
		Expect(err).NotTo(HaveOccurred(), "the TLS handshake after 234")
		Expect(r).To(HaveReplyCode(234), "RFC 4217 §4.2: \"the '334' reply is incorrect\"")
		Expect(c.TLS()).To(BeTrue())
		Expect(c.Cmd("NOOP")).To(HaveReplyCode(200), "a command over the new TLS session")
	})

	Scenario(Spec{
		ID:       "AUTH-006",
		Title:    "AUTH TLS resets the transfer parameters: TYPE is ASCII again and the working directory is the login's",
		Commands: []string{"AUTH", "TYPE", "CWD", "PWD", "RETR"},
		Codes:    []int{234, 257, 226},
		Section:  "4217:4.2",
		Quote:    "Reset transfer parameters after the AUTH command, including (but are not limited to): user identity, default data ports, TYPE, STRU, MODE, and current working directory.",
		Level:    Must,
		Feature:  "AUTH-TLS",
		Writes:   true,
	}, func(s *S) {
		c := loginClear(s)
		home := c.Cmd("PWD")
		Expect(home).To(HaveReplyCode(257), "PWD after login")
		p := s.Path("lines.txt")
		put(s, c, p, []byte("one\ntwo\n")) // leaves TYPE I
		Expect(c.Cmd("CWD %s", s.Scratch())).To(HaveReplyCode(250), "CWD into the scratch directory")
		r, err := c.Auth("TLS")
		Expect(err).NotTo(HaveOccurred(), "the TLS handshake after AUTH TLS")
		if r.Code != 234 {
			Skip("the server does not accept AUTH TLS after a login (" + r.String() + "); RFC 4217 §12.1 leaves the order to it")
		}
		t := s.Settings.Target
		Expect(c.Login(t.User, t.Password, "")).To(Succeed(), "logging in again over TLS")
		Expect(workingDir(c)).To(Equal(PathOf(home)), "the working directory after AUTH TLS and a new login")
		tr := retrieve(c, dataKindFor(s, c), "RETR %s", p) // no TYPE since AUTH: ASCII
		expectTransferred(tr, "RETR after AUTH TLS")
		Expect(string(tr.Data)).To(Equal("one\r\ntwo\r\n"), "TYPE must be reset to ASCII (RFC 959 §5.1's default), whose end of line is CRLF")
	})
})
