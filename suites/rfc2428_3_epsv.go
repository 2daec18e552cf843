package suites

import (
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// RFC 2428 §3: EPSV, EPSV <net-prt>, EPSV ALL. The basic EPSV transfer is DATA-040's.
var _ = Describe("RFC 2428 §3 The EPSV Command", func() {
	Scenario(Spec{
		ID:       "EPSV-001",
		Title:    "EPSV naming the control connection's own protocol enters extended passive mode (229) on it",
		Commands: []string{"EPSV", "LIST"},
		Codes:    []int{229},
		Section:  "2428:3",
		Quote:    "If the requested protocol is supported by the server, it SHOULD use the protocol.",
		Level:    Should,
		Feature:  "EPSV",
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("EPSV %d", ownProtocol(c))
		Expect(r).To(HaveReplyCode(229))
		_, err := ParseEPSV(r.Text())
		Expect(err).NotTo(HaveOccurred(), "the 229 reply must name the port it listens on as (<d><d><d>port<d>) (RFC 2428 §3)")
	})

	Scenario(Spec{
		ID:       "EPSV-002",
		Title:    "EPSV naming a protocol the server does not support answers 522 with the list of those it supports",
		Commands: []string{"EPSV"},
		Codes:    []int{522},
		Section:  "2428:3",
		Also:     []string{"2428:2"},
		Quote:    "If not, the server MUST return the 522 error messages as outlined in section 2.",
		Level:    Must,
		Feature:  "EPSV",
	}, func(s *S) {
		c := s.Login()
		expect522(c, c.Cmd("EPSV %d", unsupportedProtocol))
	})

	Scenario(Spec{
		ID:       "EPSV-003",
		Title:    "After EPSV ALL the server refuses PORT, PASV and EPRT, and EPSV still works",
		Commands: []string{"EPSV", "PORT", "PASV", "EPRT", "LIST"},
		Codes:    []int{200, 229, 500, 501},
		Section:  "2428:3",
		Also:     []string{"2428:4"},
		Quote:    "Upon receipt of an EPSV ALL command, the server MUST reject all data connection setup commands other than EPSV (i.e., EPRT, PORT, PASV, et al.).",
		Level:    Must,
		Feature:  "EPSV",
	}, func(s *S) {
		c := s.Login()
		// RFC 2428 gives EPSV ALL no reply code of its own: any positive completion accepts it
		// (200 command okay, 229 EPSV's, or 220 as Pure-FTPd and pyftpdlib answer).
		r := c.Cmd("EPSV ALL")
		Expect(r).To(BePositiveCompletion(), "EPSV ALL must be accepted")
		s.Note("EPSV ALL accepted with %s", r)
		local := c.LocalAddr().IP
		refused := []string{"EPRT " + EprtArgument(local, 50000)}
		if local.To4() != nil {
			refused = append(refused, "PORT "+PortArgument(local, 50000), "PASV")
		}
		for _, line := range refused {
			expectRefused(c.Cmd("%s", line), "after EPSV ALL, "+line+" must be rejected")
		}
		d, r := c.Data(EPSV)
		Expect(r).To(HaveReplyCode(229), "after EPSV ALL, EPSV must still work")
		defer d.Close()
		expectTransferred(d.Run("LIST", nil, false), "LIST over EPSV after EPSV ALL")
	})

	Scenario(Spec{
		ID:       "EPSV-004",
		Title:    "Over IPv6, EPSV answers 229 and a transfer runs over the port it names",
		Commands: []string{"EPSV", "LIST"},
		Codes:    []int{229, 150, 226},
		Section:  "2428:3",
		Quote:    "The response code for entering passive mode using an extended address MUST be 229.",
		Level:    Must,
		Feature:  "EPSV",
	}, func(s *S) {
		expectIPv6Listing(s, EPSV, 229)
	})
})
