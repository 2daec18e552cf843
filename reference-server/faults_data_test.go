package refserver

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
)

// The stream rewriters of the data faults change exactly what their description says.
func TestDataFaultRewriters(t *testing.T) {
	rec := xferParams{typ: typeASCII, stru: struRecord, mode: modeStream}
	block := xferParams{typ: typeImage, stru: struFile, mode: modeBlock}
	comp := xferParams{typ: typeASCII, stru: struFile, mode: modeCompressed}
	tests := []struct {
		name     string
		f        func([]byte) []byte
		in, want string
	}{
		{"stru-r-no-eor", faultRecordRewrite(func(c byte) []byte {
			if c == 1 {
				return nil
			}
			return []byte{0xFF, c}
		})(rec), "ab\xff\x01c\xff\xffd\xff\x03", "abc\xff\xffd\xff\x03"},
		{"block EOF cleared", faultBlockRewrite(descEOF)(block), "\x00\x00\x02\x40\x40\x40\x00\x01\x40", "\x00\x00\x02\x40\x40\x00\x00\x01\x40"},
		{"compressed EOF dropped", faultCompressedRewrite(false)(comp), "\x02\x00\x40\x83x\xc5\x00\x80\x00\x40", "\x02\x00\x40\x83x\xc5\x00\x80"},
		{"compressed filler as zeros", faultCompressedRewrite(true)(comp), "\x01a\xc3\x00\x40", "\x01a\x83\x00\x00\x40"},
		{"last page dropped", faultDropLastPage(), "\x04\x01\x02\x01hi\x04\x02\x00\x00", "\x04\x01\x02\x01hi"},
	}
	for _, tc := range tests {
		// Byte by byte, as the rewriters see the data in arbitrary pieces.
		var got []byte
		for i := range len(tc.in) {
			got = append(got, tc.f([]byte{tc.in[i]})...)
		}
		if string(got) != tc.want {
			t.Errorf("%s: % X, want % X", tc.name, got, tc.want)
		}
	}
	if faultBlockRewrite(descEOF)(rec) != nil || faultCompressedRewrite(true)(block) != nil {
		t.Error("a rewriter applies outside its mode")
	}
}

// faultHoldBackConn loses exactly the last byte, whatever the pieces it is read in.
func TestHoldBackConn(t *testing.T) {
	a, b := net.Pipe()
	go func() {
		for _, p := range []string{"ab", "c", "", "defg"} {
			a.Write([]byte(p))
		}
		a.Close()
	}()
	got, err := io.ReadAll(&faultHoldBackConn{Conn: b})
	if err != nil || string(got) != "abcdef" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestDataFaults(t *testing.T) {
	t.Run("retr-byte-flipped", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"retr-byte-flipped"} })
		ts.write(t, "f", "abc")
		c := login(t, ts.addr)
		c.expect("TYPE I", 200)
		if got := c.retr("f"); !bytes.Equal(got, []byte{'a', 'b', ^byte('c')}) {
			t.Fatalf("RETR: % X", got)
		}
	})
	t.Run("stor-last-byte-lost", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"stor-last-byte-lost"} })
		c := login(t, ts.addr)
		c.expect("TYPE I", 200)
		c.stor("f", []byte("hello"))
		if got := ts.read(t, "f"); got != "hell" {
			t.Fatalf("stored %q", got)
		}
	})
	// Under PROT P the data faults act on the data inside TLS: TLS itself stays intact.
	t.Run("retr-byte-flipped over TLS", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"retr-byte-flipped"} })
		ts.write(t, "f", "abc")
		conf := clientTLS()
		c := loginTLS(t, ts.addr, conf)
		c.protectData()
		c.expect("TYPE I", 200)
		if got := c.retrTLS("RETR f", conf); !bytes.Equal(got, []byte{'a', 'b', ^byte('c')}) {
			t.Fatalf("RETR: % X", got)
		}
	})
	t.Run("stor-last-byte-lost over TLS", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"stor-last-byte-lost"} })
		conf := clientTLS()
		c := loginTLS(t, ts.addr, conf)
		c.protectData()
		c.expect("TYPE I", 200)
		c.storTLS("f", []byte("hello"), conf)
		if got := ts.read(t, "f"); got != "hell" {
			t.Fatalf("stored %q", got)
		}
	})
	t.Run("pasv-wrong-port", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"pasv-wrong-port"} })
		c := login(t, ts.addr)
		r := c.expect("EPSV", 229)
		port := strings.TrimSuffix(strings.SplitN(r.text(), "|||", 2)[1], "|)")
		if listening(ts, atoi(t, port)) {
			t.Error("the announced port is the real one")
		}
	})
	t.Run("default-port-refused", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"default-port-refused"} })
		ts.write(t, "f", "x")
		c := login(t, ts.addr)
		c.expect("RETR f", 425)
		if got := string(c.retr("f")); got != "x" { // with PASV the transfer works
			t.Fatalf("RETR: %q", got)
		}
	})
	t.Run("port-malformed-accepted", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"port-malformed-accepted"} })
		c := login(t, ts.addr)
		c.expect("PORT 1,2,3", 200)
		c.expect("PORT 127,0,0,1,0,1", 504) // well-formed arguments keep their checks
	})
	t.Run("type-a-no-conversion", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"type-a-no-conversion"} })
		ts.write(t, "f", "a\nb\n")
		c := login(t, ts.addr)
		if got := string(c.retr("f")); got != "a\nb\n" {
			t.Fatalf("RETR in TYPE A: %q", got)
		}
		c.expect("TYPE I", 200) // the type itself is kept
		c.expect("TYPE A", 200)
	})
	t.Run("rest-marker-ignored", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"rest-marker-ignored"} })
		ts.write(t, "f", "abcdef")
		c := login(t, ts.addr)
		c.expect("REST 2", 350)
		if got := string(c.retr("f")); got != "cdef" {
			t.Fatalf("stream-mode REST must still work: %q", got)
		}
	})
}
