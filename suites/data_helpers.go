package suites

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// Helpers of the data-connection, representation and transmission-mode scenarios (RFC 959 §3,
// §4.1.2). The encoders and decoders of block, compressed, record and page framing live here,
// written from RFC 959's text alone: the reference server has its own, and the two must agree
// only through the wire.

// ---- data connections the scenario reads and writes itself ----

// readerOf is the data connection nc with a deadline of one reply timeout on each read, so that
// a server that stops sending fails the read instead of holding the scenario to its deadline.
func readerOf(s *S, nc net.Conn) io.Reader { return deadlineReader{nc, s.ReplyTimeout()} }

type deadlineReader struct {
	nc      net.Conn
	timeout time.Duration
}

func (r deadlineReader) Read(p []byte) (int, error) {
	r.nc.SetReadDeadline(time.Now().Add(r.timeout))
	return r.nc.Read(p)
}

// begin sends a transfer command over d and expects it to start (125 or 150) with the data
// connection open: the scenario then moves the data itself through d.NetConn(). Block and
// compressed mode need that, since the end of the file is in the data and the server may keep
// the connection open (RFC 959 §3.3).
func begin(d *Data, format string, args ...any) Reply {
	command := fmt.Sprintf(format, args...)
	first := d.Start("%s", command)
	ExpectWithOffset(1, first).To(HaveReplyCode(125, 150), "%s", command)
	ExpectWithOffset(1, d.Err()).NotTo(HaveOccurred(), "%s: the data connection", command)
	return first
}

// blockRetrieve sends a download command in block mode over d and decodes the data up to the
// EOF block; it returns the decoded file and the final reply, which must be 226 or 250. The data
// connection stays as the server leaves it.
func blockRetrieve(s *S, c *Conn, d *Data, command string) (framed, Reply) {
	first := begin(d, "%s", command)
	f, err := decodeBlocks(readerOf(s, d.NetConn()))
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "%s in block mode: the data must be blocks, the last one marked EOF", command)
	_, final := finalReplies(c, first)
	ExpectWithOffset(1, final).To(HaveReplyCode(226, 250), "%s in block mode", command)
	return f, final
}

// storeRaw sends an upload command over d, writes wire as it is and closes the data connection;
// it returns the 110 replies and the final reply.
func storeRaw(s *S, c *Conn, d *Data, command string, wire []byte) (marks []Reply, final Reply) {
	begin(d, "%s", command)
	nc := d.NetConn()
	nc.SetWriteDeadline(time.Now().Add(s.ReplyTimeout() + time.Duration(len(wire)>>20)*time.Second))
	_, err := nc.Write(wire)
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "writing %d bytes on the data connection", len(wire))
	c.CloseData(nc) // close_notify both ways under TLS
	t := d.Finish()
	for _, r := range t.Replies {
		if r.Code == 110 {
			marks = append(marks, r)
		}
	}
	return marks, t.Final()
}

// closedByServer reads nc, discarding what still arrives, until the server closes it (the end
// of the stream, or a reset). It returns an error when the connection is still open after a
// reply timeout without data.
func closedByServer(s *S, nc net.Conn) error {
	n, err := io.Copy(io.Discard, readerOf(s, nc))
	if timedOut(err) {
		return fmt.Errorf("the data connection was still open %v after the last of its %d further bytes", s.ReplyTimeout(), n)
	}
	return nil
}

// timedOut reports whether err is a read or write deadline passing.
func timedOut(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// ---- block mode (RFC 959 §3.4.2) ----

// Descriptor codes of block mode, also used by compressed mode's escapes.
const (
	descEOR     = 128
	descEOF     = 64
	descSuspect = 32
	descMarker  = 16
)

// marker is a restart marker found in the data, with the number of data bytes before it.
type marker struct {
	Text   string
	Offset int
}

// framed is a file as block, compressed or record framing delivered it.
type framed struct {
	Data    []byte   // the data bytes
	Records [][]byte // the data cut at each end of record (an unfinished last record included)
	EORs    int      // end-of-record marks seen
	Markers []marker
	Suspect bool // a block was flagged as suspect
	EOF     bool // an explicit end of file was seen
}

func (f *framed) add(p []byte) {
	if len(p) == 0 {
		return
	}
	f.Data = append(f.Data, p...)
	if len(f.Records) == 0 || f.closedRecord() {
		f.Records = append(f.Records, nil)
	}
	f.Records[len(f.Records)-1] = append(f.Records[len(f.Records)-1], p...)
}

// closedRecord reports whether the last record has been ended.
func (f *framed) closedRecord() bool { return len(f.Records) == f.EORs }

func (f *framed) eor() {
	if f.closedRecord() {
		f.Records = append(f.Records, []byte{})
	}
	f.EORs++
}

// marker records a restart marker at the current offset of the data.
func (f *framed) marker(p []byte) {
	f.Markers = append(f.Markers, marker{Text: string(p), Offset: len(f.Data)})
}

// descriptor applies the suspect, end-of-record and end-of-file bits of a block or escape
// descriptor (RFC 959 §3.4.2) and reports whether the file has ended.
func (f *framed) descriptor(d byte) (eof bool) {
	if d&descSuspect != 0 {
		f.Suspect = true
	}
	if d&descEOR != 0 {
		f.eor()
	}
	f.EOF = d&descEOF != 0
	return f.EOF
}

// decodeBlocks reads block-mode data up to and including the block that carries EOF. It does
// not need the connection to close. An error says what was wrong with the framing.
func decodeBlocks(r io.Reader) (framed, error) {
	var f framed
	for n := 0; ; n++ {
		var hdr [3]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return f, fmt.Errorf("block %d: %s before a block with the EOF descriptor (64) (%d data bytes so far)", n+1, endOf(err), len(f.Data))
		}
		count := int(hdr[1])<<8 | int(hdr[2])
		p := make([]byte, count)
		if _, err := io.ReadFull(r, p); err != nil {
			return f, fmt.Errorf("block %d (descriptor %d) announces %d bytes: %s in its data", n+1, hdr[0], count, endOf(err))
		}
		desc := hdr[0]
		if desc&^(descEOR|descEOF|descSuspect|descMarker) != 0 {
			return f, fmt.Errorf("block %d has descriptor %d: bits RFC 959 §3.4.2 does not define", n+1, desc)
		}
		if desc&descMarker != 0 {
			f.marker(p)
		} else {
			f.add(p)
		}
		if f.descriptor(desc) {
			return f, nil
		}
	}
}

func endOf(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the data connection closed"
	}
	return fmt.Sprintf("the data connection failed (%v)", err)
}

// blockEncoder builds block-mode data.
type blockEncoder struct{ out []byte }

func (e *blockEncoder) block(desc byte, p []byte) {
	if len(p) > 0xFFFF {
		panic("block longer than 65535 bytes")
	}
	e.out = append(e.out, desc, byte(len(p)>>8), byte(len(p)))
	e.out = append(e.out, p...)
}

// data sends p in blocks of at most size bytes.
func (e *blockEncoder) data(p []byte, size int) {
	for len(p) > 0 {
		n := min(len(p), size)
		e.block(0, p[:n])
		p = p[n:]
	}
}

func (e *blockEncoder) marker(m string) { e.block(descMarker, []byte(m)) }
func (e *blockEncoder) record(p []byte) { e.block(descEOR, p) }
func (e *blockEncoder) eof()            { e.block(descEOF, nil) }

// ---- compressed mode (RFC 959 §3.4.3) ----

// decodeCompressed reads compressed-mode data up to and including the EOF escape. filler is
// the byte filler strings stand for: space for TYPE A (0x40 for TYPE E), zero otherwise. An
// escape's descriptor applies to the bytes it follows; a restart marker escape is followed by
// the marker as one byte string.
func decodeCompressed(r io.Reader, filler byte) (framed, error) {
	var f framed
	br := &byteReader{r: r}
	for {
		b, err := br.byte()
		if err != nil {
			return f, fmt.Errorf("%s before the EOF escape (0x00 0x40) (%d data bytes so far)", endOf(err), len(f.Data))
		}
		switch {
		case b == 0:
			d, err := br.byte()
			if err != nil {
				return f, fmt.Errorf("escape without its descriptor: %s", endOf(err))
			}
			if d&^(descEOR|descEOF|descSuspect|descMarker) != 0 {
				return f, fmt.Errorf("escape with descriptor %d: bits RFC 959 §3.4.2 does not define", d)
			}
			if d&descMarker != 0 {
				n, err := br.byte()
				if err != nil || n == 0 || n&0x80 != 0 {
					return f, fmt.Errorf("a restart marker escape must be followed by a byte string (got 0x%02X, %v)", n, err)
				}
				p, err := br.bytes(int(n))
				if err != nil {
					return f, fmt.Errorf("restart marker: %s", endOf(err))
				}
				f.marker(p)
			}
			if f.descriptor(d) {
				return f, nil
			}
		case b&0x80 == 0:
			p, err := br.bytes(int(b))
			if err != nil {
				return f, fmt.Errorf("a byte string of %d bytes: %s", b, endOf(err))
			}
			f.add(p)
		case b&0xC0 == 0x80:
			d, err := br.byte()
			if err != nil {
				return f, fmt.Errorf("a replicated byte without its data byte: %s", endOf(err))
			}
			f.add(bytes.Repeat([]byte{d}, int(b&0x3F)))
		default:
			f.add(bytes.Repeat([]byte{filler}, int(b&0x3F)))
		}
	}
}

type byteReader struct {
	r   io.Reader
	buf [1]byte
}

func (b *byteReader) byte() (byte, error) {
	_, err := io.ReadFull(b.r, b.buf[:])
	return b.buf[0], err
}

func (b *byteReader) bytes(n int) ([]byte, error) {
	p := make([]byte, n)
	_, err := io.ReadFull(b.r, p)
	return p, err
}

// compressedEncoder builds compressed-mode data with all three kinds of information: byte
// strings, replicated bytes and filler strings.
type compressedEncoder struct {
	out    []byte
	filler byte
}

func (e *compressedEncoder) data(p []byte) {
	lit := 0
	flush := func(end int) {
		for lit < end {
			n := min(end-lit, 127)
			e.out = append(e.out, byte(n))
			e.out = append(e.out, p[lit:lit+n]...)
			lit += n
		}
	}
	for i := 0; i < len(p); {
		run := 1
		for i+run < len(p) && run < 63 && p[i+run] == p[i] {
			run++
		}
		switch {
		case p[i] == e.filler && run >= 2:
			flush(i)
			e.out = append(e.out, 0xC0|byte(run))
		case run >= 3:
			flush(i)
			e.out = append(e.out, 0x80|byte(run), p[i])
		default:
			i++
			continue
		}
		i += run
		lit = i
	}
	flush(len(p))
}

func (e *compressedEncoder) eof() { e.out = append(e.out, 0, descEOF) }

// ---- record structure in stream mode (RFC 959 §3.4.1) ----

// decodeRecordStream reads record structure in stream mode: 0xFF 0x01 ends a record, 0xFF
// 0x02 ends the file, 0xFF 0x03 both, 0xFF 0xFF is a data byte 0xFF. Data after the EOF code
// is an error; so is an escape with another code.
func decodeRecordStream(b []byte) (framed, error) {
	var f framed
	var run []byte
	for i := 0; i < len(b); i++ {
		if f.EOF {
			return f, fmt.Errorf("%d bytes after the EOF code (0xFF 0x02) at offset %d", len(b)-i, i-2)
		}
		if b[i] != 0xFF {
			run = append(run, b[i])
			continue
		}
		if i+1 == len(b) {
			return f, fmt.Errorf("the data ends with a lone escape byte 0xFF")
		}
		i++
		code := b[i]
		if code == 0xFF {
			run = append(run, 0xFF)
			continue
		}
		if code == 0 || code > 3 {
			return f, fmt.Errorf("escape 0xFF 0x%02X at offset %d: RFC 959 §3.4.1 defines only 0x01 (EOR), 0x02 (EOF), 0x03 (both) and 0xFF", code, i-1)
		}
		if len(run) > 0 {
			f.add(run)
			run = nil
		}
		if code&1 != 0 {
			f.eor()
		}
		if code&2 != 0 {
			f.EOF = true
		}
	}
	if len(run) > 0 {
		f.add(run)
	}
	return f, nil
}

// encodeRecordStream makes record structure in stream mode: each record ends with EOR, the
// file with EOF (merged with the last EOR as 0xFF 0x03).
func encodeRecordStream(records [][]byte) []byte {
	var out []byte
	for i, r := range records {
		for _, b := range r {
			if b == 0xFF {
				out = append(out, 0xFF)
			}
			out = append(out, b)
		}
		if i == len(records)-1 {
			out = append(out, 0xFF, 3)
		} else {
			out = append(out, 0xFF, 1)
		}
	}
	if len(records) == 0 {
		out = append(out, 0xFF, 2)
	}
	return out
}

// ---- page structure (RFC 959 §3.1.2.3, appendix I) ----

// page is one page of a page-structured file.
type page struct {
	HeaderLength int
	Index        int
	Type         int
	Optional     []byte
	Data         []byte
}

// decodePages reads pages in stream mode up to the last page (type 0), which must be there.
func decodePages(b []byte) ([]page, error) {
	var pages []page
	for i := 0; ; {
		if i == len(b) {
			return pages, fmt.Errorf("the data ends after %d pages without a last page (type 0)", len(pages))
		}
		if i+4 > len(b) {
			return pages, fmt.Errorf("page %d: a header of %d bytes, shorter than the minimum of 4", len(pages)+1, len(b)-i)
		}
		hl := int(b[i])
		if hl < 4 || i+hl > len(b) {
			return pages, fmt.Errorf("page %d: header length %d (the minimum is 4, %d bytes remain)", len(pages)+1, hl, len(b)-i)
		}
		p := page{HeaderLength: hl, Index: int(b[i+1]), Type: int(b[i+3]), Optional: b[i+4 : i+hl]}
		dl := int(b[i+2])
		if i+hl+dl > len(b) {
			return pages, fmt.Errorf("page %d: data length %d, but only %d bytes remain", len(pages)+1, dl, len(b)-i-hl)
		}
		p.Data = b[i+hl : i+hl+dl]
		i += hl + dl
		pages = append(pages, p)
		if p.Type == 0 {
			if hl != 4 || dl != 0 {
				return pages, fmt.Errorf("the last page has header length %d and data length %d; RFC 959 §3.1.2.3: \"The header length must be 4, and the data length must be 0.\"", hl, dl)
			}
			if i != len(b) {
				return pages, fmt.Errorf("%d bytes after the last page", len(b)-i)
			}
			return pages, nil
		}
	}
}

// encodePages cuts data into simple pages (type 1) of at most size bytes and ends with a last
// page.
func encodePages(data []byte, size int) []byte {
	var out []byte
	idx := 1
	for len(data) > 0 {
		n := min(len(data), size)
		out = append(out, 4, byte(idx), byte(n), 1)
		out = append(out, data[:n]...)
		data = data[n:]
		idx++
	}
	return append(out, 4, byte(idx), 0, 0)
}

// ---- EBCDIC ----

// ebcdicInvariant maps the characters that every EBCDIC code page encodes alike (letters,
// digits, space, period) to EBCDIC. The suite does not assume one code page.
func ebcdicInvariant(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'I':
			out = append(out, 0xC1+byte(r-'A'))
		case r >= 'J' && r <= 'R':
			out = append(out, 0xD1+byte(r-'J'))
		case r >= 'S' && r <= 'Z':
			out = append(out, 0xE2+byte(r-'S'))
		case r >= 'a' && r <= 'i':
			out = append(out, 0x81+byte(r-'a'))
		case r >= 'j' && r <= 'r':
			out = append(out, 0x91+byte(r-'j'))
		case r >= 's' && r <= 'z':
			out = append(out, 0xA2+byte(r-'s'))
		case r >= '0' && r <= '9':
			out = append(out, 0xF0+byte(r-'0'))
		case r == ' ':
			out = append(out, 0x40)
		case r == '.':
			out = append(out, 0x4B)
		default:
			panic(fmt.Sprintf("%q is not an invariant EBCDIC character", r))
		}
	}
	return out
}

// ebcdicNL is EBCDIC's new line, which RFC 959 §3.1.1.2 names for line ends in TYPE E.
const ebcdicNL = 0x15
