package refserver

import (
	"bufio"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"time"
)

// TLS on the control connection: implicit FTPS from the first byte, AUTH TLS's handshake, and
// the way back to the clear after CCC and REIN, without losing a byte of what follows.

// implicitConn is a connection accepted on the implicit TLS listener, not yet greeted.
type implicitConn struct {
	*tls.Conn
	conf *tls.Config
}

// wrapImplicit makes an accepted connection an implicit TLS one (the handshake waits for the
// session, or for the first write when the server refuses the connection).
func (srv *Server) wrapImplicit(c net.Conn) net.Conn {
	conf := srv.sessionTLSConfig()
	return implicitConn{Conn: tls.Server(c, conf), conf: conf}
}

// beginImplicitTLS runs the handshake of an implicit TLS connection before the greeting. It
// returns false when the handshake fails: the connection is then dropped.
func (s *session) beginImplicitTLS() bool {
	ic, ok := s.conn.(implicitConn)
	if !ok {
		return true
	}
	s.tls.conf, s.tls.control, s.tls.implicit = ic.conf, ic.Conn, true
	_ = ic.SetDeadline(time.Now().Add(tlsHandshakeTimeout))
	err := ic.Handshake()
	_ = ic.SetDeadline(time.Time{})
	if err != nil {
		s.log.Info("implicit TLS handshake failed", "err", err)
		return false
	}
	s.tls.private = s.srv.faults.has(faultProtDefaultPrivate)
	s.logTLS("TLS established (implicit)", ic.Conn)
	return true
}

// startControlTLS runs the server's side of the handshake after 234.
func (s *session) startControlTLS() {
	raw := s.conn
	rec := newRecordConn(raw)
	tc := tls.Server(rec, s.tlsConfig())
	_ = raw.SetDeadline(time.Now().Add(tlsHandshakeTimeout))
	err := tc.Handshake()
	_ = raw.SetDeadline(time.Time{})
	if err != nil {
		s.log.Info("TLS handshake on the control connection failed", "err", err)
		if errors.As(err, new(tls.RecordHeaderError)) && !s.srv.faults.has(faultTLSFailSilent) {
			// The client never started TLS: the connection is still clear, and RFC 4217 §10.1
			// says the server "SHOULD issue an unprotected '421' reply to end the session".
			s.reply(codeNotAvailable, "TLS negotiation failed: closing control connection.")
		}
		// Otherwise the connection "is in an unknown state and the server SHOULD simply drop".
		s.quit = true
		return
	}
	s.tls.raw, s.tls.rec, s.tls.control = raw, rec, tc
	s.setControl(tc)
	switch {
	case s.srv.faults.has(faultAuthKeepsLogin):
		s.params, s.rest = defaultParams, nil
	case s.srv.faults.has(faultAuthKeepsParams):
		s.logout()
	default:
		s.reinitialize()
	}
	s.tls.pbsz, s.tls.cleared = false, false
	s.tls.private = s.srv.faults.has(faultProtDefaultPrivate)
	s.logTLS("TLS established (AUTH)", tc)
}

// endControlTLS ends TLS on the control connection, which goes on in the clear (CCC, RFC 4217
// §5; REIN, §13). The server sends close_notify, then takes the client's, when it sends one: in
// its "passive" CCC mode curl does not, and goes straight on in plaintext.
func (s *session) endControlTLS() {
	t := &s.tls
	_ = t.raw.SetDeadline(time.Now().Add(tlsHandshakeTimeout))
	err := t.control.CloseWrite()
	if err == nil {
		// The client's next bytes: a TLS record (its close_notify) or a plaintext command. No
		// command starts with the bytes 20-23, the TLS record types.
		var deadline time.Time
		if s.idle > 0 {
			deadline = time.Now().Add(s.idle)
		}
		_ = t.raw.SetReadDeadline(deadline)
		var b []byte
		if b, err = t.rec.br.Peek(1); err == nil && b[0] >= 20 && b[0] <= 23 {
			_, err = io.Copy(io.Discard, io.LimitReader(t.control, maxCommandLine))
		}
	}
	_ = t.raw.SetDeadline(time.Time{})
	if err != nil {
		s.log.Info("ending TLS on the control connection failed", "err", err)
		s.quit = true
		return
	}
	s.setControl(plainConn{Conn: t.raw, r: t.rec.br})
	t.control, t.rec, t.raw = nil, nil, nil
	s.log.Info("TLS ended: the control connection is clear")
}

// tlsAfterREIN applies RFC 4217 §13 after REIN's 220 has gone out, protected: "the TLS
// session(s) MUST be cleared and the control and data connections revert to unprotected,
// clear communications". Implicit FTPS keeps its TLS: its connection has no clear state.
func (s *session) tlsAfterREIN() {
	s.tls.pbsz, s.tls.cleared = false, false
	if !s.srv.faults.has(faultREINKeepsProt) {
		s.tls.private = false
	}
	if s.tls.control != nil && !s.tls.implicit && !s.srv.faults.has(faultREINKeepsTLS) {
		s.endControlTLS()
	}
}

// recordConn passes TLS exactly one record at a time and never a byte beyond it, so that when
// TLS ends on the control connection the plaintext that follows is still in br. (crypto/tls
// reads ahead of what it needs.)
type recordConn struct {
	net.Conn
	br     *bufio.Reader
	header [5]byte
	got    int // bytes of the current record header read so far
	left   int // bytes of the current record body still to pass; 0: a header comes next
}

func newRecordConn(c net.Conn) *recordConn {
	return &recordConn{Conn: c, br: bufio.NewReaderSize(c, 4096)}
}

func (c *recordConn) Read(p []byte) (int, error) {
	if c.left > 0 {
		n, err := c.br.Read(p[:min(len(p), c.left)])
		c.left -= n
		return n, err
	}
	n, err := c.br.Read(p[:min(len(p), len(c.header)-c.got)])
	copy(c.header[c.got:], p[:n])
	if c.got += n; c.got == len(c.header) {
		c.got, c.left = 0, int(binary.BigEndian.Uint16(c.header[3:5]))
	}
	return n, err
}

// plainConn is the control connection after TLS ended: reads come from the buffer that may
// already hold the client's next command.
type plainConn struct {
	net.Conn
	r io.Reader
}

func (c plainConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// CloseWrite half-closes the TCP connection, for closeGracefully.
func (c plainConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
