package refserver

// FTP over TLS (RFC 4217, using RFC 2228's security commands): explicit FTPS (AUTH TLS on the
// control connection), implicit FTPS (TLS from the first byte, on a listener of its own), data
// connections protected after PROT P, CCC, REIN clearing TLS, and the policies RFC 4217 §10 lets
// a server hold (TLS required for logins, PROT P required for transfers, data connections that
// must resume the control connection's TLS session). Here: the certificates, a session's TLS
// state and the security commands; TLS on the control connection is in tls_control.go, on the
// data connections in tls_data.go.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"strconv"
	"strings"
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
