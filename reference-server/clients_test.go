package refserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Real clients: python3's ftplib, curl and lftp do the everyday operations against the server.

// clientTimeout bounds each run of an external client.
const clientTimeout = 60 * time.Second

// python finds python3, preferring Debian's, or skips the test.
func python(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Skip("python3 not found: the ftplib tests need it (install python3)")
	return ""
}

// tool finds an external program or skips the test.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not found: this test needs it (apt-get install %s)", name, name)
	}
	return path
}

// runTool runs a program with a deadline and returns its standard output.
func runTool(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(name), strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// runFtplib runs a python3 ftplib script in dir against ts, with FTP_HOST, FTP_PORT, FTP_USER
// and FTP_PASS (alice's) in its environment, and env; the script checks everything itself and
// prints OK.
func runFtplib(t *testing.T, py string, ts *testServer, dir, script string, env ...string) {
	t.Helper()
	host, port := hostPort(t, ts.addr)
	env = append(env, "FTP_HOST="+host, "FTP_PORT="+port, "FTP_USER="+testUser, "FTP_PASS="+testPassword)
	if out := runTool(t, dir, env, py, "-c", script); strings.TrimSpace(out) != "OK" {
		t.Fatalf("ftplib script: %s", out)
	}
}

// curlIn makes a curl runner in dir: each call runs curl with args after the options every
// call needs (-sS --fail --max-time 30) and common, and returns its output.
func curlIn(t *testing.T, curl, dir string, common ...string) func(args ...string) string {
	return func(args ...string) string {
		t.Helper()
		return runTool(t, dir, nil, curl, slices.Concat([]string{"-sS", "--fail", "--max-time", "30"}, common, args)...)
	}
}

func hostPort(t *testing.T, addr string) (string, string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

// writeLocal writes a client's local file and returns its path.
func writeLocal(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// expectLogged checks that the server's log shows each of want: what a client did on the wire.
func (ts *testServer) expectLogged(t *testing.T, want ...string) {
	t.Helper()
	logs := ts.logs.String()
	for _, w := range want {
		if !strings.Contains(logs, w) {
			t.Errorf("the server log lacks %q", w)
		}
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// The ftplib script does every everyday operation and checks each result itself.
const ftplibScript = `
import ftplib, io, os, sys
host, port, user, pw = os.environ["FTP_HOST"], int(os.environ["FTP_PORT"]), os.environ["FTP_USER"], os.environ["FTP_PASS"]
binary = open(os.environ["FTP_BINARY"], "rb").read()
def check(cond, what):
    if not cond:
        print("FAILED:", what); sys.exit(1)
for passive in (True, False):
    ftp = ftplib.FTP()
    ftp.connect(host, port, timeout=20)
    ftp.login(user, pw)
    ftp.set_pasv(passive)
    d = "dir-%s" % passive
    ftp.mkd(d)
    ftp.cwd(d)
    check(ftp.pwd() == "/" + d, "pwd")
    ftp.storbinary("STOR bin.dat", io.BytesIO(binary))
    out = io.BytesIO(); ftp.retrbinary("RETR bin.dat", out.write)
    check(out.getvalue() == binary, "binary round trip")
    check(ftp.size("bin.dat") == len(binary), "size")
    ftp.storlines("STOR text.txt", io.BytesIO(b"line one\nline two\n"))
    lines = []; ftp.retrlines("RETR text.txt", lines.append)
    check(lines == ["line one", "line two"], "text lines %r" % lines)
    # resume: REST with an offset
    out = io.BytesIO(); ftp.retrbinary("RETR bin.dat", out.write, rest=100)
    check(out.getvalue() == binary[100:], "resumed download")
    names = ftp.nlst()
    check(sorted(names) == ["bin.dat", "text.txt"], "nlst %r" % names)
    listing = []; ftp.retrlines("LIST", listing.append)
    check(len(listing) == 2 and listing[0].startswith("-rw"), "list %r" % listing)
    ftp.rename("text.txt", "renamed.txt")
    check("renamed.txt" in ftp.nlst(), "rename")
    ftp.delete("renamed.txt")
    ftp.delete("bin.dat")
    ftp.cwd("..")
    ftp.rmd(d)
    check(ftp.nlst() == [], "empty at the end")
    ftp.quit()
print("OK")
`

func TestPythonFtplib(t *testing.T) {
	py := python(t)
	ts := startServer(t, nil)
	local := t.TempDir()
	binFile := writeLocal(t, local, "bin.dat", randomBytes(100_000))
	runFtplib(t, py, ts, local, ftplibScript, "FTP_BINARY="+binFile)
}

func TestCurl(t *testing.T) {
	curl := tool(t, "curl")
	ts := startServer(t, nil)
	local := t.TempDir()
	bin := randomBytes(200_000)
	writeLocal(t, local, "bin.dat", bin)
	writeLocal(t, local, "text.txt", []byte("a\nb\n"))
	base := "ftp://" + testUser + ":" + testPassword + "@" + ts.addr + "/"
	c := curlIn(t, curl, local)
	for _, active := range []bool{false, true} {
		var mode []string
		if active {
			mode = []string{"-P", "127.0.0.1"}
		}
		c(append(mode, "-T", "bin.dat", base+"bin.dat")...)
		if got := ts.read(t, "bin.dat"); got != string(bin) {
			t.Fatalf("active=%v: upload differs", active)
		}
		c(append(mode, "-o", "back.dat", base+"bin.dat")...)
		if b, _ := os.ReadFile(filepath.Join(local, "back.dat")); !bytes.Equal(b, bin) {
			t.Fatalf("active=%v: download differs", active)
		}
	}
	// Text: ";type=a" uploads with CRLF conversion; the server stores "\n" line ends.
	c("--use-ascii", "-T", "text.txt", base+"text.txt")
	if got := ts.read(t, "text.txt"); got != "a\nb\n" {
		t.Fatalf("ascii upload stored %q", got)
	}
	// Resume: a partial download continues where it stopped.
	writeLocal(t, local, "part.dat", bin[:50_000])
	c("-C", "-", "-o", "part.dat", base+"bin.dat")
	if b, _ := os.ReadFile(filepath.Join(local, "part.dat")); !bytes.Equal(b, bin) {
		t.Fatal("resumed download differs")
	}
	// Resumed upload: curl asks SIZE and appends the rest (APPE).
	c("-T", "part.dat", base+"resumed.dat")
	writeLocal(t, local, "whole.dat", bin)
	os.Truncate(filepath.Join(ts.root, "resumed.dat"), 70_000)
	c("-C", "-", "-T", "whole.dat", base+"resumed.dat")
	if got := ts.read(t, "resumed.dat"); got != string(bin) {
		t.Fatal("resumed upload differs")
	}
	ts.expectLogged(t, "cmd=APPE arg=resumed.dat") // curl resumes an upload with APPE
	os.Remove(filepath.Join(ts.root, "resumed.dat"))
	list := c(base)
	if !strings.Contains(list, "bin.dat") || !strings.Contains(list, "text.txt") {
		t.Fatalf("listing: %s", list)
	}
	names := c("--list-only", base)
	if strings.Fields(names)[0] != "bin.dat" {
		t.Fatalf("name listing: %s", names)
	}
	c("-Q", "RNFR text.txt", "-Q", "RNTO moved.txt", "-Q", "DELE bin.dat", base)
	if _, err := os.Stat(filepath.Join(ts.root, "moved.txt")); err != nil {
		t.Fatalf("rename: %v", err)
	}
	if _, err := os.Stat(filepath.Join(ts.root, "bin.dat")); !os.IsNotExist(err) {
		t.Fatalf("delete: %v", err)
	}
}

func TestLftp(t *testing.T) {
	lftp := tool(t, "lftp")
	ts := startServer(t, nil)
	local := t.TempDir()
	bin := randomBytes(150_000)
	writeLocal(t, local, "bin.dat", bin)
	writeLocal(t, local, "text.txt", []byte("x\ny\n"))
	writeLocal(t, local, "partial.dat", bin[:40_000])
	host, port := hostPort(t, ts.addr)
	script := strings.Join([]string{
		"set cmd:fail-exit yes",
		"set ftp:ssl-allow no",
		"set net:max-retries 1",
		"set net:timeout 20",
		"set xfer:clobber yes",
		"open -u " + testUser + "," + testPassword + " -p " + port + " " + host,
		"mkdir sub",
		"cd sub",
		"put bin.dat",
		"put -a text.txt", // ascii
		"ls",
		"get bin.dat -o back.dat",
		"get -a text.txt -o back.txt",
		"get -c bin.dat -o partial.dat", // resume a partial download
		"mv bin.dat moved.dat",
		"rm text.txt",
		"set ftp:passive-mode off",
		"put bin.dat -o active.dat",
		"cls -1",
		"bye",
	}, "\n")
	env := []string{"HOME=" + local} // no user rc files
	out := runTool(t, local, env, lftp, "-c", script)
	if !strings.Contains(out, "bin.dat") || !strings.Contains(out, "moved.dat") || !strings.Contains(out, "active.dat") {
		t.Fatalf("lftp output:\n%s", out)
	}
	if b, _ := os.ReadFile(filepath.Join(local, "back.dat")); !bytes.Equal(b, bin) {
		t.Fatal("lftp download differs")
	}
	if b, _ := os.ReadFile(filepath.Join(local, "partial.dat")); !bytes.Equal(b, bin) {
		t.Fatal("lftp resumed download differs")
	}
	ts.expectLogged(t, "cmd=REST arg=40000") // lftp resumes with REST
	if b, _ := os.ReadFile(filepath.Join(local, "back.txt")); string(b) != "x\ny\n" {
		t.Fatalf("lftp text download: %q", b)
	}
	if got := ts.read(t, "sub/moved.dat"); got != string(bin) {
		t.Fatal("lftp upload differs")
	}
	if got := ts.read(t, "sub/active.dat"); got != string(bin) {
		t.Fatal("lftp active upload differs")
	}
}

// ftplib's abort() sends "ABOR\r\n" as urgent data (MSG_OOB): the server must read the whole
// line (SO_OOBINLINE), answer 426 for the download and 226 for ABOR, and stay in step.
const ftplibAbortScript = `
import ftplib, os, sys
ftp = ftplib.FTP()
ftp.connect(os.environ["FTP_HOST"], int(os.environ["FTP_PORT"]), timeout=20)
ftp.login(os.environ["FTP_USER"], os.environ["FTP_PASS"])
ftp.voidcmd("TYPE I")
conn = ftp.transfercmd("RETR big.dat")
got = conn.recv(8192)
if not got:
    print("FAILED: no data"); sys.exit(1)
resp = ftp.abort()
if not resp.startswith("426"):
    print("FAILED: abort answered", resp); sys.exit(1)
conn.close()
final = ftp.voidresp()
if not final.startswith("226"):
    print("FAILED: after 426", final); sys.exit(1)
# Still in step: the next commands get their own replies.
if not ftp.sendcmd("NOOP").startswith("200"):
    print("FAILED: NOOP"); sys.exit(1)
# abort() with nothing in progress: 226.
if not ftp.abort().startswith("226"):
    print("FAILED: idle abort"); sys.exit(1)
ftp.quit()
print("OK")
`

func TestPythonFtplibAbort(t *testing.T) {
	py := python(t)
	ts := startServer(t, nil)
	// Bigger than what the socket buffers hold, so that the download is still running.
	ts.write(t, "big.dat", string(randomBytes(32<<20)))
	runFtplib(t, py, ts, t.TempDir(), ftplibAbortScript)
}
