package interop

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

// Each real client does a whole session against bin/refftpd: login, list, upload and download
// in text and binary (checked byte for byte, on the client and on the server's disk), resume in
// both directions, rename, delete, directories, quit.

// ftplibSession is the python3 ftplib script: it checks every step itself and prints OK.
// Arguments: host port user password local-dir remote-dir tls(0/1) passive(0/1).
const ftplibSession = `
import ftplib, hashlib, io, os, ssl, sys
host, port, user, pw, local, d, use_tls, passive = sys.argv[1:9]
port, use_tls, passive = int(port), use_tls == "1", passive == "1"
def check(cond, what):
    if not cond:
        print("FAILED:", what); sys.exit(1)
binary = open(os.path.join(local, "binary.dat"), "rb").read()
text = open(os.path.join(local, "text.txt"), "rb").read()
if use_tls:
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    ftp = ftplib.FTP_TLS(context=ctx, timeout=30)
else:
    ftp = ftplib.FTP(timeout=30)
ftp.connect(host, port)
ftp.login(user, pw)
if use_tls:
    ftp.prot_p()
ftp.set_pasv(passive)
ftp.mkd(d)
ftp.cwd(d)
check(ftp.pwd() == "/" + d, "pwd %r" % ftp.pwd())
ftp.storbinary("STOR binary.dat", io.BytesIO(binary))
ftp.storlines("STOR text.txt", io.BytesIO(text))   # TYPE A: CRLF on the wire
names = sorted(os.path.basename(n) for n in ftp.nlst())
check(names == ["binary.dat", "text.txt"], "nlst %r" % names)
listing = []; ftp.retrlines("LIST", listing.append)
check(len(listing) == 2 and any("binary.dat" in l for l in listing), "list %r" % listing)
got = bytearray(); ftp.retrbinary("RETR binary.dat", got.extend)
check(hashlib.sha256(got).digest() == hashlib.sha256(binary).digest(), "binary download")
lines = []; ftp.retrlines("RETR text.txt", lines.append)
check("\n".join(lines) + "\n" == text.decode(), "text download")
ftp.voidcmd("TYPE I")
check(ftp.size("binary.dat") == len(binary), "size")
half = len(binary) // 2 + 7
got = bytearray(); ftp.retrbinary("RETR binary.dat", got.extend, rest=half)
check(bytes(got) == binary[half:], "resumed download")
ftp.storbinary("STOR resumed.dat", io.BytesIO(binary[:half]))
ftp.storbinary("STOR resumed.dat", io.BytesIO(binary[half:]), rest=half)
check(ftp.size("resumed.dat") == len(binary), "resumed upload size")
ftp.rename("resumed.dat", "renamed.dat")
ftp.delete("binary.dat")
ftp.mkd("sub")
ftp.rmd("sub")
ftp.mkd("kept")
ftp.cwd("..")
ftp.quit()
print("OK")
`

// checkSession checks on the server's disk what every client session leaves in remote: the
// text stored with local (LF) line ends, the resumed upload whole under its new name, the
// deleted file and directory gone, the kept directory there.
func checkSession(t *testing.T, srv *refServer, f fixtures, remote string) {
	t.Helper()
	dir := filepath.Join(srv.Root, remote)
	sameFile(t, filepath.Join(dir, "text.txt"), f.Text, "text upload (TYPE A) stored with the server's line ends")
	sameFile(t, filepath.Join(dir, "renamed.dat"), f.Binary, "resumed upload, renamed")
	absent(t, filepath.Join(dir, "binary.dat"), "delete")
	absent(t, filepath.Join(dir, "resumed.dat"), "rename")
	absent(t, filepath.Join(dir, "sub"), "remove directory")
	if st, err := os.Stat(filepath.Join(dir, "kept")); err != nil || !st.IsDir() {
		t.Errorf("make directory: %s/kept: %v", dir, err)
	}
}

func TestFtplib(t *testing.T) {
	py := need(t, "python3", "python3")
	srv := startRefftpd(t, false)
	f := newFixtures(t)
	script := filepath.Join(f.Dir, "session.py")
	writeFile(t, script, []byte(ftplibSession))
	for _, mode := range []struct {
		name         string
		tls, passive bool
	}{{"passive", false, true}, {"active", false, false}, {"tls", true, true}} {
		t.Run(mode.name, func(t *testing.T) {
			if mode.tls && !srv.TLS {
				t.Skip("bin/refftpd does not offer AUTH TLS (FEAT): FTP_TLS is not tested")
			}
			remote := "ftplib-" + mode.name
			out := runClient(t, f.Dir, py, script, srv.Host, srv.Port, refUser, refPassword, f.Dir, remote, bit(mode.tls), bit(mode.passive))
			if strings.TrimSpace(out) != "OK" {
				t.Fatalf("ftplib session: %s", out)
			}
			checkSession(t, srv, f, remote)
		})
	}
}

func bit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func TestCurl(t *testing.T) {
	curl := need(t, "curl", "curl")
	srv := startRefftpd(t, true)
	f := newFixtures(t)
	modes := []struct {
		name string
		args []string // connection options
		base string
		tls  bool
	}{
		{"passive", nil, "ftp://" + srv.Addr, false},
		{"active", []string{"-P", "-"}, "ftp://" + srv.Addr, false},
		{"active-port", []string{"-P", "-", "--disable-eprt"}, "ftp://" + srv.Addr, false},
		{"passive-pasv", []string{"--disable-epsv"}, "ftp://" + srv.Addr, false},
		{"explicit-tls", []string{"--ssl-reqd", "-k"}, "ftp://" + srv.Addr, true},
		{"implicit-tls", []string{"-k"}, "ftps://" + srv.Implicit, true},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			if m.tls && !srv.TLS {
				t.Skip("bin/refftpd does not offer AUTH TLS (FEAT): curl over TLS is not tested")
			}
			if m.name == "implicit-tls" && srv.Implicit == "" {
				t.Skip("bin/refftpd has no implicit TLS listener (implicit_listen): ftps:// is not tested")
			}
			remote := "curl-" + m.name
			url := m.base + "/" + remote + "/"
			local := t.TempDir()
			run := func(args ...string) string {
				all := append([]string{"-sS", "--fail", "--max-time", "60", "-u", refUser + ":" + refPassword}, m.args...)
				return runClient(t, local, curl, append(all, args...)...)
			}
			// Upload (binary; text in ASCII), creating the directory.
			run("--ftp-create-dirs", "-T", filepath.Join(f.Dir, "binary.dat"), url+"binary.dat")
			run("-B", "-T", filepath.Join(f.Dir, "text.txt"), url+"text.txt")
			// List: LIST, then NLST.
			if out := run(url); !strings.Contains(out, "binary.dat") || !strings.Contains(out, "text.txt") {
				t.Fatalf("LIST of %s: %q", url, out)
			}
			if out := run("-l", url); strings.Fields(out)[0] != "binary.dat" {
				t.Fatalf("NLST of %s: %q", url, out)
			}
			// Download, binary and text (TYPE A: network line ends arrive as CRLF).
			run("-o", "binary.dat", url+"binary.dat")
			sameFile(t, filepath.Join(local, "binary.dat"), f.Binary, "binary download")
			// curl -B turns the network's CRLF back into LF (TestJlaffayeFTP checks the wire).
			run("-B", "-o", "text.txt", url+"text.txt")
			sameFile(t, filepath.Join(local, "text.txt"), f.Text, "text download in TYPE A")
			// Resume a download (REST) and an upload (APPE after SIZE).
			half := len(f.Binary)/2 + 7
			writeFile(t, filepath.Join(local, "partial.dat"), f.Binary[:half])
			run("-C", "-", "-o", "partial.dat", url+"binary.dat")
			sameFile(t, filepath.Join(local, "partial.dat"), f.Binary, "resumed download")
			writeFile(t, filepath.Join(local, "head.dat"), f.Binary[:half])
			run("-T", filepath.Join(local, "head.dat"), url+"resumed.dat")
			run("-C", "-", "-T", filepath.Join(f.Dir, "binary.dat"), url+"resumed.dat")
			// Rename, delete, make and remove directories: commands after the listing.
			run("-Q", "-RNFR resumed.dat", "-Q", "-RNTO renamed.dat", "-Q", "-DELE binary.dat",
				"-Q", "-MKD sub", "-Q", "-RMD sub", "-Q", "-MKD kept", url)
			checkSession(t, srv, f, remote)
		})
	}
}

func TestLftp(t *testing.T) {
	lftp := need(t, "lftp", "lftp")
	srv := startRefftpd(t, false)
	f := newFixtures(t)
	// A small tree to mirror: nested directories, text and binary files, an empty file.
	tree := t.TempDir()
	writeFile(t, filepath.Join(tree, "a.txt"), f.Text[:1000])
	writeFile(t, filepath.Join(tree, "empty"), nil)
	writeFile(t, filepath.Join(tree, "sub", "b.bin"), f.Binary[:70000])
	writeFile(t, filepath.Join(tree, "sub", "deeper", "c.txt"), []byte("deep\n"))
	for _, m := range []struct {
		name     string
		settings string
	}{
		{"passive", "set ftp:passive-mode on;"},
		{"active", "set ftp:passive-mode off;"},
		{"tls", "set ftp:ssl-force on; set ftp:ssl-protect-data on; set ssl:verify-certificate no;"},
	} {
		t.Run(m.name, func(t *testing.T) {
			if m.name == "tls" && !srv.TLS {
				t.Skip("bin/refftpd does not offer AUTH TLS (FEAT): lftp over TLS is not tested")
			}
			ssl := "set ftp:ssl-allow no;"
			if m.name == "tls" {
				ssl = ""
			}
			local := t.TempDir()
			remote := "lftp-" + m.name
			half := len(f.Binary)/2 + 7
			writeFile(t, filepath.Join(local, "head.dat"), f.Binary[:half])
			writeFile(t, filepath.Join(local, "partial.dat"), f.Binary[:half])
			script := strings.Join([]string{
				ssl + m.settings + " set net:max-retries 1; set net:timeout 20; set cmd:fail-exit yes",
				fmt.Sprintf("open -u %s,%s -p %s %s", refUser, refPassword, srv.Port, srv.Host),
				"mkdir " + remote, "cd " + remote,
				"put " + filepath.Join(f.Dir, "binary.dat"),
				"put -a " + filepath.Join(f.Dir, "text.txt"), // ASCII: TYPE A
				"cls -1",
				"get binary.dat -o " + filepath.Join(local, "binary.dat"),
				"get -a text.txt -o " + filepath.Join(local, "text.txt"),
				// resume: get -c continues partial.dat (REST + RETR); put -c continues resumed.dat (REST + STOR)
				"get -c binary.dat -o " + filepath.Join(local, "partial.dat"),
				"put " + filepath.Join(local, "head.dat") + " -o resumed.dat",
				"put -c " + filepath.Join(f.Dir, "binary.dat") + " -o resumed.dat",
				"mv resumed.dat renamed.dat", "rm binary.dat", "mkdir sub", "rmdir sub", "mkdir kept",
				// mirror the tree up, then back down
				"mirror -R " + tree + " tree", "mirror tree " + filepath.Join(local, "tree"),
				"quit",
			}, "\n")
			out := runClient(t, local, lftp, "-c", script)
			if !strings.Contains(out, "binary.dat") || !strings.Contains(out, "text.txt") {
				t.Errorf("cls -1 listed: %q", out)
			}
			sameFile(t, filepath.Join(local, "binary.dat"), f.Binary, "binary download")
			// lftp's get -a converts the network's CRLF back to LF.
			sameFile(t, filepath.Join(local, "text.txt"), f.Text, "text download in TYPE A")
			sameFile(t, filepath.Join(local, "partial.dat"), f.Binary, "resumed download")
			checkSession(t, srv, f, remote)
			sameTree(t, tree, filepath.Join(srv.Root, remote, "tree"), "mirror -R (upload)")
			sameTree(t, tree, filepath.Join(local, "tree"), "mirror (download)")
		})
	}
}

func TestJlaffayeFTP(t *testing.T) {
	srv := startRefftpd(t, false)
	f := newFixtures(t)
	for _, m := range []struct {
		name string
		opts []ftp.DialOption
	}{
		{"epsv", nil},
		{"pasv", []ftp.DialOption{ftp.DialWithDisabledEPSV(true)}},
		{"explicit-tls", []ftp.DialOption{ftp.DialWithExplicitTLS(&tls.Config{InsecureSkipVerify: true})}},
	} {
		t.Run(m.name, func(t *testing.T) {
			if strings.Contains(m.name, "tls") && !srv.TLS {
				t.Skip("bin/refftpd does not offer AUTH TLS (FEAT): jlaffaye/ftp over TLS is not tested")
			}
			remote := "jlaffaye-" + m.name
			opts := append([]ftp.DialOption{ftp.DialWithTimeout(30 * time.Second)}, m.opts...)
			c, err := ftp.Dial(srv.Addr, opts...)
			must(t, err, "dial")
			defer c.Quit()
			must(t, c.Login(refUser, refPassword), "login")
			must(t, c.MakeDir(remote), "MKD")
			must(t, c.ChangeDir(remote), "CWD")
			if dir, err := c.CurrentDir(); err != nil || dir != "/"+remote {
				t.Fatalf("PWD: %q, %v", dir, err)
			}
			must(t, c.Stor("binary.dat", bytes.NewReader(f.Binary)), "STOR binary")
			must(t, c.Type(ftp.TransferTypeASCII), "TYPE A")
			must(t, c.Stor("text.txt", bytes.NewReader(crlf(f.Text))), "STOR text") // the client sends network line ends
			r, err := c.Retr("text.txt")
			must(t, err, "RETR text")
			if got := readAll(t, r); !bytes.Equal(got, crlf(f.Text)) {
				t.Errorf("text download in TYPE A: %d bytes, want %d with CRLF line ends", len(got), len(crlf(f.Text)))
			}
			must(t, c.Type(ftp.TransferTypeBinary), "TYPE I")
			entries, err := c.List("")
			must(t, err, "LIST")
			var names []string
			for _, e := range entries {
				if e.Type == ftp.EntryTypeFile { // MLSD also lists the directory itself (cdir)
					names = append(names, e.Name)
				}
			}
			if len(names) != 2 {
				t.Errorf("LIST: %v, want binary.dat and text.txt", names)
			}
			nl, err := c.NameList("")
			must(t, err, "NLST")
			if len(nl) != 2 {
				t.Errorf("NLST: %v", nl)
			}
			r, err = c.Retr("binary.dat")
			must(t, err, "RETR binary")
			if got := readAll(t, r); !bytes.Equal(got, f.Binary) {
				t.Errorf("binary download: %d bytes (sha256 %s…), want %d (%s…)", len(got), sum(got), len(f.Binary), sum(f.Binary))
			}
			size, err := c.FileSize("binary.dat")
			must(t, err, "SIZE")
			if size != int64(len(f.Binary)) {
				t.Errorf("SIZE: %d, want %d", size, len(f.Binary))
			}
			half := len(f.Binary)/2 + 7
			r, err = c.RetrFrom("binary.dat", uint64(half))
			must(t, err, "REST + RETR")
			if got := readAll(t, r); !bytes.Equal(got, f.Binary[half:]) {
				t.Errorf("resumed download: %d bytes, want %d", len(got), len(f.Binary)-half)
			}
			must(t, c.Stor("resumed.dat", bytes.NewReader(f.Binary[:half])), "STOR head")
			must(t, c.StorFrom("resumed.dat", bytes.NewReader(f.Binary[half:]), uint64(half)), "REST + STOR")
			must(t, c.Rename("resumed.dat", "renamed.dat"), "RNFR/RNTO")
			must(t, c.Delete("binary.dat"), "DELE")
			must(t, c.MakeDir("sub"), "MKD sub")
			must(t, c.RemoveDir("sub"), "RMD sub")
			must(t, c.MakeDir("kept"), "MKD kept")
			// Not ChangeDirToParent: jlaffaye/ftp takes only 250 for CDUP, where RFC 959 §5.4
			// lists 200 (what refftpd answers) and Appendix II CWD's codes.
			must(t, c.ChangeDir(".."), "CWD ..")
			must(t, c.Quit(), "QUIT")
			checkSession(t, srv, f, remote)
		})
	}
}

func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
