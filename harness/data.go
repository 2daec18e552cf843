package harness

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
)

// DataKind is how a data connection is set up.
type DataKind string

const (
	PASV DataKind = "PASV" // RFC 959 §4.1.2: the server listens, 227 names the address
	EPSV DataKind = "EPSV" // RFC 2428 §3: the server listens, 229 names the port
	PORT DataKind = "PORT" // RFC 959 §4.1.2: the client listens, the server connects
	EPRT DataKind = "EPRT" // RFC 2428 §2: PORT for IPv4 and IPv6
)

// DataKinds are all the kinds, in the order scenarios that try each use.
var DataKinds = []DataKind{PASV, EPSV, PORT, EPRT}

// LPSV is RFC 1639's long passive mode; scenarios set it up themselves and hand the port to
// PassiveData.
const LPSV DataKind = "LPSV"

// LPRT is RFC 1639's long active mode, set up like EPRT; like LPSV it is not among DataKinds.
const LPRT DataKind = "LPRT"

// Passive reports whether the server listens.
func (k DataKind) Passive() bool { return k == PASV || k == EPSV || k == LPSV }

// PassiveData is a passive data connection the scenario set up itself (LPSV, or a PASV it
// parsed on its own): the harness connects to the control peer at port, as for PASV.
func (c *Conn) PassiveData(kind DataKind, setup Reply, port int) *Data {
	peer := c.RemoteAddr().IP
	return &Data{Kind: kind, Setup: setup, c: c, tls: c.protectData, addr: net.JoinHostPort(peer.String(), strconv.Itoa(port))}
}

// Data is one data connection being set up or in use. The harness connects only to the control
// connection's own peer address, whatever address a server names (RFC 2577 §3 explains why).
type Data struct {
	Kind  DataKind
	Setup Reply // the reply to PASV/EPSV/PORT/EPRT
	c     *Conn
	addr  string       // passive: where the harness connects
	ln    net.Listener // active: where the server connects
	nc    net.Conn
	tls   bool // protect with TLS (PROT P)

	transfer Transfer // what happened so far, for Start/Finish and Run
}

// Data sends the setup command for kind and prepares the connection. It returns nil and the
// reply when the server refuses (the scenario decides whether that is right); it fails the
// scenario on a transport error or on a success reply it cannot use.
func (c *Conn) Data(kind DataKind) (*Data, Reply) {
	if (kind == PASV || kind == PORT) && c.RemoteAddr().IP.To4() == nil {
		ginkgo.Skip(fmt.Sprintf("%s cannot name an IPv6 address (RFC 2428 §1); this control connection is IPv6", kind), 1)
	}
	d, r, err := c.OpenData(kind)
	if err != nil {
		ginkgo.Fail(c.failure("setting up a "+string(kind)+" data connection", err), 1)
	}
	return d, r
}

// OpenData is Data returning its error instead of failing.
func (c *Conn) OpenData(kind DataKind) (*Data, Reply, error) {
	d := &Data{Kind: kind, c: c, tls: c.protectData}
	var r Reply
	var err error
	if kind.Passive() {
		r, err = c.TryCmd("%s", kind)
		if err != nil {
			return nil, r, err
		}
		d.Setup = r
		if r.Class() != 2 {
			return nil, r, nil
		}
		host, port, perr := parsePassive(kind, r)
		if perr != nil {
			return nil, r, perr
		}
		peer := c.RemoteAddr().IP
		if host != nil && !host.Equal(peer) {
			// RFC 959 §4.1.2: the reply names "the host and port address this server is listening
			// on". The harness never connects elsewhere; it uses the control peer's address.
			c.rec.finding(Finding{Level: Should, Section: "959:4.1.2", Message: fmt.Sprintf(
				"%s named host %s, not the control connection's peer %s; the harness connects to %s instead", kind, host, peer, peer)})
		}
		d.addr = net.JoinHostPort(peer.String(), strconv.Itoa(port))
		return d, r, nil
	}
	local := c.LocalAddr().IP
	ln, lerr := net.Listen("tcp", net.JoinHostPort(local.String(), "0"))
	if lerr != nil {
		return nil, r, fmt.Errorf("cannot listen for an active data connection: %w", lerr)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	var arg string
	switch kind {
	case PORT:
		ip4 := local.To4()
		if ip4 == nil {
			ln.Close()
			return nil, r, fmt.Errorf("PORT needs an IPv4 control connection; this one is %s (use EPRT)", local)
		}
		arg = PortArgument(ip4, port)
	case LPRT:
		arg = LprtArgument(local, port)
	default:
		arg = EprtArgument(local, port)
	}
	r, err = c.TryCmd("%s %s", kind, arg)
	if err != nil {
		ln.Close()
		return nil, r, err
	}
	d.Setup = r
	if r.Class() != 2 {
		ln.Close()
		return nil, r, nil
	}
	d.ln = ln
	c.rec.note(c.id, "listening on %s for the server's data connection", ln.Addr())
	return d, r, nil
}

// PortArgument formats h1,h2,h3,h4,p1,p2 (RFC 959 §4.1.2).
func PortArgument(ip net.IP, port int) string {
	ip4 := ip.To4()
	return fmt.Sprintf("%d,%d,%d,%d,%d,%d", ip4[0], ip4[1], ip4[2], ip4[3], port>>8, port&0xff)
}

// LprtArgument formats af,hal,h1,...,pal,p1,p2 (RFC 1639 §2): af 4 with four octets for
// IPv4, af 6 with sixteen for IPv6.
func LprtArgument(ip net.IP, port int) string {
	af, addr := 6, ip.To16()
	if ip4 := ip.To4(); ip4 != nil {
		af, addr = 4, ip4
	}
	fields := []string{strconv.Itoa(af), strconv.Itoa(len(addr))}
	for _, b := range addr {
		fields = append(fields, strconv.Itoa(int(b)))
	}
	fields = append(fields, "2", strconv.Itoa(port>>8), strconv.Itoa(port&0xff))
	return strings.Join(fields, ",")
}

// EprtArgument formats |af|address|port| (RFC 2428 §2).
func EprtArgument(ip net.IP, port int) string {
	af := 2
	if ip.To4() != nil {
		af = 1
	}
	return fmt.Sprintf("|%d|%s|%d|", af, ip, port)
}

var pasvNumbers = regexp.MustCompile(`(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})`)

// parsePassive reads the address of a 227 or 229 reply. For 227 it scans for the six numbers
// wherever they are, as RFC 1123 §4.1.2.6 tells clients to, since servers word the text freely.
// For 229 it reads (<d><d><d>port<d>) as RFC 2428 §3 defines; the host is the control peer's.
func parsePassive(kind DataKind, r Reply) (net.IP, int, error) {
	text := r.Text()
	if kind == PASV {
		if r.Code != 227 {
			return nil, 0, fmt.Errorf("PASV answered %s; a usable answer is 227 with h1,h2,h3,h4,p1,p2 (RFC 959 §4.1.2)", r)
		}
		return ParsePASV(text)
	}
	if r.Code != 229 {
		return nil, 0, fmt.Errorf("EPSV answered %s; a usable answer is 229 (<d><d><d>port<d>) (RFC 2428 §3)", r)
	}
	port, err := ParseEPSV(text)
	return nil, port, err
}

// ParsePASV reads the host and port of a 227 reply text, scanning for the six numbers wherever
// they are (RFC 1123 §4.1.2.6).
func ParsePASV(text string) (net.IP, int, error) {
	m := pasvNumbers.FindStringSubmatch(text)
	if m == nil {
		return nil, 0, fmt.Errorf("227 reply %q has no h1,h2,h3,h4,p1,p2 (RFC 959 §4.1.2, RFC 1123 §4.1.2.6)", text)
	}
	var n [6]int
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
		if n[i] > 255 {
			return nil, 0, fmt.Errorf("227 reply %q: %d is not a byte (RFC 959 §4.1.2)", text, n[i])
		}
	}
	port := n[4]<<8 | n[5]
	if port == 0 {
		return nil, 0, fmt.Errorf("227 reply %q names port 0", text)
	}
	return net.IPv4(byte(n[0]), byte(n[1]), byte(n[2]), byte(n[3])), port, nil
}

// ParseEPSV reads the port out of a 229 reply text: "Entering Extended Passive Mode (|||6446|)".
// The delimiter may be any printable character but must be the same four times (RFC 2428 §3).
func ParseEPSV(text string) (int, error) {
	open := strings.IndexByte(text, '(')
	end := strings.LastIndexByte(text, ')')
	if open < 0 || end < open+5 {
		return 0, fmt.Errorf("229 reply %q has no (<d><d><d>port<d>) (RFC 2428 §3)", text)
	}
	inner := text[open+1 : end]
	d := inner[0]
	if d < 33 || d > 126 || len(inner) < 5 || inner[1] != d || inner[2] != d || inner[len(inner)-1] != d {
		return 0, fmt.Errorf("229 reply %q: expected (<d><d><d>port<d>) with one delimiter character (RFC 2428 §3)", text)
	}
	port, err := strconv.Atoi(inner[3 : len(inner)-1])
	if err != nil || port < 1 || port > 65535 {
		return 0, fmt.Errorf("229 reply %q: %q is not a TCP port (RFC 2428 §3)", text, inner[3:len(inner)-1])
	}
	return port, nil
}

// connect opens the data connection: dial for passive, accept for active. It is called for
// passive connections right after the setup reply, before the transfer command, as clients do;
// for active ones after the transfer command.
func (d *Data) connect() error {
	if d.nc != nil {
		return nil
	}
	var nc net.Conn
	var err error
	if d.Kind.Passive() {
		nc, err = net.DialTimeout("tcp", d.addr, d.c.budget())
		if err != nil {
			d.c.rec.note(d.c.id, "data connection to %s failed: %v", d.addr, cleanNetErr(err))
			return fmt.Errorf("cannot open the data connection to %s: %w", d.addr, cleanNetErr(err))
		}
	} else {
		tl := d.ln.(*net.TCPListener)
		tl.SetDeadline(time.Now().Add(d.c.budget()))
		nc, err = tl.Accept()
		d.ln.Close()
		if err != nil {
			d.c.rec.note(d.c.id, "the server did not connect to %s: %v", d.ln.Addr(), cleanNetErr(err))
			return fmt.Errorf("the server did not open the data connection to %s within %v", d.ln.Addr(), d.c.budget().Round(time.Millisecond))
		}
		if want := d.c.RemoteAddr().IP; !nc.RemoteAddr().(*net.TCPAddr).IP.Equal(want) {
			nc.Close()
			return fmt.Errorf("a data connection came from %s, not from the server %s; refused", nc.RemoteAddr(), want)
		}
	}
	d.c.rec.note(d.c.id, "data connection open: %s -> %s", nc.LocalAddr(), nc.RemoteAddr())
	d.nc = nc
	return nil
}

// Close drops the data connection or the listener.
func (d *Data) Close() {
	if d == nil {
		return
	}
	if d.nc != nil {
		d.nc.Close()
	}
	if d.ln != nil {
		d.ln.Close()
	}
}

// Transfer is what happened on both connections for one transfer command.
type Transfer struct {
	Replies []Reply // every reply to the command: 1yz, 110 markers, the completion
	Data    []byte  // what arrived on the data connection (downloads)
	Sent    int     // bytes written (uploads)
	DataErr error   // what went wrong on the data connection, if anything
}

// First is the first reply (the 1yz, or the refusal).
func (t Transfer) First() Reply {
	if len(t.Replies) == 0 {
		return Reply{}
	}
	return t.Replies[0]
}

// Final is the last reply, the one that ends the command.
func (t Transfer) Final() Reply {
	if len(t.Replies) == 0 {
		return Reply{}
	}
	return t.Replies[len(t.Replies)-1]
}

// Retrieve sets up a data connection of the given kind, sends a command that sends data to the
// client (RETR, LIST, NLST, MLSD…) and collects everything. It fails the scenario only on
// transport errors of the control connection; a refused or broken transfer is in the result.
func (c *Conn) Retrieve(kind DataKind, format string, args ...any) Transfer {
	return c.transfer(kind, fmt.Sprintf(format, args...), nil, false)
}

// Store is Retrieve for commands that send data to the server (STOR, APPE, STOU).
func (c *Conn) Store(kind DataKind, data []byte, format string, args ...any) Transfer {
	return c.transfer(kind, fmt.Sprintf(format, args...), data, true)
}

func (c *Conn) transfer(kind DataKind, command string, upload []byte, store bool) Transfer {
	d, r := c.Data(kind)
	if d == nil {
		ginkgo.Fail(withRequirement(fmt.Sprintf("%s was refused with %s, so %q could not be tried", kind, r, command)), 2)
	}
	defer d.Close()
	return d.Run(command, upload, store)
}

// Run sends the transfer command over the control connection and moves the data on d. It fails
// the scenario only when the control connection breaks.
func (d *Data) Run(command string, upload []byte, store bool) Transfer {
	t, err := d.run(command, upload, store)
	if err != nil {
		ginkgo.Fail(d.c.failure("transfer "+command, err), 2)
	}
	return t
}

func (d *Data) run(command string, upload []byte, store bool) (Transfer, error) {
	first, err := d.start(command)
	if err != nil || first.Class() != 1 {
		return d.transfer, err
	}
	t := &d.transfer
	if t.DataErr == nil {
		if store {
			t.Sent, t.DataErr = d.write(upload)
		} else {
			t.Data, t.DataErr = d.read()
		}
		d.noteDataErr()
	}
	return d.finish()
}

// Start sends a transfer command and reads its first reply; after a 1yz the data connection is
// open (accepted, for active kinds, and protected under PROT P). The scenario then moves the data
// itself through NetConn, and reads the remaining replies with Finish. A transport failure of
// the control connection fails the scenario.
func (d *Data) Start(format string, args ...any) Reply {
	command := fmt.Sprintf(format, args...)
	r, err := d.start(command)
	if err != nil {
		ginkgo.Fail(d.c.failure("starting "+maskSecret(command), err), 1)
	}
	return r
}

// NetConn is the open data connection after Start drew a 1yz; nil when it could not be opened
// (Err says why).
func (d *Data) NetConn() net.Conn { return d.nc }

// Err is what went wrong opening the data connection, if anything.
func (d *Data) Err() error { return d.transfer.DataErr }

// Finish closes the data connection (the end of file in stream mode) and reads the replies up to
// the one that ends the command.
func (d *Data) Finish() Transfer {
	if d.nc != nil {
		d.closeWrite() // over TLS: close_notify both ways, so an upload ends cleanly
	}
	d.Close()
	t, err := d.finish()
	if err != nil {
		ginkgo.Fail(d.c.failure("waiting for the end of the transfer", err), 1)
	}
	return t
}

func (d *Data) start(command string) (Reply, error) {
	c, t := d.c, &d.transfer
	if d.Kind.Passive() {
		t.DataErr = d.connect()
	}
	if err := c.WriteLine(command); err != nil {
		return Reply{}, err
	}
	first, err := c.ReadReply()
	if err != nil {
		return first, err
	}
	t.Replies = append(t.Replies, first)
	if first.Class() == 1 && t.DataErr == nil {
		if t.DataErr = d.connect(); t.DataErr == nil {
			t.DataErr = d.protect() // TLS after the 1yz (tls.go)
		}
		d.noteDataErr()
	}
	return first, nil
}

// finish reads replies while the last one is a 1yz (110 markers included).
func (d *Data) finish() (Transfer, error) {
	t := &d.transfer
	for len(t.Replies) > 0 && t.Replies[len(t.Replies)-1].Class() == 1 {
		r, err := d.c.ReadReply()
		if err != nil {
			return *t, err
		}
		t.Replies = append(t.Replies, r)
	}
	return *t, nil
}

func (d *Data) noteDataErr() {
	if d.transfer.DataErr != nil {
		d.c.rec.note(d.c.id, "data connection: %v", d.transfer.DataErr)
		d.Close()
	}
}

// read takes everything until the server closes the data connection. Each read has the reply
// timeout; the data as a whole is bounded by MaxTransfer.
func (d *Data) read() ([]byte, error) {
	var buf bytes.Buffer
	chunk := make([]byte, 64<<10)
	for {
		d.nc.SetReadDeadline(time.Now().Add(d.c.budget()))
		n, err := d.nc.Read(chunk)
		buf.Write(chunk[:n])
		if buf.Len() > MaxTransfer {
			return buf.Bytes(), fmt.Errorf("more than %d bytes on the data connection; stopped reading", MaxTransfer)
		}
		if errors.Is(err, io.EOF) {
			d.c.rec.note(d.c.id, "data connection closed by the server after %d bytes", buf.Len())
			d.nc.Close()
			return buf.Bytes(), nil
		}
		if err != nil {
			return buf.Bytes(), fmt.Errorf("after %d bytes: %w", buf.Len(), cleanNetErr(err))
		}
	}
}

// write sends everything, then closes the connection: in stream mode, closing marks the end of
// the file (RFC 959 §3.4.1).
func (d *Data) write(b []byte) (int, error) {
	d.nc.SetWriteDeadline(time.Now().Add(d.c.budget() + time.Duration(len(b)>>20)*time.Second))
	n, err := d.nc.Write(b)
	d.closeWrite() // tls.go
	d.c.rec.note(d.c.id, "sent %d bytes and closed the data connection", n)
	if err != nil {
		return n, fmt.Errorf("after %d bytes: %w", n, cleanNetErr(err))
	}
	return n, nil
}

// MaxTransfer bounds what the harness keeps of one download.
const MaxTransfer = 64 << 20
