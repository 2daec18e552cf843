package refserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPipelinedCommandsAnswerInOrder(t *testing.T) {
	ts := startServer(t, nil)
	c, _ := dial(t, ts.addr)
	c.conn.Write([]byte("USER alice\r\nPASS secret\r\nNOOP\r\nSYST\r\nPWD\r\nQUIT\r\n"))
	for _, want := range []int{331, 230, 200, 215, 257, 221} {
		c.expectRead(want)
	}
}

func TestTelnetOnTheWire(t *testing.T) {
	ts := startServer(t, nil)
	c := login(t, ts.addr)
	// IP, then the Synch's data mark, then ABOR: the Telnet commands are not part of the line.
	c.conn.Write([]byte("\xff\xf4\xff\xf2ABOR\r\n"))
	c.expectRead(226)
	// IAC IAC is one 255 byte of a path name.
	c.conn.Write([]byte("MKD a\xff\xffb\r\n"))
	c.expectRead(257)
	if _, err := os.Stat(filepath.Join(ts.root, "a\xffb")); err != nil {
		t.Fatal(err)
	}
	// A CR in a pathname comes as CR NUL (RFC 2640 §3.1); replies pad it the same way.
	c.run([]step{{"MKD a\r\x00b", 257, "\"/a\r\x00b\""}, {"CWD a\r\x00b", 250, ""}, {"PWD", 257, "\"/a\r\x00b\""}, {"CWD /", 250, ""}})
	if fi, err := os.Stat(filepath.Join(ts.root, "a\rb")); err != nil || !fi.IsDir() {
		t.Fatalf("the directory a<CR>b: %v", err)
	}
	// RFC 2640 §3.1's own example: CR NUL LF keeps the LF in the pathname.
	c.upload("STOR foo\r\x00\nboo.bar", []byte("x"))
	c.expectRead(226)
	if got := ts.read(t, "foo\r\nboo.bar"); got != "x" {
		t.Fatalf("foo<CR><LF>boo.bar holds %q", got)
	}
	// A line ending in a bare LF is accepted too.
	c.conn.Write([]byte("NOOP\n"))
	c.expectRead(200)
}

func TestSessionsAreIndependent(t *testing.T) {
	ts := startServer(t, nil)
	a := login(t, ts.addr)
	b := login(t, ts.addr)
	a.run([]step{{"MKD d", 257, ""}, {"CWD d", 250, ""}, {"TYPE I", 200, ""}})
	b.run([]step{{"PWD", 257, `"/"`}})
	if r := b.expect("STAT", 211); !strings.Contains(r.text(), "ASCII") {
		t.Fatalf("b's type changed: %v", r)
	}
	if !strings.Contains(ts.logs.String(), "session=2") {
		t.Fatal("sessions are not numbered in the log")
	}
}

func TestUnknownCommandForgetsSequence(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "a", "x")
	c := login(t, ts.addr)
	c.run([]step{{"RNFR a", 350, ""}, {"BOGUS", 500, ""}, {"RNTO b", 503, ""}})
	c.run([]step{{"TYPE I", 200, ""}, {"REST 1", 350, ""}, {"BOGUS", 500, ""}})
	if got := string(c.retr("a")); got != "x" {
		t.Fatalf("REST survived an unknown command: %q", got)
	}
}
