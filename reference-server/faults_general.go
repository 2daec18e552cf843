package refserver

import (
	"fmt"
	"path"
	"slices"
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
		Name: "reply-missing-space", Group: "reply-format", RFC: "959:4.2", Commands: []string{"NOOP"},
		Description: `NOOP is answered "200NOOP ok.": no space between the code and the text`,
		table: func(t commands) {
			wrap(t, func(handler) handler {
				return func(s *session, _ string) { s.writeWire(codeOK, "200NOOP ok.\r\n") }
			}, "NOOP")
		},
	},
	{
		Name: "multiline-bare-last-line", Group: "reply-format", RFC: "959:4.2", Commands: []string{"HELP"},
		Description: `HELP's multi-line 214 ends with a line that is the code alone ("214"), without the space that must follow it`,
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					if strings.TrimSpace(arg) != "" {
						h(s, arg) // one command's help: a single line
						return
					}
					var b strings.Builder
					b.WriteString("214-The following commands are recognized:\r\n")
					names := s.srv.table.names()
					for i := 0; i < len(names); i += 8 {
						fmt.Fprintf(&b, " %s\r\n", strings.Join(names[i:min(i+8, len(names))], " "))
					}
					b.WriteString("214\r\n")
					s.writeWire(codeHelp, b.String())
				}
			}, "HELP")
		},
	},
	{
		Name: "reply-delayed", Group: "connection", RFC: "959:4.2", Commands: []string{"NOOP"},
		Description: "NOOP is answered only after two minutes, beyond any reply timeout",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					t := time.NewTimer(faultReplyDelay)
					defer t.Stop()
					select {
					case <-t.C:
					case <-s.srv.stopping:
					}
					h(s, arg)
				}
			}, "NOOP")
		},
	},
	{
		Name: "retr-drops-control", Group: "transfer", RFC: "959:4.2", Commands: []string{"RETR"},
		Description: "RETR answers 150, then the server closes the control connection while the file is sent: no final reply",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					h(s, arg)
					if s.xfer != nil {
						s.conn.Close() // the session ends on its next read, and aborts the transfer
					}
				}
			}, "RETR")
		},
	},
	{
		Name: "server-close-221", Group: "connection", RFC: "959:4.2.1", Commands: []string{"<connect>"},
		Description: "when the server closes the control connection itself (idle timeout, shutdown) it answers 221, QUIT's reply, instead of 421",
		reply:       recode([]string{"<idle>", "<shutdown>"}, []int{codeNotAvailable}, codeClosing),
	},
	{
		Name: "cwd-above-root", Group: "directory", RFC: "3659:6.2", Commands: []string{"CWD", "XCWD", "CDUP", "XCUP"},
		Description: `CWD .. (or CDUP) at the root succeeds and moves above it: PWD then answers "/.."`,
		table: func(t commands) {
			// code is the command's own success code: 250 for CWD, 200 for CDUP.
			up := func(h handler, code int, target func(arg string) string) handler {
				return func(s *session, arg string) {
					// From "/.." the session is at the root again for every other path.
					if !climbsAboveRoot(path.Clean(s.cwd), target(arg)) {
						h(s, arg)
						return
					}
					// Only the name leaves the root: every path is still resolved inside it.
					s.cwd = "/.."
					s.reply(code, "Directory changed to /...")
				}
			}
			wrap(t, func(h handler) handler { return up(h, codeFileActionOK, func(arg string) string { return arg }) }, "CWD", "XCWD")
			wrap(t, func(h handler) handler { return up(h, codeOK, func(string) string { return ".." }) }, "CDUP", "XCUP")
		},
	},
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
	s.wmu.Lock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := s.conn.Write([]byte(wire))
	s.wmu.Unlock()
	s.log.Info("reply", "cmd", s.current, "code", code, "wire", wire, "fault", true)
	if err != nil {
		s.log.Debug("reply not delivered", "err", err)
	}
}

// Helpers the fault catalogue files share.

// wrap replaces the handlers of the named commands with what f makes of them.
func wrap(t commands, f func(h handler) handler, names ...string) {
	for _, n := range names {
		if c := t[n]; c != nil && c.handler != nil {
			c.handler = f(c.handler)
		}
	}
}

// wrapTable is wrap as a fault's table hook.
func wrapTable(names []string, f func(h handler) handler) func(t commands) {
	return func(t commands) { wrap(t, f, names...) }
}

// recode is a reply hook that replaces the codes from by to in the replies to cmds.
func recode(cmds []string, from []int, to int) func(string, *wireReply) {
	return func(cmd string, r *wireReply) {
		if slices.Contains(cmds, cmd) && slices.Contains(from, r.code) {
			r.code = to
		}
	}
}

// faultAbortTransfer stops the transfer in progress, if any, without a word on the control
// connection: faults that break the rules of commands sent during a transfer start with it.
func faultAbortTransfer(s *session) {
	if s.transferActive() {
		x := s.xfer
		x.abort()
		<-x.done
		s.xfer = nil
	}
}

// abortingTransfer makes a command run while a transfer is in progress and abort it first,
// where RFC 959 §4.1.1 lets the transfer complete.
func abortingTransfer(t commands, name string) {
	t[name].concurrent = true
	wrap(t, func(h handler) handler {
		return func(s *session, arg string) {
			faultAbortTransfer(s)
			h(s, arg)
		}
	}, name)
}
