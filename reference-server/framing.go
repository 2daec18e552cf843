package refserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Framing: how file data, record ends, restart markers and the end of file travel on the data
// connection, for each transmission mode (RFC 959 §3.4) and the page structure (§3.1.2.3).
//
//   - Stream mode, file structure: the bytes themselves; EOF is the close of the connection.
//   - Stream mode, record structure: 0xFF escapes, 0xFF 0x01 EOR, 0xFF 0x02 EOF, 0xFF 0x03 both,
//     0xFF 0xFF a data byte 0xFF (§3.4.1).
//   - Block mode: 3-byte headers, descriptor 128 EOR, 64 EOF, 32 suspect data, 16 restart
//     marker (§3.4.2).
//   - Compressed mode: byte strings (0nnnnnnn), replicated bytes (10nnnnnn d), filler strings
//     (11nnnnnn) and escapes 0x00 d (§3.4.3). Where the RFC leaves it open, this server writes
//     the EOR and EOF escapes after the data they end, and a restart marker as the escape
//     0x00 0x10 followed by the marker as one byte string.
//   - Page structure: each page is a 4-byte header (length 4, index, data length, type) and its
//     data, inside whatever the mode makes of bytes; a last page (type 0) ends the file.

// Descriptor codes of block and compressed mode (RFC 959 §3.4.2).
const (
	descEOR     = 128
	descEOF     = 64
	descSuspect = 32
	descMarker  = 16

	maxBlock      = 65535
	streamEscape  = 0xFF
	compressedMax = 127 // longest byte string
	compressedRun = 63  // longest replicated or filler run
)

var (
	errTruncated = errors.New("the data connection closed before the end of file")
	errFraming   = errors.New("malformed data for the transfer mode")
	errPageType  = errors.New("page type unknown")
)

// frameWriter puts file data on the data connection in the session's mode and structure.
type frameWriter interface {
	data(p []byte) error
	endRecord() error
	marker(m string) error // restart marker; dropped in stream mode, which has none
	close() error          // end of file
	flush() error          // send what is buffered, without ending the file
}

func newFrameWriter(p xferParams, w io.Writer, pageSize int) frameWriter {
	bw := bufio.NewWriterSize(w, 32*1024)
	var fw frameWriter
	switch p.mode {
	case modeBlock:
		fw = &blockWriter{w: bw}
	case modeCompressed:
		fw = &compressedWriter{w: bw, filler: filler(p.typ), eor: heldEOR{mark: []byte{0, descEOR}}}
	case modeDeflate:
		fw = newDeflateWriter(p, bw) // deflate.go
	default:
		fw = newStreamWriter(bw, p.stru == struRecord)
	}
	if p.stru == struPage {
		fw = &pageWriter{fw: fw, size: pageSize, index: 1}
	}
	return fw
}

// filler is the byte that compressed mode's filler strings stand for (RFC 959 §3.4.3).
func filler(typ byte) byte {
	switch typ {
	case typeASCII:
		return ' '
	case typeEBCDIC:
		return 0x40 // EBCDIC space
	default:
		return 0
	}
}

// heldEOR holds an end-of-record mark back, so that the last one can merge with the end of
// file; mark is how the mode writes one alone.
type heldEOR struct {
	mark []byte
	held bool
}

// release writes the mark held back, if there is one.
func (h *heldEOR) release(w *bufio.Writer) error {
	if !h.held {
		return nil
	}
	h.held = false
	_, err := w.Write(h.mark)
	return err
}

// hold releases the mark held before, and holds back a new one.
func (h *heldEOR) hold(w *bufio.Writer) error {
	if err := h.release(w); err != nil {
		return err
	}
	h.held = true
	return nil
}

type streamWriter struct {
	w      *bufio.Writer
	record bool
	eor    heldEOR
}

func newStreamWriter(w *bufio.Writer, record bool) *streamWriter {
	return &streamWriter{w: w, record: record, eor: heldEOR{mark: []byte{streamEscape, 1}}}
}

func (f *streamWriter) data(p []byte) error {
	if !f.record {
		_, err := f.w.Write(p)
		return err
	}
	if err := f.eor.release(f.w); err != nil {
		return err
	}
	for _, b := range p {
		if b == streamEscape {
			f.w.WriteByte(streamEscape)
		}
		if err := f.w.WriteByte(b); err != nil {
			return err
		}
	}
	return nil
}

func (f *streamWriter) endRecord() error {
	if !f.record {
		return nil
	}
	return f.eor.hold(f.w)
}

func (f *streamWriter) marker(string) error { return nil }

func (f *streamWriter) flush() error { return f.w.Flush() }

func (f *streamWriter) close() error {
	if f.record {
		code := byte(2)
		if f.eor.held {
			code = 3
		}
		if _, err := f.w.Write([]byte{streamEscape, code}); err != nil {
			return err
		}
	}
	return f.w.Flush()
}

type blockWriter struct {
	w    *bufio.Writer
	buf  []byte
	held bool // buf ends a record: its descriptor is decided at the next event
}

func (f *blockWriter) block(desc byte, p []byte) error {
	if _, err := f.w.Write([]byte{desc, byte(len(p) >> 8), byte(len(p))}); err != nil {
		return err
	}
	_, err := f.w.Write(p)
	return err
}

func (f *blockWriter) release() error {
	if !f.held {
		return nil
	}
	f.held = false
	err := f.block(descEOR, f.buf)
	f.buf = f.buf[:0]
	return err
}

func (f *blockWriter) data(p []byte) error {
	if err := f.release(); err != nil {
		return err
	}
	for len(p) > 0 {
		n := min(len(p), maxBlock-len(f.buf))
		f.buf = append(f.buf, p[:n]...)
		p = p[n:]
		if len(f.buf) == maxBlock {
			if err := f.block(0, f.buf); err != nil {
				return err
			}
			f.buf = f.buf[:0]
		}
	}
	return nil
}

func (f *blockWriter) endRecord() error {
	if err := f.release(); err != nil {
		return err
	}
	f.held = true
	return nil
}

func (f *blockWriter) marker(m string) error {
	if err := f.release(); err != nil {
		return err
	}
	if len(f.buf) > 0 {
		if err := f.block(0, f.buf); err != nil {
			return err
		}
		f.buf = f.buf[:0]
	}
	return f.block(descMarker, []byte(m))
}

func (f *blockWriter) flush() error { return f.w.Flush() }

func (f *blockWriter) close() error {
	desc := byte(descEOF)
	if f.held {
		desc |= descEOR
	}
	if err := f.block(desc, f.buf); err != nil {
		return err
	}
	return f.w.Flush()
}

type compressedWriter struct {
	w      *bufio.Writer
	filler byte
	eor    heldEOR
}

func (f *compressedWriter) data(p []byte) error {
	if err := f.eor.release(f.w); err != nil {
		return err
	}
	lit := 0 // start of the pending byte string
	flush := func(end int) error {
		for lit < end {
			n := min(end-lit, compressedMax)
			f.w.WriteByte(byte(n))
			if _, err := f.w.Write(p[lit : lit+n]); err != nil {
				return err
			}
			lit += n
		}
		return nil
	}
	for i := 0; i < len(p); {
		run := 1
		for i+run < len(p) && run < compressedRun && p[i+run] == p[i] {
			run++
		}
		switch {
		case p[i] == f.filler && run >= 2:
			if err := flush(i); err != nil {
				return err
			}
			f.w.WriteByte(0xC0 | byte(run))
		case run >= 3:
			if err := flush(i); err != nil {
				return err
			}
			f.w.Write([]byte{0x80 | byte(run), p[i]})
		default:
			i++
			continue
		}
		i += run
		lit = i
	}
	return flush(len(p))
}

func (f *compressedWriter) endRecord() error { return f.eor.hold(f.w) }

func (f *compressedWriter) marker(m string) error {
	if err := f.eor.release(f.w); err != nil {
		return err
	}
	if len(m) == 0 || len(m) > compressedMax {
		return fmt.Errorf("restart marker of %d bytes", len(m))
	}
	_, err := f.w.Write(append([]byte{0, descMarker, byte(len(m))}, m...))
	return err
}

func (f *compressedWriter) flush() error { return f.w.Flush() }

func (f *compressedWriter) close() error {
	desc := byte(descEOF)
	if f.eor.held {
		desc |= descEOR
	}
	if _, err := f.w.Write([]byte{0, desc}); err != nil {
		return err
	}
	return f.w.Flush()
}

// pageWriter cuts the file into simple pages (type 1) and ends it with a last page (type 0).
type pageWriter struct {
	fw    frameWriter
	size  int
	buf   []byte
	index int
}

func (f *pageWriter) page(typ byte, p []byte) error {
	hdr := []byte{4, byte(f.index), byte(len(p)), typ}
	f.index++
	return f.fw.data(append(hdr, p...))
}

func (f *pageWriter) data(p []byte) error {
	f.buf = append(f.buf, p...)
	for len(f.buf) >= f.size {
		if err := f.page(1, f.buf[:f.size]); err != nil {
			return err
		}
		f.buf = f.buf[f.size:]
	}
	return nil
}

func (f *pageWriter) endRecord() error      { return nil }
func (f *pageWriter) flush() error          { return f.fw.flush() }
func (f *pageWriter) marker(m string) error { return f.fw.marker(m) }

func (f *pageWriter) close() error {
	if len(f.buf) > 0 {
		if err := f.page(1, f.buf); err != nil {
			return err
		}
	}
	if err := f.page(0, nil); err != nil {
		return err
	}
	return f.fw.close()
}

// Receiving side.

type frameEvent int

const (
	evData frameEvent = iota
	evEOR
	evMarker
	evEOF
)

type event struct {
	kind frameEvent
	p    []byte
}

// frameReader reads the events of a data connection in the session's mode and structure.
type frameReader interface {
	next() (event, error)
}

func newFrameReader(p xferParams, r io.Reader) frameReader {
	br := bufio.NewReaderSize(r, 32*1024)
	var fr frameReader
	switch p.mode {
	case modeBlock:
		fr = &blockReader{r: br}
	case modeCompressed:
		fr = &compressedReader{r: br, filler: filler(p.typ)}
	case modeDeflate:
		fr = newDeflateReader(p, br) // deflate.go
	default:
		fr = &streamReader{r: br, record: p.stru == struRecord, buf: make([]byte, 32*1024)}
	}
	if p.stru == struPage {
		fr = &pageReader{r: bufio.NewReader(&eventStream{fr: fr})}
	}
	return fr
}

// queue holds events decoded ahead.
type queue []event

func (q *queue) pop() (event, bool) {
	if len(*q) == 0 {
		return event{}, false
	}
	e := (*q)[0]
	*q = (*q)[1:]
	return e, true
}

type streamReader struct {
	r      *bufio.Reader
	record bool
	buf    []byte
	q      queue
	ended  bool
}

func (f *streamReader) next() (event, error) {
	if e, ok := f.q.pop(); ok {
		return e, nil
	}
	if f.ended {
		return event{kind: evEOF}, nil
	}
	if !f.record {
		n, err := f.r.Read(f.buf)
		if n > 0 {
			return event{kind: evData, p: f.buf[:n]}, nil
		}
		if err == io.EOF {
			f.ended = true
			return event{kind: evEOF}, nil
		}
		return event{}, err
	}
	out := f.buf[:0]
	for len(out) < cap(f.buf)-1 {
		b, err := f.r.ReadByte()
		if err == io.EOF { // EOF implied by the close (RFC 959 §3.4)
			f.ended = true
			f.q = append(f.q, event{kind: evEOF})
			break
		}
		if err != nil {
			return event{}, err
		}
		if b != streamEscape {
			out = append(out, b)
			continue
		}
		c, err := f.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				return event{}, errTruncated
			}
			return event{}, err
		}
		if c == streamEscape {
			out = append(out, streamEscape)
			continue
		}
		if c == 0 || c > 3 {
			return event{}, fmt.Errorf("%w: escape 0xFF 0x%02X in record structure", errFraming, c)
		}
		if c&1 != 0 {
			f.q = append(f.q, event{kind: evEOR})
		}
		if c&2 != 0 {
			f.ended = true
			f.q = append(f.q, event{kind: evEOF})
		}
		break
	}
	if len(out) > 0 {
		return event{kind: evData, p: out}, nil
	}
	return f.next()
}

type blockReader struct {
	r     *bufio.Reader
	buf   []byte
	q     queue
	ended bool
}

func (f *blockReader) next() (event, error) {
	for {
		if e, ok := f.q.pop(); ok {
			return e, nil
		}
		if f.ended {
			return event{kind: evEOF}, nil
		}
		var hdr [3]byte
		if _, err := io.ReadFull(f.r, hdr[:]); err != nil {
			return event{}, eofIsTruncation(err)
		}
		n := int(hdr[1])<<8 | int(hdr[2])
		if cap(f.buf) < n {
			f.buf = make([]byte, n)
		}
		p := f.buf[:n]
		if _, err := io.ReadFull(f.r, p); err != nil {
			return event{}, eofIsTruncation(err)
		}
		desc := hdr[0]
		if desc&descMarker != 0 {
			f.q = append(f.q, event{kind: evMarker, p: p})
		} else if n > 0 {
			f.q = append(f.q, event{kind: evData, p: p})
		}
		if desc&descEOR != 0 {
			f.q = append(f.q, event{kind: evEOR})
		}
		if desc&descEOF != 0 {
			f.ended = true
			f.q = append(f.q, event{kind: evEOF})
		}
	}
}

func eofIsTruncation(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errTruncated
	}
	return err
}

type compressedReader struct {
	r      *bufio.Reader
	filler byte
	buf    []byte
	q      queue
	ended  bool
}

func (f *compressedReader) byteString(b byte) ([]byte, error) {
	n := int(b)
	if cap(f.buf) < n {
		f.buf = make([]byte, compressedMax)
	}
	p := f.buf[:n]
	_, err := io.ReadFull(f.r, p)
	return p, eofIsTruncation(err)
}

func (f *compressedReader) next() (event, error) {
	for {
		if e, ok := f.q.pop(); ok {
			return e, nil
		}
		if f.ended {
			return event{kind: evEOF}, nil
		}
		b, err := f.r.ReadByte()
		if err != nil {
			return event{}, eofIsTruncation(err)
		}
		switch {
		case b == 0: // escape
			d, err := f.r.ReadByte()
			if err != nil {
				return event{}, eofIsTruncation(err)
			}
			if d&descMarker != 0 {
				h, err := f.r.ReadByte()
				if err != nil {
					return event{}, eofIsTruncation(err)
				}
				if h == 0 || h&0x80 != 0 {
					return event{}, fmt.Errorf("%w: a restart marker must follow as a byte string", errFraming)
				}
				m, err := f.byteString(h)
				if err != nil {
					return event{}, err
				}
				f.q = append(f.q, event{kind: evMarker, p: m})
			}
			if d&descEOR != 0 {
				f.q = append(f.q, event{kind: evEOR})
			}
			if d&descEOF != 0 {
				f.ended = true
				f.q = append(f.q, event{kind: evEOF})
			}
		case b&0x80 == 0:
			p, err := f.byteString(b)
			if err != nil {
				return event{}, err
			}
			return event{kind: evData, p: p}, nil
		case b&0xC0 == 0x80:
			d, err := f.r.ReadByte()
			if err != nil {
				return event{}, eofIsTruncation(err)
			}
			return event{kind: evData, p: repeat(d, int(b&0x3F))}, nil
		default:
			return event{kind: evData, p: repeat(f.filler, int(b&0x3F))}, nil
		}
	}
}

func repeat(b byte, n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = b
	}
	return p
}

// eventStream reads the data events of a frameReader as plain bytes, for the page layer.
type eventStream struct {
	fr  frameReader
	cur []byte
}

func (s *eventStream) Read(p []byte) (int, error) {
	for len(s.cur) == 0 {
		e, err := s.fr.next()
		if err != nil {
			return 0, err
		}
		switch e.kind {
		case evData:
			s.cur = e.p
		case evEOF:
			return 0, io.EOF
		}
	}
	n := copy(p, s.cur)
	s.cur = s.cur[n:]
	return n, nil
}

// pageReader reads pages: data of simple (1) and access-controlled (3) pages is file data,
// descriptor pages (2) are skipped, the last page (0) ends the file; any other type is
// errPageType (551).
type pageReader struct {
	r     *bufio.Reader
	buf   []byte
	ended bool
}

func (f *pageReader) next() (event, error) {
	for {
		if f.ended {
			return event{kind: evEOF}, nil
		}
		hl, err := f.r.ReadByte()
		if err == io.EOF {
			f.ended = true // no last page: the end of the data ends the file
			continue
		}
		if err != nil {
			return event{}, err
		}
		if hl < 4 {
			return event{}, fmt.Errorf("%w: page header length %d (at least 4)", errFraming, hl)
		}
		hdr := make([]byte, hl-1)
		if _, err := io.ReadFull(f.r, hdr); err != nil {
			return event{}, eofIsTruncation(err)
		}
		dl, typ := int(hdr[1]), hdr[2]
		if cap(f.buf) < dl {
			f.buf = make([]byte, 255)
		}
		p := f.buf[:dl]
		if _, err := io.ReadFull(f.r, p); err != nil {
			return event{}, eofIsTruncation(err)
		}
		switch typ {
		case 0:
			f.ended = true
		case 1, 3:
			if dl > 0 {
				return event{kind: evData, p: p}, nil
			}
		case 2:
		default:
			return event{}, fmt.Errorf("%w: type %d", errPageType, typ)
		}
	}
}
