package refserver

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLPSV(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "f", "long passive")
	c := login(t, ts.addr)
	r := c.expect("LPSV", 228)
	open, end := strings.Index(r.text(), "("), strings.Index(r.text(), ")")
	f := strings.Split(r.text()[open+1:end], ",")
	if len(f) != 9 || f[0] != "4" || f[1] != "4" || strings.Join(f[2:6], ".") != "127.0.0.1" || f[6] != "2" {
		t.Fatalf("LPSV: %v", r)
	}
	p1, _ := strconv.Atoi(f[7])
	p2, _ := strconv.Atoi(f[8])
	d, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p1<<8|p2)), replyTimeout)
	if err != nil {
		t.Fatal(err)
	}
	c.expect("RETR f", 150)
	if got := string(readAll(t, d)); got != "long passive" {
		t.Fatalf("RETR after LPSV: %q", got)
	}
	c.expectRead(226)
	c.run([]step{{"LPSV x", 501, ""}})
}

func TestLPRT(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "f", "long port")
	c := login(t, ts.addr)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	p := ln.Addr().(*net.TCPAddr).Port
	c.run([]step{
		{"LPRT 16,4,1,2,3,4,2,10,10", 521, "(4, 6)"},
		{"LPRT 4,4,127,0,0,1,2,4", 501, ""},
		{"LPRT 4,16,127,0,0,1,2,4,1", 501, ""},
		{"LPRT 4,4,127,0,0,1,3,0,4,1", 501, ""},
		{"LPRT 4,4,127,0,0,256,2,4,1", 501, ""},
		{"LPRT 4,4,127,0,0,2,2,4,1", 501, "127.0.0.1"},
		{"LPRT 4,4,127,0,0,1,2,0,21", 501, "1024"},
		{fmt.Sprintf("LPRT 4,4,127,0,0,1,2,%d,%d", p>>8, p&255), 200, ""},
	})
	c.expect("RETR f", 150)
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(replyTimeout))
	d, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if got := string(readAll(t, d)); got != "long port" {
		t.Fatalf("RETR after LPRT: %q", got)
	}
	c.expectRead(226)
}

func TestLongAddress(t *testing.T) {
	if got := longAddress(net.ParseIP("::1"), 0x1234); got != "6,16,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,18,52" {
		t.Fatalf("IPv6 long address %s", got)
	}
	ip, port, err := parseLongAddress("6,16,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,18,52")
	if err != nil || !ip.Equal(net.ParseIP("::1")) || port != 0x1234 {
		t.Fatalf("%v %d %v", ip, port, err)
	}
}
