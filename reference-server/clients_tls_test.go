package refserver

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Real clients over TLS: python3's ftplib.FTP_TLS (explicit, PROT P, CCC), curl (--ssl-reqd and
// ftps://) and lftp (ftp:ssl-force, and ftps://). Each is skipped when it is not installed.

// startTLSServer runs a server with an implicit TLS listener too.
func startTLSServer(t *testing.T, edit func(c *Config)) *testServer {
	t.Helper()
	return startServer(t, func(c *Config) {
		c.ImplicitListen = "127.0.0.1:0"
		if edit != nil {
			edit(c)
		}
	})
}

// The FTP_TLS script protects the control connection (AUTH TLS), then the data connections
// (PBSZ 0, PROT P), in both passive and active mode, goes back to PROT C, and ends with CCC.
const ftplibTLSScript = `
import ftplib, io, os, ssl, sys
host, port, user, pw = os.environ["FTP_HOST"], int(os.environ["FTP_PORT"]), os.environ["FTP_USER"], os.environ["FTP_PASS"]
binary = open(os.environ["FTP_BINARY"], "rb").read()
def check(cond, what):
    if not cond:
        print("FAILED:", what); sys.exit(1)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
for passive in (True, False):
    ftp = ftplib.FTP_TLS(context=ctx)
    ftp.connect(host, port, timeout=20)
    ftp.auth()
    ftp.login(user, pw)
    ftp.prot_p()
    ftp.set_pasv(passive)
    d = "tls-%s" % passive
    ftp.mkd(d)
    ftp.cwd(d)
    ftp.storbinary("STOR bin.dat", io.BytesIO(binary))
    out = io.BytesIO(); ftp.retrbinary("RETR bin.dat", out.write)
    check(out.getvalue() == binary, "binary round trip over TLS")
    ftp.storlines("STOR text.txt", io.BytesIO(b"one\ntwo\n"))
    lines = []; ftp.retrlines("RETR text.txt", lines.append)
    check(lines == ["one", "two"], "text over TLS %r" % lines)
    check(sorted(ftp.nlst()) == ["bin.dat", "text.txt"], "nlst over TLS")
    ftp.prot_c()
    listing = []; ftp.retrlines("LIST", listing.append)
    check(len(listing) == 2, "LIST in the clear after PROT C %r" % listing)
    ftp.delete("bin.dat"); ftp.delete("text.txt")
    ftp.cwd(".."); ftp.rmd(d)
    ftp.prot_p()
    ftp.ccc()
    check(ftp.sendcmd("NOOP").startswith("200"), "NOOP in the clear after CCC")
    check(ftp.nlst() == [], "nlst after CCC, still PROT P")
    ftp.quit()
print("OK")
`

func TestPythonFTPTLS(t *testing.T) {
	py := python(t)
	ts := startTLSServer(t, nil)
	local := t.TempDir()
	binFile := writeLocal(t, local, "bin.dat", randomBytes(300_000))
	runFtplib(t, py, ts, local, ftplibTLSScript, "FTP_BINARY="+binFile)
}

func TestCurlTLS(t *testing.T) {
	curl := tool(t, "curl")
	ts := startTLSServer(t, nil)
	local := t.TempDir()
	bin := randomBytes(250_000)
	writeLocal(t, local, "bin.dat", bin)
	c := curlIn(t, curl, local, "-k")
	explicit := "ftp://" + testUser + ":" + testPassword + "@" + ts.addr + "/"
	implicit := "ftps://" + testUser + ":" + testPassword + "@" + ts.srv.ImplicitAddr().String() + "/"
	// Passive only: curl 7.88 sends the data of an active TLS transfer in the clear ("sa_addr
	// inet_ntop() failed"); python and lftp cover active mode over TLS.
	for _, base := range []string{explicit, implicit} {
		c("--ssl-reqd", "-T", "bin.dat", base+"bin.dat")
		if got := ts.read(t, "bin.dat"); got != string(bin) {
			t.Fatalf("%s: upload differs", base)
		}
		c("--ssl-reqd", "-o", "back.dat", base+"bin.dat")
		if b, _ := os.ReadFile(filepath.Join(local, "back.dat")); !bytes.Equal(b, bin) {
			t.Fatalf("%s: download differs", base)
		}
		if list := c("--ssl-reqd", base); !strings.Contains(list, "bin.dat") {
			t.Fatalf("%s: listing %q", base, list)
		}
	}
	// curl protects the data connections too (PROT P), and clears the control connection on
	// request (--ftp-ssl-ccc: curl's passive mode does not answer the server's close_notify).
	c("--ssl-reqd", "--ftp-ssl-ccc", "-o", "ccc.dat", explicit+"bin.dat")
	if b, _ := os.ReadFile(filepath.Join(local, "ccc.dat")); !bytes.Equal(b, bin) {
		t.Fatal("download after CCC differs")
	}
	ts.expectLogged(t, "cmd=PROT arg=P", "cmd=CCC", "TLS on the data connection")
}

func TestLftpTLS(t *testing.T) {
	lftp := tool(t, "lftp")
	ts := startTLSServer(t, nil)
	local := t.TempDir()
	bin := randomBytes(180_000)
	writeLocal(t, local, "bin.dat", bin)
	host, port := hostPort(t, ts.addr)
	_, iport := hostPort(t, ts.srv.ImplicitAddr().String())
	for _, open := range []string{
		"open -u " + testUser + "," + testPassword + " -p " + port + " " + host,
		"open -u " + testUser + "," + testPassword + " ftps://" + host + ":" + iport,
	} {
		script := strings.Join([]string{
			"set cmd:fail-exit yes",
			"set ftp:ssl-force true",
			"set ftp:ssl-protect-data true",
			"set ftp:ssl-protect-list true",
			"set ssl:verify-certificate no",
			"set net:max-retries 1",
			"set net:timeout 20",
			"set xfer:clobber yes",
			open,
			"put bin.dat",
			"ls",
			"get bin.dat -o back.dat",
			"set ftp:passive-mode off",
			"put bin.dat -o active.dat",
			"cls -1",
			"rm bin.dat active.dat",
			"bye",
		}, "\n")
		out := runTool(t, local, []string{"HOME=" + local}, lftp, "-c", script)
		if !strings.Contains(out, "bin.dat") || !strings.Contains(out, "active.dat") {
			t.Fatalf("%s: lftp output:\n%s", open, out)
		}
		if b, _ := os.ReadFile(filepath.Join(local, "back.dat")); !bytes.Equal(b, bin) {
			t.Fatalf("%s: lftp download over TLS differs", open)
		}
		os.Remove(filepath.Join(local, "back.dat"))
	}
	ts.expectLogged(t, "cmd=AUTH arg=TLS", "cmd=PROT arg=P", "TLS established (implicit)", "TLS on the data connection")
}
