package suites

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// Helpers of the scenarios of RFC 959 §4.1.3 (files, directories, listings, restart, abort).
// Steps that only prepare what a scenario judges say "(setting up)" in their failure messages,
// so that a reader knows the sentence under test was not reached.

// setupStep words a preparation step for a failure message.
func setupStep(format string, args ...any) string {
	return "(setting up) " + fmt.Sprintf(format, args...)
}

// kindFor is the data connection a scenario uses when the kind is not what it checks: passive,
// or active with --active; the RFC 2428 forms on IPv6, where PASV and PORT cannot work.
func kindFor(s *S, c *Conn) DataKind {
	v4 := c.RemoteAddr().IP.To4() != nil
	switch {
	case s.Settings.Active && v4:
		return PORT
	case s.Settings.Active:
		return EPRT
	case v4:
		return PASV
	default:
		return EPSV
	}
}

// typeImage sends TYPE I, so that files move byte for byte (RFC 959 §3.1.1.3).
func typeImage(c *Conn) {
	ExpectWithOffset(1, c.Cmd("TYPE I")).To(HaveReplyCode(200), setupStep("TYPE I"))
}

// upload stores data as p with STOR and expects the transfer to complete.
func upload(s *S, c *Conn, p string, data []byte) {
	t := c.Store(kindFor(s, c), data, "STOR %s", p)
	ExpectWithOffset(1, t.First()).To(HaveReplyCode(125, 150), setupStep("STOR %s", p))
	ExpectWithOffset(1, t.DataErr).NotTo(HaveOccurred(), setupStep("STOR %s: the data connection", p))
	ExpectWithOffset(1, t).To(HaveReplyCode(226, 250), setupStep("STOR %s", p))
}

// retrieveFile runs RETR p and returns the transfer unjudged.
func retrieveFile(s *S, c *Conn, p string) Transfer { return c.Retrieve(kindFor(s, c), "RETR %s", p) }

// download retrieves p and expects the transfer to complete; it returns the bytes.
func download(s *S, c *Conn, p string) []byte {
	t := retrieveFile(s, c, p)
	ExpectWithOffset(1, t.First()).To(HaveReplyCode(125, 150), "RETR %s", p)
	ExpectWithOffset(1, t.DataErr).NotTo(HaveOccurred(), "RETR %s: the data connection", p)
	ExpectWithOffset(1, t).To(HaveReplyCode(226, 250), "RETR %s", p)
	return t.Data
}

// expectGone expects p to be unretrievable: RETR is refused, or at least does not complete.
func expectGone(s *S, c *Conn, p, why string) {
	t := retrieveFile(s, c, p)
	ExpectWithOffset(1, t.Final().Class()).To(BeNumerically(">=", 4), "RETR %s answered %s, so the file is still there: %s", p, t.Final(), why)
}

// listing runs a listing command (LIST, NLST, with its argument) and returns the transfer.
func listing(s *S, c *Conn, format string, args ...any) Transfer {
	return c.Retrieve(kindFor(s, c), format, args...)
}

// listLines splits listing data at its line ends (CRLF, or a bare LF), dropping the last empty one.
func listLines(data []byte) []string {
	text := strings.TrimSuffix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// bareLF reports whether listing data has a line end that is not CRLF.
func bareLF(data []byte) bool {
	return strings.Count(string(data), "\n") != strings.Count(string(data), "\r\n")
}

// nameOf is the file name an NLST line gives: NLST may return bare names or pathnames
// (RFC 959 §4.1.3: "valid pathname strings").
func nameOf(line string) string { return path.Base(strings.TrimRight(line, "/")) }

// nlstNames returns the NLST names of dir (its current directory when dir is "").
func nlstNames(s *S, c *Conn, dir string) []string {
	cmd := "NLST"
	if dir != "" {
		cmd += " " + dir
	}
	t := listing(s, c, "%s", cmd)
	ExpectWithOffset(1, t).To(HaveReplyCode(226, 250), setupStep("%s", cmd))
	var out []string
	for _, l := range listLines(t.Data) {
		out = append(out, nameOf(l))
	}
	return out
}

// chdir changes to dir and expects success.
func chdir(c *Conn, dir string) {
	ExpectWithOffset(1, c.Cmd("CWD %s", dir)).To(HaveReplyCode(250), setupStep("CWD %s", dir))
}

// dirExists reports whether CWD accepts dir; the connection then returns to back.
func dirExists(c *Conn, dir, back string) bool {
	r := c.Cmd("CWD %s", dir)
	if r.Class() != 2 {
		return false
	}
	ExpectWithOffset(1, c.Cmd("CWD %s", back)).To(HaveReplyCode(250), setupStep("CWD %s", back))
	return true
}

// randomData returns n random bytes: content no server could produce by accident.
func randomData(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// fingerprint describes content for comparisons without printing megabytes.
func fingerprint(b []byte) string {
	sum := sha256.Sum256(b)
	return fmt.Sprintf("%d bytes, sha256 %x", len(b), sum[:8])
}

// firstBytes is the start of b, for messages.
func firstBytes(b []byte, n int) []byte { return b[:min(len(b), n)] }

// quotedPath is a path as a 257 reply must show it: in double quotes, each quote doubled
// (RFC 959 appendix II).
func quotedPath(p string) string { return `"` + strings.ReplaceAll(p, `"`, `""`) + `"` }

// fileAfter reads the "FILE: pppp" of a STOU preliminary reply (RFC 1123 §4.1.2.9) and makes
// pppp absolute against dir. ok is false when the first line is not of that form.
func fileAfter(r Reply, dir string) (p string, ok bool) {
	if len(r.Lines) == 0 || len(r.Lines[0]) < 4 {
		return "", false
	}
	name, ok := strings.CutPrefix(r.Lines[0][4:], "FILE: ")
	if !ok || name == "" {
		return "", false
	}
	if !strings.HasPrefix(name, "/") {
		name = path.Join(dir, name)
	}
	return name, true
}

// newNames returns the names in after that are not in before.
func newNames(before, after []string) []string {
	seen := map[string]bool{}
	for _, n := range before {
		seen[n] = true
	}
	var out []string
	for _, n := range after {
		if !seen[n] {
			out = append(out, n)
		}
	}
	return out
}

// scratchDirOn returns the scenario's scratch directory on a condition's endpoint.
func scratchDirOn(s *S, t Target) string { return s.ScratchOn(t) }

// Live transfers: a scenario that must act while a transfer is under way (ABOR, a client that
// breaks the data connection) holds the data connection itself. The harness's Data.Run always
// completes a transfer, so the passive connection is made here, and only to the control
// connection's own peer, as the harness does.

// startLive sets up a passive data connection, connects to it, sends the transfer command and
// returns the data connection with the command's first reply.
func startLive(s *S, c *Conn, format string, args ...any) (net.Conn, Reply) {
	kind := PASV
	if c.RemoteAddr().IP.To4() == nil {
		kind = EPSV
	}
	d, r := c.Data(kind)
	ExpectWithOffset(1, d).NotTo(BeNil(), setupStep("%s was refused with %s; this scenario needs a passive data connection", kind, r))
	port, err := livePort(kind, r)
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), setupStep("reading the %s reply", kind))
	addr := net.JoinHostPort(c.RemoteAddr().IP.String(), strconv.Itoa(port))
	nc, err := net.DialTimeout("tcp", addr, time.Until(s.Deadline()))
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), setupStep("opening the data connection to %s", addr))
	s.Defer(func() { nc.Close() })
	s.Note("data connection open: %s -> %s (held by the scenario)", nc.LocalAddr(), nc.RemoteAddr())
	c.Send(format, args...)
	first := c.Reply()
	if first.Class() == 1 {
		var err error
		nc, err = c.SecureData(nc) // TLS after the 1yz under PROT P (RFC 4217 §12.6)
		ExpectWithOffset(1, err).NotTo(HaveOccurred(), setupStep("protecting the data connection"))
		s.Defer(func() { nc.Close() })
	}
	return nc, first
}

// resetData closes a live data connection with a reset (SO_LINGER 0) rather than an orderly
// close, which in stream mode would mark the end of the file (RFC 959 §3.4.1).
func resetData(nc net.Conn) {
	if tc, ok := nc.(interface{ NetConn() net.Conn }); ok {
		nc = tc.NetConn() // no TLS close_notify: the reset is the point
	}
	if tc, ok := nc.(interface{ SetLinger(int) error }); ok {
		tc.SetLinger(0)
	}
	nc.Close()
}

var livePASV = regexp.MustCompile(`(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})`)

// livePort is the port a 227 (h1,h2,h3,h4,p1,p2) or 229 (|||port|) reply names.
func livePort(kind DataKind, r Reply) (int, error) {
	if kind == EPSV {
		return ParseEPSV(r.Text())
	}
	m := livePASV.FindStringSubmatch(r.Text())
	if m == nil {
		return 0, fmt.Errorf("no h1,h2,h3,h4,p1,p2 in %s", r)
	}
	p1, _ := strconv.Atoi(m[5])
	p2, _ := strconv.Atoi(m[6])
	return p1<<8 | p2, nil
}

// readAtLeast reads n bytes from a live data connection, within the scenario's time.
func readAtLeast(s *S, nc net.Conn, n int) {
	nc.SetReadDeadline(s.Deadline())
	_, err := io.ReadFull(nc, make([]byte, n))
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), setupStep("reading the first %d bytes of the download", n))
}

// closedWithin reads a live data connection until the server closes it (end of file or a reset)
// or the wait times out. It returns the bytes read and whether the connection was closed.
func closedWithin(nc net.Conn, wait time.Duration) (int64, bool) {
	nc.SetReadDeadline(time.Now().Add(wait))
	n, err := io.Copy(io.Discard, nc)
	return n, err == nil || !errors.Is(err, os.ErrDeadlineExceeded)
}

// telnetIPSynch is the Telnet "Interrupt Process" then the "Synch" (IAC IP, IAC DM) that RFC 959
// §4.1.3 tells clients to send before ABOR and STAT during a transfer. Go has no TCP urgent
// data, so the DM goes inline, not marked urgent; servers that read the control connection
// while a transfer runs must take it in stride.
var telnetIPSynch = []byte{255, 244, 255, 242}

// sendIPSynch sends the Telnet IP and Synch sequence and notes how.
func sendIPSynch(s *S, c *Conn) {
	s.Note("sending Telnet IP and Synch (IAC IP, IAC DM) inline: TCP urgent data is not available in Go")
	c.SendRaw(telnetIPSynch, "")
}

// openFor sets up the data connection of a transfer before its REST: RFC 3659 §5.3 wants REST
// to be "the last command issued before the data transfer command".
func openFor(s *S, c *Conn) *Data {
	kind := kindFor(s, c)
	d, r := c.Data(kind)
	ExpectWithOffset(1, d).NotTo(BeNil(), setupStep("%s was refused with %s", kind, r))
	return d
}

// restarted runs a transfer restarted at octet n: the data connection set up first, then REST n
// (which must answer 350), then the command. upload is the data to send, nil for a download.
func restarted(s *S, c *Conn, n int, upload []byte, format string, args ...any) Transfer {
	d := openFor(s, c)
	defer d.Close()
	ExpectWithOffset(1, c.Cmd("REST %d", n)).To(HaveReplyCode(350), "REST %d", n)
	return d.Run(fmt.Sprintf(format, args...), upload, upload != nil)
}
