package suites

import (
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"

	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// RFC 1639: LPRT and LPSV, PORT and PASV with long addresses af,hal,h1,...,pal,p1,p2. Optional in
// every profile.

// longAddress is the parenthesised long address of a 228 reply.
var longAddress = regexp.MustCompile(`\((\s*\d+\s*(?:,\s*\d+\s*)+)\)`)

// familyList is the parenthesised list of address families of RFC 1639 §4's suggested 521 text;
// numbers, or ASCII names ("it has been suggested that the families could also be represented
// by ASCII strings").
var familyList = regexp.MustCompile(`\(\s*[0-9A-Za-z]+(\s*,\s*[0-9A-Za-z]+)*\s*\)`)

// parseLPSV reads af, the address and the port of a 228 reply.
func parseLPSV(r Reply) (af int, addr []byte, port int) {
	m := longAddress.FindStringSubmatch(r.Text())
	ExpectWithOffset(1, m).NotTo(BeNil(), "228 must give the long address (af, hal, h1, h2, h3,..., pal, p1, p2...) (RFC 1639 §3); got %s", r)
	var n []int
	for _, f := range strings.Split(m[1], ",") {
		v, _ := strconv.Atoi(strings.TrimSpace(f))
		ExpectWithOffset(1, v).To(BeNumerically("<=", 255), "%s: every field is one octet", r)
		n = append(n, v)
	}
	af, hal := n[0], n[1]
	ExpectWithOffset(1, len(n)).To(BeNumerically(">", 2+hal), "%s: hal is %d but fewer address octets follow", r, hal)
	pal := n[2+hal]
	ExpectWithOffset(1, len(n)).To(Equal(3+hal+pal), "%s: af, hal, %d address octets, pal, %d port octets", r, hal, pal)
	for _, b := range n[2 : 2+hal] {
		addr = append(addr, byte(b))
	}
	for _, b := range n[3+hal:] {
		port = port<<8 | b
	}
	return af, addr, port
}

var _ = Describe("RFC 1639 FTP Operation Over Big Address Records (LPRT, LPSV)", func() {
	Scenario(Spec{
		ID:       "LPSV-001",
		Title:    "LPSV answers 228 with the long address of the control connection's family, and a transfer runs over its port",
		Commands: []string{"LPSV", "RETR"},
		Codes:    []int{228, 150, 226},
		Section:  "1639:3",
		Quote:    "The reply code and text for entering the passive mode using a long address is 228",
		Level:    Must,
		Feature:  "LPSV",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		data := []byte("moved over a long passive address")
		put(s, c, s.Path("long.txt"), data)
		r := c.Cmd("LPSV")
		Expect(r).To(HaveReplyCode(228))
		af, addr, port := parseLPSV(r)
		if c.RemoteAddr().IP.To4() != nil {
			Expect([]int{af, len(addr)}).To(Equal([]int{4, 4}), "on IPv4, af 4 (IP version 4) and 4 address octets (RFC 1639 §2): %s", r)
		} else {
			Expect([]int{af, len(addr)}).To(Equal([]int{6, 16}), "on IPv6, af 6 and 16 address octets: %s", r)
		}
		if !net.IP(addr).Equal(c.RemoteAddr().IP) {
			s.Note("LPSV named %s; the suite connects to the control connection's peer %s", net.IP(addr), c.RemoteAddr().IP)
		}
		d := c.PassiveData(LPSV, r, port) // to the control connection's peer only, as for PASV
		defer d.Close()
		begin(d, "RETR %s", s.Path("long.txt")) // TLS on the data connection under PROT P
		got, err := io.ReadAll(readerOf(s, d.NetConn()))
		Expect(err).NotTo(HaveOccurred(), "reading the LPSV data connection to its end")
		Expect(d.Finish()).To(HaveReplyCode(226, 250), "the end of RETR over the LPSV data connection")
		expectSameBytes(got, data, "RETR over LPSV")
	})

	Scenario(Spec{
		ID:       "LPRT-003",
		Title:    "LPRT with the client's own long address is accepted, and a transfer runs to that address and port",
		Commands: []string{"LPRT", "RETR"},
		Codes:    []int{150, 226},
		Section:  "1639:2",
		Quote:    "The LPRT command allows users to specify a \"long\" address for the transport connection over which data are transferred.",
		Level:    Must,
		Feature:  "LPRT",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		data := []byte("moved over a long active address")
		put(s, c, s.Path("long.txt"), data)
		d, r := c.Data(LPRT)
		if r.Code == 521 {
			// RFC 1639 §4: a server may support other families than this connection's (LPRT-001
			// checks the form of the 521).
			Skip(fmt.Sprintf("LPRT for this connection's address family was answered %s (RFC 1639 §4 allows it)", r))
		}
		// RFC 1639 names no success code; PORT's is 200 (RFC 959 §4.1.2), and any 2yz is a success.
		Expect(d).NotTo(BeNil(), "%s must be accepted: it is the client's own address (got %s)", r.Command, r)
		defer d.Close()
		s.Prefer(r, 200)
		t := d.Run("RETR "+s.Path("long.txt"), nil, false)
		Expect(t).To(HaveReplyCode(226, 250), "the end of RETR over the LPRT data connection")
		expectSameBytes(t.Data, data, "RETR to the LPRT address")
	})

	Scenario(Spec{
		ID:       "LPRT-001",
		Title:    "LPRT with an address family the server does not support answers 521 with the families it supports",
		Commands: []string{"LPRT"},
		Codes:    []int{521},
		Section:  "1639:4",
		Quote:    "An additional negative completion reply code is needed to distinguish the case where a host supports the LPRT or LPSV command, but does not support the address family specified.",
		Level:    Must,
		Feature:  "LPRT",
	}, func(s *S) {
		c := s.Login()
		// Address family 16, Novell IPX: 4 octets of network and 6 of node, a 2-octet socket.
		r := c.Cmd("LPRT 16,10,0,0,0,1,0,0,0,0,0,1,2,4,1")
		Expect(r).To(HaveReplyCode(521))
		// RFC 1639 §4 only suggests the text ("with the following suggested textual message").
		s.Should(familyList.MatchString(r.Text()), "1639:4",
			"the 521 text %q does not name the supported families as §4 suggests: \"521 Supported address families are (af1, af2, ..., afn)\"", r.Text())
	})

	Scenario(Spec{
		ID:       "LPRT-002",
		Title:    "LPRT with a malformed long address is a syntax error: 501 (or 500)",
		Commands: []string{"LPRT"},
		Codes:    []int{501, 500},
		Section:  "1639:4",
		Quote:    "The negative completion reply codes that are associated with syntax errors in the PORT and PASV commands are appropriate for the LPRT and LPSV commands (500, 501).",
		Level:    Must,
		Feature:  "LPRT",
	}, func(s *S) {
		c := s.Login()
		Expect(c.Cmd("LPRT 4,4,127,0")).To(HaveReplyCode(501, 500), "the address stops after two of its four octets")
	})
})
