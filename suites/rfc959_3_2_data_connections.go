package suites

import (
	"fmt"
	"net"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §3.2, §3.3: data connections of every kind (PASV, EPSV, PORT, EPRT) carry files
// byte for byte and listings; 125 when the connection is already open, 425 when it cannot be.

// integritySizes are the file sizes every kind of data connection must carry unchanged: the
// empty file, one byte, both sides of 64 KiB, and a few MiB.
var integritySizes = []int{0, 1, 64<<10 - 1, 64 << 10, 64<<10 + 1, 3<<20 + 7}

// kindSpec describes the scenarios that run once per kind of data connection.
type kindSpec struct {
	kind    DataKind
	feature string
	section string
	quote   string
}

var dataKinds = []kindSpec{
	{PASV, "PASV", "959:4.1.2", "This command requests the server-DTP to \"listen\" on a data port (which is not its default data port) and to wait for a connection rather than initiate one upon receipt of a transfer command."},
	{EPSV, "EPSV", "2428:3", "The EPSV command requests that a server listen on a data port and wait for a connection."},
	{PORT, "", "959:3.2", "The server, upon receiving the transfer request, will initiate the data connection to the port."},
	{EPRT, "EPRT", "2428:2", "The EPRT command allows for the specification of an extended address for the data connection."},
}

// needIPv4 skips a PORT scenario on an IPv6 control connection.
func needIPv4(c *Conn, kind DataKind) {
	if kind == PORT && c.LocalAddr().IP.To4() == nil {
		Skip("PORT needs an IPv4 control connection")
	}
}

var _ = Describe("RFC 959 §3.2 Establishing data connections", func() {
	for i, k := range dataKinds {
		Scenario(Spec{
			ID:       fmt.Sprintf("DATA-%03d", 10+i),
			Title:    fmt.Sprintf("Over %s, TYPE I files of 0, 1, 65535, 65536, 65537 bytes and 3 MiB are stored and retrieved byte for byte", k.kind),
			Commands: []string{string(k.kind), "TYPE", "STOR", "RETR"},
			Codes:    []int{200, 125, 150, 226, 250},
			Section:  "959:3.1.1.3",
			Also:     []string{"959:3.1", k.section},
			Quote:    "The receiving site must store the data as contiguous bits.",
			Level:    Must,
			Feature:  k.feature,
			Writes:   true,
		}, func(s *S) {
			c := s.Login()
			needIPv4(c, k.kind)
			setType(c, "I")
			for _, n := range integritySizes {
				data := randomBytes(n)
				p := s.Path(fmt.Sprintf("image-%d.bin", n))
				expectTransferred(c.Store(k.kind, data, "STOR %s", p), fmt.Sprintf("STOR of %d bytes over %s", n, k.kind))
				t := c.Retrieve(k.kind, "RETR %s", p)
				expectTransferred(t, fmt.Sprintf("RETR of %d bytes over %s", n, k.kind))
				expectSameBytes(t.Data, data, "RETR over %s in TYPE I of the %d-byte file just stored", k.kind, n)
			}
		})
	}

	for i, k := range dataKinds {
		Scenario(Spec{
			ID:       fmt.Sprintf("DATA-%03d", 30+i),
			Title:    fmt.Sprintf("LIST over %s sends the directory listing on the data connection", k.kind),
			Commands: []string{string(k.kind), "LIST"},
			Codes:    []int{125, 150, 226, 250},
			Section:  k.section,
			Also:     []string{"959:4.1.3"},
			Quote:    k.quote,
			Level:    Must,
			Feature:  k.feature,
			Writes:   true,
		}, func(s *S) {
			c := s.Login()
			needIPv4(c, k.kind)
			put(s, c, s.Path("listed-file.txt"), []byte("listed\n"))
			t := c.Retrieve(k.kind, "LIST %s", s.Scratch())
			expectTransferred(t, "LIST over "+string(k.kind))
			Expect(string(t.Data)).To(ContainSubstring("listed-file.txt"), "the listing of %s over %s", s.Scratch(), k.kind)
		})
	}

	Scenario(Spec{
		ID:        "DATA-020",
		Title:     "A transfer whose passive data connection is already open is announced with 125",
		Commands:  []string{"PASV", "LIST"},
		Codes:     []int{125, 226},
		Section:   "959:4.2.1",
		Also:      []string{"959:5.4"},
		Quote:     "125 Data connection already open; transfer starting.",
		Level:     Must,
		Condition: CondAnnounceOpen,
	}, func(s *S) {
		cond := s.Condition(CondAnnounceOpen)
		c := loginOn(s, cond)
		t := c.Retrieve(PASV, "LIST") // the harness connects right after 227, before LIST
		Expect(t.First()).To(HaveReplyCode(125), "the data connection was open before LIST: 150 would announce one about to be opened")
		Expect(t.DataErr).NotTo(HaveOccurred())
		Expect(t).To(HaveReplyCode(226, 250))
	})

	Scenario(Spec{
		ID:       "DATA-021",
		Title:    "A transfer whose data connection cannot be opened (PORT to a port where nothing listens) ends with 425",
		Commands: []string{"PORT", "LIST"},
		Codes:    []int{200, 425},
		Section:  "959:4.2.1",
		Also:     []string{"959:5.4"},
		Quote:    "425 Can't open data connection.",
		Level:    Must,
	}, func(s *S) {
		c := s.Login()
		needIPv4(c, PORT)
		// A loopback port that nothing listens on: taken, then released.
		ln, err := net.Listen("tcp", net.JoinHostPort(c.LocalAddr().IP.String(), "0"))
		Expect(err).NotTo(HaveOccurred())
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		r := c.Cmd("PORT %s", PortArgument(c.LocalAddr().IP, port))
		if r.Code == 425 {
			s.Note("the server tried the connection at PORT already and answered 425 there")
			return
		}
		Expect(r).To(HaveReplyCode(200))
		_, final := finalReplies(c, c.Cmd("LIST"))
		Expect(final).To(HaveReplyCode(425), "nothing listens on port %s: the data connection cannot be opened", strconv.Itoa(port))
	})
})
