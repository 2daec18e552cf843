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
		expectAuthTLS(s, "TLS", "RFC 4217 §4.2: \"the '334' reply is incorrect\"")
	})

	Scenario(Spec{
		ID:       "AUTH-006",
		Title:    "AUTH TLS resets the transfer parameters: TYPE is ASCII again and the working directory is the login's",
		Commands: []string{"AUTH", "TYPE", "CWD", "PWD", "RETR"},
		Codes:    []int{234, 257, 226},
		Section:  "4217:4.2",
		Quote:    "Additionally, this document specifies that all other transfer parameters (other than the AUTH parameter) must be reset, almost as if a REIN command was issued.",
		Level:    Must,
		Feature:  "AUTH-TLS",
		Writes:   true,
	}, func(s *S) {
		c := loginClear(s)
		home := workingDir(c)
		p := s.Path("lines.txt")
		put(s, c, p, []byte("one\ntwo\n")) // leaves TYPE I
		chdir(c, s.Scratch())
		authAfterLogin(c)
		loginAgain(s, c, "again over TLS")
		Expect(workingDir(c)).To(Equal(home), "the working directory after AUTH TLS and a new login must be the login's again, %s", home)
		tr := retrieveFile(s, c, p) // no TYPE since AUTH: ASCII
		expectTransferred(tr, "RETR after AUTH TLS")
		Expect(string(tr.Data)).To(Equal("one\r\ntwo\r\n"), "TYPE must be reset to ASCII (RFC 959 §5.1's default), whose end of line is CRLF")
	})
})
