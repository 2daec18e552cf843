package refserver

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestLifecycle(t *testing.T) {
	srv, err := New(Config{Root: t.TempDir(), Listen: "127.0.0.1:0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Addr() != nil {
		t.Fatal("an address before Listen")
	}
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr().String()
	if !strings.HasPrefix(addr, "127.0.0.1:") || strings.HasSuffix(addr, ":0") {
		t.Fatalf("Addr %q", addr)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	c, greeting := dial(t, addr)
	if greeting.code != 220 {
		t.Fatalf("greeting %v", greeting)
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.expectRead(421)
	if err := <-done; err != nil {
		t.Fatalf("Serve after Shutdown: %v", err)
	}
	if err := srv.Listen(); err == nil {
		t.Fatal("Listen after Shutdown")
	}
}

func TestServeListensItself(t *testing.T) {
	srv, err := New(Config{Root: t.TempDir(), Listen: "127.0.0.1:0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	deadline := time.Now().Add(replyTimeout)
	for srv.Addr() == nil {
		if time.Now().After(deadline) {
			t.Fatal("no address")
		}
		time.Sleep(time.Millisecond)
	}
	srv.Shutdown(context.Background())
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestConnectionLimit421(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxConnections = 2 })
	first, _ := dial(t, ts.addr)
	dial(t, ts.addr)
	third, greeting := dial(t, ts.addr)
	if greeting.code != 421 || !strings.Contains(greeting.text(), "limit 2") {
		t.Fatalf("third connection: %v", greeting)
	}
	if _, err := third.tryRead(); err == nil {
		t.Fatal("the refused connection stays open")
	}
	first.expect("QUIT", 221)
	// The slot frees once the session has ended.
	deadline := time.Now().Add(replyTimeout)
	for {
		_, g := dial(t, ts.addr)
		if g.code == 220 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the slot never freed")
		}
	}
}

func TestIdleTimeout421(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.IdleTimeout = Duration(300 * time.Millisecond) })
	c := login(t, ts.addr)
	r := c.read() // nothing sent: the server gives up
	if r.code != 421 || !strings.Contains(r.text(), "Idle") {
		t.Fatalf("got %v", r)
	}
	if _, err := c.tryRead(); err == nil {
		t.Fatal("still open")
	}
	// A transfer in progress keeps the session alive however long it takes.
	c = login(t, ts.addr)
	d := openUpload(t, c, "f", []byte("a"))
	waitBytes(t, c, 1)
	time.Sleep(600 * time.Millisecond) // longer than the idle timeout, on purpose
	d.Close()
	c.expectRead(226)
	c.expectRead(421)
}

func TestStartDelay120(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.StartDelay = Duration(50 * time.Millisecond) })
	c, first := dial(t, ts.addr)
	if first.code != 120 || !strings.Contains(first.text(), "1 minutes") {
		t.Fatalf("first reply %v", first)
	}
	c.expectRead(220)
	c.expect("USER "+testUser, 331)
}

func TestShutdownDuringStartDelay(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.StartDelay = Duration(time.Hour) })
	c, first := dial(t, ts.addr)
	if first.code != 120 {
		t.Fatalf("first reply %v", first)
	}
	go ts.srv.Shutdown(context.Background())
	c.expectRead(421)
}

func TestClientVanishingMidTransfer(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "big", strings.Repeat("x", 32<<20))
	c := login(t, ts.addr)
	d := c.pasv()
	c.expect("RETR big", 150)
	// The data connection is never read, so the transfer blocks; only the loss of the control
	// connection can end the session.
	c.conn.Close()
	deadline := time.Now().Add(replyTimeout)
	for {
		ts.srv.mu.Lock()
		n := len(ts.srv.sessions)
		ts.srv.mu.Unlock()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the session outlived its control connection")
		}
		time.Sleep(time.Millisecond)
	}
	d.Close()
}
