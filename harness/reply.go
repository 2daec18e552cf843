package harness

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Reply is one reply of the server as RFC 959 §4.2 defines it: a three-digit code and one or
// more lines of text. Raw keeps the bytes exactly as they arrived so that the grammar (CRLF,
// multi-line framing) can be judged after the fact.
type Reply struct {
	Code       int      // 100..659
	Lines      []string // every line without its line end, code included ("226 Done")
	Raw        []byte   // the bytes as received
	Command    string   // the command it answers: verb and argument as sent; "<connect>" for the greeting
	Violations []string // grammar deviations the reader tolerated (bare LF, missing space)
}

// Class is the first digit of the code (RFC 959 §4.2.1).
func (r Reply) Class() int { return r.Code / 100 }

// Multiline reports whether the reply used the ddd- … ddd framing.
func (r Reply) Multiline() bool { return len(r.Lines) > 1 }

// Text is the message without the codes: the first line's text, then every further line as
// sent, the last one without its code.
func (r Reply) Text() string {
	if len(r.Lines) == 0 {
		return ""
	}
	out := make([]string, 0, len(r.Lines))
	for i, l := range r.Lines {
		switch {
		case i == 0, i == len(r.Lines)-1:
			out = append(out, stripCode(l))
		default:
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// String is a compact one-line view for failure messages and logs.
func (r Reply) String() string {
	if len(r.Lines) == 0 {
		return fmt.Sprintf("%03d", r.Code)
	}
	s := r.Lines[0]
	if n := len(r.Lines); n > 1 {
		s += fmt.Sprintf(" … %s (%d lines)", r.Lines[n-1], n)
	}
	return printable(s)
}

func stripCode(line string) string {
	if len(line) >= 4 {
		return line[4:]
	}
	return ""
}

// Limits on what a server may send in one reply. A server that exceeds them is reported, and
// memory stays bounded whatever it sends.
const (
	MaxReplyLine  = 64 << 10 // bytes in one line
	MaxReplyBytes = 4 << 20  // bytes in one reply, all lines together (STAT listings can be long)
)

// ErrMalformed marks a reply that breaks RFC 959 §4.2 so badly that it cannot be read as one.
var ErrMalformed = errors.New("malformed reply")

// replyReader reads replies from a control connection. Deadlines are the caller's business:
// it sets one on the connection for the reply as a whole before calling read.
type replyReader struct {
	br *bufio.Reader
}

func newReplyReader(r io.Reader) *replyReader {
	return &replyReader{br: bufio.NewReaderSize(r, 4096)}
}

// read returns the next reply. On error the reply holds what arrived, for the transcript.
func (rr *replyReader) read() (Reply, error) {
	var rep Reply
	first, err := rr.line(&rep)
	if err != nil {
		return rep, err
	}
	code, sep, err := parseCodePrefix(first)
	if err != nil {
		return rep, err
	}
	rep.Code = code
	if sep != '-' {
		if sep != ' ' {
			rep.Violations = append(rep.Violations, fmt.Sprintf("the code %03d is not followed by a space or hyphen: %q", code, printable(first)))
		}
		return rep, nil
	}
	prefix := first[:3]
	for {
		l, err := rr.line(&rep)
		if err != nil {
			return rep, fmt.Errorf("%w (multi-line %03d reply not closed by \"%s \")", err, code, prefix)
		}
		if len(l) >= 3 && l[:3] == prefix && (len(l) == 3 || l[3] == ' ') {
			if len(l) == 3 {
				rep.Violations = append(rep.Violations, fmt.Sprintf("the last line %q of a multi-line reply has no space after the code", l))
			}
			return rep, nil
		}
		if len(rep.Raw) > MaxReplyBytes {
			return rep, fmt.Errorf("%w: multi-line %03d reply longer than %d bytes without its last line", ErrMalformed, code, MaxReplyBytes)
		}
	}
}

// line reads one line, records it in rep and returns it without its line end.
func (rr *replyReader) line(rep *Reply) (string, error) {
	var buf []byte
	for {
		chunk, err := rr.br.ReadSlice('\n')
		if len(buf)+len(chunk) > MaxReplyLine {
			rep.Raw = append(rep.Raw, chunk[:min(len(chunk), 80)]...)
			return "", fmt.Errorf("%w: a reply line longer than %d bytes, starting %q", ErrMalformed, MaxReplyLine, printable(string(append(buf, chunk...)[:80])))
		}
		buf = append(buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			rep.Raw = append(rep.Raw, buf...)
			if len(buf) > 0 || len(rep.Lines) > 0 {
				if errors.Is(err, io.EOF) {
					err = io.ErrUnexpectedEOF
				}
				return "", fmt.Errorf("connection ended in the middle of a reply after %q: %w", printable(string(rep.Raw)), err)
			}
			return "", err
		}
		break
	}
	rep.Raw = append(rep.Raw, buf...)
	line := buf[:len(buf)-1]
	if bytes.HasSuffix(line, []byte("\r")) {
		line = line[:len(line)-1]
	} else {
		rep.Violations = append(rep.Violations, fmt.Sprintf("line %q ends in a bare LF, not CRLF", printable(string(line))))
	}
	if bytes.ContainsRune(line, '\r') {
		rep.Violations = append(rep.Violations, fmt.Sprintf("line %q contains a bare CR", printable(string(line))))
	}
	s := string(line)
	rep.Lines = append(rep.Lines, s)
	return s, nil
}

// parseCodePrefix checks the start of a reply's first line: three digits, the first from 1 to
// 6 (6yz are RFC 2228's protected replies), then the separator.
func parseCodePrefix(line string) (code int, sep byte, err error) {
	if len(line) < 3 || !isDigits(line[:3]) {
		return 0, 0, fmt.Errorf("%w: expected a three-digit code, got %q", ErrMalformed, printable(line))
	}
	code, _ = strconv.Atoi(line[:3])
	if code < 100 || code >= 700 {
		return 0, 0, fmt.Errorf("%w: %03d is not a reply code (the first digit must be 1 to 5, or 6 for RFC 2228 protected replies): %q", ErrMalformed, code, printable(line))
	}
	if len(line) == 3 {
		return code, 0, nil
	}
	return code, line[3], nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// printable escapes control characters so a transcript line or message shows what was sent.
func printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == 0xfffd:
			b.WriteString(`\ufffd`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
