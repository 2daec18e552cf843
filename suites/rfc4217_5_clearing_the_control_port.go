package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 4217 §5: CCC, back to a clear control connection.
var _ = Describe("RFC 4217 §5 Clearing the control port", func() {
	Scenario(Spec{
		ID:       "CCC-002",
		Title:    "CCC on a protected control connection is answered 200, after which the connection goes on in the clear, or 534 when the server will not clear it",
		Commands: []string{"CCC", "NOOP"},
		Codes:    []int{200, 534},
		Section:  "4217:5",
		Also:     []string{"2228:3"},
		Quote:    "Continue the control connection in plaintext, expecting the next command from the client to be in plaintext.",
		Level:    Must,
		Feature:  "CCC",
	}, func(s *S) {
		c := s.LoginTLS()
		r := c.Cmd("CCC")
		Expect(r).To(HaveReplyCode(200, 534), "RFC 4217 §5: 200 to clear the connection, 534 when \"the server does not wish to allow the control connection to be cleared\"")
		if r.Code == 534 {
			s.Note("the server refuses to clear the control connection (534)")
			return
		}
		Expect(c.TLS()).To(BeFalse(), "after 200 the server shuts TLS down and leaves the connection open")
		Expect(c.Cmd("NOOP")).To(HaveReplyCode(200), "the next command, in plaintext")
	})

	Scenario(Spec{
		ID:       "CCC-003",
		Title:    "After CCC the server accepts no PBSZ or PROT, and the data connections keep the protection level",
		Commands: []string{"CCC", "PBSZ", "PROT", "NLST"},
		Codes:    []int{200, 503, 226},
		Section:  "4217:5",
		Quote:    "Not accept any more PBSZ or PROT commands. All subsequent data transfers must be protected with the current PROT settings.",
		Level:    Must,
		Feature:  "CCC",
	}, func(s *S) {
		c := loginProtected(s)
		r := c.Cmd("CCC")
		Expect(r).To(HaveReplyCode(200, 534), "CCC")
		if r.Code == 534 {
			Skip("the server refuses to clear the control connection (534)")
		}
		r = c.Cmd("PROT C")
		Expect(r).NotTo(BePositiveCompletion(), "PROT after CCC")
		s.Prefer(r, 503, 534)
		Expect(c.Cmd("PBSZ 0")).NotTo(BePositiveCompletion(), "PBSZ after CCC")
		listScratchRoot(s, c, "NLST after CCC, with the data connection protected (PROT P)")
	})
})
