package refserver

import (
	"bufio"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MODE Z, the deflate transmission mode (draft-preston-ftpext-deflate-04): the data connection
// carries one ZLIB stream (RFC 1950: CMF and FLG header, deflate data, ADLER32 trailer) of what
// stream mode would carry, and the transfer ends when the stream ends, not merely when the
// connection closes (§3.2). OPTS MODE Z sets the compression level (§3.6). REST offsets count
// the uncompressed data (§3.7). MLSD, otherwise always sent "as if MODE S" (RFC 3659 §7.2), is
// compressed too: MODE Z applies to "all data transfers" (§3.1).

// deflateWriter is stream mode framing inside a ZLIB stream.
type deflateWriter struct {
	*streamWriter
	zw  *zlib.Writer
	out *bufio.Writer // the data connection's buffer
}

// newDeflateWriter compresses at the session's level (OPTS MODE Z LEVEL), or zlib's default.
func newDeflateWriter(p xferParams, out *bufio.Writer) frameWriter {
	level := p.level
	if level == 0 {
		level = zlib.DefaultCompression
	}
	zw, err := zlib.NewWriterLevel(out, level)
	if err != nil { // OPTS MODE Z accepts only 1 to 9
		zw = zlib.NewWriter(out)
	}
	sw := newStreamWriter(bufio.NewWriterSize(zw, 32*1024), p.stru == struRecord)
	return &deflateWriter{streamWriter: sw, zw: zw, out: out}
}

// flush sends what is buffered as a complete deflate block, without ending the stream.
func (d *deflateWriter) flush() error {
	if err := d.streamWriter.flush(); err != nil {
		return err
	}
	if err := d.zw.Flush(); err != nil {
		return err
	}
	return d.out.Flush()
}

// close ends the ZLIB stream: the receiver's engine reports its end (draft §3.2).
func (d *deflateWriter) close() error {
	if err := d.streamWriter.close(); err != nil {
		return err
	}
	if err := d.zw.Close(); err != nil {
		return err
	}
	return d.out.Flush()
}

// newDeflateReader reads stream mode framing out of a ZLIB stream.
func newDeflateReader(p xferParams, br *bufio.Reader) frameReader {
	in := bufio.NewReaderSize(&inflater{src: br}, 32*1024)
	return &streamReader{r: in, record: p.stru == struRecord, buf: make([]byte, 32*1024)}
}

// inflater decompresses a ZLIB stream. Its header is read on the first Read, in the transfer's
// goroutine. A stream that ends before its end marker is a truncated transfer (426), a corrupt
// one a framing error: "Closing the data connection is not a sufficient method to end
// transfers" (draft §3.2).
type inflater struct {
	src io.Reader
	zr  io.ReadCloser
}

func (z *inflater) Read(p []byte) (int, error) {
	if z.zr == nil {
		zr, err := zlib.NewReader(z.src)
		if err != nil {
			return 0, inflateError(err)
		}
		z.zr = zr
	}
	n, err := z.zr.Read(p)
	if err != nil && err != io.EOF {
		err = inflateError(err)
	}
	return n, err
}

func inflateError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errTruncated
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) {
		return err // the data connection's own failure
	}
	return fmt.Errorf("%w: MODE Z: %v", errFraming, err)
}

// deflateOptions are the OPTS MODE Z options of draft §3.6.1 this server takes, with the
// values it accepts; BLOCKSIZE (for block-sorting engines) and EXTRA (ZLIB's header and trailer
// are required by §3.3.1) are not available.
var deflateOptions = map[string]func(p *xferParams, value string) bool{
	"ENGINE": func(_ *xferParams, v string) bool { return strings.EqualFold(v, "ZLIB") },
	"METHOD": func(_ *xferParams, v string) bool { return v == "8" }, // deflate, RFC 1950 §2.2
	"LEVEL": func(p *xferParams, v string) bool {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 9 || len(v) != 1 {
			return false
		}
		p.level = n
		return true
	},
}

// optsMODE is OPTS MODE Z [name value ...] (draft §3.6): 200 when every option is accepted,
// 501 naming the first one that is not; nothing changes then. Without options the defaults
// return.
func optsMODE(s *session, options string) {
	f := strings.Fields(options)
	if len(f) == 0 || !strings.EqualFold(f[0], "Z") {
		s.reply(codeBadArguments, "OPTS MODE: only MODE Z has options.")
		return
	}
	f = f[1:]
	p := s.params
	if len(f) == 0 {
		p.level = 0
		s.params = p
		s.reply(codeOK, "MODE Z options reset to the defaults (ZLIB, level %d).", defaultDeflateLevel)
		return
	}
	if len(f)%2 != 0 {
		s.reply(codeBadArguments, "OPTS MODE Z: expected name value pairs.")
		return
	}
	var set []string
	for i := 0; i < len(f); i += 2 {
		name, value := strings.ToUpper(f[i]), f[i+1]
		apply := deflateOptions[name]
		if apply == nil {
			s.reply(codeBadArguments, "MODE Z %s is not available.", sanitizeName(name))
			return
		}
		if !apply(&p, value) {
			s.reply(codeBadArguments, "MODE Z %s %s is invalid.", name, sanitizeName(value))
			return
		}
		set = append(set, name+" set to "+strings.ToUpper(value))
	}
	s.params = p
	s.reply(codeOK, "MODE Z %s.", strings.Join(set, ", "))
}

// defaultDeflateLevel is zlib's default compression level.
const defaultDeflateLevel = 6
