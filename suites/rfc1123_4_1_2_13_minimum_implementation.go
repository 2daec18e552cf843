package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 1123 §4.1.2.13: the minimum implementation grows beyond RFC 959 §5.1's. Most of the
// commands it adds are features the profiles that include RFC 1123 require (harness/features.go);
// ACCT has no probe of its own, so it is judged here.
var _ = Describe("RFC 1123 §4.1.2.13 Minimum implementation", func() {
	Scenario(Spec{
		ID:       "ACCT-007",
		Title:    "ACCT is implemented: a site where accounts mean nothing answers 202 (superfluous), not 502 (not implemented)",
		Commands: []string{"ACCT"},
		Codes:    []int{202, 230, 502},
		Section:  "1123:4.1.2.13",
		Also:     []string{"959:4.2", "959:4.1.1"},
		Quote:    "The following commands and options MUST be supported by every server-FTP and user-FTP, except in cases where the underlying file system or operating system does not allow or support a particular command.",
		Level:    Must,
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("ACCT ftpconform")
		// RFC 959 §4.2 says how a site with no use for a command supports it: "a Positive
		// Completion reply is still desired" (202, "superfluous at this site").
		Expect(r).NotTo(HaveReplyCode(500, 502), "RFC 1123 §4.1.2.13 lists ACCT among the commands every server-FTP must support; where no account is needed, ACCT is answered 202 (RFC 959 §4.2: \"a Positive Completion reply is still desired\")")
		s.Note("ACCT after login: %s", r)
	})
})
