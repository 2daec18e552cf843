package refserver

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

func TestFaultCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Faults() {
		if seen[f.Name] {
			t.Errorf("%s twice", f.Name)
		}
		seen[f.Name] = true
		if f.Description == "" || f.Group == "" || !strings.Contains(f.RFC, ":") {
			t.Errorf("%s: incomplete entry %+v", f.Name, f)
		}
		if (f.reply == nil && f.table == nil) == !f.check {
			t.Errorf("%s: needs exactly one of a reply hook, a table hook or a named check", f.Name)
		}
	}
	if _, err := New(Config{Root: t.TempDir(), Faults: []string{"no-such-fault"}}, nil); err == nil || !strings.Contains(err.Error(), "retr-226-as-250") {
		t.Fatalf("unknown fault: %v", err)
	}
}

// Each fault must change what the server does, and only where it says.
func TestFaults(t *testing.T) {
	t.Run("retr-226-as-250", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"retr-226-as-250"} })
		ts.write(t, "f", "x")
		c := login(t, ts.addr)
		d := c.pasv()
		c.expect("RETR f", 150)
		readAll(t, d)
		c.expectRead(250)
		c.list("LIST") // other transfers keep their 226
	})
	t.Run("bare-lf", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"bare-lf"} })
		conn, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetReadDeadline(time.Now().Add(replyTimeout))
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "220 ") || strings.HasSuffix(line, "\r\n") {
			t.Fatalf("greeting %q, %v", line, err)
		}
	})
	t.Run("pwd-unquoted", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"pwd-unquoted"} })
		c := login(t, ts.addr)
		c.run([]step{{`MKD a"b`, 257, `"/a""b"`}, {`CWD a"b`, 250, ""}})
		if r := c.expect("PWD", 257); r.text() != `/a"b is the current directory.` {
			t.Fatalf("PWD: %v", r)
		}
	})
	t.Run("rnto-without-rnfr", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"rnto-without-rnfr"} })
		ts.write(t, "a", "x")
		c := login(t, ts.addr)
		c.run([]step{{"RNTO b", 250, ""}, {"RNFR a", 350, ""}, {"RNTO c", 250, ""}})
		ts.read(t, "c")
	})
	t.Run("nlst-long-form", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"nlst-long-form"} })
		ts.write(t, "a", "x")
		c := login(t, ts.addr)
		if lines := c.list("NLST"); len(lines) != 1 || !strings.HasPrefix(lines[0], "-rw") {
			t.Fatalf("NLST: %q", lines)
		}
	})
	t.Run("pasv-wrong-port", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"pasv-wrong-port"} })
		c := login(t, ts.addr)
		r := c.expect("EPSV", 229)
		port := strings.TrimSuffix(strings.SplitN(r.text(), "|||", 2)[1], "|)")
		ts.srv.mu.Lock()
		defer ts.srv.mu.Unlock()
		for s := range ts.srv.sessions {
			s.mu.Lock()
			if s.data.ln != nil && s.data.ln.Addr().(*net.TCPAddr).Port == atoi(t, port) {
				t.Error("the announced port is the real one")
			}
			s.mu.Unlock()
		}
	})
}

func TestUnquoteFirst(t *testing.T) {
	for in, want := range map[string]string{
		`"/" is the current directory.`:     `/ is the current directory.`,
		`"/a""b" is the current directory.`: `/a"b is the current directory.`,
		`no quotes`:                         `no quotes`,
		`"unterminated`:                     `"unterminated`,
	} {
		if got := unquoteFirst(in); got != want {
			t.Errorf("unquoteFirst(%q) = %q, want %q", in, got, want)
		}
	}
}
