package refserver

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// After EPSV ALL (which enters passive mode like any EPSV) every other data connection set-up
// command is refused, until REIN.
func TestEPSVAll(t *testing.T) {
	ts := startServer(t, nil)
	c := login(t, ts.addr)
	c.run([]step{
		{"EPSV ALL", 229, "(|||"},
		{"PASV", 501, "EPSV ALL"},
		{"PORT 127,0,0,1,10,10", 501, ""},
		{"EPRT |1|127.0.0.1|2570|", 501, ""},
		{"LPRT 4,4,127,0,0,1,2,10,10", 501, ""},
		{"LPSV", 501, ""},
		{"EPSV", 229, ""},
		{"EPSV 1", 229, ""},
		{"REIN", 220, ""},
		{"USER " + testUser, 331, ""},
		{"PASS " + testPassword, 230, ""},
		{"PASV", 227, ""},
	})
	ts.write(t, "f", "after EPSV ALL")
	if got := string(c.retrEPSV("f")); got != "after EPSV ALL" {
		t.Fatalf("RETR after EPSV: %q", got)
	}
}

// retrEPSV downloads a file over an EPSV data connection.
func (c *client) retrEPSV(name string) []byte {
	c.t.Helper()
	d := c.epsv()
	c.expect("RETR "+name, 150)
	b := readAll(c.t, d)
	c.expectRead(226)
	return b
}

// EPSV works the same on an IPv6 control connection, where PASV cannot name the address.
func TestEPSVOverIPv6(t *testing.T) {
	ipv6Loopback(t)
	ts := startServer(t, func(c *Config) { c.Listen = "[::1]:0" })
	ts.write(t, "f", "over IPv6")
	c := login(t, ts.addr)
	c.run([]step{{"EPSV 1", 522, "(2)"}, {"EPSV 2", 229, ""}, {"LPRT 4,4,127,0,0,1,2,10,10", 501, ""}})
	if got := string(c.retrEPSV("f")); got != "over IPv6" {
		t.Fatalf("RETR over IPv6: %q", got)
	}
	r := c.expect("LPSV", 228)
	if !strings.Contains(r.text(), "(6,16,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,") {
		t.Fatalf("LPSV over IPv6: %v", r)
	}
	// lftp's "EPRT |2|::|port|": the unspecified address is the client's own; 0.0.0.0, of the
	// other family, is not.
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c.run([]step{{"EPRT |1|0.0.0.0|6000|", 501, ""}, {fmt.Sprintf("EPRT |2|::|%d|", ln.Addr().(*net.TCPAddr).Port), 200, ""}})
	c.expect("RETR f", 150)
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(replyTimeout))
	a, err := ln.Accept()
	if err != nil {
		t.Fatalf("the server did not connect to [::1]: %v", err)
	}
	if got := string(readAll(t, a)); got != "over IPv6" {
		t.Fatalf("RETR over EPRT |2|::|: %q", got)
	}
	c.expectRead(226)
	c.run([]step{{"HOST [::1]", 503, ""}})
	d, _ := dial(t, ts.addr)
	d.run([]step{{"HOST [::1]", 220, ""}, {"HOST 127.0.0.1", 504, ""}})
}
