package suites

import (
	"fmt"
	"net"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §4.1.2: PORT, PASV, TYPE, STRU, MODE as commands: what each accepts and refuses.
// What the parameters do to the data is in rfc959_3_*.go.
var _ = Describe("RFC 959 §4.1.2 Transfer parameter commands", func() {
	// ---- PORT ----

	Scenario(Spec{
		ID:       "PORT-001",
		Title:    "PORT with the client's address and a listening port is accepted (200) and the server connects there for the transfer",
		Commands: []string{"PORT", "LIST"},
		Codes:    []int{200, 150, 226},
		Section:  "959:4.1.2",
		Also:     []string{"959:3.2"},
		Quote:    "The argument is a HOST-PORT specification for the data port to be used in data connection.",
		Level:    Must,
	}, func(s *S) {
		c := s.Login()
		if c.LocalAddr().IP.To4() == nil {
			Skip("PORT needs an IPv4 control connection")
		}
		d := openData(c, PORT)
		defer d.Close()
		Expect(d.Setup).To(HaveReplyCode(200))
		t := d.Run("LIST", nil, false)
		expectTransferred(t, "LIST after PORT")
	})

	Scenario(Spec{
		ID:       "PORT-002",
		Title:    "PORT with a malformed argument (not six decimal numbers from 0 to 255) is refused as a syntax error (501)",
		Commands: []string{"PORT"},
		Codes:    []int{501, 500},
		Section:  "959:4.1.2",
		Quote:    "This address information is broken into 8-bit fields and the value of each field is transmitted as a decimal number (in character string representation).",
		Level:    Must,
	}, func(s *S) {
		c := s.Login()
		for _, arg := range []string{
			"127,0,0,1,7",     // five fields
			"127,0,0,1,7,1,1", // seven fields
			"127,0,0,1,256,1", // not an 8-bit field
			"127,0,0,1,x,1",   // not a number
			"127.0.0.1:1025",  // not the PORT form at all
			"127,0,0,1,-1,1",  // negative
		} {
			r := c.Cmd("PORT %s", arg)
			Expect(r).To(HaveReplyCode(501, 500), "PORT %s", arg)
			s.Prefer(r, 501)
		}
	})

	Scenario(Spec{
		ID:       "PORT-003",
		Title:    "PORT naming a port below 1024 is refused (504 suggested), against the bounce attack",
		Commands: []string{"PORT"},
		Codes:    []int{504, 500, 501},
		Section:  "2577:3",
		Quote:    "If a server receives a PORT command containing a TCP port number less than 1024, the suggested response is 504 (defined as \"Command not implemented for that parameter\" by [PR85]).",
		Level:    Should,
	}, func(s *S) {
		c := s.Login()
		ip := c.LocalAddr().IP.To4()
		if ip == nil {
			Skip("PORT needs an IPv4 control connection")
		}
		// Nothing is transferred afterwards: the server is never asked to connect there.
		r := c.Cmd("PORT %s", PortArgument(ip, 25))
		Expect(r).To(HaveReplyCode(504, 500, 501), "a PORT to port 25 must not be accepted")
		s.Prefer(r, 504)
	})

	Scenario(Spec{
		ID:       "PORT-004",
		Title:    "PORT naming a host other than the client is refused (504 suggested), against the bounce attack",
		Commands: []string{"PORT"},
		Codes:    []int{504, 500, 501},
		Section:  "2577:2",
		Also:     []string{"2577:3"},
		Quote:    "The attack involves sending an FTP \"PORT\" command to an FTP server containing the network address and the port number of the machine and service being attacked.",
		Level:    Should,
	}, func(s *S) {
		c := s.Login()
		local := c.LocalAddr().IP.To4()
		if local == nil {
			Skip("PORT needs an IPv4 control connection")
		}
		// Another loopback address (never one off this machine), and nothing is transferred
		// afterwards: the server is never asked to connect there.
		other := net.IPv4(127, 0, 0, 2)
		if other.Equal(local) {
			other = net.IPv4(127, 0, 0, 3)
		}
		r := c.Cmd("PORT %s", PortArgument(other, 2121))
		Expect(r).To(HaveReplyCode(504, 500, 501), "a PORT to %s, which is not the client %s, must not be accepted", other, local)
		s.Prefer(r, 504)
	})

	Scenario(Spec{
		ID:       "PORT-005",
		Title:    "PORT after PASV takes effect: the last data port specified is the one used",
		Commands: []string{"PASV", "PORT", "LIST"},
		Codes:    []int{227, 200, 150, 226},
		Section:  "959:4.1.2",
		Also:     []string{"959:3.3"},
		Quote:    "The default value is the last specified value, or if no value has been specified, the standard default value is as stated here.",
		Level:    Must,
		Feature:  "PASV",
	}, func(s *S) {
		c := s.Login()
		if c.LocalAddr().IP.To4() == nil {
			Skip("PORT needs an IPv4 control connection")
		}
		Expect(c.Cmd("PASV")).To(HaveReplyCode(227))
		// The harness listens where PORT says: the transfer succeeds only if the server connects there.
		expectTransferred(c.Retrieve(PORT, "LIST"), "LIST after PASV then PORT")
	})

	// ---- PASV ----

	Scenario(Spec{
		ID:       "PASV-001",
		Title:    "PASV answers 227 with the address it listens on as h1,h2,h3,h4,p1,p2",
		Commands: []string{"PASV"},
		Codes:    []int{227},
		Section:  "959:4.1.2",
		Also:     []string{"1123:4.1.2.6"},
		Quote:    "The response to this command includes the host and port address this server is listening on.",
		Level:    Must,
		Feature:  "PASV",
	}, func(s *S) {
		c := s.Login()
		if c.RemoteAddr().IP.To4() == nil {
			Skip("PASV names an IPv4 address; the control connection is IPv6")
		}
		d, r, err := c.OpenData(PASV)
		Expect(r).To(HaveReplyCode(227))
		Expect(err).NotTo(HaveOccurred(), "the 227 text must carry h1,h2,h3,h4,p1,p2, each a decimal number from 0 to 255")
		d.Close()
	})

	Scenario(Spec{
		ID:       "PASV-002",
		Title:    "The address PASV names is the server's own address on the control connection",
		Commands: []string{"PASV"},
		Codes:    []int{227},
		Section:  "959:4.1.2",
		Also:     []string{"1123:4.1.2.6"},
		Quote:    "The response to this command includes the host and port address this server is listening on.",
		Level:    Must,
		Feature:  "PASV",
	}, func(s *S) {
		c := s.Login()
		server := c.RemoteAddr().IP.To4()
		if server == nil {
			Skip("PASV names an IPv4 address; the control connection is IPv6")
		}
		r := c.Cmd("PASV")
		Expect(r).To(HaveReplyCode(227))
		named, _, err := ParsePASV(r.Text())
		Expect(err).NotTo(HaveOccurred(), "the 227 text must carry h1,h2,h3,h4,p1,p2")
		Expect(named.Equal(server)).To(BeTrue(), "PASV named the host %s, but the server is %s on this control connection (RFC 1123 §4.1.2.6: h1,h2,h3,h4 is the IP address of the server host that is sending the reply)", named, server)
	})

	Scenario(Spec{
		ID:       "PASV-003",
		Title:    "The server listens on the port PASV names: the client connects there and the transfer runs",
		Commands: []string{"PASV", "LIST"},
		Codes:    []int{227, 150, 226},
		Section:  "959:4.1.2",
		Quote:    "This command requests the server-DTP to \"listen\" on a data port (which is not its default data port) and to wait for a connection rather than initiate one upon receipt of a transfer command.",
		Level:    Must,
		Feature:  "PASV",
	}, func(s *S) {
		c := s.Login()
		t := c.Retrieve(PASV, "LIST")
		expectTransferred(t, "LIST over the port PASV named")
	})

	Scenario(Spec{
		ID:       "PASV-004",
		Title:    "PASV after PORT takes effect: the server listens and does not connect to the PORT address",
		Commands: []string{"PORT", "PASV", "LIST"},
		Codes:    []int{200, 227, 150, 226},
		Section:  "959:4.1.2",
		Also:     []string{"959:3.3"},
		Quote:    "The default value is the last specified value, or if no value has been specified, the standard default value is as stated here.",
		Level:    Must,
		Feature:  "PASV",
	}, func(s *S) {
		c := s.Login()
		if c.LocalAddr().IP.To4() == nil {
			Skip("PORT needs an IPv4 control connection")
		}
		active := openData(c, PORT)
		active.Close() // nothing will listen there: the transfer must not use it
		t := c.Retrieve(PASV, "LIST")
		expectTransferred(t, "LIST after PORT then PASV (the server must use the passive port)")
	})

	// Parameter values every server must accept.
	for _, k := range []struct {
		id, line, title, section string
		also                     []string
		quote                    string
	}{
		{"TYPE-001", "TYPE A", "TYPE A (ASCII) is accepted with 200", "959:3.1.1.1", nil,
			"This is the default type and must be accepted by all FTP implementations."},
		{"TYPE-002", "TYPE A N", "TYPE A N (ASCII Non-print) is accepted with 200", "959:3.1.1.5.1", nil,
			"Non-print format must be accepted by all FTP implementations."},
		{"TYPE-003", "TYPE I", "TYPE I (image) is accepted with 200", "1123:4.1.2.1", []string{"959:3.1.1.3"},
			"An FTP program MUST support TYPE I (\"IMAGE\" or binary type) as well as TYPE L 8 (\"LOCAL\" type with logical byte size 8)."},
		{"TYPE-004", "TYPE L 8", "TYPE L 8 (local, logical byte size 8) is accepted with 200", "1123:4.1.2.1", []string{"959:3.1.1.4"},
			"An FTP program MUST support TYPE I (\"IMAGE\" or binary type) as well as TYPE L 8 (\"LOCAL\" type with logical byte size 8)."},
		{"STRU-001", "STRU F", "STRU F (file structure) is accepted with 200", "959:5.1", []string{"959:3.1.2.1"},
			"All hosts must accept the above as the standard defaults."},
	} {
		verb, _, _ := strings.Cut(k.line, " ")
		Scenario(Spec{
			ID:       k.id,
			Title:    k.title,
			Commands: []string{verb},
			Codes:    []int{200},
			Section:  k.section,
			Also:     k.also,
			Quote:    k.quote,
			Level:    Must,
		}, func(s *S) {
			c := s.Login()
			Expect(c.Cmd("%s", k.line)).To(HaveReplyCode(200))
		})
	}

	// Codes RFC 959 does not assign.
	for _, k := range []struct{ id, verb, kind, assigned, what string }{
		{"TYPE-005", "TYPE", "type", "type", "a representation type"},
		{"STRU-004", "STRU", "structure", "structure", "a file structure"},
		{"MODE-002", "MODE", "mode", "transfer modes", "a transfer mode"},
	} {
		Scenario(Spec{
			ID:       k.id,
			Title:    fmt.Sprintf("%s with a %s code RFC 959 does not assign is refused (504 preferred)", k.verb, k.kind),
			Commands: []string{k.verb},
			Codes:    []int{504, 500, 501},
			Section:  "959:4.1.2",
			Quote:    "The following codes are assigned for " + k.assigned + ":",
			Level:    Must,
		}, func(s *S) {
			c := s.Login()
			r := c.Cmd("%s Q", k.verb)
			Expect(r).To(HaveReplyCode(504, 500, 501), "Q is not %s", k.what)
			s.Prefer(r, 504)
		})
	}

	// ---- TYPE ----

	Scenario(Spec{
		ID:       "TYPE-006",
		Title:    "TYPE L without its byte size is refused (501 preferred): the byte size has no default",
		Commands: []string{"TYPE"},
		Codes:    []int{501, 500, 504},
		Section:  "959:3.1.1.4",
		Quote:    "The value of Byte size must be a decimal integer; there is no default value.",
		Level:    Must,
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("TYPE L")
		Expect(r).To(HaveReplyCode(501, 500, 504), "TYPE L needs its byte size")
		s.Prefer(r, 501)
	})

	Scenario(Spec{
		ID:       "TYPE-008",
		Title:    "TYPE A C (ASA carriage control) is accepted (200) or refused as not implemented for that parameter (504), not as a syntax error",
		Commands: []string{"TYPE"},
		Codes:    []int{200, 504},
		Section:  "959:3.1.1.5",
		Quote:    "Therefore, these types have a second parameter specifying one of the following three formats:",
		Level:    Should,
	}, func(s *S) {
		c := s.Login()
		Expect(c.Cmd("TYPE A C")).To(HaveReplyCode(200, 504), "C is one of the three formats RFC 959 defines")
	})

	// ---- STRU ----

	Scenario(Spec{
		ID:       "STRU-002",
		Title:    "STRU R (record structure) is accepted with 200 for text files (RFC 1123 §4.1.2.13 requires it only where the file system has records)",
		Commands: []string{"STRU"},
		Codes:    []int{200},
		Section:  "959:3.1.2.2",
		Also:     []string{"959:5.1", "1123:4.1.2.13"},
		Quote:    "Record structures must be accepted for \"text\" files (i.e., files with TYPE ASCII or EBCDIC) by all FTP implementations.",
		Level:    Should,
	}, func(s *S) {
		c := s.Login()
		setType(c, "A")
		Expect(c.Cmd("STRU R")).To(HaveReplyCode(200))
	})

	Scenario(Spec{
		ID:       "STRU-003",
		Title:    "STRU P is refused (504): page structure is not recommended",
		Commands: []string{"STRU"},
		Codes:    []int{504},
		Section:  "1123:4.1.2.3",
		Quote:    "Implementation of page structure is NOT RECOMMENDED in general.",
		Level:    Should,
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("STRU P")
		Expect(r).NotTo(HaveReplyCode(200), "the server offers page structure, which RFC 1123 does not recommend")
		Expect(r).To(HaveReplyCode(504, 500, 501))
		s.Prefer(r, 504)
	})
})
