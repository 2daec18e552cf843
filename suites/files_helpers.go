package suites

import (
	"fmt"
	"io"
	"net"
	"path"
	"strings"
	"time"

	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// Helpers of the scenarios of RFC 959 §4.1.3 (files, directories, listings, restart, abort).

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

// dotEntry reports whether an NLST line names "." or "..", the entries every Unix directory
// holds: names in the directory, which NLST may list (RFC 959 asks for "a stream of names of
// files" and excludes nothing), though they name no file a "multiple get" would retrieve.
func dotEntry(line string) bool {
	n := nameOf(line)
	return n == "." || n == ".."
}

// nlstEntries reads the data of an NLST of dir (absolute, as the scenario knows it): the names
// of its entries, "." and ".." left out. A line may give the bare name ("name", "./name") or
// the name qualified with the directory listed ("dir/name"): both are "valid pathname strings"
// (RFC 959 §4.1.3) that the server can use "directly as the arguments of subsequent data
// transfer commands" (RFC 1123 §4.1.2.7). A line naming anything else is kept whole, so that
// the comparison shows it.
func nlstEntries(data []byte, dir string) []string {
	var out []string
	for _, l := range listLines(data) {
		if dotEntry(l) {
			continue
		}
		p := path.Clean(l)
		switch path.Dir(p) {
		case ".", path.Clean(dir):
			out = append(out, path.Base(p))
		default:
			out = append(out, l)
		}
	}
	return out
}

// nlstNames returns the NLST names of dir (its current directory when dir is "").
func nlstNames(s *S, c *Conn, dir string) []string {
	cmd := strings.TrimSpace("NLST " + dir)
	t := listing(s, c, "%s", cmd)
	ExpectWithOffset(1, t).To(HaveReplyCode(226, 250), setupStep("%s", cmd))
	return namesOf(t.Data)
}

// namesOf is the file names of NLST data, one a line.
func namesOf(data []byte) []string {
	var out []string
	for _, l := range listLines(data) {
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

// ---- live transfers ----

// Live transfers: a scenario that must act while a transfer is under way (ABOR, STAT, a client
// that breaks the data connection) holds the data connection itself, through Data.Start.

// liveSize is the size of the files that scenarios download part of (ABOR, a broken data
// connection, a command sent during the transfer): larger than the socket buffers of both ends
// together, so the transfer is still under way until the client reads.
const liveSize = 16 << 20

// startLive starts a transfer over a data connection of the run's kind and returns it with the
// command's first reply. After a 1yz the data connection is open (d.NetConn()), protected under
// PROT P; it is closed when the scenario ends.
func startLive(s *S, c *Conn, format string, args ...any) (*Data, Reply) {
	d := dataFor(s, c)
	first := d.Start(format, args...)
	if first.Class() == 1 {
		ExpectWithOffset(1, d.Err()).NotTo(HaveOccurred(), setupStep("opening the data connection of %s", first.Command))
	}
	return d, first
}

// liveDownload stores a file of liveSize bytes and starts its download in TYPE I: the transfer
// is under way (125 or 150) when it returns, and the client has read nothing yet.
func liveDownload(s *S, c *Conn, name string) (*Data, []byte) {
	p := s.Path(name)
	data := randomBytes(liveSize)
	put(s, c, p, data)
	d, first := startLive(s, c, "RETR %s", p)
	ExpectWithOffset(1, first).To(HaveReplyCode(125, 150), setupStep("RETR %s", p))
	return d, data
}

// liveUpload starts an upload in TYPE I and sends liveSize bytes, leaving the data connection
// open: the upload is under way when it returns. So many bytes do not fit in the sockets'
// buffers: the server has read part of them, so it has the data connection for sure (an active
// one it opened may otherwise still be settling on its side).
func liveUpload(s *S, c *Conn, name string) *Data {
	p := s.Path(name)
	typeImage(c)
	d, first := startLive(s, c, "STOR %s", p)
	ExpectWithOffset(1, first).To(HaveReplyCode(125, 150), setupStep("STOR %s", p))
	nc := d.NetConn()
	nc.SetWriteDeadline(s.Deadline())
	_, err := nc.Write(randomBytes(liveSize))
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), setupStep("sending the first %d bytes", liveSize))
	s.Note("%d bytes sent; the data connection stays open, so the upload is under way", liveSize)
	return d
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

// readAtLeast reads n bytes from a live data connection, within the scenario's time.
func readAtLeast(s *S, nc net.Conn, n int) {
	nc.SetReadDeadline(s.Deadline())
	_, err := io.ReadFull(nc, make([]byte, n))
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), setupStep("reading the first %d bytes of the download", n))
}

// trickle keeps reading a live download slowly in the background, as a client does while it
// waits for its ABOR to take effect: a server blocked in writing to a client that has stopped
// reading cannot act on anything, and that would be the client's doing, not the server's. At
// this rate the rest of the file takes far longer than a reply timeout. rest is what the
// client has not read yet. The function it returns is for once the replies are in: it reads
// what is left at full speed until the server's close (end of file or reset), and fails if the
// whole file arrived (the transfer was not aborted, it ran to its end), if the connection stayed
// open a reply timeout after its last byte, or if data still came two reply timeouts later.
func trickle(s *S, nc net.Conn, rest int) (closed func() error) {
	const chunk, every = 4 << 10, 10 * time.Millisecond // 400 KiB/s
	done := make(chan error, 1)
	hurry := make(chan struct{})
	go func() {
		buf, r := make([]byte, chunk), readerOf(s, nc)
		tick := time.NewTicker(every)
		defer tick.Stop()
		got := 0
		for {
			select {
			case <-tick.C:
			case <-hurry:
			}
			n, err := io.ReadFull(r, buf)
			got += n
			switch {
			case got >= rest:
				done <- fmt.Errorf("the rest of the file arrived, all %d bytes: the transfer was not aborted", got)
			case timedOut(err):
				done <- fmt.Errorf("the data connection was still open %v after its last byte (%d bytes after the first read)", s.ReplyTimeout(), got)
			case err != nil:
				done <- nil // closed by the server: EOF, a short last read, or a reset
			default:
				continue
			}
			return
		}
	}()
	return func() error {
		close(hurry)
		// A silent open connection ends in a read deadline first; only a server still
		// trickling data itself reaches this bound.
		bound := 2 * s.ReplyTimeout()
		select {
		case err := <-done:
			return err
		case <-time.After(bound):
			return fmt.Errorf("the server was still sending on the data connection %v after its replies", bound)
		}
	}
}

// readRest reads a live download to its end, each read within a reply timeout, and then closes
// the client's end as a client does at the end of the file: servers that close the data
// connection with a lingering close (ProFTPD, for up to its TimeoutLinger of 10 s) send the
// transfer's reply only once the client has closed too.
func readRest(s *S, nc net.Conn) []byte {
	got, err := io.ReadAll(readerOf(s, nc))
	if err != nil {
		s.Note("data connection: %v", err)
	} else {
		s.Note("the data connection was closed by the server after %d bytes; the client closes its end", len(got))
	}
	nc.Close()
	return got
}

// sendIPSynch sends the Telnet IP and Synch sequence that RFC 959 §4.1.3 tells clients to send
// before ABOR and STAT during a transfer (the DM as TCP urgent data; inline over TLS).
func sendIPSynch(c *Conn) {
	ExpectWithOffset(1, c.SendInterrupt()).To(Succeed(), "sending the Telnet IP and Synch")
}

// ---- restart ----

// restarted runs a transfer restarted at octet n: the data connection set up first (RFC 3659
// §5.3 wants REST to be "the last command issued before the data transfer command"), then
// REST n (which must answer 350), then the command. upload is the data to send, nil for a
// download.
func restarted(s *S, c *Conn, n int, upload []byte, format string, args ...any) Transfer {
	d := dataFor(s, c)
	ExpectWithOffset(1, c.Cmd("REST %d", n)).To(HaveReplyCode(350), "REST %d", n)
	return d.Run(fmt.Sprintf(format, args...), upload, upload != nil)
}
