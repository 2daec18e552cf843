package suites

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
	"time"

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

	Scenario(Spec{
		ID:       "DATA-022",
		Title:    "Without PORT or PASV, the server connects to the client's default data port (its control port) from the control connection's address, and the file arrives byte for byte",
		Commands: []string{"RETR"},
		Codes:    []int{125, 150, 226, 250},
		Section:  "959:3.2",
		Also:     []string{"1123:4.1.2.12", "959:5.2"},
		Quote:    "Every FTP implementation must support the use of the default data ports, and only the USER-PI can initiate a change to non-default ports.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		p := s.Path("default-port.bin")
		data := randomBytes(70_000)
		put(s, s.Login(), p, data)
		c, ln := listenDefaultPort(s)
		typeImage(c)
		first := c.Cmd("RETR %s", p)
		Expect(first).To(HaveReplyCode(125, 150), "RETR with no PORT or PASV: the default data port is used")
		ln.(*net.TCPListener).SetDeadline(time.Now().Add(s.ReplyTimeout()))
		nc, err := ln.Accept()
		Expect(err).NotTo(HaveOccurred(), "the server must connect to the default data port %s (RFC 959 §3.2: \"The user-process default data port is the same as the control connection port\")", ln.Addr())
		s.Defer(func() { nc.Close() })
		from, server := nc.RemoteAddr().(*net.TCPAddr), c.RemoteAddr()
		s.Note("the server connected from %s; its control connection is %s (RFC 959 §3.2 names port L-1 as the server's default data port)", from, server)
		Expect(from.IP.Equal(server.IP)).To(BeTrue(), "the data connection came from %s; RFC 1123 §4.1.2.12: \"the default data transfer port (L-1) MUST be associated with the same local IP address as the corresponding control connection to port L\", here %s", from.IP, server.IP)
		nc, err = c.SecureData(nc) // TLS after the 1yz under PROT P (RFC 4217 §12.7)
		Expect(err).NotTo(HaveOccurred())
		got := readRest(s, nc)
		_, final := finalReplies(c, first)
		Expect(final).To(HaveReplyCode(226, 250))
		expectSameBytes(got, data, "RETR over the default data connection")
	})
})

// listenDefaultPort logs in and listens on the control connection's own port, the user's
// default data port (RFC 959 §3.2). When that port cannot be listened on here (another socket of
// this machine holds it), it tries again with a new control connection.
func listenDefaultPort(s *S) (*Conn, net.Listener) {
	for try := 1; ; try++ {
		c := s.Login()
		ln, err := c.ListenDefaultPort()
		if err == nil {
			s.Defer(func() { ln.Close() })
			return c, ln
		}
		if !errors.Is(err, syscall.EADDRINUSE) || try == 5 {
			c.Close()
			Fail(setupStep("listening on the default data port %s: %v", c.LocalAddr(), err))
		}
		c.Discard()
	}
}
