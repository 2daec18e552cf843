package harness

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"io"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

// testServerTLS is a self-signed TLS configuration for fake servers.
func testServerTLS(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// expectLine reads a command line and fails unless it is want.
func expectLine(t *testing.T, r *bufio.Reader, want string) bool {
	line, err := r.ReadString('\n')
	if got := strings.TrimRight(line, "\r\n"); err != nil || got != want {
		t.Errorf("server: got %q (%v), want %q", got, err, want)
		return false
	}
	return true
}

// recordReader hands crypto/tls one TLS record at a time, so that the plaintext after the end
// of TLS stays in r (crypto/tls reads ahead otherwise).
type recordReader struct {
	net.Conn
	r    *bufio.Reader
	hdr  []byte
	left int
}

func (c *recordReader) Read(p []byte) (int, error) {
	if c.left == 0 {
		n, err := c.r.Read(p[:min(len(p), 5-len(c.hdr))])
		if c.hdr = append(c.hdr, p[:n]...); len(c.hdr) == 5 {
			c.left, c.hdr = int(c.hdr[3])<<8|int(c.hdr[4]), nil
		}
		return n, err
	}
	n, err := c.r.Read(p[:min(len(p), c.left)])
	c.left -= n
	return n, err
}

// authTLS is the server's side of AUTH TLS: 234 and the handshake.
func authTLS(t *testing.T, c net.Conn, r *bufio.Reader, conf *tls.Config) (*tls.Conn, *bufio.Reader) {
	c.Write([]byte("220 hi\r\n"))
	if !expectLine(t, r, "AUTH TLS") {
		return nil, nil
	}
	c.Write([]byte("234 go ahead\r\n"))
	tc := tls.Server(&recordReader{Conn: c, r: r}, conf)
	if err := tc.Handshake(); err != nil {
		t.Errorf("server handshake: %v", err)
		return nil, nil
	}
	return tc, bufio.NewReader(tc)
}

// After CCC's 200 the client takes the server's close_notify, sends its own and goes on in the
// clear (RFC 4217 §5).
func TestCCCEndsTLS(t *testing.T) {
	conf := testServerTLS(t)
	tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
		tc, tr := authTLS(t, c, r, conf)
		if tc == nil || !expectLine(t, tr, "CCC") {
			return
		}
		tc.Write([]byte("200 clear from now on\r\n"))
		tc.CloseWrite()
		c.SetWriteDeadline(time.Time{}) // crypto/tls leaves one in the past
		if _, err := io.Copy(io.Discard, tc); err != nil {
			t.Errorf("server: waiting for the client's close_notify: %v", err)
		}
		if expectLine(t, r, "NOOP") {
			c.Write([]byte("200 ok\r\n"))
		}
	})
	c, rec := dialTest(t, tg, 5*time.Second)
	if err := c.StartTLS(); err != nil || !c.TLS() {
		t.Fatalf("StartTLS: %v", err)
	}
	if r, err := c.TryCmd("CCC"); err != nil || r.Code != 200 {
		t.Fatalf("CCC: %v %v", r, err)
	}
	if c.TLS() {
		t.Fatal("the connection is still TLS after CCC's 200")
	}
	if r, err := c.TryCmd("NOOP"); err != nil || r.Code != 200 {
		t.Fatalf("NOOP in the clear: %v %v", r, err)
	}
	if _, f, _ := rec.snapshot(); len(f) != 0 {
		t.Errorf("findings: %v", f)
	}
}

// A server that keeps TLS after REIN's 220 breaks RFC 4217 §13's MUST; the connection stays
// protected and usable.
func TestREINWithoutClearingIsAFinding(t *testing.T) {
	conf := testServerTLS(t)
	tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
		tc, tr := authTLS(t, c, r, conf)
		if tc == nil || !expectLine(t, tr, "REIN") {
			return
		}
		tc.Write([]byte("220 ready\r\n"))
		if expectLine(t, tr, "NOOP") {
			tc.Write([]byte("200 ok\r\n"))
		}
	})
	c, rec := dialTest(t, tg, 300*time.Millisecond)
	if err := c.StartTLS(); err != nil {
		t.Fatal(err)
	}
	if r, err := c.TryCmd("REIN"); err != nil || r.Code != 220 {
		t.Fatalf("REIN: %v %v", r, err)
	}
	if !c.TLS() {
		t.Fatal("the harness left TLS although the server kept it")
	}
	_, f, _ := rec.snapshot()
	if len(f) != 1 || f[0].Level != Must || f[0].Section != "4217:13" {
		t.Fatalf("findings: %v", f)
	}
	if r, err := c.TryCmd("NOOP"); err != nil || r.Code != 200 {
		t.Fatalf("NOOP over TLS after REIN: %v %v", r, err)
	}
}

// AUTH with any mechanism: the handshake runs only after 234; other replies leave the
// connection clear.
func TestAuthOnlyAfter234(t *testing.T) {
	tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
		c.Write([]byte("220 hi\r\n"))
		if expectLine(t, r, "AUTH X-NONE") {
			c.Write([]byte("504 unknown mechanism\r\n"))
		}
		if expectLine(t, r, "NOOP") {
			c.Write([]byte("200 ok\r\n"))
		}
	})
	c, _ := dialTest(t, tg, 5*time.Second)
	if r, err := c.Auth("X-NONE"); err != nil || r.Code != 504 || c.TLS() {
		t.Fatalf("Auth: %v %v, TLS %v", r, err, c.TLS())
	}
	if r, err := c.TryCmd("NOOP"); err != nil || r.Code != 200 {
		t.Fatalf("NOOP: %v %v", r, err)
	}
}
