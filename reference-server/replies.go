package refserver

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Reply codes. Each cites where it is defined; the texts are RFC 959 §4.2.2's unless noted.
const (
	codeRestartMarker     = 110 // RFC 959 §4.2.1, §3.5: "Restart marker reply" (MARK yyyy = mmmm).
	codeServiceReadyIn    = 120 // RFC 959 §4.2.1: "Service ready in nnn minutes."
	codeAlreadyOpen       = 125 // RFC 959 §4.2.1: "Data connection already open; transfer starting."
	codeFileStatusOK      = 150 // RFC 959 §4.2.1: "File status okay; about to open data connection."
	codeOK                = 200 // RFC 959 §4.2.1: "Command okay."
	codeSuperfluous       = 202 // RFC 959 §4.2.1: "Command not implemented, superfluous at this site."
	codeSystemStatus      = 211 // RFC 959 §4.2.1: "System status, or system help reply." (also FEAT, RFC 2389 §3.2)
	codeDirStatus         = 212 // RFC 959 §4.2.1: "Directory status."
	codeFileStatus        = 213 // RFC 959 §4.2.1: "File status." (also SIZE/MDTM, RFC 3659 §3, §4)
	codeHelp              = 214 // RFC 959 §4.2.1: "Help message."
	codeSystemType        = 215 // RFC 959 §4.2.1: "NAME system type."
	codeReady             = 220 // RFC 959 §4.2.1: "Service ready for new user."
	codeClosing           = 221 // RFC 959 §4.2.1: "Service closing control connection."
	codeDataOpen          = 225 // RFC 959 §4.2.1: "Data connection open; no transfer in progress."
	codeClosingData       = 226 // RFC 959 §4.2.1: "Closing data connection. Requested file action successful."
	codePassive           = 227 // RFC 959 §4.2.1: "Entering Passive Mode (h1,h2,h3,h4,p1,p2)."
	codeExtendedPassive   = 229 // RFC 2428 §3: "Entering Extended Passive Mode (|||port|)".
	codeLoggedIn          = 230 // RFC 959 §4.2.1: "User logged in, proceed."
	codeFileActionOK      = 250 // RFC 959 §4.2.1: "Requested file action okay, completed."
	codePathCreated       = 257 // RFC 959 §4.2.1: "PATHNAME" created; quoting in §7 appendix II.
	codeNeedPassword      = 331 // RFC 959 §4.2.1: "User name okay, need password."
	codeNeedAccount       = 332 // RFC 959 §4.2.1: "Need account for login."
	codePending           = 350 // RFC 959 §4.2.1: "Requested file action pending further information."
	codeNotAvailable      = 421 // RFC 959 §4.2.1: "Service not available, closing control connection."
	codeCantOpenData      = 425 // RFC 959 §4.2.1: "Can't open data connection."
	codeTransferAborted   = 426 // RFC 959 §4.2.1: "Connection closed; transfer aborted."
	codeFileBusy          = 450 // RFC 959 §4.2.1: "Requested file action not taken. File unavailable (e.g., file busy)."
	codeLocalError        = 451 // RFC 959 §4.2.1: "Requested action aborted: local error in processing."
	codeNoSpace           = 452 // RFC 959 §4.2.1: "Requested action not taken. Insufficient storage space in system."
	codeUnknownCommand    = 500 // RFC 959 §4.2.1: "Syntax error, command unrecognized."
	codeBadArguments      = 501 // RFC 959 §4.2.1: "Syntax error in parameters or arguments."
	codeNotImplemented    = 502 // RFC 959 §4.2.1: "Command not implemented."
	codeBadSequence       = 503 // RFC 959 §4.2.1: "Bad sequence of commands."
	codeParamNotImpl      = 504 // RFC 959 §4.2.1: "Command not implemented for that parameter." (RFC 2577 §3 for PORT)
	codeBadProtocol       = 522 // RFC 2428 §2: "Network protocol not supported".
	codeNotLoggedIn       = 530 // RFC 959 §4.2.1: "Not logged in."
	codeNeedAccountStore  = 532 // RFC 959 §4.2.1: "Need account for storing files."
	codeFileUnavailable   = 550 // RFC 959 §4.2.1: "Requested action not taken. File unavailable (e.g., file not found, no access)."
	codePageTypeUnknown   = 551 // RFC 959 §4.2.1: "Requested action aborted: page type unknown."
	codeExceededStorage   = 552 // RFC 959 §4.2.1: "Requested file action aborted. Exceeded storage allocation."
	codeNameNotAllowed    = 553 // RFC 959 §4.2.1: "Requested action not taken. File name not allowed."
	codeInvalidRestart    = 554 // RFC 1123 §4.1.3.4: "Requested action not taken: invalid REST parameter."
	replyLineEnd          = "\r\n"
	maxReplyLine          = 4096
	writeTimeout          = 30 * time.Second
	multiLineSeparator    = '-'
	singleLineSeparator   = ' '
	middleLineIndentation = " "
)

// wireReply is a reply on its way to the client. Faults may change it before it is written.
type wireReply struct {
	code  int
	lines []string // at least one; several make a multi-line reply
	eol   string   // CRLF unless a fault changes it
}

// newReply splits text lines that contain line breaks, so that a multi-line reply is built
// only by the formatter, and makes a bare CR safe (Telnet: CR must be followed by NUL or LF).
func newReply(code int, lines []string) wireReply {
	var out []string
	for _, l := range lines {
		for _, part := range strings.Split(l, "\n") {
			part = strings.TrimSuffix(part, "\r")
			part = strings.ReplaceAll(part, "\r", "\r\x00")
			if len(part) > maxReplyLine {
				part = part[:maxReplyLine]
			}
			out = append(out, part)
		}
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return wireReply{code: code, lines: out, eol: replyLineEnd}
}

// format renders a reply exactly as RFC 959 §4.2 says: one line "ddd text", or "ddd-first",
// middle lines, and "ddd last". A middle line that starts with a digit is indented, so that it
// can never be taken for the last line.
func (r wireReply) format() []byte {
	code := strconv.Itoa(r.code)
	var b strings.Builder
	n := len(r.lines)
	for i, l := range r.lines {
		switch {
		case n == 1 || i == n-1:
			b.WriteString(code)
			b.WriteByte(singleLineSeparator)
		case i == 0:
			b.WriteString(code)
			b.WriteByte(multiLineSeparator)
		case l != "" && l[0] >= '0' && l[0] <= '9':
			b.WriteString(middleLineIndentation)
		}
		b.WriteString(l)
		b.WriteString(r.eol)
	}
	return []byte(b.String())
}

// writeReply is the one reply writer: every reply, from the session or from a transfer,
// passes through it, and through the reply faults.
func (s *session) writeReply(cmd string, code int, lines ...string) {
	r := newReply(code, lines)
	s.srv.faults.rewrite(cmd, &r)
	s.send(r.format())
	s.log.Info("reply", "cmd", cmd, "code", r.code, "text", strings.Join(r.lines, "\n"))
}

// send writes bytes to the control connection, one reply at a time, within writeTimeout. A
// client that is gone is noticed by the next read.
func (s *session) send(b []byte) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := s.conn.Write(b); err != nil {
		s.log.Debug("reply not delivered", "err", err)
	}
}

// reply answers the command the session is handling, and remembers the code for the
// sequence rules of the command table.
func (s *session) reply(code int, format string, args ...any) {
	s.lastCode = code
	s.writeReply(s.current, code, fmt.Sprintf(format, args...))
}

// replyLines answers with a multi-line reply.
func (s *session) replyLines(code int, lines ...string) {
	s.lastCode = code
	s.writeReply(s.current, code, lines...)
}

// quotePath quotes a path name as RFC 959 appendix II asks: between double quotes, with every
// quote inside it doubled.
func quotePath(p string) string { return `"` + strings.ReplaceAll(p, `"`, `""`) + `"` }
