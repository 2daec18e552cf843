package suites

import (
	"encoding/base64"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 2228 §3: the security commands, as a server that offers TLS (RFC 4217) answers them. TLS
// uses AUTH, PBSZ, PROT and CCC; ADAT, MIC, CONF and ENC belong to mechanisms TLS is not, so a
// TLS server refuses them, in the rows RFC 2228 gives them.
var _ = Describe("RFC 2228 §3 New FTP commands", func() {
	Scenario(Spec{
		ID:       "AUTH-002",
		Title:    "AUTH with a mechanism the server does not know is refused with a 5yz reply documented for AUTH, preferably 504",
		Commands: []string{"AUTH"},
		Codes:    []int{504, 534, 502, 501, 500, 533},
		Section:  "2228:3",
		Quote:    "In all cases, the server must use a reply code which is documented as returnable from the command received, and this reply code must begin with the same digit as the recommended reply code for the situation.",
		Level:    Must,
		Feature:  "AUTH-TLS",
	}, func(s *S) {
		c := s.DialClear()
		r := c.Cmd("AUTH %s", unknownMechanism)
		// The replies §8.2 documents for AUTH that begin with 5, the digit of the recommended
		// 504: its own rows (502, 504, 534, 500, 501) and those of any security command (533).
		Expect(r).To(HaveReplyCode(504, 534, 502, 501, 500, 533),
			"%s is no mechanism the server can know; RFC 2228 §3 recommends 504 (\"If the server does not understand the named security mechanism, it should respond with reply code 504\")", unknownMechanism)
		s.Prefer(r, 504)
	})

	Scenario(Spec{
		ID:       "AUTH-004",
		Title:    "The mechanism name of AUTH is case-insensitive: AUTH tls is answered 234 like AUTH TLS",
		Commands: []string{"AUTH"},
		Codes:    []int{234},
		Section:  "2228:3",
		Also:     []string{"4217:17"},
		Quote:    "This string is case-insensitive.",
		Level:    Must,
		Feature:  "AUTH-TLS",
	}, func(s *S) {
		expectAuthTLS(s, "tls", "the mechanism name is case-insensitive: tls is TLS")
	})

	Scenario(Spec{
		ID:       "AUTH-005",
		Title:    "After AUTH TLS the user must log in again: a login made before it does not carry over",
		Commands: []string{"AUTH", "USER", "PASS", "CWD"},
		Codes:    []int{234, 530, 230},
		Section:  "2228:3",
		Also:     []string{"4217:4.2"},
		Quote:    "The server must also require that the user reauthorize (that is, reissue some or all of the USER, PASS, and ACCT commands) in this case",
		Level:    Must,
		Feature:  "AUTH-TLS",
	}, func(s *S) {
		c := loginClear(s)
		authAfterLogin(c)
		r := c.Cmd("CWD %s", s.Settings.Target.Scratch)
		Expect(r).NotTo(BePositiveCompletion(), "the login before AUTH TLS must not carry over: CWD needs a new login")
		Expect(r).To(HaveReplyCode(530), "CWD before the new login")
		loginAgain(s, c, "again over TLS")
	})

	Scenario(Spec{
		ID:       "PBSZ-001",
		Title:    "PBSZ 0 on a control connection protected with TLS is answered 200: 0 is the buffer size TLS uses",
		Commands: []string{"PBSZ"},
		Codes:    []int{200},
		Section:  "2228:3",
		Also:     []string{"4217:9", "4217:12.1"},
		Quote:    "Otherwise, the server must reply with a 200 reply code.",
		Level:    Must,
		Feature:  "PBSZ",
	}, func(s *S) {
		c := s.LoginTLS()
		Expect(c.Cmd("PBSZ 0")).To(HaveReplyCode(200), "RFC 4217 §9: PBSZ \"must have a parameter of '0'\" with TLS")
	})

	Scenario(Spec{
		ID:       "PBSZ-002",
		Title:    "PBSZ with a size larger than TLS uses is answered 200 and names the size to use: PBSZ=0",
		Commands: []string{"PBSZ"},
		Codes:    []int{200},
		Section:  "2228:3",
		Also:     []string{"4217:9"},
		Quote:    `If the size provided by the client is too large for the server, it must use a string of the form "PBSZ=number" in the text part of the reply to indicate a smaller buffer size.`,
		Level:    Must,
		Feature:  "PBSZ",
	}, func(s *S) {
		c := s.LoginTLS()
		r := c.Cmd("PBSZ 1048576")
		Expect(r).To(HaveReplyCode(200), "PBSZ with a decimal size of 32 bits")
		Expect(r.Text()).To(MatchRegexp(`PBSZ=0\b`),
			"TLS does not encapsulate the data connection (RFC 4217 §9): every size but 0 is too large, and the reply must say PBSZ=0")
	})

	Scenario(Spec{
		ID:       "PBSZ-003",
		Title:    "PBSZ on a control connection without TLS is refused (preferably 503): it must follow a security data exchange",
		Commands: []string{"PBSZ"},
		Codes:    []int{503},
		Section:  "2228:3",
		Also:     []string{"4217:9"},
		Quote:    "The PBSZ command must be preceded by a successful security data exchange.",
		Level:    Must,
		Feature:  "PBSZ",
	}, func(s *S) {
		c := loginClear(s)
		r := c.Cmd("PBSZ 0")
		Expect(r).NotTo(BePositiveCompletion(), "no security data exchange (AUTH TLS) has taken place")
		Expect(r).To(BePermanentNegative(), "a refusal from PBSZ's rows")
		s.Prefer(r, 503)
	})

	Scenario(Spec{
		ID:       "PBSZ-004",
		Title:    "PBSZ with an argument that is no decimal number of 32 bits is answered 501",
		Commands: []string{"PBSZ"},
		Codes:    []int{501},
		Section:  "2228:3",
		Quote:    "If the server cannot parse the argument, or if it will not fit in 32 bits, it should respond with a 501 reply code.",
		Level:    Should,
		Feature:  "PBSZ",
	}, func(s *S) {
		c := s.LoginTLS()
		Expect(c.Cmd("PBSZ none")).To(HaveReplyCode(501), "PBSZ none: not a decimal number")
		Expect(c.Cmd("PBSZ 4294967296")).To(HaveReplyCode(501), "PBSZ 4294967296: 2^32, beyond 32 bits")
	})

	Scenario(Spec{
		ID:       "PROT-004",
		Title:    "PROT S and PROT E are refused with 536: TLS has no Safe or Confidential level (504 is allowed)",
		Commands: []string{"PBSZ", "PROT"},
		Codes:    []int{536, 504},
		Section:  "2228:3",
		Also:     []string{"4217:9"},
		Quote:    "If the current security mechanism does not support the specified protection level, the server should respond with reply code 536.",
		Level:    Should,
		Feature:  "PROT",
	}, func(s *S) {
		c := s.LoginTLS()
		pbsz0(c)
		for _, level := range []string{"S", "E"} {
			r := c.Cmd("PROT %s", level)
			Expect(r).To(HaveReplyCode(536, 504), "RFC 4217 §9: \"only Private (use TLS) and Clear (don't use TLS) are used\"")
			s.Prefer(r, 536)
		}
	})

	Scenario(Spec{
		ID:       "PROT-005",
		Title:    "PROT with a level RFC 2228 does not define is answered 504",
		Commands: []string{"PBSZ", "PROT"},
		Codes:    []int{504},
		Section:  "2228:3",
		Quote:    "If the server does not understand the specified protection level, it should respond with reply code 504.",
		Level:    Should,
		Feature:  "PROT",
	}, func(s *S) {
		c := s.LoginTLS()
		pbsz0(c)
		Expect(c.Cmd("PROT X")).To(HaveReplyCode(504), "X is none of C, S, E, P")
	})

	Scenario(Spec{
		ID:       "PROT-006",
		Title:    "PROT without a preceding PBSZ should be refused with 503",
		Commands: []string{"PROT"},
		Codes:    []int{503},
		Section:  "2228:3",
		Also:     []string{"4217:9"},
		Quote:    "The PROT command will be rejected and the server should reply 503 if no previous PBSZ command was issued.",
		Level:    Should,
		Feature:  "PROT",
	}, func(s *S) {
		// RFC 4217 §9's "the PROT command MUST be preceded by a PBSZ command" binds the client,
		// which sends the commands; what the server does with a PROT that comes first, RFC
		// 2228 §3 says at the SHOULD level. vsftpd, ProFTPD and Pure-FTPd accept it.
		c := s.LoginTLS()
		r := c.Cmd("PROT P")
		Expect(r).NotTo(BePositiveCompletion(), "no PBSZ has been given")
		Expect(r).To(HaveReplyCode(503), "no PBSZ has been given")
	})

	Scenario(Spec{
		ID:       "CCC-001",
		Title:    "CCC on a control connection without TLS is refused with 533",
		Commands: []string{"CCC"},
		Codes:    []int{533},
		Section:  "2228:3",
		Also:     []string{"4217:5"},
		Quote:    "If the command is not integrity-protected, the server must respond with a 533 reply code.",
		Level:    Must,
		Feature:  "CCC",
	}, func(s *S) {
		c := loginClear(s)
		Expect(c.Cmd("CCC")).To(HaveReplyCode(533), "RFC 4217 §5: \"if the control connection is not protected with TLS, then a 533 reply should be sent\"")
	})

	Scenario(Spec{
		ID:       "ADAT-001",
		Title:    "ADAT before any AUTH is refused with a 5yz reply documented for ADAT, preferably 503",
		Commands: []string{"ADAT"},
		Codes:    []int{503, 500, 501, 502, 533, 535},
		Section:  "2228:3",
		Quote:    "In all cases, the server must use a reply code which is documented as returnable from the command received, and this reply code must begin with the same digit as the recommended reply code for the situation.",
		Level:    Must,
	}, func(s *S) {
		c := s.DialClear()
		expectADATRefused(s, c.Cmd("ADAT %s", base64.StdEncoding.EncodeToString([]byte("ftpconform"))),
			"no AUTH has been given: \"The ADAT command must be preceded by a successful AUTH command\"")
	})

	Scenario(Spec{
		ID:       "ADAT-002",
		Title:    "ADAT after AUTH TLS is refused with a 5yz reply documented for ADAT, preferably 503: TLS completes its exchange without security data",
		Commands: []string{"AUTH", "ADAT"},
		Codes:    []int{234, 503, 500, 501, 502, 533, 535},
		Section:  "2228:3",
		Also:     []string{"4217:4.2"},
		Quote:    "In all cases, the server must use a reply code which is documented as returnable from the command received, and this reply code must begin with the same digit as the recommended reply code for the situation.",
		Level:    Must,
		Feature:  "AUTH-TLS",
	}, func(s *S) {
		c := s.DialTLS()
		expectADATRefused(s, c.Cmd("ADAT %s", base64.StdEncoding.EncodeToString([]byte("ftpconform"))),
			"the TLS exchange is complete (RFC 4217 §4.2: \"This document does not use the ADAT command\"), and ADAT \"cannot be issued once a security data exchange completes\"")
	})

	Scenario(Spec{
		ID:       "TLS-004",
		Title:    "MIC, CONF and ENC before a security data exchange are refused (preferably 503), never carried out",
		Commands: []string{"MIC", "CONF", "ENC"},
		Codes:    []int{503, 502},
		Section:  "2228:3",
		Quote:    "This command must be preceded by a successful security data exchange.",
		Level:    Must,
	}, func(s *S) {
		c := loginClear(s)
		noop := base64.StdEncoding.EncodeToString([]byte("NOOP\r\n"))
		for _, verb := range []string{"MIC", "CONF", "ENC"} {
			r := c.Cmd("%s %s", verb, noop)
			Expect(r).To(HaveReplyCode(503, 500, 501, 502, 533, 535, 537),
				"%s \"must be preceded by a successful security data exchange\": the protected NOOP must not be carried out", verb)
			s.Prefer(r, 503, 502)
		}
	})
})

// expectADATRefused checks the refusal of an ADAT that no AUTH (or a completed exchange)
// stands before. RFC 2228 §3 recommends 503 for both cases; a server may choose another code,
// but it "must use a reply code which is documented as returnable from the command received"
// beginning with 5: those §8.2 lists for ADAT (503, 501, 535, 500) and for any security command
// (502, 533). 530 is not among them: §8.2 gives 530 to PBSZ and PROT only, since the security
// exchange comes before the login (§4), so "not logged in" is no answer to ADAT.
func expectADATRefused(s *S, r Reply, why string) {
	ExpectWithOffset(1, r).To(HaveReplyCode(503, 500, 501, 502, 533, 535), why)
	s.Prefer(r, 503)
}
