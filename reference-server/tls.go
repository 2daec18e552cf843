package refserver

// FTP over TLS (RFC 4217, using RFC 2228's security commands): explicit FTPS (AUTH TLS on the
// control connection), implicit FTPS (TLS from the first byte, on a listener of its own), data
// connections protected after PROT P, CCC, REIN clearing TLS, and the policies RFC 4217 §10 lets
// a server hold (TLS required for logins, PROT P required for transfers, data connections that
// must resume the control connection's TLS session).

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Reply codes of the security extensions.
const (
	codeSecurityDone     = 234 // RFC 2228 §5.1: "Security data exchange complete."
	codeProtSetting      = 521 // RFC 4217 §10.2: "data connection cannot be opened with this PROT setting"
	codeDataTLSFailed    = 522 // RFC 4217 §10.2: TLS on the data connection failed or was unacceptable
	codeProtectionDenied = 533 // RFC 2228 §5.1: "Command protection level denied for policy reasons."
	codePolicyDenied     = 534 // RFC 2228 §5.1: "Request denied for policy reasons."
	codeProtUnsupported  = 536 // RFC 2228 §5.1: "Requested PROT level not supported by mechanism."
)

// tlsHandshakeTimeout bounds a TLS handshake, and the closing exchange of CCC and REIN.
const tlsHandshakeTimeout = 30 * time.Second

// tlsMechanisms are the AUTH arguments that start TLS. RFC 4217 §17: "TLS", and "TLS-C" as a
// synonym (SHOULD); "SSL" is what older clients send (curl tries it first), and meant the same.
var tlsMechanisms = []string{"TLS", "TLS-C", "SSL"}

// newTLSConfig loads the configured certificate, or makes a self-signed one.
func newTLSConfig(cfg *Config) (*tls.Config, error) {
	var cert tls.Certificate
	var err error
	if cfg.TLSCertFile != "" {
		cert, err = tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls_cert_file, tls_key_file: %v", err)
		}
	} else if cert, err = selfSigned(); err != nil {
		return nil, fmt.Errorf("self-signed certificate: %v", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// selfSigned makes an ECDSA P-256 certificate for localhost and the loopback addresses, valid
// from an hour ago for a year. Clients must be told not to verify it (curl -k, lftp
// ssl:verify-certificate no, python's default FTP_TLS context).
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"ftpconform reference server (self-signed)"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// setupTLS prepares the server's TLS configuration and applies the login policy to the
// command table.
func (srv *Server) setupTLS() error {
	conf, err := newTLSConfig(&srv.cfg)
	if err != nil {
		return err
	}
	srv.tlsConf = conf
	if srv.cfg.RequireTLS {
		// RFC 4217 §10.1: a server may "Deny certain commands before TLS is negotiated (e.g.,
		// USER, PASS, or ACCT)". Refusing USER refuses the whole login (PASS must follow USER),
		// before any password crosses the network in the clear, and for every name alike.
		user := srv.table["USER"]
		h := user.handler
		user.handler = func(s *session, arg string) {
			if s.tls.control == nil && !s.srv.faults.has(faultTLSLoginNotRequired) {
				s.logout()
				s.reply(codeNotLoggedIn, "This server requires TLS for logins: send AUTH TLS first.")
				return
			}
			h(s, arg)
		}
	}
	return nil
}

// sessionTLSConfig is the configuration of one session's TLS connections. Its own session
// ticket key means that a data connection can resume only this session's TLS session.
func (srv *Server) sessionTLSConfig() *tls.Config {
	c := srv.tlsConf.Clone()
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	c.SetSessionTicketKeys([][32]byte{key})
	return c
}

// tlsState is a session's TLS: the control connection's, and the data protection level.
type tlsState struct {
	conf     *tls.Config // this session's (sessionTLSConfig); nil until first needed
	dataConf *tls.Config // conf without session tickets, for data connections (dataTLS)
	raw      net.Conn    // the clear connection under an explicit TLS control connection
	rec      *recordConn // between raw and TLS, so that TLS can end without losing a byte
	control  *tls.Conn   // the control connection's TLS; nil while it is clear
	implicit bool        // TLS from the first byte: it cannot be cleared
	pbsz     bool        // PBSZ accepted since TLS started (PROT needs it, RFC 2228 §3)
	private  bool        // PROT P: data connections use TLS
	cleared  bool        // CCC accepted: PBSZ and PROT are refused from now on (RFC 4217 §5)
}

// config returns the session's TLS configuration, making it on first use.
func (s *session) tlsConfig() *tls.Config {
	if s.tls.conf == nil {
		s.tls.conf = s.srv.sessionTLSConfig()
	}
	return s.tls.conf
}

// setControl replaces the control connection (TLS starting or ending). Shutdown reads s.conn
// under the server's lock, hence the lock here.
func (s *session) setControl(c net.Conn) {
	s.srv.mu.Lock()
	s.conn = c
	s.srv.mu.Unlock()
	s.r = newCmdReader(c)
}

func (s *session) logTLS(what string, tc *tls.Conn) {
	st := tc.ConnectionState()
	s.log.Info(what, "version", tls.VersionName(st.Version), "cipher", tls.CipherSuiteName(st.CipherSuite), "resumed", st.DidResume)
}

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

// AUTH (RFC 2228 §3, RFC 4217 §4): 234, then the TLS handshake on the control connection.
// Afterwards the user must log in again, and the transfer parameters are reset (RFC 4217 §4.2).
func cmdAUTH(s *session, arg string) {
	mech := strings.ToUpper(strings.TrimSpace(arg))
	known := false
	for _, m := range tlsMechanisms {
		known = known || mech == m
	}
	switch {
	case !known:
		s.reply(codeParamNotImpl, "Unknown security mechanism %q: this server offers AUTH TLS.", sanitizeName(arg))
	case s.tls.control != nil:
		s.reply(codePolicyDenied, "The control connection is already protected with TLS.")
	default:
		s.reply(codeSecurityDone, "AUTH %s OK: start the TLS handshake.", mech)
		s.startControlTLS()
	}
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

// CCC (RFC 2228 §3, RFC 4217 §5): 533 on a clear connection; 534 where the policy refuses
// (deny_ccc, implicit TLS, or before login as RFC 4217 §15.3 suggests); otherwise 200 and the
// control connection goes on in the clear, data protection unchanged.
func cmdCCC(s *session, _ string) {
	switch {
	case s.tls.control == nil && s.srv.faults.has(faultCCCClearAccepted):
		s.reply(codeOK, "CCC OK.")
	case s.tls.control == nil:
		s.reply(codeProtectionDenied, "CCC needs a control connection protected with TLS (AUTH TLS first).")
	case s.tls.implicit:
		s.reply(codePolicyDenied, "Implicit TLS cannot be cleared.")
	case s.srv.cfg.DenyCCC:
		s.reply(codePolicyDenied, "This server does not clear the control connection.")
	case !s.loggedIn:
		s.reply(codePolicyDenied, "Log in before CCC (RFC 4217 §15.3).")
	default:
		s.reply(codeOK, "CCC OK: the control connection continues in the clear.")
		if !s.srv.faults.has(faultCCCKeepsTLS) {
			s.endControlTLS()
		}
		s.tls.cleared = !s.srv.faults.has(faultCCCAcceptsProt)
	}
}

// PBSZ (RFC 2228 §3, RFC 4217 §9): TLS needs no buffering, so the size is always 0; a larger
// one is answered with "PBSZ=0", the smaller size both sides must use.
func cmdPBSZ(s *session, arg string) {
	_, err := strconv.ParseUint(strings.TrimSpace(arg), 10, 32)
	switch {
	case s.tls.cleared:
		s.reply(codeBadSequence, "No PBSZ after CCC (RFC 4217 §5).")
	case s.tls.control == nil && !s.srv.faults.has(faultPBSZBeforeAuth):
		s.reply(codeBadSequence, "PBSZ needs a protected control connection: AUTH TLS first.")
	case err != nil:
		s.reply(codeBadArguments, "PBSZ: %q is not a decimal number of at most 32 bits.", sanitizeName(arg))
	default:
		s.tls.pbsz = true
		s.reply(codeOK, "PBSZ=0")
	}
}

// PROT (RFC 2228 §3, RFC 4217 §9): C and P; S and E are not TLS levels (536).
func cmdPROT(s *session, arg string) {
	level := strings.ToUpper(strings.TrimSpace(arg))
	switch {
	case s.tls.cleared:
		s.reply(codeBadSequence, "No PROT after CCC (RFC 4217 §5).")
	case !s.tls.pbsz && !s.srv.faults.has(faultProtWithoutPBSZ):
		s.reply(codeBadSequence, "PROT needs PBSZ first (RFC 2228 §3).")
	case level == "C":
		s.tls.private = s.tls.private && s.srv.faults.has(faultProtCIgnored)
		s.reply(codeOK, "Protection level Clear: data connections without TLS.")
	case level == "P":
		s.tls.private = true
		s.reply(codeOK, "Protection level Private: data connections with TLS.")
	case level == "S" || level == "E":
		s.reply(codeProtUnsupported, "PROT %s is not supported with TLS: use C or P (RFC 4217 §9).", level)
	default:
		s.reply(codeParamNotImpl, "PROT %q: unknown protection level (C, S, E or P).", sanitizeName(arg))
	}
}

// ADAT (RFC 2228 §3): TLS exchanges no security data. Before AUTH and after AUTH TLS's 234 alike,
// "it should respond with reply code 503".
func cmdADAT(s *session, _ string) {
	s.reply(codeBadSequence, "ADAT: AUTH TLS needs no security data (RFC 4217 §4.2).")
}

// dataProtectionRefused answers 521 when the policy requires PROT P and it is not in force.
// RFC 4217 §10.2: checked on the command that opens the data connection, before any 1yz.
func (s *session) dataProtectionRefused() bool {
	if s.srv.cfg.RequireProtectedData && !s.tls.private {
		s.reply(codeProtSetting, "Data connection cannot be opened with this PROT setting: this server requires PROT P.")
		return true
	}
	return false
}

// dataTLS is the TLS configuration for the next data connection; nil for PROT C. It issues no
// TLS 1.3 session tickets unless the policy needs data connections to resume sessions: a client
// that only writes (an upload) never reads a ticket, and closing a socket with unread input
// resets it, which can cut off the end of the upload.
func (s *session) dataTLS() *tls.Config {
	if !s.tls.private || s.srv.faults.has(faultProtPClear) {
		return nil
	}
	conf := s.tls.dataConf
	if s.srv.cfg.TLSSessionReuse {
		conf = s.tlsConfig()
	} else if conf == nil {
		conf = s.tlsConfig().Clone()
		conf.SessionTicketsDisabled = true
		s.tls.dataConf = conf
	}
	return s.faultyDataTLS(conf)
}

// faultyDataTLS applies the faults of the data connection's TLS configuration.
func (s *session) faultyDataTLS(conf *tls.Config) *tls.Config {
	if s.srv.faults.has(faultDataOtherCert) {
		conf = conf.Clone()
		cert, _ := otherCertificate()
		conf.Certificates = []tls.Certificate{cert}
	}
	s.mu.Lock()
	active := s.data.ln == nil && s.data.conn == nil // PORT, EPRT or the default data port
	s.mu.Unlock()
	if active && s.srv.faults.has(faultProtActiveClient) {
		conf = conf.Clone()
		conf.ServerName = faultTLSClientRole
	}
	return conf
}

// faultTLSClientRole marks the configuration of a data connection on which the server acts as
// the TLS client (prot-active-tls-client).
const faultTLSClientRole = "fault.tls-client-role.invalid"

// otherCertificate is the certificate of data-other-certificate, made once.
var otherCertificate = sync.OnceValues(selfSigned)

// secureData starts TLS on a transfer's data connection (PROT P, RFC 4217 §9), after the 1yz
// (§12.6, §12.7). The server is the TLS server whichever side connected (§7). When the handshake
// fails, or the policy wants the control connection's TLS session resumed and it was not, the
// transfer ends with 522 (§10.2) and secureData returns false.
func (x *transfer) secureData(conn *net.Conn, conf *tls.Config) bool {
	if conf == nil {
		return true
	}
	if _, ok := (*conn).(*tls.Conn); ok {
		return true // a data connection kept open from the previous transfer
	}
	tc := tls.Server(*conn, conf)
	if conf.ServerName == faultTLSClientRole {
		tc = tls.Client(*conn, &tls.Config{InsecureSkipVerify: true})
	}
	_ = tc.SetDeadline(time.Now().Add(x.s.srv.cfg.DataTimeout.D()))
	err := tc.HandshakeContext(x.ctx)
	_ = tc.SetDeadline(time.Time{})
	why, code := "TLS negotiation failed", codeDataTLSFailed
	if err == nil && x.s.srv.cfg.TLSSessionReuse && !tc.ConnectionState().DidResume {
		err = errors.New("new TLS session")
		why = "TLS session reuse required: the data connection must resume the control connection's TLS session"
		if x.s.srv.faults.has(faultSessionReuse425) {
			code = codeCantOpenData
		}
	}
	if err != nil && x.s.srv.faults.has(faultDataTLSFailure226) {
		code, why = codeClosingData, "Transfer complete"
	}
	if err != nil {
		x.s.log.Info("TLS on the data connection failed", "cmd", x.cmd, "err", err)
		(*conn).Close()
		x.finished.Store(true)
		if x.aborted.Load() {
			x.reply(codeTransferAborted, "Transfer aborted during the TLS handshake.")
		} else {
			x.reply(code, "%s; transfer aborted.", why)
		}
		return false
	}
	x.s.logTLS("TLS on the data connection", tc)
	*conn = tc
	return true
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
