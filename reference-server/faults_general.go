package refserver

import (
	"fmt"
	"path"
	"strings"
	"time"
)

// Faults of the rules no command group owns: the reply grammar where the reply writer cannot
// break it (RFC 959 §4.2), a reply that never comes in time, the control connection dropped in
// the middle of a transfer, the reply of a server that closes the connection itself, and a
// working directory outside the root.

// faultReplyDelay is how late reply-delayed answers: beyond the suite's reply deadline (10 s by
// default, 30 s for slow scenarios) and any sensible client's.
const faultReplyDelay = 2 * time.Minute

func init() { registerFaults(generalFaults...) }

var generalFaults = []Fault{
	{
		Name: "bare-lf", Group: "reply-format", RFC: "959:4.2",
		Description: "every reply line ends in a bare LF instead of CRLF",
		reply:       func(_ string, r *wireReply) { r.eol = "\n" },
	},
	{
		Name: "reply-missing-space", Group: "reply-format", RFC: "959:4.2", Commands: []string{"NOOP"},
		Description: `NOOP is answered "200NOOP ok.": no space between the code and the text`,
		table: func(t commands) {
			t["NOOP"].handler = func(s *session, _ string) { s.writeWire(codeOK, "200NOOP ok.\r\n") }
		},
	},
	{
		Name: "multiline-bare-last-line", Group: "reply-format", RFC: "959:4.2", Commands: []string{"HELP"},
		Description: `HELP's multi-line 214 ends with a line that is the code alone ("214"), without the space that must follow it`,
		table: intercept([]string{"HELP"}, func(s *session, arg string) bool {
			if strings.TrimSpace(arg) != "" {
				return false // one command's help: a single line
			}
			var b strings.Builder
			b.WriteString("214-The following commands are recognized:\r\n")
			names := s.srv.table.names()
			for i := 0; i < len(names); i += 8 {
				fmt.Fprintf(&b, " %s\r\n", strings.Join(names[i:min(i+8, len(names))], " "))
			}
			b.WriteString("214\r\n")
			s.writeWire(codeHelp, b.String())
			return true
		}),
	},
	{
		Name: "reply-delayed", Group: "connection", RFC: "959:4.2", Commands: []string{"NOOP"},
		Description: "NOOP is answered only after two minutes, beyond any reply timeout",
		table: before([]string{"NOOP"}, func(s *session, arg string) string {
			t := time.NewTimer(faultReplyDelay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-s.srv.stopping:
			}
			return arg
		}),
	},
	{
		Name: "retr-drops-control", Group: "transfer", RFC: "959:4.2", Commands: []string{"RETR"},
		Description: "RETR answers 150, then the server closes the control connection while the file is sent: no final reply",
		table: after([]string{"RETR"}, func(s *session, _ string) {
			if s.xfer != nil {
				s.conn.Close() // the session ends on its next read, and aborts the transfer
			}
		}),
	},
	{
		Name: "server-close-221", Group: "connection", RFC: "959:4.2.1", Commands: []string{greeting},
		Description: "when the server closes the control connection itself (idle timeout, shutdown) it answers 221, QUIT's reply, instead of 421",
		reply:       recode([]string{idleTimeout, shuttingDown}, []int{codeNotAvailable}, codeClosing),
	},
	{
		Name: "cwd-above-root", Group: "directory", RFC: "3659:6.2", Commands: []string{"CWD", "XCWD", "CDUP", "XCUP"},
		Description: `CWD .. (or CDUP) at the root succeeds and moves above it: PWD then answers "/.."`,
		table: combine(
			intercept([]string{"CWD", "XCWD"}, climbAboveRoot(codeFileActionOK, func(arg string) string { return arg })),
			intercept([]string{"CDUP", "XCUP"}, climbAboveRoot(codeOK, func(string) string { return ".." })),
		),
	},
}

// climbAboveRoot answers CWD or CDUP (target is the path it goes to, code its success code) with
// success when the path goes above the root, for cwd-above-root.
func climbAboveRoot(code int, target func(arg string) string) func(s *session, arg string) bool {
	return func(s *session, arg string) bool {
		// From "/.." the session is at the root again for every other path.
		if !climbsAboveRoot(path.Clean(s.cwd), target(arg)) {
			return false
		}
		// Only the name leaves the root: every path is still resolved inside it.
		s.cwd = "/.."
		s.reply(code, "Directory changed to /...")
		return true
	}
}

// climbsAboveRoot reports whether the path p, taken from the working directory cwd, goes above
// the root on its way ("..", "../x", "/a/../../b" from anywhere).
func climbsAboveRoot(cwd, p string) bool {
	if !strings.HasPrefix(p, "/") {
		p = cwd + "/" + p
	}
	depth := 0
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if depth--; depth < 0 {
				return true
			}
		default:
			depth++
		}
	}
	return false
}

// writeWire sends a reply exactly as given, past the one reply writer, which always formats
// correctly: only for faults that break the reply grammar itself. It records the code for the
// command table's sequence rules, as reply does.
func (s *session) writeWire(code int, wire string) {
	s.lastCode = code
	s.send([]byte(wire))
	s.log.Info("reply", "cmd", s.current, "code", code, "wire", wire, "fault", true)
}
