package main

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBadFlagsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"--no-such-flag"},
		{"--listen"},
		{"extra-argument"},
		{"--fault", "no-such-fault", "--listen", "127.0.0.1:0"},
		{"--config", "/does/not/exist.json"},
		{"--root", "/does/not/exist", "--listen", "127.0.0.1:0"},
		{"--log-level", "loud"},
		{"--passive-ports", "9-8", "--listen", "127.0.0.1:0"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &stdout, &stderr, nil)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, exitUsage, stderr.String())
		}
		if lines := strings.Count(strings.TrimRight(stderr.String(), "\n"), "\n"); lines != 0 || !strings.HasPrefix(stderr.String(), "refftpd: ") {
			t.Errorf("%v: want one line starting with refftpd:, got %q", args, stderr.String())
		}
	}
}

func TestBadConfigNamesTheProblem(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "c.json")
	os.WriteFile(file, []byte(`{"root": ".", "idle_timeout": 30}`), 0o644)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--config", file}, &stdout, &stderr, nil); code != exitUsage {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stderr.String(), "duration") {
		t.Fatalf("stderr %q", stderr.String())
	}
	os.WriteFile(file, []byte(`{"root": ".", "no_such_option": true}`), 0o644)
	stderr.Reset()
	if code := run(context.Background(), []string{"--config", file}, &stdout, &stderr, nil); code != exitUsage {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stderr.String(), "no_such_option") {
		t.Fatalf("stderr %q", stderr.String())
	}
}

func TestListFaults(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--list-faults"}, &stdout, &stderr, nil); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, name := range []string{"retr-226-as-250", "bare-lf", "pwd-unquoted"} {
		if !strings.Contains(stdout.String(), name) {
			t.Errorf("--list-faults lacks %s", name)
		}
	}
}

// serve runs refftpd until the test ends and returns its address.
func serve(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan net.Addr, 1)
	done := make(chan int, 1)
	var stdout, stderr syncBuffer
	go func() { done <- run(ctx, args, &stdout, &stderr, func(a net.Addr) { addrs <- a }) }()
	var addr net.Addr
	select {
	case addr = <-addrs:
	case code := <-done:
		t.Fatalf("refftpd exited %d: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("refftpd did not listen")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("exit %d", code)
			}
		case <-time.After(15 * time.Second):
			t.Error("refftpd did not stop")
		}
	})
	return addr.String(), &stderr
}

// syncBuffer is a buffer the server's goroutines may write while the test reads it.
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

// talk sends lines and returns the code of each reply (the greeting first).
func talk(t *testing.T, addr string, lines ...string) []string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	readCode := func() string {
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if len(l) > 3 && l[3] == ' ' {
				return l[:3]
			}
		}
	}
	codes := []string{readCode()}
	for _, l := range lines {
		c.Write([]byte(l + "\r\n"))
		codes = append(codes, readCode())
	}
	return codes
}

func TestAnonymousReadOnlyByDefault(t *testing.T) {
	root := t.TempDir()
	addr, _ := serve(t, "--listen", "127.0.0.1:0", "--root", root)
	got := strings.Join(talk(t, addr, "USER anonymous", "PASS me@example.org", "MKD x", "PASV", "STOR y", "QUIT"), " ")
	// MKD refused (550), STOR refused (553: STOR's §5.4 row has no 550).
	if got != "220 331 230 550 227 553 221" {
		t.Fatalf("codes %s", got)
	}
}

func TestUsersFileAndFault(t *testing.T) {
	root := t.TempDir()
	users := filepath.Join(t.TempDir(), "users")
	os.WriteFile(users, []byte("# test users\nbob:hunter2\n\n"), 0o600)
	addr, logs := serve(t, "--listen", "127.0.0.1:0", "--root", root, "--users", users, "--fault", "pwd-unquoted")
	got := strings.Join(talk(t, addr, "USER anonymous", "PASS x", "USER bob", "PASS hunter2", "MKD d", "QUIT"), " ")
	if got != "220 331 530 331 230 257 221" {
		t.Fatalf("codes %s", got)
	}
	if strings.Contains(logs.String(), "hunter2") {
		t.Fatal("the password was logged")
	}
}

func TestConfigFile(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(file, []byte(`{"listen": "127.0.0.1:0", "root": "`+root+`", "users": [{"name": "carol", "password": "pw"}], "idle_timeout": "30s"}`), 0o600)
	addr, _ := serve(t, "--config", file)
	got := strings.Join(talk(t, addr, "USER carol", "PASS pw", "SITE IDLE", "QUIT"), " ")
	if got != "220 331 230 200 221" {
		t.Fatalf("codes %s", got)
	}
}
