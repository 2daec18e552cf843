package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 4217 §13: REIN ends the TLS session.
var _ = Describe("RFC 4217 §13 Discussion of the REIN command", func() {
	Scenario(Spec{
		ID:       "TLS-003",
		Title:    "REIN on a control connection protected by AUTH TLS is answered 220 under TLS, then TLS is cleared and the connection goes on in the clear",
		Commands: []string{"AUTH", "REIN", "NOOP"},
		Codes:    []int{220, 200},
		Section:  "4217:13",
		Quote:    "When this command is processed by the server, the TLS session(s) MUST be cleared and the control and data connections revert to unprotected, clear communications.",
		Level:    Must,
		Feature:  "REIN",
	}, func(s *S) {
		if s.Settings.Target.TLS == TLSImplicit {
			Skip("the target speaks implicit TLS: §13 clears what AUTH TLS set up, and an implicit connection has no clear state to revert to")
		}
		c := s.LoginTLS()
		// The harness follows the server out of TLS after the 220; a server that keeps TLS
		// breaks this section's MUST, which the harness reports.
		Expect(c.Cmd("REIN")).To(HaveReplyCode(220), "REIN, answered under TLS")
		Expect(c.TLS()).To(BeFalse(), "after REIN's 220 the server must clear TLS")
		Expect(c.Cmd("NOOP")).To(HaveReplyCode(200), "a command in the clear after REIN")
	})
})
