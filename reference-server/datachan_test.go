package refserver

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
)

func TestDataConnectionCommands(t *testing.T) {
	ts := startServer(t, nil)
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"PASV", []step{{"PASV", 227, "Entering Passive Mode (127,0,0,1,"}}},
		{"EPSV", []step{{"EPSV", 229, "(|||"}, {"EPSV 1", 229, ""}}},
		{"EPSV other protocol (522)", []step{{"EPSV 2", 522, "(1)"}, {"EPSV 3", 522, ""}, {"EPSV x", 501, ""}}},
		{"EPSV ALL refuses the others", []step{{"EPSV ALL", 229, "(|||"}, {"PASV", 501, "EPSV ALL"}, {"PORT 127,0,0,1,10,10", 501, ""}, {"EPRT |1|127.0.0.1|2570|", 501, ""}, {"EPSV", 229, ""}}},
		{"PORT", []step{{"PORT 127,0,0,1,10,10", 200, ""}}},
		{"PORT syntax (501)", []step{{"PORT 127,0,0,1,10", 501, ""}, {"PORT 127,0,0,1,10,256", 501, ""}, {"PORT a,b,c,d,e,f", 501, ""}}},
		{"PORT to another host (504, RFC 2577)", []step{{"PORT 127,0,0,2,10,10", 504, ""}, {"PORT 192,0,2,1,10,10", 504, ""}}},
		{"PORT to a privileged port (504, RFC 2577 §3)", []step{{"PORT 127,0,0,1,0,21", 504, "1024"}}},
		{"EPRT", []step{{"EPRT |1|127.0.0.1|6000|", 200, ""}, {"EPRT !1!127.0.0.1!6000!", 200, ""}}},
		{"EPRT syntax", []step{{"EPRT |1|127.0.0.1|", 501, ""}, {"EPRT |x|127.0.0.1|6000|", 501, ""}, {"EPRT |1|::1|6000|", 501, ""}, {"EPRT |1|127.0.0.1|70000|", 501, ""}}},
		{"EPRT unknown protocol (522)", []step{{"EPRT |3|127.0.0.1|6000|", 522, "(1,2)"}}},
		{"EPRT to another host or a low port (501: EPRT's rows have no 504)", []step{{"EPRT |1|127.0.0.2|6000|", 501, "client's address"}, {"EPRT |2|::1|6000|", 501, ""}, {"EPRT |1|127.0.0.1|21|", 501, "1024"}}},
		{"the unspecified address is the client's own", []step{{"EPRT |1|0.0.0.0|6000|", 200, ""}, {"PORT 0,0,0,0,23,112", 200, ""}, {"LPRT 4,4,0,0,0,0,2,23,112", 200, ""}, {"STAT", 211, "127.0.0.1:6000"}}},
		{"the unspecified address of the other family is no address of the client", []step{{"EPRT |2|::|6000|", 501, "client's address"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := login(t, ts.addr)
			c.run(tc.steps)
		})
	}
}

func TestActiveTransfers(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "f", "active data")
	c := login(t, ts.addr)
	for _, mode := range []string{"PORT", "EPRT", "EPRT unspecified"} {
		ln := c.port()
		if mode != "PORT" {
			ln.Close()
			l2, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l2.Close()
			addr := "127.0.0.1"
			if mode == "EPRT unspecified" {
				addr = "0.0.0.0" // the client's own address
			}
			c.expect(fmt.Sprintf("EPRT |1|%s|%d|", addr, l2.Addr().(*net.TCPAddr).Port), 200)
			ln = l2
		}
		c.expect("RETR f", 150)
		d, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		if got := string(readAll(t, d)); got != "active data" {
			t.Fatalf("%s: got %q", mode, got)
		}
		c.expectRead(226)
	}
}

func TestNoDataConnection425(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "f", "x")
	c := login(t, ts.addr)
	// PORT to a port where nothing listens: the dial fails.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	c.expect(fmt.Sprintf("PORT 127,0,0,1,%d,%d", port>>8, port&255), 200)
	c.expect("RETR f", 150)
	c.expectRead(425)
	// No PORT or PASV: the RFC 959 §3.2 default (the client's control port) is not listening.
	c.expect("RETR f", 150)
	c.expectRead(425)
}

func TestPassiveTimeout425(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.DataTimeout = Duration(100e6) }) // 100ms
	ts.write(t, "f", "x")
	c := login(t, ts.addr)
	c.expect("PASV", 227)
	c.expect("RETR f", 150)
	c.expectRead(425)
}

func TestPassivePortRange(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	free := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ts := startServer(t, func(c *Config) { c.PassivePorts = fmt.Sprintf("%d-%d", free, free) })
	c := login(t, ts.addr)
	r := c.expect("EPSV", 229)
	if !strings.Contains(r.text(), "|||"+strconv.Itoa(free)+"|") {
		t.Fatalf("EPSV outside the range: %v", r)
	}
}

func TestPassiveRefusesForeignAddresses(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "f", "mine")
	c := login(t, ts.addr)
	r := c.expect("EPSV", 229)
	port := strings.TrimSuffix(strings.SplitN(r.text(), "|||", 2)[1], "|)")
	// 127.0.0.2 is loopback, but not the control connection's peer.
	stranger, err := net.DialTCP("tcp", &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: atoi(t, port)})
	if err != nil {
		t.Skipf("cannot bind 127.0.0.2: %v", err)
	}
	defer stranger.Close()
	d, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	c.expect("RETR f", 150)
	if got := string(readAll(t, d)); got != "mine" {
		t.Fatalf("got %q", got)
	}
	c.expectRead(226)
	if b := readAll(t, stranger); len(b) != 0 {
		t.Fatalf("the stranger got %q", b)
	}
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
