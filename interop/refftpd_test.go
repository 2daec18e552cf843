package interop

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The client tests drive the reference server as a user would: the program bin/refftpd, started
// with a config file, on a loopback port, and real clients against it.

// refftpdEnv names a refftpd binary to use instead of building one (an absolute path: FTPCONFORM_REFFTPD=$PWD/bin/refftpd; go test runs in interop/).
const refftpdEnv = "FTPCONFORM_REFFTPD"

// clientDeadline bounds each run of an external client.
const clientDeadline = 90 * time.Second

const (
	refUser     = "alice"
	refPassword = "pw-Alice-1"
)

var refftpdBuild struct {
	once sync.Once
	path string
	err  error
	dir  string
}

// refftpdBinary builds cmd/refftpd once per test binary (go's build cache makes it quick).
func refftpdBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(refftpdEnv); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	b := &refftpdBuild
	b.once.Do(func() {
		b.dir, b.err = os.MkdirTemp("", "interop-refftpd-")
		if b.err != nil {
			return
		}
		b.path = filepath.Join(b.dir, "refftpd")
		goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goTool); err != nil {
			goTool = "go"
		}
		cmd := exec.Command(goTool, "build", "-o", b.path, "github.com/ftpconform/ftpconform/cmd/refftpd")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build ./cmd/refftpd: %v\n%s", err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if refftpdBuild.dir != "" {
		os.RemoveAll(refftpdBuild.dir)
	}
	os.Exit(code)
}

// refServer is a running bin/refftpd.
type refServer struct {
	Addr     string // host:port of the plain (explicit TLS) listener
	Host     string
	Port     string
	Implicit string // host:port of the implicit TLS listener; "" without one
	Root     string // the directory it serves: what clients did shows here
	TLS      bool   // FEAT announces AUTH TLS
}

// startRefftpd starts bin/refftpd with a fresh root and one read-write user, and stops it (by
// its PID) when the test ends. With implicit, it also listens for implicit TLS where it can
// (Implicit stays "" where it cannot).
func startRefftpd(t *testing.T, implicit bool) *refServer {
	t.Helper()
	srv, log, err := launchRefftpd(t, implicit)
	if err != nil && implicit && strings.Contains(log, "implicit_listen") {
		t.Logf("refftpd does not offer implicit TLS (implicit_listen); starting it without: %s", strings.TrimSpace(log))
		srv, log, err = launchRefftpd(t, false)
	}
	if err != nil {
		t.Fatalf("%v: %s", err, log)
	}
	srv.TLS = slicesContainsFold(feat(t, srv.Addr), "AUTH TLS")
	return srv
}

// launchRefftpd starts one refftpd and waits until it says where it listens; on failure it
// returns its log.
func launchRefftpd(t *testing.T, implicit bool) (*refServer, string, error) {
	t.Helper()
	bin := refftpdBinary(t)
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := map[string]any{
		"listen": "127.0.0.1:0",
		"root":   root,
		"users":  []map[string]any{{"name": refUser, "password": refPassword}},
	}
	srv := &refServer{Root: root}
	if implicit {
		srv.Implicit = freePort(t)
		cfg["implicit_listen"] = srv.Implicit
	}
	b, _ := json.Marshal(cfg)
	cfgFile := filepath.Join(dir, "refftpd.json")
	if err := os.WriteFile(cfgFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-config", cfgFile)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{}) // closed when refftpd has exited
	addr := make(chan string, 1)
	var log strings.Builder
	var logMu sync.Mutex
	logText := func() string { logMu.Lock(); defer logMu.Unlock(); return log.String() }
	go func() {
		// The first log line names the address: msg=listening addr=127.0.0.1:PORT.
		re := regexp.MustCompile(`msg=listening addr=(\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logMu.Lock()
			log.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt) // graceful: 421 to everyone, then exit
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	select {
	case a := <-addr:
		srv.Addr = a
	case <-done:
		return nil, logText(), fmt.Errorf("refftpd exited before listening")
	case <-time.After(15 * time.Second):
		return nil, logText(), fmt.Errorf("refftpd did not say it was listening within 15 s")
	}
	srv.Host, srv.Port, _ = net.SplitHostPort(srv.Addr)
	return srv, "", nil
}

// feat asks the server for its FEAT lines.
func feat(t *testing.T, addr string) []string {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	c := textproto.NewConn(conn)
	if _, _, err := c.ReadResponse(220); err != nil {
		t.Fatalf("greeting: %v", err)
	}
	id, err := c.Cmd("FEAT")
	if err != nil {
		t.Fatal(err)
	}
	c.StartResponse(id)
	_, msg, err := c.ReadResponse(211)
	c.EndResponse(id)
	c.Cmd("QUIT")
	if err != nil {
		return nil
	}
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		lines = append(lines, strings.TrimSpace(l))
	}
	return lines
}

func slicesContainsFold(list []string, s string) bool {
	for _, l := range list {
		if strings.EqualFold(l, s) {
			return true
		}
	}
	return false
}

// freePort returns a loopback address whose port was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// need finds an external client or skips the test, saying how to install it.
func need(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed: this client test needs it (apt-get install %s; .ci/run installs it)", name, pkg)
	}
	return p
}

// runClient runs a client program with a deadline, and returns its standard output.
func runClient(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientDeadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Stdin = nil
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(name), strings.Join(redactArgs(args), " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func redactArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, refPassword, "****")
	}
	return out
}

// Fixtures every client session moves: a text file with LF line ends (the server's local
// form), and binary data that holds CR, LF and every other byte.
type fixtures struct {
	Dir    string // local directory holding text.txt and binary.dat
	Text   []byte // LF line ends
	Binary []byte
}

func newFixtures(t *testing.T) fixtures {
	t.Helper()
	var text strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&text, "line %d: the quick brown fox jumps over the lazy dog\n", i)
	}
	f := fixtures{Dir: t.TempDir(), Text: []byte(text.String()), Binary: make([]byte, 256<<10+123)}
	rand.Read(f.Binary)
	copy(f.Binary, "\r\n\n\r\x00\xff") // the bytes a text conversion would touch, first
	writeFile(t, filepath.Join(f.Dir, "text.txt"), f.Text)
	writeFile(t, filepath.Join(f.Dir, "binary.dat"), f.Binary)
	return f
}

// crlf is text with network line ends, as TYPE A sends it (RFC 959 §3.1.1.1).
func crlf(text []byte) []byte { return bytes.ReplaceAll(text, []byte("\n"), []byte("\r\n")) }

func writeFile(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:8]) }

// sameFile checks that a file holds exactly want (by SHA-256).
func sameFile(t *testing.T, file string, want []byte, what string) {
	t.Helper()
	got, err := os.ReadFile(file)
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: %s holds %d bytes (sha256 %s…), want %d bytes (sha256 %s…)", what, file, len(got), sum(got), len(want), sum(want))
	}
}

// absent checks that a path does not exist.
func absent(t *testing.T, p, what string) {
	t.Helper()
	if _, err := os.Stat(p); err == nil {
		t.Errorf("%s: %s still exists", what, p)
	}
}

// sameTree checks that two directory trees hold the same files with the same bytes.
func sameTree(t *testing.T, want, got, what string) {
	t.Helper()
	files := func(root string) map[string]string {
		m := map[string]string{}
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				t.Errorf("%s: %v", what, err)
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			if d.IsDir() {
				m[rel+"/"] = "dir"
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Errorf("%s: %v", what, err)
			}
			m[rel] = sum(b)
			return nil
		})
		return m
	}
	w, g := files(want), files(got)
	for k, v := range w {
		if g[k] != v {
			t.Errorf("%s: %s is %q in %s, %q in %s", what, k, v, want, g[k], got)
		}
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			t.Errorf("%s: %s is in %s but not in %s", what, k, got, want)
		}
	}
}

// readAll reads r and closes it.
func readAll(t *testing.T, r io.ReadCloser) []byte {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
