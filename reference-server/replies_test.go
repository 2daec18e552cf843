package refserver

import (
	"strings"
	"testing"
)

func TestReplyFormat(t *testing.T) {
	for _, tc := range []struct {
		code  int
		lines []string
		want  string
	}{
		{200, []string{"Command okay."}, "200 Command okay.\r\n"},
		{200, nil, "200 \r\n"},
		{211, []string{"first", "middle", "last"}, "211-first\r\nmiddle\r\n211 last\r\n"},
		// A middle line that starts with digits is indented (RFC 959 §4.2).
		{214, []string{"help", "226 looks like a reply", "2", "end"}, "214-help\r\n 226 looks like a reply\r\n 2\r\n214 end\r\n"},
		// Line breaks inside a line make lines of their own; a bare CR is followed by NUL.
		{214, []string{"a\nb", "c\r\n"}, "214-a\r\nb\r\nc\r\n214 \r\n"},
		{257, []string{"\"a\rb\" created."}, "257 \"a\r\x00b\" created.\r\n"},
	} {
		got := string(newReply(tc.code, tc.lines).format())
		if got != tc.want {
			t.Errorf("%d %q: got %q, want %q", tc.code, tc.lines, got, tc.want)
		}
	}
}

func TestReplyLineBounded(t *testing.T) {
	r := newReply(200, []string{strings.Repeat("x", 10*maxReplyLine)})
	if len(r.lines[0]) != maxReplyLine {
		t.Fatalf("line of %d bytes", len(r.lines[0]))
	}
}

func TestQuotePath(t *testing.T) {
	for in, want := range map[string]string{
		"/":          `"/"`,
		`/a "b" c`:   `"/a ""b"" c"`,
		`/"`:         `"/"""`,
		"/plain/dir": `"/plain/dir"`,
	} {
		if got := quotePath(in); got != want {
			t.Errorf("quotePath(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every multi-line reply the server sends is read back exactly by a strict RFC 959 §4.2 reader.
func TestMultiLineRepliesOnTheWire(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Banner = "Welcome\n220 is not the end\nReady" })
	c, greeting := dial(t, ts.addr)
	if greeting.code != 220 || len(greeting.lines) != 3 || greeting.lines[1] != " 220 is not the end" {
		t.Fatalf("greeting %q", greeting.raw)
	}
	for _, cmd := range []string{"HELP", "FEAT", "STAT"} {
		r := c.cmd(cmd)
		if len(r.lines) < 3 {
			t.Errorf("%s: not multi-line: %q", cmd, r.raw)
		}
	}
}
