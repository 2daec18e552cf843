package refserver

import (
	"bytes"
	"compress/zlib"
	"io"
	"strings"
	"testing"
)

func deflated(t *testing.T, p []byte, level int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, err := zlib.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(p)
	zw.Close()
	return b.Bytes()
}

func inflated(t *testing.T, p []byte) []byte {
	t.Helper()
	zr, err := zlib.NewReader(bytes.NewReader(p))
	if err != nil {
		t.Fatalf("not a ZLIB stream (%d bytes): %v", len(p), err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("ZLIB stream: %v", err)
	}
	return b
}

func TestModeZ(t *testing.T) {
	ts := startServer(t, nil)
	data := bytes.Repeat([]byte("deflate me, please.\n"), 5000)
	c := login(t, ts.addr)
	c.run([]step{{"TYPE I", 200, ""}, {"MODE Z", 200, "Deflate"}, {"STAT", 211, "MODE: Deflate"}})
	c.stor("f", deflated(t, data, 9))
	if got := ts.read(t, "f"); got != string(data) {
		t.Fatalf("STOR in MODE Z stored %d bytes", len(got))
	}
	wire := c.retr("f")
	if len(wire) >= len(data)/10 || !bytes.Equal(inflated(t, wire), data) {
		t.Fatalf("RETR in MODE Z: %d bytes on the wire", len(wire))
	}
	// REST counts the uncompressed data (draft §3.7).
	c.run([]step{{"REST 100000", 350, ""}})
	if got := inflated(t, c.retr("f")); !bytes.Equal(got, data[100000:]) {
		t.Fatalf("RETR after REST in MODE Z: %d bytes", len(got))
	}
	// Listings are compressed too, MLSD included.
	if got := string(inflated(t, c.rawList("NLST"))); got != "f\r\n" {
		t.Fatalf("NLST in MODE Z: %q", got)
	}
	if got := string(inflated(t, c.rawList("MLSD"))); !strings.HasSuffix(got, "; f\r\n") {
		t.Fatalf("MLSD in MODE Z: %q", got)
	}
	// A stream cut short, or corrupt, is no complete file.
	whole := deflated(t, data, 6)
	c.upload("STOR cut", whole[:len(whole)/2])
	c.expectRead(426)
	bad := append([]byte(nil), whole...)
	bad[len(bad)-1] ^= 0xFF // the ADLER32 checksum
	c.upload("STOR bad", bad)
	c.expectRead(426)
	c.run([]step{{"MODE S", 200, ""}})
	if got := c.retr("f"); !bytes.Equal(got, data) {
		t.Fatal("RETR in MODE S after MODE Z")
	}
	c.run([]step{{"MODE Z", 200, ""}, {"REIN", 220, ""}, {"USER " + testUser, 331, ""}, {"PASS " + testPassword, 230, ""}, {"STAT", 211, "MODE: Stream"}})
}

// In TYPE A, MODE Z's REST counts the uncompressed transferred form, where a line end is CRLF
// (deflate draft §3.7 with RFC 3659 §5), as in stream mode.
func TestModeZRestInTypeA(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "text", "ab\ncd\n")
	c := login(t, ts.addr)
	c.run([]step{{"TYPE A", 200, ""}, {"MODE Z", 200, ""}, {"REST 4", 350, ""}})
	if got := string(inflated(t, c.retr("text"))); got != "cd\r\n" {
		t.Fatalf("RETR from 4 in TYPE A, MODE Z: %q", got)
	}
	c.run([]step{{"REST 3", 350, ""}, {"RETR text", 554, "REST"}}) // inside a CRLF
	c.expect("REST 4", 350)
	c.stor("text", deflated(t, []byte("XY\r\n"), 6))
	if got := ts.read(t, "text"); got != "ab\nXY\n" {
		t.Fatalf("STOR from 4 in TYPE A, MODE Z: %q", got)
	}
}

func TestOptsModeZ(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "f", strings.Repeat("abc", 10000))
	c := login(t, ts.addr)
	c.run([]step{
		{"OPTS MODE Z LEVEL 9", 200, "LEVEL set to 9"},
		{"OPTS MODE Z ENGINE ZLIB LEVEL 1 METHOD 8", 200, ""},
		{"OPTS MODE Z LEVEL 10", 501, "LEVEL 10 is invalid"},
		{"OPTS MODE Z LEVEL 0", 501, ""},
		{"OPTS MODE Z BLOCKSIZE 8192", 501, "BLOCKSIZE is not available"},
		{"OPTS MODE Z ENGINE BZIP2", 501, ""},
		{"OPTS MODE Z METHOD 9", 501, ""},
		{"OPTS MODE Z LEVEL", 501, ""},
		{"OPTS MODE Z", 200, "defaults"},
		{"OPTS MODE Z level 1", 200, ""},
		{"MODE Z", 200, ""},
	})
	if got := inflated(t, c.retr("f")); len(got) != 30000 {
		t.Fatalf("RETR at level 1: %d bytes", len(got))
	}
}
