package refserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"os"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// transfer is a data transfer in progress. Its goroutine sends the final reply; the session
// goroutine keeps reading commands meanwhile (ABOR, STAT).
type transfer struct {
	s        *session
	cmd      string
	path     string // virtual path, for STAT
	params   xferParams
	ctx      context.Context
	cancel   context.CancelFunc
	done     chan struct{} // closed after the final reply
	finished atomic.Bool   // the final reply is decided (and being written)
	aborted  atomic.Bool
	bytes    atomic.Int64 // file bytes moved so far
	size     int64        // file bytes expected; -1 when unknown
	started  time.Time
	kept     bool // the data connection stays open afterwards
}

// abort stops the transfer: its data connection is closed and it answers 426.
func (x *transfer) abort() {
	x.aborted.Store(true)
	x.cancel()
}

// reply sends one of the transfer's replies through the session's reply writer.
func (x *transfer) reply(code int, format string, args ...any) {
	x.s.writeReply(x.cmd, code, fmt.Sprintf(format, args...))
}

// localError marks an error of the server's own file system (451), as opposed to the data
// connection's (426).
type localError struct{ err error }

func (e localError) Error() string { return e.err.Error() }
func (e localError) Unwrap() error { return e.err }

// Errors that end an upload with their own reply.
var (
	errQuota   = errors.New("quota exceeded")           // 552
	errNoSpace = errors.New("storage budget exhausted") // 452
	errIOFault = errors.New("input/output error")       // 451, from IOErrorPaths
)

// outcome maps how a transfer ended to its final reply (RFC 959 §5.4).
func (x *transfer) outcome(err error, okText string) (int, string) {
	switch {
	case x.aborted.Load():
		return codeTransferAborted, "Connection closed; transfer aborted."
	case err == nil && x.kept:
		return codeFileActionOK, okText + " Data connection kept open."
	case err == nil:
		return codeClosingData, okText
	case errors.Is(err, errQuota):
		return codeExceededStorage, "Exceeded storage allocation (quota): transfer aborted, the bytes received so far are kept."
	case errors.Is(err, errNoSpace):
		return codeNoSpace, "Insufficient storage space: transfer aborted, the bytes received so far are kept."
	case errors.Is(err, errPageType):
		return codePageTypeUnknown, "Page type unknown: transfer aborted."
	case errors.Is(err, errIOFault):
		return codeLocalError, "Local error in processing: input/output error."
	case errors.As(err, new(localError)):
		x.s.log.Warn("transfer failed", "cmd", x.cmd, "path", x.path, "err", err)
		return codeLocalError, "Local error in processing: " + describe(err) + "."
	default:
		return codeTransferAborted, "Data connection failed: " + netErrText(err) + "; transfer aborted."
	}
}

func netErrText(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, errTruncated), errors.Is(err, errFraming):
		return err.Error()
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	default:
		return "connection lost"
	}
}

// startTransfer announces a transfer (125 when the data connection is already open, 150
// otherwise) and runs it in a goroutine of its own, which sends the final reply. run moves the
// data; it returns the error that decides that reply.
func (s *session) startTransfer(v string, size int64, announce string, okText func() string, run func(x *transfer, conn io.ReadWriter) error) (started bool) {
	if s.dataProtectionRefused() {
		return false // 521 (tls.go)
	}
	prot := s.dataTLS()
	s.mu.Lock()
	setup := s.data.take()
	s.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	x := &transfer{s: s, cmd: s.current, path: v, params: s.params, ctx: ctx, cancel: cancel,
		done: make(chan struct{}), size: size, started: time.Now()}
	var conn net.Conn
	if setup.conn != nil || (setup.ln != nil && s.srv.cfg.PassiveReply125) {
		c, err := s.openData(ctx, setup)
		if err != nil {
			cancel()
			s.reply(codeCantOpenData, "Can't open data connection: %s.", netErrText(err))
			return false
		}
		conn = c
		if strings.HasPrefix(announce, "FILE: ") {
			s.reply(codeAlreadyOpen, "%s", announce) // RFC 1123 §4.1.2.9: exactly "125 FILE: pppp"
		} else {
			s.reply(codeAlreadyOpen, "Data connection already open; transfer starting. %s", announce)
		}
	} else {
		s.reply(codeFileStatusOK, "%s", announce)
	}
	s.xfer = x
	go func() {
		defer close(x.done)
		defer cancel()
		if conn == nil {
			c, err := s.openData(ctx, setup)
			if err != nil {
				x.finished.Store(true)
				if x.aborted.Load() {
					x.reply(codeTransferAborted, "Transfer aborted before the data connection opened.")
				} else {
					x.reply(codeCantOpenData, "Can't open data connection: %s.", netErrText(err))
				}
				return
			}
			conn = c
		}
		if !x.secureData(&conn, prot) {
			return // 522 (tls.go)
		}
		// A data fault acts on the data, inside TLS; a kept-open connection goes to the next
		// transfer without it.
		plain := conn
		if setup.wrap != nil {
			conn = setup.wrap(conn)
		}
		stop := context.AfterFunc(ctx, func() { plain.Close() })
		x.kept = s.srv.cfg.KeepDataConnection && x.params.mode != modeStream
		err := run(x, deadlineConn{Conn: conn, timeout: s.srv.cfg.DataTimeout.D()})
		if !stop() || err != nil || x.aborted.Load() {
			x.kept = false
		}
		if x.kept {
			s.mu.Lock()
			if s.data.ln == nil && s.data.addr == nil && s.data.conn == nil {
				s.data.conn = plain
			} else {
				x.kept = false
			}
			s.mu.Unlock()
		}
		if !x.kept {
			conn.Close()
		}
		code, text := x.outcome(err, okText())
		x.s.log.Info("transfer finished", "cmd", x.cmd, "path", v, "bytes", x.bytes.Load(), "code", code)
		x.finished.Store(true)
		x.reply(code, "%s", text)
	}()
	return true
}

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

// receive moves the data connection's content into dst. offset is where dst starts in the
// file, for the restart markers it answers with 110.
func (x *transfer) receive(conn io.Reader, dst io.Writer, offset int64) error {
	fr := newFrameReader(x.params, conn)
	dec := newDecoder(x.params.typ)
	out := make([]byte, 0, 64*1024)
	write := func(p []byte) error {
		if len(p) == 0 {
			return nil
		}
		n, err := dst.Write(p)
		x.bytes.Add(int64(n))
		offset += int64(n)
		return err
	}
	for {
		e, err := fr.next()
		if err != nil {
			return err
		}
		switch e.kind {
		case evData:
			out = dec.decode(out[:0], e.p)
			if err := write(out); err != nil {
				return err
			}
		case evEOR:
			if x.params.stru == struRecord {
				out = append(dec.flush(out[:0]), '\n')
				if err := write(out); err != nil {
					return err
				}
			}
		case evMarker:
			if err := write(dec.flush(out[:0])); err != nil {
				return err
			}
			// RFC 959 §3.5 and §4.2: "MARK yyyy = mmmm", the sender's marker and ours.
			x.reply(codeRestartMarker, "MARK %s = %d", printable(e.p), offset)
		case evEOF:
			return write(dec.flush(out[:0]))
		}
	}
}

// printable keeps a client's restart marker printable in a reply.
func printable(p []byte) string {
	b := make([]byte, 0, len(p))
	for _, c := range p {
		if c > ' ' && c < 0x7f {
			b = append(b, c)
		} else {
			b = append(b, '?')
		}
	}
	return string(b)
}

// room is how many more bytes may be stored under the storage budget and the user's quota,
// when an upload replaces freed bytes of an existing file; code is the reply for running out.
func (s *session) room(v string, freed int64) (int64, int, error) {
	room, code := int64(math.MaxInt64), 0
	if !s.fsHome {
		return room, code, nil
	}
	if b := s.srv.cfg.StorageBudget; b > 0 {
		used, err := usage(s.srv.root, ".")
		if err != nil {
			return 0, 0, err
		}
		room, code = b-(used-freed), codeNoSpace
	}
	if q := s.user.Quota; q > 0 {
		used, err := usage(s.srv.root, rel(s.home))
		if err != nil {
			return 0, 0, err
		}
		if r := q - (used - freed); r < room {
			room, code = r, codeExceededStorage
		}
	}
	return room, code, nil
}

// limitWriter stops an upload that outgrows the room it has.
type limitWriter struct {
	w    io.Writer
	left int64
	err  error // errQuota or errNoSpace
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		n, err := l.w.Write(p[:max(l.left, 0)])
		l.left -= int64(n)
		if err != nil {
			return n, localError{err}
		}
		return n, l.err
	}
	n, err := l.w.Write(p)
	l.left -= int64(n)
	if err != nil {
		return n, localError{err}
	}
	return n, nil
}

// storeKind is the command that stores.
type storeKind int

const (
	storeReplace storeKind = iota // STOR
	storeAppend                   // APPE
	storeUnique                   // STOU
)

// STOR (RFC 959 §4.1.3): 150, the data, 226 once it is on disk. Its §5.4 row has no 550, so
// refusals are 553, 532, 450, 452 or 551.
func cmdSTOR(s *session, arg string) { s.store(s.resolve(arg), storeReplace) }

// APPE (RFC 959 §4.1.3) appends, or creates the file.
func cmdAPPE(s *session, arg string) { s.store(s.resolve(arg), storeAppend) }

// STOU (RFC 959 §4.1.3; RFC 1123 §4.1.2.9) stores under a name that no file has yet, and
// names it in the 150 reply ("150 FILE: name") and in the final reply.
func cmdSTOU(s *session, arg string) {
	dir, base := s.cwd, "stou"
	if arg != "" {
		v := s.resolve(arg)
		dir, base = path.Dir(v), path.Base(v)
	}
	s.store(path.Join(dir, base), storeUnique)
}

// store runs the checks common to STOR, APPE and STOU, then the upload.
func (s *session) store(v string, kind storeKind) {
	denied := codeNameNotAllowed // STOR and STOU have no 550 in §5.4
	if kind == storeAppend {
		denied = codeFileUnavailable
	}
	switch {
	case s.user.AccountStore && !s.acctGiven:
		s.reply(codeNeedAccountStore, "Need account for storing files: send ACCT.")
		return
	case v == "/" || s.writeDenied(v):
		s.reply(denied, "%s: Permission denied.", v)
		return
	case s.srv.policy.refusedName(path.Base(v)) && !s.srv.faults.has(faultRefusedNameOK):
		s.reply(codeNameNotAllowed, "%s: File name not allowed.", v)
		return
	case s.fileBusy(v) && kind != storeUnique:
		s.reply(codeFileBusy, "%s: File busy, try again later.", v)
		return
	case s.params.stru == struPage && s.srv.policy.unknownPage[s.rootPath(v)]:
		s.reply(codePageTypeUnknown, "%s: page type unknown.", v)
		return
	}
	var existing int64
	if fi, err := s.fs.Lstat(rel(v)); err == nil {
		if !fi.Mode().IsRegular() && kind != storeUnique {
			s.reply(denied, "%s: Not a plain file.", v)
			return
		}
		existing = fi.Size()
	}
	// Where the new bytes start: 0 for STOR, the end for APPE, the REST point if one was given.
	start := int64(0)
	switch kind {
	case storeAppend:
		start = existing
	case storeReplace:
		var ok bool
		var err error
		if start, ok, err = s.restOffset(v, existing); err != nil || !ok {
			s.reply(codeInvalidRestart, "Invalid REST parameter: %d is beyond the end of %s.", *s.restArg, v)
			return
		}
	case storeUnique:
		existing = 0
	}
	// Every check comes before the file is touched.
	room, roomCode, err := s.room(v, existing-start)
	if err != nil {
		s.reply(codeLocalError, "Cannot measure storage: %s.", describe(err))
		return
	}
	if room <= 0 {
		if roomCode == codeExceededStorage {
			s.reply(codeExceededStorage, "Exceeded storage allocation (quota): no room left.")
		} else {
			s.reply(codeNoSpace, "Insufficient storage space in system.")
		}
		return
	}
	var f *os.File
	switch kind {
	case storeUnique:
		f, v, err = s.createUnique(v)
	case storeAppend:
		f, err = s.fs.OpenFile(rel(v), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	default:
		f, err = s.fs.OpenFile(rel(v), os.O_WRONLY|os.O_CREATE, 0o644)
		if err == nil {
			if err = f.Truncate(start); err == nil {
				_, err = f.Seek(start, io.SeekStart)
			}
			if err != nil {
				f.Close()
			}
		}
	}
	if err != nil {
		s.reply(denied, "%s: %s.", v, describe(err))
		return
	}
	limitErr := errNoSpace
	if roomCode == codeExceededStorage {
		limitErr = errQuota
	}
	var release func()
	if s.srv.cfg.BusyWhileWriting {
		release = s.markWriting(v)
	}
	ioFault := s.srv.policy.ioError[s.rootPath(v)]
	name := v
	if path.Dir(v) == s.cwd {
		name = path.Base(v)
	}
	announce := "Ok to send data."
	switch {
	case kind == storeUnique:
		announce = "FILE: " + name // RFC 1123 §4.1.2.9
	case start > 0 && kind == storeReplace:
		announce = fmt.Sprintf("Ok to send data, restarting at %d.", start)
	}
	started := s.startTransfer(v, -1, announce, func() string {
		if kind == storeUnique {
			return "Transfer complete; stored as unique file " + name + "."
		}
		return "Transfer complete."
	}, func(x *transfer, conn io.ReadWriter) error {
		if release != nil {
			defer release()
		}
		var dst io.Writer = f
		if ioFault {
			dst = failingWriter{}
		}
		if kind == storeReplace && s.srv.faults.has(faultSTORTruncates) {
			dst = &faultTruncatingWriter{w: dst, left: faultStoredBytes}
		}
		dst = &limitWriter{w: dst, left: room, err: limitErr}
		err := x.receive(conn, dst, start)
		// The data is on disk before 226; what arrived before a failure stays (RFC 959 §3.5
		// restart, APPE).
		if serr := f.Sync(); err == nil && serr != nil {
			err = localError{serr}
		}
		if cerr := f.Close(); err == nil && cerr != nil {
			err = localError{cerr}
		}
		return err
	})
	if !started {
		if release != nil {
			release()
		}
		f.Close()
	}
}

// failingWriter fails every write (IOErrorPaths).
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errIOFault }

// createUnique creates a file whose name no file has: base, then base.1, base.2...
func (s *session) createUnique(v string) (*os.File, string, error) {
	if s.srv.faults.has(faultSTOUOverwrites) {
		f, err := s.fs.OpenFile(rel(v), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		return f, v, err
	}
	dir, base := path.Dir(v), path.Base(v)
	for i := 0; i < 10000; i++ {
		name := base
		if i > 0 {
			name = base + "." + strconv.Itoa(i)
		}
		cand := path.Join(dir, name)
		f, err := s.fs.OpenFile(rel(cand), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			return f, cand, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, cand, err
		}
	}
	return nil, v, errors.New("no unique name found")
}

// ABOR (RFC 959 §4.1.3): with a transfer in progress, 426 for the transfer then 226; without
// one, 226 (the data connection closed) or 225 (a kept-open block-mode connection stays).
func cmdABOR(s *session, _ string) {
	if s.transferActive() {
		s.abortTransfer()
		s.mu.Lock()
		s.data.close()
		s.mu.Unlock()
		s.reply(codeClosingData, "ABOR command successful.")
		return
	}
	s.mu.Lock()
	kept := s.data.conn != nil && s.data.ln == nil && s.data.addr == nil
	if !kept {
		s.data.close()
	}
	s.mu.Unlock()
	if kept {
		s.reply(codeDataOpen, "No transfer in progress; data connection open.")
		return
	}
	s.reply(codeClosingData, "No transfer in progress; ABOR command successful.")
}
