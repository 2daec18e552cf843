package suites

import (
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

// expectProtocolList checks a 522 text and returns the protocols it names.
func expectProtocolList(r Reply) []string {
	m := protocolList.FindStringSubmatch(r.Text())
	ExpectWithOffset(1, m).NotTo(BeNil(),
		"the 522 text must be <text stating that the network protocol is unsupported> (prot1,prot2,...,protn), the text without '(' and ')' (RFC 2428 §2); got %q", r.Text())
	return strings.Split(m[1], ",")
}

// requireIPv6 skips a scenario whose control connection is not IPv6.
func requireIPv6(c *Conn) {
	if c.RemoteAddr().IP.To4() != nil {
		Skip("the target has no IPv6: the control connection is " + c.RemoteAddr().String() + " (give an IPv6 target, ftp://user:pass@[::1]:port/, to run it)")
	}
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
		// Address family 3 (NSAP, RFC 1700) is one no FTP server speaks.
		r := c.Cmd("EPRT |3|%s|%d|", c.LocalAddr().IP, 50000)
		Expect(r).To(HaveReplyCode(522))
		own := "1"
		if c.LocalAddr().IP.To4() == nil {
			own = "2"
		}
		Expect(expectProtocolList(r)).To(ContainElement(own), "the list names the protocol of this very connection")
	})

	Scenario(Spec{
		ID:       "EPRT-002",
		Title:    "over IPv6, EPRT |2|address|port| is accepted with 200 and the server connects there",
		Commands: []string{"EPRT", "LIST"},
		Codes:    []int{200, 150, 226},
		Section:  "2428:2",
		Quote:    "Upon receipt of a valid EPRT command, the server MUST return a code of 200 (Command OK).",
		Level:    Must,
		Feature:  "EPRT",
	}, func(s *S) {
		c := s.Login()
		requireIPv6(c)
		d, r := c.Data(EPRT)
		Expect(r.Command).To(HavePrefix("EPRT |2|"), setupStep("the harness's EPRT for an IPv6 connection"))
		Expect(r).To(HaveReplyCode(200))
		Expect(d).NotTo(BeNil())
		defer d.Close()
		expectTransferred(d.Run("LIST", nil, false), "LIST after EPRT |2|")
	})

	Scenario(Spec{
		ID:       "EPRT-003",
		Title:    "EPRT with a malformed argument is a syntax error: 501 (or 500)",
		Commands: []string{"EPRT"},
		Codes:    []int{501, 500},
		Section:  "2428:2",
		Quote:    "The standard negative error code 500 and 501 [PR85] are sufficient to handle most errors (e.g., syntax errors) involving the EPRT command.",
		Level:    Must,
		Feature:  "EPRT",
	}, func(s *S) {
		c := s.Login()
		for _, arg := range []string{
			"|1|" + c.LocalAddr().IP.String() + "|",                      // no port
			"|1|" + c.LocalAddr().IP.String() + "|port|",                 // not a number
			"1," + c.LocalAddr().IP.String() + "," + strconv.Itoa(50000), // no delimiters
		} {
			Expect(c.Cmd("EPRT %s", arg)).To(HaveReplyCode(501, 500), "EPRT %s", arg)
		}
	})
})
