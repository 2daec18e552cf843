package embedded

import (
	"bufio"
	"context"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// conn is a minimal FTP control connection for these tests (the harness is not used here:
// only its types are).
type conn struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return &conn{t: t, c: c, r: bufio.NewReader(c)}
}

// read returns the code and last line of the next reply.
func (c *conn) read() (string, string) {
	c.t.Helper()
	_ = c.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			c.t.Fatalf("read: %v", err)
		}
		if len(line) >= 4 && line[3] == ' ' {
			return line[:3], strings.TrimSpace(line[4:])
		}
	}
}

func (c *conn) cmd(line, want string) {
	c.t.Helper()
	if _, err := c.c.Write([]byte(line + "\r\n")); err != nil {
		c.t.Fatal(err)
	}
	if code, text := c.read(); code != want {
		c.t.Fatalf("%s: got %s %s, want %s", line, code, text, want)
	}
}

// loginURL connects to a target URL and logs in with its credentials.
func loginURL(t *testing.T, target string) *conn {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, u.Host)
	if code, text := c.read(); code != "220" {
		t.Fatalf("greeting %s %s", code, text)
	}
	pw, _ := u.User.Password()
	c.cmd("USER "+u.User.Username(), "331")
	c.cmd("PASS "+pw, "230")
	return c
}

func TestStartMainOnly(t *testing.T) {
	inst, err := Start(Options{MainOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(inst.Target, "ftp://ftpconform:") || !strings.HasSuffix(inst.Target, "/") {
		t.Fatalf("target %q", inst.Target)
	}
	c := loginURL(t, inst.Target)
	c.cmd("MKD scratch", "257")
	c.cmd("QUIT", "221")
	if err := inst.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(inst.Root); !os.IsNotExist(err) {
		t.Fatalf("root not removed: %v", err)
	}
	if err := inst.Stop(context.Background()); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}

func TestStartRejectsForeignHost(t *testing.T) {
	if _, err := Start(Options{Host: "192.0.2.1"}); err == nil {
		t.Fatal("a non-loopback host was accepted")
	}
}

func TestStartUnknownFault(t *testing.T) {
	if _, err := Start(Options{Faults: []string{"no-such-fault"}}); err == nil || !strings.Contains(err.Error(), "no-such-fault") {
		t.Fatalf("got %v", err)
	}
}
