package refserver

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

func TestStorRetrRoundTrip(t *testing.T) {
	ts := startServer(t, nil)
	c := login(t, ts.addr)
	c.expect("TYPE I", 200)
	data := randomBytes(300_000)
	c.stor("bin", data)
	if got := c.retr("bin"); !bytes.Equal(got, data) {
		t.Fatal("round trip differs")
	}
	c.stor("bin", []byte("short")) // STOR replaces
	if got := ts.read(t, "bin"); got != "short" {
		t.Fatalf("after a second STOR: %q", got)
	}
	c.run([]step{{"RETR nothing", 550, ""}, {"MKD d", 257, ""}, {"RETR d", 550, "plain"}, {"STOR d", 553, ""}, {"STOR no/such/dir", 553, ""}})
}

func TestTypeAConversion(t *testing.T) {
	ts := startServer(t, nil)
	c := login(t, ts.addr)
	// Default TYPE A N: CRLF becomes "\n" on the way in, "\n" becomes CRLF on the way out.
	c.stor("t", []byte("one\r\ntwo\r\nbare\rcr\r\nlast"))
	if got := ts.read(t, "t"); got != "one\ntwo\nbare\rcr\nlast" {
		t.Fatalf("stored %q", got)
	}
	if got := string(c.retr("t")); got != "one\r\ntwo\r\nbare\rcr\r\nlast" {
		t.Fatalf("retrieved %q", got)
	}
	// The same in the T and C formats, which change how a file prints, not its bytes.
	for _, form := range []string{"A T", "A C", "A N"} {
		c.expect("TYPE "+form, 200)
		if got := string(c.retr("t")); got != "one\r\ntwo\r\nbare\rcr\r\nlast" {
			t.Fatalf("TYPE %s: %q", form, got)
		}
	}
	c.expect("TYPE I", 200)
	if got := string(c.retr("t")); got != "one\ntwo\nbare\rcr\nlast" {
		t.Fatalf("TYPE I: %q", got)
	}
}

func TestTypeEConversion(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "e", "Hello, World!\n")
	c := login(t, ts.addr)
	c.expect("TYPE E", 200)
	want := []byte{0xC8, 0x85, 0x93, 0x93, 0x96, 0x6B, 0x40, 0xE6, 0x96, 0x99, 0x93, 0x84, 0x5A, 0x15}
	if got := c.retr("e"); !bytes.Equal(got, want) {
		t.Fatalf("EBCDIC: % X", got)
	}
	c.stor("back", want)
	if got := ts.read(t, "back"); got != "Hello, World!\n" {
		t.Fatalf("stored %q", got)
	}
	c.expect("SIZE e", 213)
}

func TestRest(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "text", "ab\ncd\n")
	c := login(t, ts.addr)
	c.expect("TYPE I", 200)
	c.expect("REST 3", 350)
	if got := string(c.retr("text")); got != "cd\n" {
		t.Fatalf("TYPE I from 3: %q", got)
	}
	// The REST offset applies to the next command only.
	c.expect("REST 3", 350)
	c.expect("NOOP", 200)
	if got := string(c.retr("text")); got != "ab\ncd\n" {
		t.Fatalf("REST not forgotten: %q", got)
	}
	// TYPE A counts the transferred form: "ab\r\n" is 4 bytes.
	c.expect("TYPE A", 200)
	c.expect("REST 4", 350)
	if got := string(c.retr("text")); got != "cd\r\n" {
		t.Fatalf("TYPE A from 4: %q", got)
	}
	c.run([]step{
		{"REST 3", 350, ""}, {"RETR text", 554, "REST"}, // inside a CRLF
		{"REST 100", 350, ""}, {"RETR text", 554, ""},
		{"REST x", 501, ""}, {"REST -1", 501, ""}, {"REST +1", 501, ""},
	})
	// STOR after REST: the file is kept up to the offset, the rest replaced.
	c.expect("TYPE I", 200)
	c.expect("REST 2", 350)
	c.stor("text", []byte("XY"))
	if got := ts.read(t, "text"); got != "abXY" {
		t.Fatalf("STOR from 2: %q", got)
	}
	c.expect("REST 10", 350)
	c.expect("STOR text", 554)
}

func TestAppeAndStou(t *testing.T) {
	ts := startServer(t, nil)
	c := login(t, ts.addr)
	c.expect("TYPE I", 200)
	c.upload("APPE log", []byte("one\n"))
	c.expectRead(226)
	c.upload("APPE log", []byte("two\n"))
	c.expectRead(226)
	if got := ts.read(t, "log"); got != "one\ntwo\n" {
		t.Fatalf("APPE: %q", got)
	}
	// STOU names its file in the 150 (RFC 1123 §4.1.2.9) and the 226, never an existing one.
	for _, want := range []string{"stou", "stou.1", "stou.2"} {
		r := c.upload("STOU", []byte(want))
		if r.text() != "FILE: "+want {
			t.Fatalf("STOU 150: %v", r)
		}
		if f := c.expectRead(226); !strings.Contains(f.text(), want) {
			t.Fatalf("STOU 226: %v", f)
		}
		if got := ts.read(t, want); got != want {
			t.Fatalf("%s holds %q", want, got)
		}
	}
	r := c.upload("STOU log", []byte("new"))
	if r.text() != "FILE: log.1" {
		t.Fatalf("STOU log: %v", r)
	}
	c.expectRead(226)
	if got := ts.read(t, "log"); got != "one\ntwo\n" {
		t.Fatalf("STOU overwrote: %q", got)
	}
}

// openUpload starts STOR and sends data without ending the transfer.
func openUpload(t *testing.T, c *client, name string, data []byte) net.Conn {
	t.Helper()
	d := c.pasv()
	c.expect("STOR "+name, 150)
	if _, err := d.Write(data); err != nil {
		t.Fatal(err)
	}
	return d
}

// waitBytes polls STAT until the transfer in progress reports n bytes.
func waitBytes(t *testing.T, c *client, n int) {
	t.Helper()
	deadline := time.Now().Add(replyTimeout)
	for time.Now().Before(deadline) {
		r := c.expect("STAT", 213)
		if strings.Contains(r.text(), fmt.Sprintf(", %d bytes", n)) {
			return
		}
	}
	t.Fatalf("the server did not receive %d bytes", n)
}

func TestAborDuringUploadKeepsData(t *testing.T) {
	ts := startServer(t, nil)
	c := login(t, ts.addr)
	c.expect("TYPE I", 200)
	d := openUpload(t, c, "partial", []byte("0123456789"))
	waitBytes(t, c, 10)
	c.send("ABOR")
	c.expectRead(426)
	c.expectRead(226)
	d.Close()
	if got := ts.read(t, "partial"); got != "0123456789" {
		t.Fatalf("kept %q", got)
	}
	// Resume with REST, and with APPE.
	c.expect("REST 10", 350)
	c.stor("partial", []byte("abc"))
	c.upload("APPE partial", []byte("def"))
	c.expectRead(226)
	if got := ts.read(t, "partial"); got != "0123456789abcdef" {
		t.Fatalf("resumed %q", got)
	}
	// ABOR with nothing in progress.
	c.expect("ABOR", 226)
	c.expect("PASV", 227)
	c.expect("ABOR", 226)
}

func TestStatDuringTransfer(t *testing.T) {
	ts := startServer(t, nil)
	c := login(t, ts.addr)
	d := openUpload(t, c, "f", []byte("abc"))
	waitBytes(t, c, 3)
	r := c.expect("STAT", 213)
	if !strings.Contains(r.text(), "STOR /f") || !strings.Contains(r.text(), "in progress") {
		t.Fatalf("STAT: %v", r)
	}
	d.Close()
	c.expectRead(226)
	c.expect("STAT", 211)
}

func TestQuitAndReinDuringTransfer(t *testing.T) {
	ts := startServer(t, nil)
	c := login(t, ts.addr)
	d := openUpload(t, c, "q", []byte("first "))
	c.send("QUIT") // waits for the transfer (RFC 959 §4.1.1)
	d.Write([]byte("second"))
	d.Close()
	c.expectRead(226)
	c.expectRead(221)
	if _, err := c.tryRead(); err == nil {
		t.Fatal("still open after QUIT")
	}
	if got := ts.read(t, "q"); got != "first second" {
		t.Fatalf("stored %q", got)
	}

	c = login(t, ts.addr)
	d = openUpload(t, c, "r", []byte("data"))
	c.send("REIN")
	d.Close()
	c.expectRead(226)
	c.expectRead(220)
	c.expect("CWD /", 530)
}

func TestBusyWhileWriting(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.BusyWhileWriting = true })
	ts.write(t, "f", "old")
	writer := login(t, ts.addr)
	d := openUpload(t, writer, "f", []byte("new"))
	reader := login(t, ts.addr)
	reader.run([]step{{"RETR f", 450, "busy"}, {"DELE f", 450, ""}, {"RNFR f", 450, ""}, {"STOR f", 450, ""}, {"APPE f", 450, ""}})
	d.Close()
	writer.expectRead(226)
	if got := string(reader.retr("f")); got != "new" {
		t.Fatalf("after the upload: %q", got)
	}
}

func TestQuotaAndBudget(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.Users = append(c.Users, User{Name: "q", Password: "pw", Quota: 10, Home: "/q"})
	})
	c := loginAs(t, ts.addr, "q", "pw")
	c.expect("TYPE I", 200)
	c.stor("small", []byte("12345"))
	c.upload("STOR big", []byte("1234567890"))
	c.expectRead(552)
	if got := ts.read(t, "q/big"); got != "12345" {
		t.Fatalf("kept %q", got)
	}
	c.expect("STOR more", 552) // no room at all: refused before 150
	c.expect("DELE big", 250)
	c.stor("small", []byte("1234567890")) // replacing frees the old bytes
	c.expect("ALLO 5", 200)

	tb := startServer(t, func(c *Config) { c.StorageBudget = 8 })
	c2 := login(t, tb.addr)
	c2.upload("STOR f", []byte("1234567890"))
	c2.expectRead(452)
	if got := tb.read(t, "f"); got != "12345678" {
		t.Fatalf("kept %q", got)
	}
	c2.expect("STOR g", 452)
	c2.expect("APPE f", 452)
	c2.expect("ALLO 10", 200)
}

func TestIOErrorPaths(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.IOErrorPaths = []string{"/bad", "/badstore"} })
	ts.write(t, "bad", strings.Repeat("x", 1000))
	c := login(t, ts.addr)
	d := c.pasv()
	c.expect("RETR bad", 150)
	if got := readAll(t, d); len(got) != 500 {
		t.Fatalf("sent %d bytes before the fault", len(got))
	}
	c.expectRead(451)
	c.upload("STOR badstore", []byte("data"))
	c.expectRead(451)
}

func TestPassiveReply125(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.PassiveReply125 = true
		c.DataTimeout = Duration(200 * time.Millisecond)
	})
	ts.write(t, "f", "data")
	c := login(t, ts.addr)
	d := c.pasv()
	c.expect("RETR f", 125)
	if got := string(readAll(t, d)); got != "data" {
		t.Fatalf("got %q", got)
	}
	c.expectRead(226)
	// Active mode still announces 150: the server opens the connection after the reply.
	ln := c.port()
	c.expect("RETR f", 150)
	a, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, a)
	c.expectRead(226)
	// Nobody connects: 425 instead of 125.
	c.expect("PASV", 227)
	c.expect("RETR f", 425)
}

// STOU's 125 has exactly the form RFC 1123 §4.1.2.9 defines: "125 FILE: pppp".
func TestStou125NamesTheFile(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.PassiveReply125 = true })
	c := login(t, ts.addr)
	d := c.pasv()
	if r := c.expect("STOU", 125); r.text() != "FILE: stou" {
		t.Fatalf("STOU 125: %v", r)
	}
	d.Write([]byte("x"))
	d.Close()
	c.expectRead(226)
	if got := ts.read(t, "stou"); got != "x" {
		t.Fatalf("stou holds %q", got)
	}
}

func TestShutdown(t *testing.T) {
	ts := startServer(t, nil)
	idle := login(t, ts.addr)
	busy := login(t, ts.addr)
	d := openUpload(t, busy, "f", []byte("partial"))
	waitBytes(t, busy, 7)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- ts.srv.Shutdown(ctx) }()
	idle.expectRead(421)
	busy.expectRead(426) // the transfer did not finish in time: aborted
	busy.expectRead(421)
	d.Close()
	if err := <-done; err != context.DeadlineExceeded {
		t.Fatalf("Shutdown: %v", err)
	}
	if got := ts.read(t, "f"); got != "partial" {
		t.Fatalf("kept %q", got)
	}
	if _, err := net.Dial("tcp", ts.addr); err == nil {
		t.Fatal("still accepting")
	}
}

func TestShutdownLetsTransfersFinish(t *testing.T) {
	ts := startServer(t, nil)
	c := login(t, ts.addr)
	d := openUpload(t, c, "f", []byte("first "))
	waitBytes(t, c, 6)
	done := make(chan error, 1)
	go func() { done <- ts.srv.Shutdown(context.Background()) }()
	// The server stops accepting at once; the transfer goes on.
	deadline := time.Now().Add(replyTimeout)
	for {
		conn, err := net.Dial("tcp", ts.addr)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting")
		}
	}
	d.Write([]byte("second"))
	d.Close()
	c.expectRead(226)
	c.expectRead(421)
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if got := ts.read(t, "f"); got != "first second" {
		t.Fatalf("stored %q", got)
	}
}
