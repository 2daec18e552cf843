package refserver

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestCommandReader(t *testing.T) {
	iac := "\xff"
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"crlf", "NOOP\r\nPWD\r\n", []string{"NOOP", "PWD"}},
		{"bare lf", "NOOP\nPWD\n", []string{"NOOP", "PWD"}},
		{"telnet IP and Synch before ABOR", iac + "\xf4" + iac + "\xf2ABOR\r\n", []string{"ABOR"}},
		{"IAC IAC is a 255 byte", "RETR a" + iac + iac + "b\r\n", []string{"RETR a\xffb"}},
		{"option negotiation dropped", iac + "\xfb\x01" + "NOOP" + iac + "\xfd\x03\r\n", []string{"NOOP"}},
		{"subnegotiation dropped", "NO" + iac + "\xfa\x18\x01xyz" + iac + "\xf0OP\r\n", []string{"NOOP"}},
		{"cr inside a line kept", "STOR a\rb\r\n", []string{"STOR a\rb"}},
		// RFC 2640 §3.1: a CR in a pathname is padded with a NUL, which is stripped.
		{"CR NUL is a CR", "MKD a\r\x00b\r\n", []string{"MKD a\rb"}},
		{"CR NUL LF is part of the pathname", "STOR foo\r\x00\nboo.bar\r\nNOOP\r\n", []string{"STOR foo\r\nboo.bar", "NOOP"}},
		{"only the NUL right after a CR is padding", "MKD a\x00b\r\x00\x00\r\n", []string{"MKD a\x00b\r\x00"}},
		{"empty line", "\r\n", []string{""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newCmdReader(strings.NewReader(tc.in))
			for _, want := range tc.want {
				got, err := r.readLine()
				if err != nil || got != want {
					t.Fatalf("got %q, %v; want %q", got, err, want)
				}
			}
			if _, err := r.readLine(); err != io.EOF {
				t.Fatalf("at the end: %v", err)
			}
		})
	}
}

func TestCommandReaderBoundsLines(t *testing.T) {
	long := strings.Repeat("A", 10*maxCommandLine)
	r := newCmdReader(strings.NewReader(long + "\r\nNOOP\r\n"))
	if _, err := r.readLine(); !errors.Is(err, errLineTooLong) {
		t.Fatalf("long line: %v", err)
	}
	if got, err := r.readLine(); got != "NOOP" || err != nil {
		t.Fatalf("after a long line: %q %v", got, err)
	}
	r = newCmdReader(strings.NewReader("NOOP"))
	if _, err := r.readLine(); err != io.ErrUnexpectedEOF {
		t.Fatalf("unterminated: %v", err)
	}
}

func TestLongLineOnTheWire(t *testing.T) {
	ts := startServer(t, nil)
	c, _ := dial(t, ts.addr)
	c.expect(strings.Repeat("N", 100_000), 500)
	c.expect("NOOP", 200)
}
