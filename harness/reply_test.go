package harness

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReplyReader(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		code       int
		lines      int
		violations int
		err        string
	}{
		{name: "one line", in: "220 Service ready\r\n", code: 220, lines: 1},
		{name: "multi-line", in: "211-Features:\r\n MDTM\r\n SIZE\r\n211 End\r\n", code: 211, lines: 4},
		{name: "middle lines start with digits", in: "214-Help\r\n214-not the end\r\n123 neither\r\n 214 indented\r\n214 End\r\n", code: 214, lines: 5},
		{name: "other code in the middle", in: "200-a\r\n226 not ours\r\n200 end\r\n", code: 200, lines: 3},
		{name: "bare LF", in: "200 ok\n", code: 200, lines: 1, violations: 1},
		{name: "no text after code", in: "200\r\n", code: 200, lines: 1, violations: 1},
		{name: "last line without space", in: "211-a\r\n211\r\n", code: 211, lines: 2, violations: 1},
		{name: "bare CR inside", in: "200 a\rb\r\n", code: 200, lines: 1, violations: 1},
		{name: "letters", in: "abc def\r\n", err: "expected a three-digit code"},
		{name: "two digits", in: "22 x\r\n", err: "expected a three-digit code"},
		{name: "first digit 0", in: "099 x\r\n", err: "is not a reply code"},
		{name: "first digit 7", in: "700 x\r\n", err: "is not a reply code"},
		{name: "closed mid-line", in: "220 Serv", err: "connection ended in the middle of a reply"},
		{name: "closed mid multi-line", in: "211-a\r\n b\r\n", err: "not closed by \"211 \""},
		{name: "empty stream", in: "", err: "EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := newReplyReader(strings.NewReader(tt.in)).read()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if r.Code != tt.code || len(r.Lines) != tt.lines || len(r.Violations) != tt.violations {
				t.Errorf("got code %d, %d lines, violations %q; want %d, %d, %d", r.Code, len(r.Lines), r.Violations, tt.code, tt.lines, tt.violations)
			}
			if string(r.Raw) != tt.in {
				t.Errorf("Raw = %q, want the input %q", r.Raw, tt.in)
			}
		})
	}
}

func TestReplyReaderReadsConsecutiveReplies(t *testing.T) {
	rr := newReplyReader(iotest.OneByteReader(strings.NewReader("150 Opening\r\n226-Done\r\n226 ok\r\n")))
	for _, want := range []int{150, 226} {
		r, err := rr.read()
		if err != nil || r.Code != want {
			t.Fatalf("got %v %v, want %d", r, err, want)
		}
	}
	if _, err := rr.read(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last reply: %v, want EOF", err)
	}
}

func TestReplyReaderBoundsMemory(t *testing.T) {
	huge := "200 " + strings.Repeat("x", 10<<20) + "\r\n"
	_, err := newReplyReader(strings.NewReader(huge)).read()
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("10 MB line: %v", err)
	}
	endless := "211-start\r\n" + strings.Repeat(" a feature line that never ends the reply\r\n", (MaxReplyBytes/40)+10)
	_, err = newReplyReader(strings.NewReader(endless)).read()
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "without its last line") {
		t.Fatalf("endless multi-line reply: %v", err)
	}
}

func TestReplyText(t *testing.T) {
	r, _ := newReplyReader(strings.NewReader("211-Features:\r\n MDTM\r\n211 End\r\n")).read()
	if got, want := r.Text(), "Features:\n MDTM\nEnd"; got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
	if got := r.String(); !strings.Contains(got, "211-Features:") || !strings.Contains(got, "(3 lines)") {
		t.Errorf("String() = %q", got)
	}
}
