package harness

import (
	"crypto/tls"
	"fmt"
	"time"
)

// StartTLS protects the control connection as RFC 4217 §4 describes: AUTH TLS, a 234 reply,
// then the TLS handshake on the same connection.
func (c *Conn) StartTLS() error {
	r, err := c.TryCmd("AUTH TLS")
	if err != nil {
		return err
	}
	if r.Code != 234 {
		return fmt.Errorf("AUTH TLS answered %s; RFC 4217 §4 expects 234", r)
	}
	tc := tls.Client(c.nc, tlsClientConfig(c.target))
	tc.SetDeadline(time.Now().Add(c.budget()))
	if err := tc.Handshake(); err != nil {
		c.rec.note(c.id, "TLS handshake failed: %v", err)
		c.Close()
		return fmt.Errorf("TLS handshake after AUTH TLS failed: %w", err)
	}
	tc.SetDeadline(time.Time{})
	c.nc, c.tls = tc, true
	c.rr = newReplyReader(tc)
	c.rec.note(c.id, "TLS %s established", tls.VersionName(tc.ConnectionState().Version))
	return nil
}

// TLS reports whether the control connection is protected.
func (c *Conn) TLS() bool { return c.tls }
