package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 4217 §10: what a server does when TLS fails, and the policies it may hold.
var _ = Describe("RFC 4217 §10 A discussion of negotiation behaviour", func() {
	Scenario(Spec{
		ID:       "TLS-001",
		Title:    "A client that does not start TLS after 234 gets an unprotected 421, and the connection ends",
		Commands: []string{"AUTH", "NOOP"},
		Codes:    []int{234, 421},
		Section:  "4217:10.1",
		Quote:    "In this case, the control connection should still be in an unprotected mode and the server SHOULD issue an unprotected '421' reply to end the session.",
		Level:    Should,
		Feature:  "AUTH-TLS",
	}, func(s *S) {
		c := s.DialClear()
		Expect(c.Cmd("AUTH TLS")).To(HaveReplyCode(234), "AUTH TLS")
		// Not a TLS ClientHello: the negotiation fails completely, and the connection is still clear.
		c.SendRaw([]byte("NOOP\r\n"), "NOOP")
		r, err := c.ReadReply()
		Expect(err).NotTo(HaveOccurred(), "the server ended the session without the unprotected 421")
		Expect(r).To(HaveReplyCode(421), "the reply after a failed TLS negotiation")
		Expect(c.WaitClosed()).To(Succeed(), "421 ends the session")
	})

	Scenario(Spec{
		ID:       "TLS-005",
		Title:    "Under PROT P a data connection that does not negotiate TLS ends the transfer with 522 (never 226)",
		Commands: []string{"PROT", "STOR"},
		Codes:    []int{150, 522},
		Section:  "4217:10.2",
		Quote:    "Should the server not like the TLS negotiation, then it will close the data port immediately and follow the '150' command with a '522' reply, which indicates that the TLS negotiation failed or was unacceptable.",
		Level:    Must,
		Feature:  "PROT",
		Writes:   true,
	}, func(s *S) {
		c := loginProtected(s)
		t := dataFor(s, c).Clear().Run("STOR "+s.Path("clear.bin"), []byte("this data connection does not speak TLS\r\n"), true)
		Expect(t.First()).To(HaveReplyCode(125, 150), "STOR under PROT P")
		Expect(t).NotTo(BePositiveCompletion(), "no TLS was negotiated on the data connection: the transfer cannot have succeeded")
		s.Prefer(t.Final(), 522)
	})

	Scenario(Spec{
		ID:        "PROT-010",
		Title:     "A server that requires PROT P refuses a transfer without it before any 1yz, with 521 (or RFC 2228's 534), and carries it out under PROT P",
		Commands:  []string{"PBSZ", "PROT", "NLST"},
		Codes:     []int{521, 534, 226},
		Section:   "4217:10.2",
		Also:      []string{"2228:6"},
		Quote:     "The reply to indicate that the PROT setting is incorrect is '521 data connection cannot be opened with this PROT setting'",
		Level:     Must,
		Condition: CondProtPrivate,
	}, func(s *S) {
		cond := s.Condition(CondProtPrivate)
		c := s.LoginTLSAs(cond.Target, cond.Target.User, cond.Target.Password)
		pbsz0(c)
		t := c.Retrieve(kindFor(s, c), "NLST %s", cond.Target.Scratch)
		Expect(t.First()).To(HaveReplyCode(521, 534), "NLST at protection level Clear, on a server that requires Private: refused before any 1yz")
		s.Prefer(t.First(), 521)
		Expect(c.Cmd("PROT P")).To(HaveReplyCode(200), "PROT P")
		expectTransferred(c.Retrieve(kindFor(s, c), "NLST %s", cond.Target.Scratch), "NLST under PROT P")
	})

	Scenario(Spec{
		ID:        "TLS-006",
		Title:     "A server that demands TLS refuses a login on a clear control connection (530, or 534) and accepts it after AUTH TLS",
		Commands:  []string{"USER", "PASS", "AUTH"},
		Codes:     []int{530, 534, 230},
		Section:   "4217:10.1",
		Also:      []string{"2228:3"},
		Quote:     "The server code will be responsible for implementing the required policies and ensuring that the client is prevented from circumventing the chosen security by refusing to service those commands that are against policy.",
		Level:     Must,
		Condition: CondTLSRequired,
	}, func(s *S) {
		cond := s.Condition(CondTLSRequired)
		c := s.DialClearTarget(cond.Target)
		r := c.Cmd("USER %s", cond.Target.User)
		if r.Code == 331 {
			r = c.Cmd("PASS %s", cond.Target.Password)
		}
		Expect(r).To(HaveReplyCode(530, 534), "a login without TLS, where the server demands it")
		s.LoginTLSAs(cond.Target, cond.Target.User, cond.Target.Password)
	})

	Scenario(Spec{
		ID:        "TLS-007",
		Title:     "A server that insists on TLS session reuse accepts a data connection resuming the control connection's session, and answers 522 to one that does not",
		Commands:  []string{"PROT", "NLST"},
		Codes:     []int{226, 522},
		Section:   "4217:10.2",
		Quote:     "If this is the reason for the refusal to allow the data transfer, then the '522' reply should indicate this.",
		Level:     Should,
		Condition: CondTLSSessionReuse,
	}, func(s *S) {
		cond := s.Condition(CondTLSSessionReuse)
		c := s.LoginTLSAs(cond.Target, cond.Target.User, cond.Target.Password)
		protectData(c)
		expectTransferred(c.Retrieve(kindFor(s, c), "NLST %s", cond.Target.Scratch),
			"NLST on a data connection that resumes the control connection's TLS session")
		c.ForgetTLSSessions()
		t := c.Retrieve(kindFor(s, c), "NLST %s", cond.Target.Scratch)
		Expect(t).To(HaveReplyCode(522), "NLST on a data connection with a new TLS session, where the server insists on reuse")
	})
})
