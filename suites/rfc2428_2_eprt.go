package suites

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// RFC 2428 §2: EPRT, PORT for any network protocol; 522 names the protocols the server supports.
// The basic EPRT transfer is DATA-041's.

// protocolList is the end of a 522 text: "<text without parentheses> (prot1,prot2,...,protn)".
var protocolList = regexp.MustCompile(`^[^()]*\((\d+(?:,\d+)*)\)\s*$`)

// unsupportedProtocol is address family 3 (NSAP, RFC 1700): one no FTP server speaks.
const unsupportedProtocol = 3

// ownProtocol is the RFC 2428 protocol number of the control connection: 1 IPv4, 2 IPv6.
func ownProtocol(c *Conn) int {
	if c.LocalAddr().IP.To4() != nil {
		return 1
	}
	return 2
}

// expect522 checks the reply to an EPRT or EPSV that named a protocol the server does not
// support: 522, its text ending with the list of the protocols the server supports (RFC 2428
// §2), among them the protocol of this very connection.
func expect522(c *Conn, r Reply) {
	ExpectWithOffset(1, r).To(HaveReplyCode(522))
	m := protocolList.FindStringSubmatch(r.Text())
	ExpectWithOffset(1, m).NotTo(BeNil(),
		"the 522 text must be <text stating that the network protocol is unsupported> (prot1,prot2,...,protn), the text without '(' and ')' (RFC 2428 §2); got %q", r.Text())
	own := strconv.Itoa(ownProtocol(c))
	ExpectWithOffset(1, strings.Split(m[1], ",")).To(ContainElement(own),
		"the 522 list (%s) must name the protocols the server supports, among them %s, the protocol of this very connection", m[1], own)
}

// requireIPv6 skips a scenario whose control connection is not IPv6.
func requireIPv6(c *Conn) {
	if c.RemoteAddr().IP.To4() != nil {
		Skip("the target has no IPv6: the control connection is " + c.RemoteAddr().String() + " (give an IPv6 target, ftp://user:pass@[::1]:port/, to run it)")
	}
}

// expectIPv6Listing is the IPv6 data connection of EPRT-002 and EPSV-004: on an IPv6 control
// connection, kind's setup command answers code, and a LIST runs over the connection it set up.
func expectIPv6Listing(s *S, kind DataKind, code int) {
	c := s.Login()
	requireIPv6(c)
	d, r := c.Data(kind)
	ExpectWithOffset(1, r).To(HaveReplyCode(code), "%s on an IPv6 control connection", kind)
	defer d.Close()
	expectTransferred(d.Run("LIST", nil, false), fmt.Sprintf("LIST over %s on IPv6", kind))
}

var _ = Describe("RFC 2428 §2 The EPRT Command", func() {
	Scenario(Spec{
		ID:       "EPRT-001",
		Title:    "EPRT with a network protocol the server does not support answers 522 with the list of those it supports",
		Commands: []string{"EPRT"},
		Codes:    []int{522},
		Section:  "2428:2",
		Quote:    "The text portion of the response MUST indicate which network protocols the server does support.",
		Level:    Must,
		Feature:  "EPRT",
	}, func(s *S) {
		c := s.Login()
		expect522(c, c.Cmd("EPRT |%d|%s|%d|", unsupportedProtocol, c.LocalAddr().IP, 50000))
	})

	Scenario(Spec{
		ID:       "EPRT-002",
		Title:    "Over IPv6, EPRT |2|address|port| is accepted with 200 and the server connects there",
		Commands: []string{"EPRT", "LIST"},
		Codes:    []int{200, 150, 226},
		Section:  "2428:2",
		Quote:    "Upon receipt of a valid EPRT command, the server MUST return a code of 200 (Command OK).",
		Level:    Must,
		Feature:  "EPRT",
	}, func(s *S) {
		expectIPv6Listing(s, EPRT, 200) // the harness's EPRT names af 2 on an IPv6 connection
	})

	Scenario(Spec{
		ID:       "EPRT-003",
		Title:    "EPRT with a malformed argument is refused, preferably as a syntax error (501 or 500)",
		Commands: []string{"EPRT"},
		Codes:    []int{501, 500, 522},
		Section:  "2428:2",
		Quote:    "The standard negative error code 500 and 501 [PR85] are sufficient to handle most errors (e.g., syntax errors) involving the EPRT command.",
		Level:    Must,
		Feature:  "EPRT",
	}, func(s *S) {
		// Only a valid EPRT earns 200; for the others §2 calls 500 and 501 sufficient but
		// requires neither. A server that reads the first character as the delimiter (any of
		// ASCII 33-126 may be one) finds a network protocol it does not know in "1,127.0.0.1,50000"
		// and may answer 522: a permanent refusal too, so only the choice of code is a warning.
		c := s.Login()
		ip := c.LocalAddr().IP.String()
		for _, arg := range []string{
			"|1|" + ip + "|",      // no port
			"|1|" + ip + "|port|", // not a number
			"1," + ip + ",50000",  // no delimiters
		} {
			r := c.Cmd("EPRT %s", arg)
			expectRefused(r, "EPRT "+arg+" is malformed: only a valid EPRT is answered 200 (RFC 2428 §2)")
			s.Prefer(r, 501, 500)
		}
	})
})
