package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 4217 §9: the protection level of the data connections (PBSZ, PROT).
var _ = Describe("RFC 4217 §9 Data connection security", func() {
	Scenario(Spec{
		ID:       "PROT-001",
		Title:    "After PROT P is accepted (200) the data connections use TLS: a file stored and read back over them is intact",
		Commands: []string{"PBSZ", "PROT", "STOR", "RETR"},
		Codes:    []int{200, 150, 226},
		Section:  "4217:9",
		Quote:    "Once a PROT command has been issued by the client and accepted by the server returning the '200' reply, the security of subsequent data connections MUST be at that level until another PROT command is issued and accepted; the session ends and a REIN command is issued, or the security of the session (via an AUTH command) is re-negotiated.",
		Level:    Must,
		Feature:  "PROT",
		Writes:   true,
	}, func(s *S) {
		c := loginProtected(s)
		data := randomBytes(300 << 10)
		p := s.Path("private.bin")
		put(s, c, p, data) // the harness negotiates TLS on the data connection: it fails if the server does not
		expectSameBytes(getImage(s, c, p), data, "RETR of the file stored over TLS")
	})

	Scenario(Spec{
		ID:       "PROT-003",
		Title:    "PROT C after PROT P is accepted (200) and the data connections go without TLS again",
		Commands: []string{"PBSZ", "PROT", "NLST"},
		Codes:    []int{200, 226},
		Section:  "4217:9",
		Quote:    "With 'Clear' protection level, the data connection is made without TLS.",
		Level:    Must,
		Feature:  "PROT",
	}, func(s *S) {
		c := loginProtected(s)
		Expect(c.Cmd("PROT C")).To(HaveReplyCode(200), "PROT C")
		listScratchRoot(s, c, "NLST without TLS after PROT C")
	})

	Scenario(Spec{
		ID:       "PROT-007",
		Title:    "PROT P on a control connection without TLS is refused: no protected data connection without a protected control connection",
		Commands: []string{"PBSZ", "PROT"},
		Codes:    []int{503},
		Section:  "4217:9",
		Quote:    "Note: In line with [RFC-2228], there is no facility for securing the Data connection with an insecure Control connection.",
		Level:    Must,
		Feature:  "PROT",
	}, func(s *S) {
		c := loginClear(s)
		c.Cmd("PBSZ 0") // refused as a rule (PBSZ-003); PROT must be refused either way
		r := c.Cmd("PROT P")
		Expect(r).NotTo(BePositiveCompletion(), "the control connection is not protected")
		s.Prefer(r, 503)
	})

	Scenario(Spec{
		ID:       "PROT-008",
		Title:    "The initial protection level is Clear: after AUTH TLS and PBSZ, without PROT, data connections go without TLS",
		Commands: []string{"AUTH", "PBSZ", "NLST"},
		Codes:    []int{200, 226, 521, 534},
		Section:  "4217:9",
		Quote:    "The initial state of the data connection MUST be 'Clear' (this is the behaviour as indicated by [RFC-2228]).",
		Level:    Must,
		Feature:  "PBSZ",
	}, func(s *S) {
		c := s.LoginTLS()
		pbsz0(c)
		t := c.Retrieve(kindFor(s, c), "NLST %s", s.Settings.Target.Scratch)
		if t.First().Code == 521 || t.First().Code == 534 {
			s.Note("the server refuses transfers without PROT P (%s), as RFC 4217 §10.2 allows", t.First())
			return
		}
		expectTransferred(t, "NLST at the initial level, without TLS on the data connection")
	})

	Scenario(Spec{
		ID:       "PROT-009",
		Title:    "After REIN the protection level is Clear again: data connections go without TLS",
		Commands: []string{"PROT", "REIN", "NLST"},
		Codes:    []int{220, 226},
		Section:  "4217:9",
		Also:     []string{"4217:13"},
		Quote:    "Once a PROT command has been issued by the client and accepted by the server returning the '200' reply, the security of subsequent data connections MUST be at that level until another PROT command is issued and accepted; the session ends and a REIN command is issued, or the security of the session (via an AUTH command) is re-negotiated.",
		Level:    Must,
		Feature:  "REIN",
	}, func(s *S) {
		c := loginProtected(s)
		Expect(c.Cmd("REIN")).To(HaveReplyCode(220), "REIN")
		loginAgain(s, c, "again after REIN")
		listScratchRoot(s, c, "NLST after REIN, without TLS on the data connection")
	})
})
