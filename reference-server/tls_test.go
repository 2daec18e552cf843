package refserver

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// clientTLS is a test client's TLS configuration; each control connection has its own session
// cache, which its data connections share to resume its TLS session.
func clientTLS() *tls.Config {
	// The cache key is ServerName (the remote address without it, which differs between the
	// control and data connections).
	return &tls.Config{ServerName: "localhost", InsecureSkipVerify: true, ClientSessionCache: tls.NewLRUClientSessionCache(4)}
}

// startTLS sends AUTH TLS and runs the handshake.
func (c *client) startTLS(conf *tls.Config) {
	c.t.Helper()
	c.expect("AUTH TLS", 234)
	raw := c.conn
	tc := tls.Client(raw, conf)
	_ = tc.SetDeadline(time.Now().Add(replyTimeout))
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("TLS handshake after AUTH TLS: %v", err)
	}
	_ = tc.SetDeadline(time.Time{})
	c.conn, c.r = tc, bufio.NewReader(tc)
}

// endTLS follows the server out of TLS after CCC's 200 or REIN's 220: it waits for the server's
// close_notify, sends its own when sendNotify is set (curl's passive CCC mode does not), and goes
// on in the clear.
func (c *client) endTLS(sendNotify bool) {
	c.t.Helper()
	tc := c.conn.(*tls.Conn)
	_ = tc.SetReadDeadline(time.Now().Add(replyTimeout))
	if n, err := tc.Read(make([]byte, 1)); n != 0 || !errors.Is(err, io.EOF) {
		c.t.Fatalf("expected the server's close_notify, got %d bytes, %v", n, err)
	}
	if sendNotify {
		if err := tc.CloseWrite(); err != nil {
			c.t.Fatalf("close_notify: %v", err)
		}
	}
	raw := tc.NetConn()
	_ = raw.SetDeadline(time.Time{}) // crypto/tls leaves a write deadline in the past
	c.conn, c.r = raw, bufio.NewReader(raw)
}

// loginTLS dials, protects the control connection and logs in.
func loginTLS(t *testing.T, addr string, conf *tls.Config) *client {
	t.Helper()
	c, greeting := dial(t, addr)
	if greeting.code != 220 {
		t.Fatalf("greeting: %v", greeting)
	}
	c.startTLS(conf)
	c.expect("USER "+testUser, 331)
	c.expect("PASS "+testPassword, 230)
	return c
}

// protectData sends PBSZ 0 and PROT P.
func (c *client) protectData() {
	c.t.Helper()
	c.run([]step{{"PBSZ 0", 200, "PBSZ=0"}, {"PROT P", 200, ""}})
}

// tlsData runs the client's side of the handshake on a data connection.
func tlsData(t testing.TB, d net.Conn, conf *tls.Config) *tls.Conn {
	t.Helper()
	tc := tls.Client(d, conf)
	_ = tc.SetDeadline(time.Now().Add(replyTimeout))
	if err := tc.Handshake(); err != nil {
		t.Fatalf("TLS on the data connection: %v", err)
	}
	_ = tc.SetDeadline(time.Time{})
	return tc
}

// retrTLS downloads over a protected passive data connection: TLS starts after the 150.
func (c *client) retrTLS(cmd string, conf *tls.Config) []byte {
	c.t.Helper()
	d := c.pasv()
	c.expect(cmd, 150)
	b := readAll(c.t, tlsData(c.t, d, conf))
	c.expectRead(226)
	return b
}

// storTLS uploads over a protected passive data connection, ending TLS as RFC 4217 §12.7 draws
// it: close_notify both ways, then close.
func (c *client) storTLS(name string, data []byte, conf *tls.Config) {
	c.t.Helper()
	d := c.pasv()
	c.expect("STOR "+name, 150)
	tc := tlsData(c.t, d, conf)
	if _, err := tc.Write(data); err != nil {
		c.t.Fatalf("writing data: %v", err)
	}
	if err := tc.CloseWrite(); err != nil {
		c.t.Fatalf("close_notify: %v", err)
	}
	readAll(c.t, tc)
	c.expectRead(226)
}

func TestAuthTLSAndProtectedTransfers(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "hello.txt", "hello over TLS\n")
	conf := clientTLS()
	c := loginTLS(t, ts.addr, conf)
	feat := c.expect("FEAT", 211)
	for _, want := range []string{" AUTH TLS", " PBSZ", " PROT", " CCC"} {
		if !strings.Contains(feat.raw, want+"\r\n") {
			t.Errorf("FEAT does not list %q (RFC 4217 §6): %v", want, feat)
		}
	}
	c.protectData()
	if got := string(c.retrTLS("RETR hello.txt", conf)); got != "hello over TLS\r\n" {
		t.Errorf("RETR over TLS in TYPE A: %q", got)
	}
	c.expect("TYPE I", 200)
	data := randomBytes(300 << 10)
	c.storTLS("up.bin", data, conf)
	if got := c.retrTLS("RETR up.bin", conf); !bytes.Equal(got, data) {
		t.Errorf("round trip over TLS: %d bytes back, want %d", len(got), len(data))
	}
	if got := ts.read(t, "up.bin"); got != string(data) {
		t.Errorf("stored %d bytes, want %d", len(got), len(data))
	}
	// Active mode: the server connects, the client is still the TLS client (RFC 4217 §7).
	ln := c.port()
	c.expect("NLST", 150)
	_ = ln.(*net.TCPListener).SetDeadline(time.Now().Add(replyTimeout))
	d, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if got := string(readAll(t, tlsData(t, d, conf))); got != "hello.txt\r\nup.bin\r\n" {
		t.Errorf("NLST over active TLS: %q", got)
	}
	c.expectRead(226)
	// PROT C: clear again.
	c.expect("PROT C", 200)
	if got := c.retr("hello.txt"); !bytes.Equal(got, []byte("hello over TLS\n")) {
		t.Errorf("RETR after PROT C: %q", got)
	}
}

func TestAuthMechanisms(t *testing.T) {
	ts := startServer(t, nil)
	for _, mech := range []string{"TLS", "tls", "TLS-C", "SSL"} {
		c, _ := dial(t, ts.addr)
		c.expect("AUTH "+mech, 234)
	}
	c, _ := dial(t, ts.addr)
	c.run([]step{
		{"AUTH KERBEROS_V4", 504, ""},
		{"AUTH", 501, ""},
		{"ADAT Zm9v", 503, ""},
		{"PBSZ 0", 503, ""},
		{"PROT P", 503, ""},
		{"CCC", 533, ""},
		{"MIC Zm9v", 502, ""},
		{"CONF Zm9v", 502, ""},
		{"ENC Zm9v", 502, ""},
	})
	c.startTLS(clientTLS())
	c.run([]step{
		{"AUTH TLS", 534, ""},
		{"ADAT Zm9v", 503, ""},
		{"PROT P", 503, "PBSZ"},
		{"PBSZ x", 501, ""},
		{"PBSZ 4294967296", 501, ""},
		{"PBSZ 1048576", 200, "PBSZ=0"},
		{"PROT S", 536, ""},
		{"PROT E", 536, ""},
		{"PROT X", 504, ""},
		{"PROT p", 200, ""},
		{"CCC", 534, "Log in"},
	})
}

func TestAuthResetsTheSession(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "sub/f", "x")
	c := login(t, ts.addr)
	c.expect("CWD sub", 250)
	c.expect("TYPE I", 200)
	c.startTLS(clientTLS())
	c.expect("CWD /", 530) // RFC 2228 §3: the user must log in again
	c.expect("USER "+testUser, 331)
	c.expect("PASS "+testPassword, 230)
	c.run([]step{{"PWD", 257, `"/"`}, {"STAT", 211, "TYPE: ASCII"}})
}

func TestCCC(t *testing.T) {
	for _, notify := range []bool{true, false} {
		ts := startServer(t, nil)
		ts.write(t, "f.txt", "data\n")
		conf := clientTLS()
		c := loginTLS(t, ts.addr, conf)
		c.protectData()
		c.expect("CCC", 200)
		c.endTLS(notify)
		c.run([]step{{"NOOP", 200, ""}, {"PBSZ 0", 503, "CCC"}, {"PROT C", 503, "CCC"}})
		// The data connection keeps PROT P (RFC 4217 §5).
		if got := string(c.retrTLS("RETR f.txt", conf)); got != "data\r\n" {
			t.Errorf("RETR after CCC: %q", got)
		}
		c.expect("QUIT", 221)
	}
	ts := startServer(t, func(c *Config) { c.DenyCCC = true })
	c := loginTLS(t, ts.addr, clientTLS())
	c.expect("CCC", 534)
	c.expect("NOOP", 200)
}

func TestREINClearsTLS(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "f.txt", "data\n")
	conf := clientTLS()
	c := loginTLS(t, ts.addr, conf)
	c.protectData()
	c.expect("REIN", 220) // protected (RFC 4217 §13)
	c.endTLS(true)
	c.expect("USER "+testUser, 331)
	c.expect("PASS "+testPassword, 230)
	if got := c.retr("f.txt"); string(got) != "data\r\n" { // TYPE A again
		t.Errorf("RETR after REIN, clear: %q", got)
	}
	c.startTLS(conf) // TLS again
	c.expect("USER "+testUser, 331)
}

func TestImplicitTLS(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.ImplicitListen = "127.0.0.1:0" })
	ts.write(t, "f.txt", "data\n")
	conf := clientTLS()
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: replyTimeout}, "tcp", ts.srv.ImplicitAddr().String(), conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &client{t: t, conn: conn, r: bufio.NewReader(conn)}
	c.expectRead(220)
	c.run([]step{{"AUTH TLS", 534, ""}, {"USER " + testUser, 331, ""}, {"PASS " + testPassword, 230, ""}})
	c.protectData()
	if got := string(c.retrTLS("RETR f.txt", conf)); got != "data\r\n" {
		t.Errorf("RETR over implicit TLS: %q", got)
	}
	c.run([]step{{"CCC", 534, "Implicit"}, {"REIN", 220, ""}, {"NOOP", 200, ""}, {"PROT P", 503, ""}})
	// The plain listener still serves.
	login(t, ts.addr).expect("NOOP", 200)
}

func TestRequireTLS(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.RequireTLS, c.RequireProtectedData = true, true })
	ts.write(t, "f.txt", "data\n")
	c, _ := dial(t, ts.addr)
	c.run([]step{{"USER " + testUser, 530, "AUTH TLS"}, {"PASS " + testPassword, 503, ""}})
	conf := clientTLS()
	c.startTLS(conf)
	c.expect("USER "+testUser, 331)
	c.expect("PASS "+testPassword, 230)
	c.pasv()
	c.expect("RETR f.txt", 521)
	c.expect("LIST", 521)
	c.protectData()
	if got := string(c.retrTLS("RETR f.txt", conf)); got != "data\r\n" {
		t.Errorf("RETR with PROT P: %q", got)
	}
}

func TestTLSSessionReuse(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.TLSSessionReuse = true })
	ts.write(t, "f.txt", "data\n")
	conf := clientTLS()
	c := loginTLS(t, ts.addr, conf)
	c.protectData()
	if got := string(c.retrTLS("RETR f.txt", conf)); got != "data\r\n" {
		t.Errorf("RETR resuming the session: %q", got)
	}
	// A data connection with a TLS session of its own is refused with 522.
	d := c.pasv()
	c.expect("RETR f.txt", 150)
	tc := tls.Client(d, &tls.Config{InsecureSkipVerify: true})
	_ = tc.SetDeadline(time.Now().Add(replyTimeout))
	_ = tc.Handshake()
	io.Copy(io.Discard, tc)
	c.expectRead(522)
	// So is one that resumes another control connection's session.
	other := loginTLS(t, ts.addr, clientTLS())
	other.protectData()
	d = other.pasv()
	other.expect("RETR f.txt", 150)
	tc = tls.Client(d, conf)
	_ = tc.SetDeadline(time.Now().Add(replyTimeout))
	_ = tc.Handshake()
	io.Copy(io.Discard, tc)
	other.expectRead(522)
}

func TestTLSHandshakeFailures(t *testing.T) {
	ts := startServer(t, nil)
	// The client never starts TLS: an unprotected 421 (RFC 4217 §10.1), then the close.
	c, _ := dial(t, ts.addr)
	c.expect("AUTH TLS", 234)
	c.expect("NOOP", 421)
	if _, err := c.tryRead(); err == nil {
		t.Error("the connection stays open after 421")
	}
	// A data connection that does not speak TLS after PROT P: 522 (RFC 4217 §10.2).
	c = loginTLS(t, ts.addr, clientTLS())
	c.protectData()
	d := c.pasv()
	c.expect("STOR clear.bin", 150)
	d.Write([]byte("this is not TLS\r\n"))
	d.Close()
	c.expectRead(522)
	c.expect("NOOP", 200)
}
