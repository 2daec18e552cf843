package harness

// FTP over TLS from the client's side (RFC 4217): AUTH TLS and implicit TLS on the control
// connection, PBSZ and PROT, TLS on the data connections (resuming the control connection's TLS
// session, as servers that insist on it need), and leaving TLS again after CCC and REIN.

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/onsi/ginkgo/v2"
)

// tlsState is a control connection's TLS and what its data connections share with it.
type tlsState struct {
	raw  net.Conn    // the clear connection under TLS; nil while the connection is clear
	conf *tls.Config // the connection's own: its session cache lets data connections resume
	// auto is set on connections the run protects (--tls): after login they protect their data
	// connections too (PBSZ 0, PROT P), as FTPS clients do (RFC 4217 §12.1).
	auto bool
	// cert is the certificate the server presented on the control connection, which its data
	// connections should present too (RFC 4217 §15.1.1).
	cert *x509.Certificate
}

func tlsClientConfig(t Target) *tls.Config {
	// A conformance run judges the FTP protocol, not the certificate chain: test servers
	// usually have self-signed certificates.
	return &tls.Config{ServerName: t.Host, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}
}

func tlsVersionName(v uint16) string { return tls.VersionName(v) }

// tlsConfig is the connection's TLS configuration. Its session cache is keyed by ServerName,
// the same for the control connection and its data connections, which therefore offer to resume
// the control connection's session (RFC 4217 §10.2: "It is reasonable for the server to insist
// that the data connection uses a TLS cached session").
func (c *Conn) tlsConfig() *tls.Config {
	if c.sec.conf == nil {
		c.sec.conf = tlsClientConfig(c.target)
		c.sec.conf.ClientSessionCache = tls.NewLRUClientSessionCache(4)
	}
	return c.sec.conf
}

// handshake runs the client's side of a TLS handshake on nc, within the reply budget. The
// first one of a connection is the control connection's; later ones are data connections',
// whose certificate should be the control connection's (RFC 4217 §15.1.1).
func (c *Conn) handshake(nc net.Conn) (*tls.Conn, error) {
	tc := tls.Client(nc, c.tlsConfig())
	tc.SetDeadline(time.Now().Add(c.budget()))
	err := tc.Handshake()
	tc.SetDeadline(time.Time{})
	if err != nil {
		return tc, err
	}
	st := tc.ConnectionState()
	if len(st.PeerCertificates) == 0 {
		return tc, nil
	}
	switch cert := st.PeerCertificates[0]; {
	case c.sec.cert == nil:
		c.sec.cert = cert
	case !cert.Equal(c.sec.cert):
		c.rec.finding(Finding{Level: Should, Section: "4217:15.1.1", Message: fmt.Sprintf(
			"the data connection presented another certificate (%s, SHA-256 %.16x…) than the control connection (%s, SHA-256 %.16x…); RFC 4217 §15.1.1 strongly recommends the same",
			cert.Subject, sha256.Sum256(cert.Raw), c.sec.cert.Subject, sha256.Sum256(c.sec.cert.Raw))})
	}
	return tc, nil
}

// ForgetTLSSessions empties the connection's TLS session cache, so that its next data
// connections negotiate new TLS sessions instead of resuming the control connection's.
func (c *Conn) ForgetTLSSessions() {
	c.tlsConfig().ClientSessionCache = tls.NewLRUClientSessionCache(4)
}

// StartTLS protects the control connection as RFC 4217 §4 describes: AUTH TLS, a 234 reply,
// then the TLS handshake on the same connection.
func (c *Conn) StartTLS() error {
	r, err := c.Auth("TLS")
	if err != nil {
		return err
	}
	if r.Code != 234 {
		return fmt.Errorf("AUTH TLS answered %s; RFC 4217 §4.2 expects 234", r)
	}
	return nil
}

// Auth sends AUTH with a mechanism and, when the server answers 234, runs the TLS handshake at
// once. It returns the reply; the error is a transport or handshake failure (the connection is
// closed then).
func (c *Conn) Auth(mechanism string) (Reply, error) {
	r, err := c.TryCmd("AUTH %s", mechanism)
	if err != nil || r.Code != 234 {
		return r, err
	}
	tc, err := c.handshake(c.nc)
	if err != nil {
		c.rec.note(c.id, "TLS handshake failed: %v", err)
		c.Close()
		return r, fmt.Errorf("TLS handshake after AUTH %s failed: %w", mechanism, err)
	}
	c.sec.raw, c.nc, c.tls = c.nc, tc, true
	c.rr = newReplyReader(tc)
	// RFC 4217 §4.2: the user must log in again, and the transfer parameters are reset; §9:
	// so is the data protection level.
	c.loggedIn, c.cwd, c.protectData = false, "", false
	c.rec.note(c.id, "TLS %s established", tlsVersionName(tc.ConnectionState().Version))
	return r, nil
}

// TLS reports whether the control connection is protected.
func (c *Conn) TLS() bool { return c.tls }

// DataProtected reports whether the data connections start TLS (PROT P is in force).
func (c *Conn) DataProtected() bool { return c.protectData }

// ProtectData sends PBSZ 0 and PROT P (RFC 4217 §9): the data connections use TLS from then on.
// It returns an error naming the refusal when the server refuses either.
func (c *Conn) ProtectData() error {
	for _, cmd := range []string{"PBSZ 0", "PROT P"} {
		r, err := c.TryCmd("%s", cmd)
		if err != nil {
			return err
		}
		if r.Code != 200 {
			return fmt.Errorf("%s answered %s", cmd, r)
		}
	}
	return nil
}

// protectAfterLogin protects the data connections of a connection the run protects (--tls).
// A server that refuses keeps its data connections in the clear; the transcript says so.
func (c *Conn) protectAfterLogin() {
	if !c.sec.auto || !c.tls || c.protectData {
		return
	}
	if err := c.ProtectData(); err != nil {
		c.rec.note(c.id, "data connections stay in the clear: %v", err)
	}
}

// afterREIN follows RFC 4217 §13: REIN resets the data protection level and, on an explicit TLS
// connection, the server clears TLS after its 220. Implicit TLS has no clear state to return to.
func (c *Conn) afterREIN() {
	c.protectData = false
	if c.tls && c.target.TLS != TLSImplicit {
		c.endTLS("REIN", "4217:13")
	}
}

// endTLS follows the server out of TLS after CCC's 200 (RFC 4217 §5) or REIN's 220 (§13): it
// waits for the server's close_notify, sends its own, and goes on in the clear. A server that
// keeps TLS breaks a MUST of the section; the connection then stays protected.
func (c *Conn) endTLS(verb, section string) {
	tc, ok := c.nc.(*tls.Conn)
	if !ok {
		return
	}
	tc.SetReadDeadline(time.Now().Add(c.budget()))
	n, err := tc.Read(make([]byte, 1))
	if n > 0 || !errors.Is(err, io.EOF) {
		what := fmt.Sprintf("data (%v)", err)
		if n == 0 && errors.Is(err, os.ErrDeadlineExceeded) {
			what = "nothing within the reply timeout"
		}
		c.rec.finding(Finding{Level: Must, Section: section, Message: fmt.Sprintf(
			"after %s's reply the server did not end TLS on the control connection (no close_notify; it sent %s)", verb, what)})
		if n > 0 {
			c.Close() // a byte of the stream is lost: nothing more can be read reliably
		}
		return
	}
	tc.CloseWrite()
	c.sec.raw.SetDeadline(time.Time{}) // crypto/tls leaves a write deadline in the past
	c.nc, c.tls, c.sec.raw = c.sec.raw, false, nil
	c.rr = newReplyReader(c.nc)
	c.rec.note(c.id, "TLS ended after %s: the control connection continues in the clear", verb)
}

// protect starts TLS on a data connection when PROT P is in force, after the server's 1yz (RFC
// 4217 §12.6, §12.7). The FTP client is the TLS client whichever side connected (§7).
func (d *Data) protect() error {
	if !d.tls {
		return nil
	}
	if _, ok := d.nc.(*tls.Conn); ok {
		return nil // kept open from an earlier transfer
	}
	tc, err := d.c.handshake(d.nc)
	if err != nil {
		d.nc.Close()
		d.c.rec.note(d.c.id, "TLS on the data connection failed: %v", err)
		return fmt.Errorf("TLS on the data connection failed (RFC 4217 §9: after PROT P it must be negotiated): %w", err)
	}
	st := tc.ConnectionState()
	d.c.rec.note(d.c.id, "TLS %s on the data connection (session resumed: %v)", tlsVersionName(st.Version), st.DidResume)
	d.nc = tc
	return nil
}

// SecureData makes a data connection that the scenario opened itself (to act on a transfer
// while it runs) follow the protection level: under PROT P it runs the client's side of the TLS
// handshake, which RFC 4217 §12.6 and §12.7 place after the transfer command's 1yz, resuming the
// control connection's TLS session; under PROT C it returns nc as it is. Call it right after
// reading the 1yz. An upload over TLS should end with CloseData.
func (c *Conn) SecureData(nc net.Conn) (net.Conn, error) {
	if !c.protectData {
		return nc, nil
	}
	tc, err := c.handshake(nc)
	if err != nil {
		nc.Close()
		c.rec.note(c.id, "TLS on the data connection failed: %v", err)
		return nil, fmt.Errorf("TLS on the data connection failed (RFC 4217 §9: after PROT P it must be negotiated): %w", err)
	}
	st := tc.ConnectionState()
	c.rec.note(c.id, "TLS %s on the data connection (session resumed: %v)", tlsVersionName(st.Version), st.DidResume)
	return tc, nil
}

// CloseData ends an upload on a data connection the scenario holds: over TLS, close_notify both
// ways first (see closeWrite).
func (c *Conn) CloseData(nc net.Conn) {
	(&Data{c: c, nc: nc}).closeWrite()
}

// closeWrite ends an upload. Over TLS it sends close_notify and waits for the server's (RFC 4217
// §12.6: "TLSshutdown()" both ways), so that no unread TLS record makes the close a reset.
func (d *Data) closeWrite() {
	if tc, ok := d.nc.(*tls.Conn); ok {
		tc.CloseWrite()
		tc.SetReadDeadline(time.Now().Add(d.c.budget()))
		io.Copy(io.Discard, io.LimitReader(tc, 1<<20))
	}
	d.nc.Close()
}

// Clear makes the data connection skip TLS although PROT P is in force, for scenarios about
// what a server does with a client that breaks the protection level.
func (d *Data) Clear() *Data {
	d.tls = false
	return d
}

// DialClear opens a control connection without TLS, whatever the run's --tls, for scenarios
// about what comes before AUTH. A target that speaks implicit TLS has no such connection: the
// scenario is skipped.
func (s *S) DialClear() *Conn { return s.DialClearTarget(s.Settings.Target) }

// DialClearTarget is DialClear for another endpoint (a condition's own server).
func (s *S) DialClearTarget(t Target) *Conn {
	if t.TLS == TLSImplicit {
		ginkgo.Skip("the target speaks implicit TLS: there is no control connection without TLS to try this on", 1)
	}
	clear := t
	clear.TLS = TLSNone
	c := s.DialTarget(clear)
	c.target = t // the same target: its scratch directory, and AUTH TLS later
	return c
}

// DialTLS opens a control connection protected with TLS, whatever the run's --tls: implicit
// where the target is implicit, AUTH TLS otherwise (RFC 4217 §4). PBSZ and PROT are left to the
// scenario.
func (s *S) DialTLS() *Conn { return s.dialTLS(s.Settings.Target, 2) }

// DialTLSTarget is DialTLS for another endpoint (a condition's own server).
func (s *S) DialTLSTarget(t Target) *Conn { return s.dialTLS(t, 2) }

func (s *S) dialTLS(t Target, skip int) *Conn {
	c := s.DialTarget(t)
	if !c.tls {
		if err := c.StartTLS(); err != nil {
			ginkgo.Fail(withRequirement(err.Error()), skip)
		}
	}
	c.sec.auto = false
	return c
}

// LoginTLS is DialTLS and a login as the target's user.
func (s *S) LoginTLS() *Conn {
	t := s.Settings.Target
	return s.loginTLS(t, t.User, t.Password)
}

// LoginTLSAs is LoginTLS on another endpoint, as another user.
func (s *S) LoginTLSAs(t Target, user, password string) *Conn { return s.loginTLS(t, user, password) }

func (s *S) loginTLS(t Target, user, password string) *Conn {
	c := s.dialTLS(t, 3)
	if err := c.Login(user, password, ""); err != nil {
		ginkgo.Fail(withRequirement(err.Error()), 2)
	}
	return c
}
