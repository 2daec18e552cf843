package refserver

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"strconv"
)

// Uploads: STOR, APPE and STOU, what they may store (quota and storage budget), and how the data
// connection's content becomes the file.

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
	f, v, err := s.openForStore(v, kind, start)
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

// openForStore opens the file an upload writes, positioned where the new bytes go: a new
// unique file for STOU (whose name it returns), the end for APPE, start for STOR, which keeps
// the bytes before start (REST) and drops those after.
func (s *session) openForStore(v string, kind storeKind, start int64) (*os.File, string, error) {
	switch kind {
	case storeUnique:
		return s.createUnique(v)
	case storeAppend:
		f, err := s.fs.OpenFile(rel(v), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		return f, v, err
	}
	f, err := s.fs.OpenFile(rel(v), os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, v, err
	}
	if err = f.Truncate(start); err == nil {
		_, err = f.Seek(start, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, v, err
	}
	return f, v, nil
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
