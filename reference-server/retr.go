package refserver

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync/atomic"
)

// Downloads: REST, RETR, and the form in which a file travels on the data connection, which
// the listings and SIZE use too.

// REST (RFC 959 §4.1.3; RFC 3659 §5): 350; the offset applies to the next command only. In
// stream mode it counts bytes of the transferred form (in TYPE A, CRLF counts two); in block
// and compressed mode it is a restart marker, which this server makes from file offsets.
func cmdREST(s *session, arg string) {
	n, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || n < 0 || arg[0] == '+' {
		s.reply(codeBadArguments, "REST: %q is not a restart marker (a byte offset).", sanitizeName(arg))
		return
	}
	s.rest = &n
	s.reply(codePending, "Restarting at %d. Send RETR or STOR.", n)
}

// restOffset turns the REST of this command into an offset in the local file v of size size.
// In stream mode, and in MODE Z, whose offsets count the uncompressed stream-mode data (deflate
// draft §3.7), the offset counts octets of the transferred form: in TYPE A a line end is CRLF,
// two octets. ok is false when the offset is beyond the end of the file, or inside a CRLF.
func (s *session) restOffset(v string, size int64) (local int64, ok bool, err error) {
	if s.restArg == nil {
		return 0, true, nil
	}
	n := *s.restArg
	streamed := s.params.mode == modeStream || s.params.mode == modeDeflate
	if s.params.typ == typeASCII && streamed && s.params.stru == struFile && n > 0 &&
		!s.srv.faults.has(faultRESTLocalOffset) {
		f, err := s.fs.Open(rel(v))
		if err != nil {
			return 0, false, err
		}
		defer f.Close()
		return localOffset(io.NewSectionReader(f, 0, size), n)
	}
	return n, n <= size, nil
}

// RETR (RFC 959 §4.1.3): 150, the file, 226.
func cmdRETR(s *session, arg string) {
	v := s.resolve(arg)
	fi, ok := s.plainFile(v)
	if !ok {
		return
	}
	if s.fileBusy(v) {
		s.reply(codeFileBusy, "%s: File busy (being written), try again later.", v)
		return
	}
	start, ok, err := s.restOffset(v, fi.Size())
	if err != nil || !ok {
		s.reply(codeInvalidRestart, "Invalid REST parameter: %d is beyond the end of %s.", *s.restArg, v)
		return
	}
	f, err := s.fs.Open(rel(v))
	if err != nil {
		s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
		return
	}
	ioFault := s.srv.policy.ioError[s.rootPath(v)]
	size := fi.Size()
	announce := fmt.Sprintf("Opening %s mode data connection for %s (%d bytes).", s.params.typeName(), v, size)
	if start > 0 {
		announce = fmt.Sprintf("Opening %s mode data connection for %s (%d bytes), restarting at %d.", s.params.typeName(), v, size, start)
	}
	started := s.startTransfer(v, size-start, announce, func() string { return "Transfer complete." }, func(x *transfer, conn io.ReadWriter) error {
		defer f.Close()
		n := size - start
		if s.srv.faults.has(faultRETRShort) && n > 0 {
			n--
		}
		var src io.Reader = io.NewSectionReader(f, start, n)
		if ioFault {
			src = &faultyReader{r: src, left: (size - start) / 2}
		}
		return x.send(conn, src, start)
	})
	if !started {
		f.Close()
	}
}

// faultyReader fails with an I/O error after left bytes (IOErrorPaths).
type faultyReader struct {
	r    io.Reader
	left int64
}

func (f *faultyReader) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, errIOFault
	}
	if int64(len(p)) > f.left {
		p = p[:f.left]
	}
	n, err := f.r.Read(p)
	f.left -= int64(n)
	return n, err
}

// send moves a local file (from local offset start) to the data connection.
func (x *transfer) send(conn io.Writer, src io.Reader, start int64) error {
	return x.s.srv.wireForm(x.params).send(conn, src, start, &x.bytes)
}

// wireForm is everything that decides the octets a file becomes on the data connection.
type wireForm struct {
	params   xferParams
	pageSize int // data bytes per page in STRU P
	// markerInterval makes block and compressed mode send a restart marker every so many bytes
	// of the file; 0: none.
	markerInterval int64
}

func (srv *Server) wireForm(p xferParams) wireForm {
	return wireForm{params: p, pageSize: srv.cfg.PageSize, markerInterval: srv.cfg.RestartMarkerInterval}
}

// send writes src, the local bytes from offset start on, to w in this form. moved, when set,
// counts the local bytes as they are read.
func (f wireForm) send(w io.Writer, src io.Reader, start int64, moved *atomic.Int64) error {
	p := f.params
	fw := newFrameWriter(p, w, f.pageSize)
	enc := newEncoder(p.typ)
	interval := f.markerInterval
	markers := interval > 0 && p.mode != modeStream && p.mode != modeDeflate && p.stru != struPage
	buf := make([]byte, 32*1024)
	out := make([]byte, 0, 2*len(buf))
	offset := start
	for {
		chunk := buf
		if markers {
			chunk = buf[:min(int64(len(buf)), interval-offset%interval)]
		}
		n, rerr := src.Read(chunk)
		if n > 0 {
			if moved != nil {
				moved.Add(int64(n))
			}
			if err := f.emit(fw, enc, chunk[:n], &out); err != nil {
				return err
			}
			offset += int64(n)
			if markers && offset%interval == 0 {
				if err := fw.marker(strconv.FormatInt(offset, 10)); err != nil {
					return err
				}
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			fw.flush() // what was read before the failure goes out
			if errors.Is(rerr, errIOFault) {
				return rerr
			}
			return localError{rerr}
		}
	}
	return fw.close()
}

// emit passes local bytes to the frame writer: in record structure each "\n" ends a record.
func (f wireForm) emit(fw frameWriter, enc encoder, p []byte, out *[]byte) error {
	if f.params.stru != struRecord {
		*out = enc((*out)[:0], p)
		return fw.data(*out)
	}
	for len(p) > 0 {
		i := 0
		for i < len(p) && p[i] != '\n' {
			i++
		}
		if i > 0 {
			*out = enc((*out)[:0], p[:i])
			if err := fw.data(*out); err != nil {
				return err
			}
		}
		if i == len(p) {
			break
		}
		if err := fw.endRecord(); err != nil {
			return err
		}
		p = p[i+1:]
	}
	return nil
}

// size is the number of octets send writes for the whole of src.
func (f wireForm) size(src io.Reader) (int64, error) {
	var n countingWriter
	err := f.send(&n, src, 0, nil)
	return int64(n), err
}

// countingWriter counts what is written to it, and keeps nothing.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
