package refserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// dataSetup says where the next data connection comes from (RFC 959 §3.2).
type dataSetup struct {
	ln   net.Listener // after PASV or EPSV: the client connects
	addr *net.TCPAddr // after PORT or EPRT: the server connects
	conn net.Conn     // kept open after a block or compressed mode transfer
	// wrap, when set, wraps the data connection of the next transfer, above TLS: the one place
	// where data faults (faults_data.go) change the data that travels on it.
	wrap func(net.Conn) net.Conn
}

func (d *dataSetup) close() {
	if d.ln != nil {
		d.ln.Close()
	}
	if d.conn != nil {
		d.conn.Close()
	}
	*d = dataSetup{}
}

// empty reports whether nothing is set up: the next transfer uses the default data port.
func (d *dataSetup) empty() bool { return d.ln == nil && d.addr == nil && d.conn == nil }

// take hands the setup to a transfer and leaves none behind.
func (d *dataSetup) take() dataSetup {
	t := *d
	*d = dataSetup{}
	return t
}

// ipOf is the IP address of a TCP address.
func ipOf(a net.Addr) net.IP {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP
	}
	host, _, _ := net.SplitHostPort(a.String())
	return net.ParseIP(host)
}

// family is 1 for IPv4 and 2 for IPv6, as RFC 2428 numbers them.
func family(ip net.IP) int {
	if ip.To4() != nil {
		return 1
	}
	return 2
}

// setData replaces the data setup, closing what the old one held.
func (s *session) setData(d dataSetup) {
	s.mu.Lock()
	s.data.close()
	s.data = d
	s.mu.Unlock()
}

// listenPassive opens a listener on the control connection's local address, in the
// configured port range if there is one.
func (s *session) listenPassive() (*net.TCPListener, error) {
	ip := ipOf(s.conn.LocalAddr())
	lo, hi := s.srv.pasvLo, s.srv.pasvHi
	if lo == 0 {
		return net.ListenTCP("tcp", &net.TCPAddr{IP: ip})
	}
	n := hi - lo + 1
	start := int(s.srv.nextPasv.Add(1) % int64(n))
	var err error
	for i := 0; i < n; i++ {
		var ln *net.TCPListener
		ln, err = net.ListenTCP("tcp", &net.TCPAddr{IP: ip, Port: lo + (start+i)%n})
		if err == nil {
			return ln, nil
		}
	}
	return nil, fmt.Errorf("no free port in %d-%d: %v", lo, hi, err)
}

// passive opens the listener of PASV and EPSV and returns the port to announce. When no port
// can be had, it answers 421 and closes (the rows of PASV and EPSV offer nothing better).
func (s *session) passive() (int, bool) {
	ln, err := s.listenPassive()
	if err != nil {
		s.log.Warn("passive listen failed", "err", err)
		s.reply(codeNotAvailable, "Cannot open a passive port.")
		s.quit = true
		return 0, false
	}
	s.setData(dataSetup{ln: ln})
	port := ln.Addr().(*net.TCPAddr).Port
	if s.srv.faults.has(faultPASVWrongPort) {
		port++
	}
	return port, true
}

// PASV (RFC 959 §4.1.2): 227 with the control connection's local address. It cannot name an
// IPv6 address: EPSV does (RFC 2428).
func cmdPASV(s *session, _ string) {
	if s.refusedAfterEPSVAll() {
		return
	}
	ip := ipOf(s.conn.LocalAddr()).To4()
	if ip == nil {
		s.reply(codeNotImplemented, "PASV cannot name an IPv6 address: use EPSV (RFC 2428).")
		return
	}
	port, ok := s.passive()
	if !ok {
		return
	}
	s.reply(codePassive, "Entering Passive Mode (%d,%d,%d,%d,%d,%d).", ip[0], ip[1], ip[2], ip[3], port>>8, port&0xFF)
}

// EPSV (RFC 2428 §3): 229 (|||port|); "EPSV 1" or "EPSV 2" name the protocol, 522 when it is not
// the control connection's. "EPSV ALL" has no reply code of its own in RFC 2428: this server
// treats it as what it is, an EPSV, entering extended passive mode with 229, and from then on
// refuses every other data connection set-up command (PORT, PASV, EPRT, LPRT, LPSV: 501).
func cmdEPSV(s *session, arg string) {
	arg = strings.TrimSpace(arg)
	fam := family(ipOf(s.conn.LocalAddr()))
	all := strings.EqualFold(arg, "ALL")
	switch {
	case arg == "" || all:
	case arg == "1" || arg == "2":
		if arg != strconv.Itoa(fam) {
			s.reply(codeBadProtocol, "Network protocol not supported, use (%d)", fam)
			return
		}
	default:
		if n, err := strconv.Atoi(arg); err == nil && n > 0 {
			s.reply(codeBadProtocol, "Network protocol not supported, use (%d)", fam)
			return
		}
		s.reply(codeBadArguments, "EPSV: %q is not a protocol number or ALL.", sanitizeName(arg))
		return
	}
	port, ok := s.passive()
	if !ok {
		return
	}
	if all {
		s.epsvAll = !s.srv.faults.has(faultEPSVAllIgnored)
		s.reply(codeExtendedPassive, "EPSV ALL: only EPSV from now on. Entering Extended Passive Mode (|||%d|)", port)
		return
	}
	s.reply(codeExtendedPassive, "Entering Extended Passive Mode (|||%d|)", port)
}

// refusedAfterEPSVAll answers 501 to a data connection set-up command other than EPSV after
// EPSV ALL (RFC 2428 §3: the server "MUST refuse" them), and reports whether it did.
func (s *session) refusedAfterEPSVAll() bool {
	if s.epsvAll {
		s.reply(codeBadArguments, "%s refused after EPSV ALL (RFC 2428 §3).", s.current)
	}
	return s.epsvAll
}

// PORT (RFC 959 §4.1.2): 200. The server connects only to the control connection's peer, and
// never to a port below 1024: 504 otherwise (RFC 2577 §3).
func cmdPORT(s *session, arg string) {
	if s.refusedAfterEPSVAll() {
		return
	}
	ip, port, err := portAddress(arg)
	if err != nil {
		s.reply(codeBadArguments, "PORT: %v.", err)
		return
	}
	s.setActive(ip, port, codeParamNotImpl)
}

// portAddress reads PORT's h1,h2,h3,h4,p1,p2 (RFC 959 §4.1.2).
func portAddress(arg string) (net.IP, int, error) {
	f := strings.Split(strings.TrimSpace(arg), ",")
	if len(f) != 6 {
		return nil, 0, errors.New("expected h1,h2,h3,h4,p1,p2")
	}
	var b [6]byte
	for i, x := range f {
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err != nil || n < 0 || n > 255 {
			return nil, 0, fmt.Errorf("%q is not a number from 0 to 255", sanitizeName(x))
		}
		b[i] = byte(n)
	}
	return net.IPv4(b[0], b[1], b[2], b[3]), int(b[4])<<8 | int(b[5]), nil
}

// EPRT (RFC 2428 §2): |proto|address|port| with any delimiter; 522 for an unknown protocol.
func cmdEPRT(s *session, arg string) {
	if s.refusedAfterEPSVAll() {
		return
	}
	ip, port, err := eprtAddress(arg)
	switch {
	case errors.Is(err, errUnknownProtocol):
		s.reply(codeBadProtocol, "Network protocol not supported, use (1,2)")
	case err != nil:
		s.reply(codeBadArguments, "EPRT: %v.", err)
	default:
		s.setActive(ip, port, codeBadArguments)
	}
}

// errUnknownProtocol is EPRT's protocol number other than 1 (IPv4) and 2 (IPv6).
var errUnknownProtocol = errors.New("unknown network protocol")

// eprtAddress reads EPRT's |proto|address|port| (RFC 2428 §2).
func eprtAddress(arg string) (net.IP, int, error) {
	arg = strings.TrimSpace(arg)
	if len(arg) < 2 || arg[0] < 33 || arg[0] > 126 {
		return nil, 0, errors.New("expected |proto|address|port|")
	}
	f := strings.Split(arg[1:], string(arg[0]))
	if len(f) != 4 || f[3] != "" {
		return nil, 0, errors.New("expected |proto|address|port|")
	}
	proto, err := strconv.Atoi(f[0])
	if err != nil {
		return nil, 0, fmt.Errorf("%q is not a protocol number", sanitizeName(f[0]))
	}
	if proto != 1 && proto != 2 {
		return nil, 0, errUnknownProtocol
	}
	ip := net.ParseIP(f[1])
	if ip == nil || family(ip) != proto {
		return nil, 0, fmt.Errorf("%q is not an IPv%d address", sanitizeName(f[1]), map[int]int{1: 4, 2: 6}[proto])
	}
	port, err := strconv.Atoi(f[2])
	if err != nil || port < 0 || port > 65535 {
		return nil, 0, fmt.Errorf("%q is not a port number", sanitizeName(f[2]))
	}
	return ip, port, nil
}

// setActive checks the address of PORT or EPRT and remembers it. refused is the code for an
// address the server will not connect to: 504 for PORT (RFC 2577 §3); for EPRT, whose rows have
// no 504, 501 (RFC 2428 §2: "500 and 501 are sufficient to handle most errors").
func (s *session) setActive(ip net.IP, port int, refused int) {
	peer := ipOf(s.conn.RemoteAddr())
	ip = s.clientAddress(ip)
	switch {
	case !ip.Equal(peer):
		s.reply(refused, "Data connections go only to %s, the client's address (RFC 2577).", peer)
	case port < 1024:
		s.reply(refused, "Port %d refused: below 1024 (RFC 2577 §3).", port)
	default:
		s.setData(dataSetup{addr: &net.TCPAddr{IP: ip, Port: port}})
		s.reply(codeOK, "%s command successful.", s.current)
	}
}

// clientAddress reads the unspecified address of the control connection's family (0.0.0.0,
// "::") as the client's own address: lftp on IPv6 sends "EPRT |2|::|port|", meaning "where I am".
// Any other address is returned as it is.
func (s *session) clientAddress(ip net.IP) net.IP {
	peer := ipOf(s.conn.RemoteAddr())
	if ip.IsUnspecified() && family(ip) == family(peer) {
		return peer
	}
	return ip
}

// openData makes the data connection of a transfer. It accepts only connections from the
// control connection's peer, and gives up after the data timeout or when ctx ends.
func (s *session) openData(ctx context.Context, d dataSetup) (net.Conn, error) {
	timeout := s.srv.cfg.DataTimeout.D()
	peer := ipOf(s.conn.RemoteAddr())
	switch {
	case d.conn != nil:
		return d.conn, nil
	case d.ln != nil:
		defer d.ln.Close()
		stop := context.AfterFunc(ctx, func() { d.ln.Close() })
		defer stop()
		if tl, ok := d.ln.(*net.TCPListener); ok {
			_ = tl.SetDeadline(time.Now().Add(timeout))
		}
		for {
			c, err := d.ln.Accept()
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					return nil, fmt.Errorf("no data connection within %s", timeout)
				}
				return nil, err
			}
			if !ipOf(c.RemoteAddr()).Equal(peer) {
				s.log.Warn("data connection from a foreign address refused", "from", c.RemoteAddr().String())
				c.Close()
				continue
			}
			return c, nil
		}
	default:
		// The data connection comes from the control connection's own address (RFC 1123
		// §4.1.2.12: "the default data transfer port (L-1) MUST be associated with the same local
		// IP address as the corresponding control connection to port L").
		local := &net.TCPAddr{IP: ipOf(s.conn.LocalAddr())}
		addr := d.addr
		if addr == nil {
			// RFC 959 §3.2: the default data ports, the client's control port U and the
			// server's L-1.
			addr = &net.TCPAddr{IP: peer, Port: s.conn.RemoteAddr().(*net.TCPAddr).Port}
			local.Port = s.conn.LocalAddr().(*net.TCPAddr).Port - 1
			if s.srv.faults.has(faultDefaultPortOtherAddress) {
				local.IP = otherLoopback(local.IP)
			}
		}
		c, err := dialData(ctx, local, addr, timeout)
		if err != nil && local.Port != 0 && ctx.Err() == nil && !isTimeout(err) {
			// L-1 is taken (by a connection still in TIME_WAIT after the previous transfer, or
			// by another program) or privileged: any port of the same address will do.
			local.Port = 0
			c, err = dialData(ctx, local, addr, timeout)
		}
		return c, err
	}
}

// dialData opens an active data connection from local to addr.
func dialData(ctx context.Context, local, addr *net.TCPAddr, timeout time.Duration) (net.Conn, error) {
	dialer := net.Dialer{Timeout: timeout, LocalAddr: local}
	return dialer.DialContext(ctx, "tcp", addr.String())
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// otherLoopback is a loopback address other than ip, for default-port-other-address; ip itself
// when there is none (IPv6 has one loopback address).
func otherLoopback(ip net.IP) net.IP {
	if ip4 := ip.To4(); ip4 != nil && ip4.IsLoopback() {
		other := net.IPv4(127, 0, 0, 2)
		if other.Equal(ip4) {
			other = net.IPv4(127, 0, 0, 3)
		}
		return other
	}
	return ip
}

// deadlineConn bounds every read and write of a data connection by the data timeout.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c deadlineConn) Read(p []byte) (int, error) {
	_ = c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	return c.Conn.Read(p)
}

func (c deadlineConn) Write(p []byte) (int, error) {
	_ = c.Conn.SetWriteDeadline(time.Now().Add(c.timeout))
	return c.Conn.Write(p)
}
