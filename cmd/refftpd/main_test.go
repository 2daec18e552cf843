package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	refserver "github.com/ftpconform/ftpconform/reference-server"
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
	srv, logs := serveServer(t, args...)
	return srv.Addr().String(), logs
}

// serveServer runs refftpd until the test ends and returns its server, once it listens.
func serveServer(t *testing.T, args ...string) (*refserver.Server, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	servers := make(chan *refserver.Server, 1)
	done := make(chan int, 1)
	var stdout, stderr syncBuffer
	go func() { done <- run(ctx, args, &stdout, &stderr, func(s *refserver.Server) { servers <- s }) }()
	var srv *refserver.Server
	select {
	case srv = <-servers:
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
	return srv, &stderr
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

// writeCertificate writes a self-signed certificate and its key as PEM files.
func writeCertificate(t *testing.T) (certFile, keyFile string, der []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "refftpd test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	return certFile, keyFile, der
}

// The TLS flags: the certificate given is the one served, implicit FTPS listens where asked, and
// logins without TLS are refused.
func TestTLSFlags(t *testing.T) {
	certFile, keyFile, der := writeCertificate(t)
	users := filepath.Join(t.TempDir(), "users")
	os.WriteFile(users, []byte("bob:hunter2\n"), 0o600)
	srv, _ := serveServer(t, "--listen", "127.0.0.1:0", "--root", t.TempDir(), "--users", users,
		"--tls-cert", certFile, "--tls-key", keyFile, "--implicit-listen", "127.0.0.1:0", "--require-tls")
	if got := strings.Join(talk(t, srv.Addr().String(), "USER bob", "QUIT"), " "); got != "220 530 221" {
		t.Fatalf("a login without TLS: codes %s", got)
	}
	if srv.ImplicitAddr() == nil {
		t.Fatal("no implicit TLS listener")
	}
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", srv.ImplicitAddr().String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if certs := conn.ConnectionState().PeerCertificates; len(certs) == 0 || !bytes.Equal(certs[0].Raw, der) {
		t.Fatal("implicit TLS does not present the certificate of --tls-cert")
	}
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	for _, step := range []struct{ send, want string }{{"", "220"}, {"USER bob", "331"}, {"PASS hunter2", "230"}} {
		if step.send != "" {
			conn.Write([]byte(step.send + "\r\n"))
		}
		if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, step.want+" ") {
			t.Fatalf("%q over implicit TLS: %q, %v", step.send, line, err)
		}
	}
}

func TestTLSFlagsNeedEachOther(t *testing.T) {
	certFile, keyFile, _ := writeCertificate(t)
	// Already cancelled: a run that accepted its flags stops at once with exitOK.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"--tls-cert", certFile}, exitUsage},
		{[]string{"--tls-key", keyFile}, exitUsage},
		{[]string{"--tls-cert", keyFile, "--tls-key", certFile}, exitUsage},
		{[]string{"--implicit-listen", "no-port"}, exitError},
		{[]string{"--tls-cert", certFile, "--tls-key", keyFile, "--implicit-listen", "127.0.0.1:0", "--require-tls"}, exitOK},
	} {
		var stdout, stderr bytes.Buffer
		args := append(tc.args, "--listen", "127.0.0.1:0", "--root", t.TempDir())
		if code := run(ctx, args, &stdout, &stderr, nil); code != tc.want {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tc.args, code, tc.want, stderr.String())
		}
	}
}

// SIGINT and SIGTERM (the context here) shut the server down gracefully: 421 to every client.
func TestShutdownSends421(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	servers := make(chan *refserver.Server, 1)
	done := make(chan int, 1)
	var stdout, stderr syncBuffer
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--root", t.TempDir()}, &stdout, &stderr, func(s *refserver.Server) { servers <- s })
	}()
	var srv *refserver.Server
	select {
	case srv = <-servers:
	case <-time.After(10 * time.Second):
		t.Fatal("refftpd did not listen")
	}
	var clients []*bufio.Reader
	for range 2 {
		c, err := net.DialTimeout("tcp", srv.Addr().String(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(c)
		if line, _ := r.ReadString('\n'); !strings.HasPrefix(line, "220 ") {
			t.Fatalf("greeting %q", line)
		}
		clients = append(clients, r)
	}
	cancel()
	for i, r := range clients {
		if line, err := r.ReadString('\n'); !strings.HasPrefix(line, "421 ") {
			t.Errorf("client %d at shutdown: %q, %v", i+1, line, err)
		}
	}
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("refftpd did not stop")
	}
}
