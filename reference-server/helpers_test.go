package refserver

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests drive the server with a tiny raw client of their own: the harness must not be
// imported here, so that the server and the suite never share protocol code.

const (
	testUser     = "alice"
	testPassword = "secret"
	replyTimeout = 10 * time.Second
)

// testServer is a running server with its root directory.
type testServer struct {
	srv  *Server
	addr string
	root string
	logs *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer runs a server on 127.0.0.1:0 with a temporary root and the user alice; edit
// changes the configuration first. The server is shut down when the test ends.
func startServer(t testing.TB, edit func(c *Config)) *testServer {
	t.Helper()
	root := t.TempDir()
	cfg := Config{
		Listen:      "127.0.0.1:0",
		Root:        root,
		Users:       []User{{Name: testUser, Password: testPassword}},
		DataTimeout: Duration(5 * time.Second),
	}
	if edit != nil {
		edit(&cfg)
	}
	logs := &syncBuffer{}
	srv, err := New(cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := srv.Listen(); err != nil {
		t.Fatalf("Listen: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return &testServer{srv: srv, addr: srv.Addr().String(), root: cfg.Root, logs: logs}
}

// write puts a file under the server's root.
func (ts *testServer) write(t testing.TB, name, content string) {
	t.Helper()
	p := filepath.Join(ts.root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// read returns a file under the server's root.
func (ts *testServer) read(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ts.root, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// reply is one reply as read by the test client.
type reply struct {
	code  int
	lines []string // text of each line, without code and separator
	raw   string   // the bytes as they arrived
}

func (r reply) text() string { return strings.Join(r.lines, "\n") }

func (r reply) String() string { return strings.TrimRight(r.raw, "\r\n") }

// client is a raw FTP client for tests.
type client struct {
	t    testing.TB
	conn net.Conn
	r    *bufio.Reader
}

// dial connects and returns the client with the greeting read.
func dial(t testing.TB, addr string) (*client, reply) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, replyTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &client{t: t, conn: conn, r: bufio.NewReader(conn)}
	return c, c.read()
}

// login dials and logs in as alice.
func login(t testing.TB, addr string) *client {
	t.Helper()
	return loginAs(t, addr, testUser, testPassword)
}

// loginAs dials and logs in as user.
func loginAs(t testing.TB, addr, user, password string) *client {
	t.Helper()
	c, greeting := dial(t, addr)
	if greeting.code != 220 {
		t.Fatalf("greeting: %v", greeting)
	}
	c.expect("USER "+user, 331)
	c.expect("PASS "+password, 230)
	return c
}

// send writes a command line.
func (c *client) send(line string) {
	c.t.Helper()
	if _, err := c.conn.Write([]byte(line + "\r\n")); err != nil {
		c.t.Fatalf("send %q: %v", line, err)
	}
}

// read reads one reply (RFC 959 §4.2), failing the test on a malformed one.
func (c *client) read() reply {
	c.t.Helper()
	r, err := c.tryRead()
	if err != nil {
		c.t.Fatalf("reading reply: %v", err)
	}
	return r
}

func (c *client) tryRead() (reply, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(replyTimeout))
	var r reply
	var raw strings.Builder
	line, err := c.r.ReadString('\n')
	raw.WriteString(line)
	if err != nil {
		return r, fmt.Errorf("%v after %q", err, raw.String())
	}
	if len(line) < 6 || line[3] != ' ' && line[3] != '-' || !strings.HasSuffix(line, "\r\n") {
		return r, fmt.Errorf("malformed reply line %q", line)
	}
	code, err := strconv.Atoi(line[:3])
	if err != nil {
		return r, fmt.Errorf("malformed reply code in %q", line)
	}
	r.code = code
	r.lines = append(r.lines, strings.TrimSuffix(line[4:], "\r\n"))
	if line[3] == '-' {
		for {
			line, err = c.r.ReadString('\n')
			raw.WriteString(line)
			if err != nil {
				return r, fmt.Errorf("%v inside multi-line reply %q", err, raw.String())
			}
			if strings.HasPrefix(line, strconv.Itoa(code)+" ") {
				r.lines = append(r.lines, strings.TrimSuffix(line[4:], "\r\n"))
				break
			}
			r.lines = append(r.lines, strings.TrimSuffix(line, "\r\n"))
		}
	}
	r.raw = raw.String()
	return r, nil
}

// cmd sends a command and reads its reply.
func (c *client) cmd(line string) reply {
	c.t.Helper()
	c.send(line)
	return c.read()
}

// expect sends a command and checks the reply code.
func (c *client) expect(line string, code int) reply {
	c.t.Helper()
	r := c.cmd(line)
	if r.code != code {
		c.t.Fatalf("%s: got %v, want %d", line, r, code)
	}
	return r
}

// expectRead reads a reply and checks its code.
func (c *client) expectRead(code int) reply {
	c.t.Helper()
	r := c.read()
	if r.code != code {
		c.t.Fatalf("got %v, want %d", r, code)
	}
	return r
}

// pasv sends PASV and connects to the port it names (always on the control peer's address).
func (c *client) pasv() net.Conn {
	c.t.Helper()
	r := c.expect("PASV", 227)
	open, close := strings.Index(r.text(), "("), strings.Index(r.text(), ")")
	if open < 0 || close < open {
		c.t.Fatalf("PASV reply without (h1,...,p2): %v", r)
	}
	f := strings.Split(r.text()[open+1:close], ",")
	if len(f) != 6 {
		c.t.Fatalf("PASV reply: %v", r)
	}
	p1, _ := strconv.Atoi(f[4])
	p2, _ := strconv.Atoi(f[5])
	return c.dialData(strconv.Itoa(p1*256 + p2))
}

// epsv sends EPSV and connects to the port it names, on the control connection's peer.
func (c *client) epsv() net.Conn {
	c.t.Helper()
	r := c.expect("EPSV", 229)
	text := r.text()
	open, end := strings.Index(text, "(|||"), strings.LastIndex(text, "|)")
	if open < 0 || end < open {
		c.t.Fatalf("EPSV reply: %v", r)
	}
	return c.dialData(text[open+4 : end])
}

// dialData opens a passive data connection to port on the control connection's peer.
func (c *client) dialData(port string) net.Conn {
	c.t.Helper()
	host, _, _ := net.SplitHostPort(c.conn.RemoteAddr().String())
	d, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), replyTimeout)
	if err != nil {
		c.t.Fatalf("data connection: %v", err)
	}
	c.t.Cleanup(func() { d.Close() })
	return d
}

// port listens on the control connection's local address and sends PORT for it.
func (c *client) port() net.Listener {
	c.t.Helper()
	host, _, _ := net.SplitHostPort(c.conn.LocalAddr().String())
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { ln.Close() })
	p := ln.Addr().(*net.TCPAddr).Port
	ip := net.ParseIP(host).To4()
	c.expect(fmt.Sprintf("PORT %d,%d,%d,%d,%d,%d", ip[0], ip[1], ip[2], ip[3], p>>8, p&255), 200)
	return ln
}

// retr downloads a file in passive mode and returns its bytes.
func (c *client) retr(name string) []byte {
	c.t.Helper()
	d := c.pasv()
	c.expect("RETR "+name, 150)
	b := readAll(c.t, d)
	c.expectRead(226)
	return b
}

// stor uploads bytes in passive mode.
func (c *client) stor(name string, data []byte) {
	c.t.Helper()
	c.upload("STOR "+name, data)
	c.expectRead(226)
}

// upload sends a storing command and the data, leaving the final reply unread.
func (c *client) upload(cmd string, data []byte) reply {
	c.t.Helper()
	d := c.pasv()
	r := c.expect(cmd, 150)
	if _, err := d.Write(data); err != nil {
		c.t.Fatalf("writing data: %v", err)
	}
	d.Close()
	return r
}

// list runs a listing command and returns its lines.
func (c *client) list(cmd string) []string {
	c.t.Helper()
	text := strings.TrimSuffix(string(c.rawList(cmd)), "\r\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\r\n")
}

// rawList runs a listing command and returns the bytes of its data connection.
func (c *client) rawList(cmd string) []byte {
	c.t.Helper()
	d := c.pasv()
	c.expect(cmd, 150)
	b := readAll(c.t, d)
	c.expectRead(226)
	return b
}

// readAll reads a data connection to its end, within the reply timeout.
func readAll(t testing.TB, d net.Conn) []byte {
	t.Helper()
	_ = d.SetReadDeadline(time.Now().Add(replyTimeout))
	b, err := io.ReadAll(d)
	if err != nil {
		t.Fatalf("reading data: %v", err)
	}
	d.Close()
	return b
}

// listening reports whether a session of ts has a passive listener on port: a test of the
// faults that announce another port than the one the server listens on.
func listening(ts *testServer, port int) bool {
	ts.srv.mu.Lock()
	defer ts.srv.mu.Unlock()
	for s := range ts.srv.sessions {
		s.mu.Lock()
		ln := s.data.ln
		s.mu.Unlock()
		if ln != nil && ln.Addr().(*net.TCPAddr).Port == port {
			return true
		}
	}
	return false
}

// ipv6Loopback skips a test when this machine has no ::1.
func ipv6Loopback(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here (%v): the test needs ::1", err)
	}
	ln.Close()
}

// step is one command of a table-driven test and the reply it must get.
type step struct {
	send string
	code int
	has  string // the reply text must contain this, when set
}

// run sends each step's command and checks its reply.
func (c *client) run(steps []step) {
	c.t.Helper()
	for _, s := range steps {
		r := c.cmd(s.send)
		if r.code != s.code {
			c.t.Fatalf("%s: got %v, want %d", s.send, r, s.code)
		}
		if s.has != "" && !strings.Contains(r.raw, s.has) {
			c.t.Fatalf("%s: reply %v does not contain %q", s.send, r, s.has)
		}
	}
}
