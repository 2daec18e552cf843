package refserver

import (
	"net"
	"sync"
	"time"
)

// The data connections and byte rewriters of the data faults (faults_data.go): each changes
// what a transfer sends or receives, above TLS (startTransfer applies them after secureData).

// faultRewriteConn passes what a transfer writes through a rewriting function.
type faultRewriteConn struct {
	net.Conn
	rewrite func([]byte) []byte
}

func (c *faultRewriteConn) Write(p []byte) (int, error) {
	if _, err := c.Conn.Write(c.rewrite(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// faultLastByteConn holds back the last byte written; at Close it sends it with its bits flipped
// (flip) or drops it.
type faultLastByteConn struct {
	net.Conn
	flip bool
	held []byte
}

func (c *faultLastByteConn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	out := append(c.held, p[:len(p)-1]...)
	if _, err := c.Conn.Write(out); err != nil {
		return 0, err
	}
	c.held = []byte{p[len(p)-1]}
	return len(p), nil
}

func (c *faultLastByteConn) Close() error {
	if len(c.held) == 1 && c.flip {
		_, _ = c.Conn.Write([]byte{^c.held[0]})
	}
	c.held = nil
	return c.Conn.Close()
}

// faultLeftOpenFor is how long the faults that leave a data connection open keep it: long
// enough for any client to notice, short enough not to leak connections.
const faultLeftOpenFor = 30 * time.Second

// faultLeftOpenConn does not close the data connection when the transfer closes it; it closes
// it only after faultLeftOpenFor.
type faultLeftOpenConn struct {
	net.Conn
	once sync.Once
}

func (c *faultLeftOpenConn) Close() error {
	c.once.Do(func() { time.AfterFunc(faultLeftOpenFor, func() { c.Conn.Close() }) })
	return nil
}

// faultCapConn sends at most left bytes and pretends to have sent the rest.
type faultCapConn struct {
	net.Conn
	left int
}

func (c *faultCapConn) Write(p []byte) (int, error) {
	n := min(len(p), c.left)
	if n > 0 {
		if _, err := c.Conn.Write(p[:n]); err != nil {
			return 0, err
		}
		c.left -= n
	}
	return len(p), nil
}

// faultHoldBackConn delivers what it reads one byte late, and drops the last byte at the end.
type faultHoldBackConn struct {
	net.Conn
	held    byte
	hasHeld bool
	buf     []byte
}

func (c *faultHoldBackConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if cap(c.buf) < len(p) {
		c.buf = make([]byte, len(p))
	}
	for {
		n, err := c.Conn.Read(c.buf[:len(p)])
		if n > 0 {
			all := c.buf[:n]
			out := 0
			if c.hasHeld {
				p[0] = c.held
				out = 1
			}
			out += copy(p[out:], all[:n-1])
			c.held, c.hasHeld = all[n-1], true
			if out > 0 || err != nil {
				return out, err
			}
			continue
		}
		return 0, err
	}
}

// faultRecordRewrite rewrites the two-byte control codes of record structure in stream mode
// (RFC 959 §3.4.1): code is the byte after 0xFF; the function returns what to send instead.
func faultRecordRewrite(code func(byte) []byte) func(p xferParams) func([]byte) []byte {
	return func(p xferParams) func([]byte) []byte {
		if p.stru != struRecord || p.mode != modeStream {
			return nil
		}
		escaped := false
		return func(in []byte) []byte {
			out := make([]byte, 0, len(in))
			for _, b := range in {
				switch {
				case escaped:
					escaped = false
					out = append(out, code(b)...)
				case b == streamEscape:
					escaped = true
				default:
					out = append(out, b)
				}
			}
			return out
		}
	}
}

// faultBlockRewrite clears a descriptor bit in every block header of block mode (RFC 959 §3.4.2).
func faultBlockRewrite(bit byte) func(p xferParams) func([]byte) []byte {
	return func(p xferParams) func([]byte) []byte {
		if p.mode != modeBlock {
			return nil
		}
		return headerRewrite(func(hdr []byte) bool { return len(hdr) == 3 }, func(hdr []byte) ([]byte, int) {
			hdr[0] &^= bit
			return hdr, int(hdr[1])<<8 | int(hdr[2])
		})
	}
}

// faultCompressedRewrite rewrites compressed mode (RFC 959 §3.4.3): either filler strings become
// replicated zero bytes (wrongFiller), or the EOF escape is dropped.
func faultCompressedRewrite(wrongFiller bool) func(p xferParams) func([]byte) []byte {
	return func(p xferParams) func([]byte) []byte {
		if p.mode != modeCompressed {
			return nil
		}
		const (
			start = iota
			inString
			replicated
			escape
		)
		state, left := start, 0
		return func(in []byte) []byte {
			out := make([]byte, 0, len(in))
			for _, b := range in {
				switch state {
				case inString:
					out = append(out, b)
					if left--; left == 0 {
						state = start
					}
				case replicated:
					out = append(out, b)
					state = start
				case escape:
					state = start
					d := b
					if !wrongFiller && d&descEOF != 0 {
						if d &^= descEOF; d == 0 {
							continue
						}
					}
					out = append(out, 0, d)
				default:
					switch {
					case b == 0:
						state = escape
					case b&0x80 == 0:
						out = append(out, b)
						state, left = inString, int(b)
					case b&0xC0 == 0x80:
						out = append(out, b)
						state = replicated
					case wrongFiller:
						out = append(out, 0x80|(b&0x3F), 0)
					default:
						out = append(out, b)
					}
				}
			}
			return out
		}
	}
}

// faultDropLastPage removes the last page (type 0) from page structure in stream mode
// (RFC 959 §3.1.2.3): each page is a header (its length first) and its data.
func faultDropLastPage() func([]byte) []byte {
	return headerRewrite(func(hdr []byte) bool { return len(hdr) >= 4 && len(hdr) >= int(hdr[0]) }, func(hdr []byte) ([]byte, int) {
		if hdr[3] == 0 {
			return nil, 0 // the last page, whose data is empty
		}
		return hdr, int(hdr[2])
	})
}

// headerRewrite rewrites the headers of a stream of frames, each a header and its data (block
// mode's blocks, page structure's pages), whatever pieces the bytes come in. complete reports
// when hdr is a whole header; edit returns what to send instead of it, and the length of the
// data that follows it, which passes unchanged.
func headerRewrite(complete func(hdr []byte) bool, edit func(hdr []byte) (out []byte, dataLen int)) func([]byte) []byte {
	var hdr []byte
	left := 0
	return func(in []byte) []byte {
		out := make([]byte, 0, len(in))
		for _, b := range in {
			if left > 0 {
				out = append(out, b)
				left--
				continue
			}
			hdr = append(hdr, b)
			if complete(hdr) {
				h, n := edit(hdr)
				out = append(out, h...)
				left = n
				hdr = hdr[:0]
			}
		}
		return out
	}
}
