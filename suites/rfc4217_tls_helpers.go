package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// Helpers of the FTP-over-TLS scenarios (RFC 2228, RFC 4217).

// loginClear logs in on a control connection without TLS, whatever the run's --tls (skipped on
// a target that speaks implicit TLS).
func loginClear(s *S) *Conn {
	c := s.DialClear()
	loginAgain(s, c, "without TLS")
	return c
}

// expectAuthTLS sends AUTH with a name of the TLS mechanism on a control connection without
// TLS, and expects 234, the TLS handshake, and a command answered over the new TLS session.
// why says why 234 is the answer. What NOOP is answered does not matter here, only that the
// answer comes over TLS: before a login many servers answer every command but the login and
// security ones with 530 (the general rules judge that code, not this scenario).
func expectAuthTLS(s *S, mechanism, why string) {
	c := s.DialClear()
	r, err := c.Auth(mechanism)
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "the TLS handshake after AUTH %s", mechanism)
	ExpectWithOffset(1, r).To(HaveReplyCode(234), "AUTH %s: %s", mechanism, why)
	s.Note("NOOP over the TLS session AUTH %s set up: %s", mechanism, c.Cmd("NOOP")) // Cmd fails on a broken session
}

// authAfterLogin sends AUTH TLS on a control connection that has logged in without TLS and
// expects the TLS handshake to follow. A server that takes AUTH only before a login skips the
// scenario: RFC 4217 §12.1 leaves the order to it.
func authAfterLogin(c *Conn) {
	r, err := c.Auth("TLS")
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "the TLS handshake after AUTH TLS")
	if r.Code != 234 {
		Skip("the server does not accept AUTH TLS after a login ("+r.String()+"); RFC 4217 §12.1 leaves the order to it", 1)
	}
}

// pbsz0 sends PBSZ 0, which must come before PROT (RFC 4217 §9), and expects 200.
func pbsz0(c *Conn) {
	ExpectWithOffset(1, c.Cmd("PBSZ 0")).To(HaveReplyCode(200), "PBSZ 0, which PROT needs first (RFC 4217 §9)")
}

// protectData sends PBSZ 0 and PROT P and requires both to be accepted.
func protectData(c *Conn) {
	ExpectWithOffset(1, c.ProtectData()).To(Succeed(), "PBSZ 0 and PROT P (RFC 4217 §9)")
}

// loginProtected logs in over TLS and protects the data connections too (PBSZ 0, PROT P).
func loginProtected(s *S) *Conn {
	c := s.LoginTLS()
	protectData(c)
	return c
}

// listScratchRoot lists the target's scratch root (NLST: it writes nothing) over the default data
// connection, at the connection's current protection level, and requires the transfer to succeed.
func listScratchRoot(s *S, c *Conn, what string) Transfer {
	t := c.Retrieve(kindFor(s, c), "NLST %s", s.Settings.Target.Scratch)
	expectTransferred(t, what)
	return t
}

// unknownMechanism is an AUTH mechanism no server implements ("X-" names are for local use,
// RFC 2228 §3).
const unknownMechanism = "X-FTPCONFORM-NONE"
