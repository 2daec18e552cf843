package suites

import (
	"errors"
	"fmt"

	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// RFC 7151: HOST, before login, names the virtual host the client wants.

// ownLiteral is the server's address as HOST writes it: IPv4 as is, IPv6 in brackets.
func ownLiteral(c *Conn) string {
	ip := c.RemoteAddr().IP
	if ip.To4() != nil {
		return ip.String()
	}
	return "[" + ip.String() + "]"
}

// otherLiteral is an address literal of the same family that is no server's: the
// documentation ranges (RFC 5737, RFC 3849).
func otherLiteral(c *Conn) string {
	if c.RemoteAddr().IP.To4() != nil {
		return "192.0.2.1"
	}
	return "[2001:db8::1]"
}

// unknownHost is a host name no server knows: ".invalid" names no host anywhere (RFC 2606 §2).
const unknownHost = "ftpconform-unknown-host.invalid"

var _ = Describe("RFC 7151 §3 The HOST Command", func() {
	Scenario(Spec{
		ID:       "HOST-001",
		Title:    "HOST with the server's own address literal is accepted with 220, and the login that follows works",
		Commands: []string{"HOST", "USER", "PASS"},
		Codes:    []int{220, 230},
		Section:  "7151:3.1",
		Also:     []string{"7151:3.2"},
		Quote:    "While it may seem counterintuitive to specify a literal address by using the HOST command after the client has already connected to the server using a literal address, this should be expected behavior because a user-FTP process should not be required to differentiate between a fully qualified domain name and an IPv4 or IPv6 network literal address.",
		Level:    Should,
		Feature:  "HOST",
	}, func(s *S) {
		c := s.Dial()
		Expect(c.Cmd("HOST %s", ownLiteral(c))).To(HaveReplyCode(220))
		loginAgain(s, c, "after HOST")
	})

	Scenario(Spec{
		ID:       "HOST-004",
		Title:    "HOST after login is a bad sequence of commands: 503",
		Commands: []string{"HOST"},
		Codes:    []int{503},
		Section:  "7151:3",
		Also:     []string{"7151:3.3"},
		Quote:    "Server-FTP processes MUST treat a situation in which the HOST command is issued after the user has been authenticated as an erroneous sequence of commands and return a 503 reply.",
		Level:    Must,
		Feature:  "HOST",
	}, func(s *S) {
		c := s.Login()
		Expect(c.Cmd("HOST %s", ownLiteral(c))).To(HaveReplyCode(503))
	})

	Scenario(Spec{
		ID:       "HOST-006",
		Title:    "A second HOST before login replaces the first and gets its own reply",
		Commands: []string{"HOST"},
		Codes:    []int{220, 504},
		Section:  "7151:3",
		Also:     []string{"7151:3.2.2"},
		Quote:    "Server-FTP processes MUST treat a situation in which the HOST command is issued more than once before the user has been authenticated as though only the last HOST command had been sent, and return the appropriate reply for the last HOST command.",
		Level:    Must,
		Feature:  "HOST",
	}, func(s *S) {
		c := s.Dial()
		Expect(c.Cmd("HOST %s", otherLiteral(c))).To(HaveReplyCode(504), setupStep("HOST %s", otherLiteral(c)))
		r := c.Cmd("HOST %s", ownLiteral(c))
		if r.Code == 504 {
			Skip("the server refuses its own address literal too (HOST-001 judges that): " + r.String())
		}
		Expect(r).To(HaveReplyCode(220), "the second HOST, with the server's own address")
		Expect(c.Cmd("HOST %s", otherLiteral(c))).To(HaveReplyCode(504), "the third HOST, with another address")
		loginAgain(s, c, "after HOST")
	})

	Scenario(Spec{
		ID:       "HOST-008",
		Title:    "After a refused HOST the server either closes the connection or acts as if no HOST was sent: the login works",
		Commands: []string{"HOST", "USER", "PASS"},
		Codes:    []int{504, 230},
		Section:  "7151:3.3",
		Quote:    "In all such cases, the server-FTP process MUST do one of the following: a. Ignore the HOST command and act as if a HOST command had not been sent. A user-FTP process MAY then send a subsequent HOST command with a different hostname. b. Close the connection.",
		Level:    Must,
		Feature:  "HOST",
	}, func(s *S) {
		c := s.Dial()
		r, err := c.TryCmd("HOST %s", unknownHost)
		if err == nil && r.Class() == 2 {
			Skip("the server accepts an unknown host name (HOST-005 judges that): " + r.String())
		}
		if err == nil {
			err = c.Login(s.Settings.Target.User, s.Settings.Target.Password, "")
		}
		if errors.Is(err, ErrClosedByServer) {
			s.Note("the server closed the connection after the refused HOST (RFC 7151 §3.3 b)")
			return
		}
		Expect(err).NotTo(HaveOccurred(),
			"HOST %s drew %s: the server must then either close the connection (b) or act as if no HOST had been sent (a), so that the login works", unknownHost, r)
	})

	// HOST arguments refused before login, each with the one reply it must or should draw.
	for _, h := range []struct {
		spec Spec
		arg  func(c *Conn) string
	}{
		{Spec{
			ID:       "HOST-002",
			Title:    "HOST with an address literal that is not the server's answers 504",
			Commands: []string{"HOST"},
			Codes:    []int{504},
			Section:  "7151:3.1",
			Quote:    "That being said, if the IPv4 or IPv6 literal address specified by the client does not match the literal address for the server, the server MUST respond with a 504 reply to indicate that the IPv4 or IPv6 literal address is not valid.",
			Level:    Must,
			Feature:  "HOST",
		}, otherLiteral},
		{Spec{
			ID:       "HOST-003",
			Title:    "HOST with a port after the address answers 501",
			Commands: []string{"HOST"},
			Codes:    []int{501},
			Section:  "7151:3.1",
			Quote:    "For example, the server-PI MUST respond with a 501 reply if the client sends a HOST command with syntax like either of the following examples:",
			Level:    Must,
			Feature:  "HOST",
		}, func(c *Conn) string { return fmt.Sprintf("%s:%d", ownLiteral(c), c.RemoteAddr().Port) }},
		{Spec{
			ID:       "HOST-005",
			Title:    "HOST with a host name the server does not know answers 504",
			Commands: []string{"HOST"},
			Codes:    []int{504},
			Section:  "7151:3.2",
			Also:     []string{"7151:3.3"},
			Quote:    "If the hostname specified is unknown at the server, or if the server is otherwise unwilling to treat the particular connection as a connection to the hostname specified, the server SHOULD respond with a 504 reply.",
			Level:    Should,
			Feature:  "HOST",
		}, func(*Conn) string { return unknownHost }},
		{Spec{
			ID:       "HOST-007",
			Title:    "HOST with a name that is not a hostname answers 501",
			Commands: []string{"HOST"},
			Codes:    []int{501},
			Section:  "7151:3.3",
			Also:     []string{"7151:3.1"},
			Quote:    "A 501 reply SHOULD be sent if the hostname given is syntactically invalid, and a 504 reply SHOULD be sent if a syntactically valid hostname is not a valid virtual hostname for the server.",
			Level:    Should,
			Feature:  "HOST",
		}, func(*Conn) string { return "not_a_hostname!" }},
	} {
		Scenario(h.spec, func(s *S) {
			c := s.Dial()
			arg := h.arg(c)
			Expect(c.Cmd("HOST %s", arg)).To(HaveReplyCode(h.spec.Codes...), "HOST %s", arg)
		})
	}
})
