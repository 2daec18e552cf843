package suites

import (
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// Helpers of the FTP-over-TLS scenarios (RFC 2228, RFC 4217).

// loginClear logs in on a control connection without TLS, whatever the run's --tls (skipped on
// a target that speaks implicit TLS).
func loginClear(s *S) *Conn {
	c := s.DialClear()
	t := s.Settings.Target
	ExpectWithOffset(1, c.Login(t.User, t.Password, "")).To(Succeed(), "logging in without TLS")
	return c
}

// protectData sends PBSZ 0 and PROT P and requires both to be accepted.
func protectData(c *Conn) {
	ExpectWithOffset(1, c.ProtectData()).To(Succeed(), "PBSZ 0 and PROT P (RFC 4217 §9)")
}

// listScratchRoot lists the target's scratch root (NLST: it writes nothing) over the default data
// connection, at the connection's current protection level, and requires the transfer to succeed.
func listScratchRoot(s *S, c *Conn, what string) Transfer {
	t := retrieve(c, dataKindFor(s, c), "NLST %s", s.Settings.Target.Scratch)
	expectTransferred(t, what)
	return t
}

// unknownMechanism is an AUTH mechanism no server implements ("X-" names are for local use,
// RFC 2228 §3).
const unknownMechanism = "X-FTPCONFORM-NONE"
