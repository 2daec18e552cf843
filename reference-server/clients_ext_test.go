package refserver

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Real clients against the extensions: python3's ftplib (FEAT, HOST, LANG, OPTS, mlsd(), size,
// MDTM, MODE Z by hand, EPSV ALL, UTF-8 names; EPSV and EPRT on IPv6), curl (EPSV, EPRT, SIZE and
// MDTM for -I, UTF-8 names, IPv6) and lftp (which sends HOST, LANG, OPTS UTF8 ON, OPTS MLST, MODE
// Z and MLSD on its own).

// onLoopbacks runs test as subtests against a server on 127.0.0.1 and one on ::1 (skipped where
// this machine has no ::1).
func onLoopbacks(t *testing.T, test func(t *testing.T, ts *testServer, v6 bool)) {
	for _, listen := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(listen, func(t *testing.T) {
			v6 := strings.HasPrefix(listen, "[")
			if v6 {
				ipv6Loopback(t)
			}
			test(t, startServer(t, func(c *Config) { c.Listen = listen }), v6)
		})
	}
}

const ftplibExtScript = `
import ftplib, io, os, re, socket, sys, zlib
host, port, user, pw = os.environ["FTP_HOST"], int(os.environ["FTP_PORT"]), os.environ["FTP_USER"], os.environ["FTP_PASS"]
def check(cond, what):
    if not cond:
        print("FAILED:", what); sys.exit(1)
v6 = ":" in host
ftp = ftplib.FTP()
ftp.connect(host, port, timeout=20)
feat = ftp.sendcmd("FEAT")
for f in ("EPRT", "EPSV", "HOST", "LANG EN*", "MDTM", "MODE Z", "REST STREAM", "SIZE", "TVFS", "UTF8", "MLST type*;size*;modify*;perm*;unique*;UNIX.mode;"):
    check("\n " + f + "\n" in feat, "FEAT lists %r:\n%s" % (f, feat))
check(feat.endswith("\n211 End"), "FEAT ends with 211 End")
check(ftp.sendcmd("HOST " + ("[%s]" % host if v6 else host)).startswith("220"), "HOST with the server's address")
check(ftp.sendcmd("LANG en").startswith("200"), "LANG en")
check(ftp.sendcmd("OPTS UTF8 ON").startswith("200"), "OPTS UTF8 ON")
ftp.login(user, pw)
ftp.encoding = "utf-8"
name = "ünïcødé-日本.txt"
data = b"line one\nline two\n"
ftp.storbinary("STOR " + name, io.BytesIO(data))
check(name in ftp.nlst(), "NLST gives the UTF-8 name: %r" % ftp.nlst())
ftp.voidcmd("TYPE I")  # nlst() left TYPE A
check(ftp.size(name) == len(data), "SIZE in TYPE I")
ftp.voidcmd("TYPE A")
check(ftp.sendcmd("SIZE " + name) == "213 %d" % (len(data) + 2), "SIZE in TYPE A counts CRLF")
check(re.match(r"^213 \d{14}$", ftp.sendcmd("MDTM " + name)), "MDTM")
entries = dict(ftp.mlsd(facts=["type", "size", "unique"]))
check(entries[name]["type"] == "file" and entries[name]["size"] == str(len(data)), "mlsd(): %r" % entries)
check(set(entries[name]) == {"type", "size", "unique"}, "mlsd() facts after OPTS MLST: %r" % entries[name])
mlst = ftp.sendcmd("MLST " + name)
check(re.search(r"\n type=file;size=%d;unique=[^;]+; /%s\n" % (len(data), re.escape(name)), mlst), "MLST:\n" + mlst)
# MODE Z by hand: ftplib reads what arrives, the test inflates it.
big = b"deflate me " * 20000
ftp.storbinary("STOR big.txt", io.BytesIO(big))
ftp.voidcmd("TYPE I")
check(ftp.sendcmd("MODE Z").startswith("200"), "MODE Z")
check(ftp.sendcmd("OPTS MODE Z LEVEL 9").startswith("200"), "OPTS MODE Z LEVEL 9")
out = io.BytesIO(); ftp.retrbinary("RETR big.txt", out.write)
check(len(out.getvalue()) < len(big) // 10 and zlib.decompress(out.getvalue()) == big, "RETR in MODE Z")
ftp.storbinary("STOR z.txt", io.BytesIO(zlib.compress(big)))
ftp.voidcmd("MODE S")
out = io.BytesIO(); ftp.retrbinary("RETR z.txt", out.write)
check(out.getvalue() == big, "STOR in MODE Z")
# EPSV ALL: from now on only EPSV; ftplib uses EPSV when it thinks it is on IPv6.
check(ftp.sendcmd("EPSV ALL").startswith("229"), "EPSV ALL")
try:
    ftp.sendcmd("PASV"); check(False, "PASV after EPSV ALL")
except ftplib.error_perm:
    pass
ftp.af = socket.AF_INET6
out = io.BytesIO(); ftp.retrbinary("RETR z.txt", out.write)
check(out.getvalue() == big, "RETR over EPSV after EPSV ALL")
ftp.quit()
if v6:
    for passive in (True, False):
        ftp = ftplib.FTP(); ftp.connect(host, port, timeout=20); ftp.login(user, pw); ftp.set_pasv(passive)
        out = io.BytesIO(); ftp.retrbinary("RETR big.txt", out.write)
        check(out.getvalue() == big, "IPv6 RETR, passive=%s" % passive)
        ftp.quit()
print("OK")
`

func TestPythonFtplibExtensions(t *testing.T) {
	py := python(t)
	onLoopbacks(t, func(t *testing.T, ts *testServer, v6 bool) {
		runFtplib(t, py, ts, t.TempDir(), ftplibExtScript)
		ts.expectLogged(t, "cmd=OPTS arg=\"MLST type;size;unique;\"", "cmd=MLSD", "cmd=MODE arg=Z")
		if v6 {
			ts.expectLogged(t, "cmd=EPRT arg=|2|::1|")
		}
	})
}

func TestCurlExtensions(t *testing.T) {
	curl := tool(t, "curl")
	onLoopbacks(t, func(t *testing.T, ts *testServer, _ bool) {
		local := t.TempDir()
		data := randomBytes(150_000)
		writeLocal(t, local, "up.bin", data)
		base := "ftp://" + testUser + ":" + testPassword + "@" + ts.addr + "/"
		c := curlIn(t, curl, local, "-g")
		// EPSV (curl's first choice) for the upload, EPRT (-P -) for the download; a UTF-8 name.
		c("-T", "up.bin", base+"%C3%BCnic%C3%B8de.bin")
		if got := ts.read(t, "ünicøde.bin"); got != string(data) {
			t.Fatal("upload under a UTF-8 name differs")
		}
		c("-P", "-", "-o", "back.bin", base+"%C3%BCnic%C3%B8de.bin")
		if b, _ := os.ReadFile(filepath.Join(local, "back.bin")); !bytes.Equal(b, data) {
			t.Fatal("download over EPRT differs")
		}
		// -I asks MDTM and SIZE.
		head := c("-I", base+"%C3%BCnic%C3%B8de.bin")
		if !strings.Contains(head, "Content-Length: 150000") || !strings.Contains(head, "Last-Modified: ") {
			t.Fatalf("curl -I (SIZE, MDTM):\n%s", head)
		}
		ts.expectLogged(t, "cmd=EPSV", "cmd=EPRT", "cmd=SIZE", "cmd=MDTM")
	})
}

func TestLftpExtensions(t *testing.T) {
	lftp := tool(t, "lftp")
	onLoopbacks(t, func(t *testing.T, ts *testServer, v6 bool) {
		local := t.TempDir()
		text := bytes.Repeat([]byte("lftp compresses this line in MODE Z.\n"), 5000)
		writeLocal(t, local, "ünïcødé.txt", text)
		host, port := hostPort(t, ts.addr)
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		script := strings.Join([]string{
			"set cmd:fail-exit yes",
			"set net:max-retries 1",
			"set net:timeout 20",
			"set xfer:clobber yes",
			"set ftp:use-mode-z true",
			"set ftp:use-mlsd true",
			"set ftp:use-feat true",
			"set ftp:ssl-allow no", // TLS has its own client tests (clients_tls_test.go)
			"open ftp://" + testUser + ":" + testPassword + "@" + host + ":" + port,
			"put ünïcødé.txt",
			"cls -l",
			"get ünïcødé.txt -o back.txt",
			// Active mode: on IPv6 lftp's EPRT names "::", which the server takes as the
			// client's own address.
			"set ftp:passive-mode off",
			"put ünïcødé.txt -o active.txt",
			"quote MLST active.txt",
			"bye",
		}, "\n")
		out := runTool(t, local, []string{"HOME=" + local}, lftp, "-c", script)
		if !strings.Contains(out, "ünïcødé.txt") || !strings.Contains(out, "type=file;") {
			t.Fatalf("lftp output:\n%s", out)
		}
		if b, _ := os.ReadFile(filepath.Join(local, "back.txt")); !bytes.Equal(b, text) {
			t.Fatal("lftp download (MODE Z) differs")
		}
		if got := ts.read(t, "active.txt"); got != string(text) {
			t.Fatal("lftp active upload differs")
		}
		ts.expectLogged(t, "cmd=HOST", "cmd=LANG", "cmd=OPTS arg=\"UTF8 ON\"", "cmd=OPTS arg=\"MLST ", "cmd=MODE arg=Z", "cmd=MLSD")
		if v6 {
			ts.expectLogged(t, "cmd=EPRT arg=|2|::|", "cmd=EPRT code=200")
		}
	})
}
