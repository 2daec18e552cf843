//go:build unix

package refserver

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestDefaultDataPort runs transfers with no PORT or PASV: the server connects to the client's
// control port U from its own control address, from port L-1 when it can (RFC 959 §3.2, RFC
// 1123 §4.1.2.12).
func TestDefaultDataPort(t *testing.T) {
	// A server port L whose neighbour L-1 was free a moment ago.
	low, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := low.Addr().(*net.TCPAddr).Port + 1
	high, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(l)))
	low.Close()
	if err != nil {
		t.Skipf("port %d is taken: %v", l, err)
	}
	high.Close()
	ts := startServer(t, func(c *Config) { c.Listen = net.JoinHostPort("127.0.0.1", strconv.Itoa(l)) })
	ts.write(t, "f", "over the default data port")
	c, ln := defaultPortClient(t, ts)

	for i, wantPort := range []int{l - 1, 0} { // the second finds L-1 in TIME_WAIT: any port
		c.expect("RETR f", 150)
		ln.(*net.TCPListener).SetDeadline(time.Now().Add(replyTimeout))
		dc, err := ln.Accept()
		if err != nil {
			t.Fatalf("transfer %d: the server did not connect to the default data port: %v", i+1, err)
		}
		from := dc.RemoteAddr().(*net.TCPAddr)
		if !from.IP.Equal(net.IPv4(127, 0, 0, 1)) {
			t.Errorf("transfer %d: the data connection came from %s, not from the control connection's address", i+1, from)
		}
		if wantPort != 0 && from.Port != wantPort {
			t.Errorf("transfer %d: the data connection came from port %d, want L-1 = %d", i+1, from.Port, wantPort)
		}
		if got := string(readAll(t, dc)); got != "over the default data port" {
			t.Errorf("transfer %d: got %q", i+1, got)
		}
		dc.Close()
		c.expectRead(226)
	}
}

// The fault default-port-other-address makes the server connect from another address.
func TestDefaultDataPortOtherAddressFault(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Faults = []string{"default-port-other-address"} })
	ts.write(t, "f", "x")
	c, ln := defaultPortClient(t, ts)
	c.expect("RETR f", 150)
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(replyTimeout))
	dc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	if from := dc.RemoteAddr().(*net.TCPAddr); from.IP.Equal(net.IPv4(127, 0, 0, 1)) {
		t.Fatalf("the data connection came from %s, the control connection's address", from)
	}
	readAll(t, dc)
	c.expectRead(226)
}

// defaultPortClient logs in and listens on the control connection's own port, the client's
// default data port: both sockets need SO_REUSEADDR. The kernel may have given the same
// ephemeral port to another connection (to another destination), which makes the listen fail:
// then it tries again with a new control connection.
func defaultPortClient(t *testing.T, ts *testServer) (*client, net.Listener) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		d := net.Dialer{Timeout: replyTimeout, Control: reuseAddrForTest}
		conn, err := d.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		lc := net.ListenConfig{Control: reuseAddrForTest}
		ln, err := lc.Listen(context.Background(), "tcp", conn.LocalAddr().String())
		if errors.Is(err, syscall.EADDRINUSE) && attempt < 10 {
			conn.Close()
			continue
		}
		if err != nil {
			t.Fatalf("listening on the control connection's port: %v", err)
		}
		t.Cleanup(func() { ln.Close(); conn.Close() })
		c := &client{t: t, conn: conn, r: bufio.NewReader(conn)}
		if g := c.read(); g.code != 220 {
			t.Fatalf("greeting: %v", g)
		}
		c.expect("USER "+testUser, 331)
		c.expect("PASS "+testPassword, 230)
		return c, ln
	}
}

func reuseAddrForTest(_, _ string, rc syscall.RawConn) error {
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
	}); err != nil {
		return err
	}
	return serr
}
