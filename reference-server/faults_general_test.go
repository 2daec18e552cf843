package refserver

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// Each general fault changes what the server does, and only where it says.
func TestGeneralFaults(t *testing.T) {
	on := func(name string) func(c *Config) { return func(c *Config) { c.Faults = []string{name} } }

	t.Run("bare-lf", func(t *testing.T) {
		ts := startServer(t, on("bare-lf"))
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

	t.Run("reply-missing-space", func(t *testing.T) {
		ts := startServer(t, on("reply-missing-space"))
		c := login(t, ts.addr)
		c.send("NOOP")
		if line := rawLine(t, c); line != "200NOOP ok.\r\n" {
			t.Errorf("NOOP: %q", line)
		}
		c.expect("PWD", 257) // other replies keep their grammar
	})

	t.Run("multiline-bare-last-line", func(t *testing.T) {
		ts := startServer(t, on("multiline-bare-last-line"))
		c := login(t, ts.addr)
		c.send("HELP")
		first := rawLine(t, c)
		var last string
		for n := 0; n < 50 && last != "214\r\n"; n++ {
			last = rawLine(t, c)
		}
		if !strings.HasPrefix(first, "214-") || last != "214\r\n" {
			t.Errorf("HELP: first line %q, last %q", first, last)
		}
		c.expect("HELP USER", 214) // one command's help is untouched
		c.expect("NOOP", 200)
	})

	t.Run("reply-delayed", func(t *testing.T) {
		ts := startServer(t, on("reply-delayed"))
		c := login(t, ts.addr)
		c.send("NOOP")
		c.conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		var ne net.Error
		if _, err := c.r.ReadString('\n'); !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("NOOP answered at once: %v", err)
		}
		// The shutdown at the end of the test must not wait two minutes for it: startServer's
		// cleanup fails the test when Shutdown runs out of its 5 s.
	})

	t.Run("retr-drops-control", func(t *testing.T) {
		ts := startServer(t, on("retr-drops-control"))
		ts.write(t, "f", strings.Repeat("x", 1<<20))
		c := login(t, ts.addr)
		c.pasv()
		c.expect("RETR f", 150)
		c.conn.SetReadDeadline(time.Now().Add(replyTimeout))
		if line, err := c.r.ReadString('\n'); err != io.EOF {
			t.Errorf("after 150: %q, %v; want the connection closed", line, err)
		}
		c2 := login(t, ts.addr) // other commands, and the server, carry on
		c2.list("LIST")
	})

	t.Run("server-close-221", func(t *testing.T) {
		ts := startServer(t, func(c *Config) {
			c.Faults = []string{"server-close-221"}
			c.IdleTimeout = Duration(300 * time.Millisecond)
		})
		c, _ := dial(t, ts.addr)
		c.expectRead(221) // the idle timeout
		idle := login(t, ts.addr)
		idle.expect("QUIT", 221)

		ts = startServer(t, on("server-close-221"))
		c, _ = dial(t, ts.addr)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		go ts.srv.Shutdown(ctx)
		c.expectRead(221) // the shutdown
	})

	t.Run("cwd-above-root", func(t *testing.T) {
		ts := startServer(t, on("cwd-above-root"))
		if err := os.Mkdir(ts.root+"/sub", 0o755); err != nil {
			t.Fatal(err)
		}
		ts.write(t, "f", "inside")
		c := login(t, ts.addr)
		c.run([]step{
			{"CWD sub", 250, ""}, {"PWD", 257, `"/sub"`}, // inside the root: as ever
			{"CDUP", 200, ""}, {"PWD", 257, `"/"`},
			{"CWD ..", 250, ""}, {"PWD", 257, `"/.."`}, // above it
			{"CWD /sub", 250, ""}, {"CWD ../..", 250, ""}, {"PWD", 257, `"/.."`},
			{"CWD /", 250, ""}, {"CDUP", 200, ""}, {"PWD", 257, `"/.."`},
			{"SIZE f", 213, "6"}, // every path still resolves inside the root
			{"CWD sub", 250, ""}, {"PWD", 257, `"/sub"`},
		})
	})
}

func TestClimbsAboveRoot(t *testing.T) {
	for _, tc := range []struct {
		cwd, p string
		want   bool
	}{
		{"/", "..", true},
		{"/", "../x", true},
		{"/", "/..", true},
		{"/a", "..", false},
		{"/a", "../..", true},
		{"/a", "/a/../../b", true},
		{"/a", "b/../..", false},
		{"/", "a/./b", false},
		{"/", ".", false},
		{"/a/b", "../../c", false},
	} {
		if got := climbsAboveRoot(tc.cwd, tc.p); got != tc.want {
			t.Errorf("climbsAboveRoot(%q, %q) = %v, want %v", tc.cwd, tc.p, got, tc.want)
		}
	}
}

// rawLine reads one line as the server sent it.
func rawLine(t *testing.T, c *client) string {
	t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(replyTimeout))
	line, err := c.r.ReadString('\n')
	if err != nil {
		t.Fatalf("reading: %q, %v", line, err)
	}
	return line
}
