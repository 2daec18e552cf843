package refserver

import (
	"io/fs"
	"path"
)

// DELE (RFC 959 §4.1.3): 250; 550 for what is missing, a directory or protected; 450 when busy.
func cmdDELE(s *session, arg string) {
	v := s.resolve(arg)
	if s.writeDenied(v) {
		s.reply(codeFileUnavailable, "%s: Permission denied.", v)
		return
	}
	fi, err := s.fs.Lstat(rel(v))
	switch {
	case err != nil:
		s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
	case fi.IsDir():
		s.reply(codeFileUnavailable, "%s: Is a directory (use RMD).", v)
	case s.fileBusy(v):
		s.reply(codeFileBusy, "%s: File busy, try again later.", v)
	default:
		if err := s.fs.Remove(rel(v)); err != nil {
			s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
			return
		}
		s.reply(codeFileActionOK, "%s deleted.", v)
	}
}

// RNFR (RFC 959 §4.1.3): 350 when the file exists; RNTO must follow at once.
func cmdRNFR(s *session, arg string) {
	v := s.resolve(arg)
	if v == "/" || s.writeDenied(v) {
		s.reply(codeFileUnavailable, "%s: Permission denied.", v)
		return
	}
	if _, err := s.fs.Lstat(rel(v)); err != nil {
		s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
		return
	}
	if s.fileBusy(v) {
		s.reply(codeFileBusy, "%s: File busy, try again later.", v)
		return
	}
	s.renameFrom = v
	s.reply(codePending, "%s: ready for RNTO.", v)
}

// RNTO (RFC 959 §4.1.3): 250. Its §5.4 row has no 550, so every refusal is 553 ("File name
// not allowed") or 532.
func cmdRNTO(s *session, arg string) {
	from := s.renameFrom
	to := s.resolve(arg)
	switch {
	case from == "":
		s.reply(codeBadSequence, "RNFR first.")
	case s.user.AccountStore && !s.acctGiven:
		s.reply(codeNeedAccountStore, "Need account for storing files: send ACCT.")
	case to == "/" || s.writeDenied(to):
		s.reply(codeNameNotAllowed, "%s: Permission denied.", to)
	case s.srv.policy.refusedName(path.Base(to)) && !s.srv.faults.has(faultRefusedNameOK):
		s.reply(codeNameNotAllowed, "%s: File name not allowed.", to)
	case s.fileBusy(to):
		s.reply(codeNameNotAllowed, "%s: File busy.", to)
	default:
		if fi, err := s.fs.Lstat(rel(to)); err == nil && fi.IsDir() {
			s.reply(codeNameNotAllowed, "%s: A directory of that name exists.", to)
			return
		}
		if err := s.fs.Rename(rel(from), rel(to)); err != nil {
			s.reply(codeNameNotAllowed, "%s: %s.", to, describe(err))
			return
		}
		s.reply(codeFileActionOK, "%s renamed to %s.", from, to)
	}
}

// SIZE (RFC 3659 §4): 213 with "the exact number of octets ... that would be transmitted over
// the data connection" by a RETR now, in the current TYPE, STRU and MODE (transferSize).
func cmdSIZE(s *session, arg string) {
	v := s.resolve(arg)
	fi, ok := s.plainFile(v)
	if !ok {
		return
	}
	n, err := s.transferSize(v, fi.Size())
	if err != nil {
		s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
		return
	}
	s.reply(codeFileStatus, "%d", n)
}

// MDTM (RFC 3659 §3): 213 YYYYMMDDHHMMSS, in UTC.
func cmdMDTM(s *session, arg string) {
	if fi, ok := s.plainFile(s.resolve(arg)); ok {
		s.reply(codeFileStatus, "%s", fi.ModTime().UTC().Format("20060102150405"))
	}
}

// plainFile stats v for a command that needs a plain file, answering 550 when it is not one.
func (s *session) plainFile(v string) (fs.FileInfo, bool) {
	fi, err := s.stat(v)
	switch {
	case err != nil:
		s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
		return nil, false
	case !fi.Mode().IsRegular():
		s.reply(codeFileUnavailable, "%s: Not a plain file.", v)
		return nil, false
	}
	return fi, true
}

// transferSize is the number of octets a RETR of v would send now: the file in the current
// TYPE (CRLF line ends in TYPE A), with the escapes, block headers, descriptors, pages and
// restart markers of the current STRU and MODE. In MODE Z it is the uncompressed stream-mode
// size, the one its REST offsets count (deflate draft §3.7): the compressed size depends on the
// engine's choices, and no client could use it.
func (s *session) transferSize(v string, local int64) (int64, error) {
	p := s.params
	if p.mode == modeDeflate {
		p.mode = modeStream
	}
	if p.typ != typeASCII && p.stru == struFile && p.mode == modeStream {
		return local, nil // byte for byte (TYPE E has one NL for each "\n")
	}
	f, err := s.fs.Open(rel(v))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return s.srv.wireForm(p).size(f)
}
