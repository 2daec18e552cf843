package refserver

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// SYST (RFC 959 §4.1.3): 215 with a system name from the Assigned Numbers list; "UNIX Type: L8"
// is what clients expect of a server that stores 8-bit bytes.
func cmdSYST(s *session, _ string) { s.reply(codeSystemType, "UNIX Type: L8") }

// NOOP (RFC 959 §4.1.3): 200.
func cmdNOOP(s *session, _ string) { s.reply(codeOK, "NOOP ok.") }

// HELP (RFC 959 §4.1.3): 214 with the commands of the table, or the help of one command.
func cmdHELP(s *session, arg string) {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		lines := []string{"The following commands are recognized (* = not implemented):"}
		names := s.srv.table.names()
		for i := 0; i < len(names); i += 8 {
			var row strings.Builder
			for _, n := range names[i:min(i+8, len(names))] {
				if s.srv.table[n].handler == nil {
					n += "*"
				}
				fmt.Fprintf(&row, " %-5s", n)
			}
			lines = append(lines, strings.TrimRight(row.String(), " "))
		}
		lines = append(lines, "Help OK.")
		s.replyLines(codeHelp, lines...)
		return
	}
	name, sub, _ := strings.Cut(arg, " ")
	name = strings.ToUpper(name)
	if name == "SITE" && sub != "" {
		if sc := siteCommands[strings.ToUpper(strings.TrimSpace(sub))]; sc != nil {
			s.reply(codeHelp, "Syntax: SITE %s - %s.", sc.syntax, sc.help)
			return
		}
	}
	c := s.srv.table[name]
	if c == nil {
		s.reply(codeBadArguments, "HELP: unknown command %s.", sanitizeName(name))
		return
	}
	s.reply(codeHelp, "%s", c.helpText())
}

// siteCommand is one row of SITE's own table.
type siteCommand struct {
	name    string
	handler handler
	arg     argRule
	syntax  string
	help    string
}

// siteCommandList is SITE's table, in the order SITE HELP shows it (filled by init, because
// SITE HELP reads it).
var siteCommandList []*siteCommand

var siteCommands = map[string]*siteCommand{}

func init() {
	siteCommandList = []*siteCommand{
		{name: "HELP", handler: siteHELP, arg: argOptional, syntax: "HELP", help: "list the SITE commands"},
		{name: "CHMOD", handler: siteCHMOD, arg: argRequired, syntax: "CHMOD <octal mode> <path>", help: "change the permission bits of a file"},
		{name: "IDLE", handler: siteIDLE, arg: argOptional, syntax: "IDLE [<seconds>]", help: "show or set the idle timeout of this session (30 to 7200 seconds)"},
	}
	for _, c := range siteCommandList {
		siteCommands[c.name] = c
	}
}

// SITE (RFC 959 §4.1.3): the replies stay within its §5.4 row (200, 202, 500, 501, 530): an
// unknown SITE command or a failure is 501.
func cmdSITE(s *session, arg string) {
	name, rest, _ := strings.Cut(strings.TrimSpace(arg), " ")
	c := siteCommands[strings.ToUpper(name)]
	switch {
	case c == nil:
		s.reply(codeBadArguments, "SITE %s: unknown SITE command (SITE HELP lists them).", sanitizeName(name))
	case c.arg == argRequired && strings.TrimSpace(rest) == "":
		s.reply(codeBadArguments, "Syntax: SITE %s.", c.syntax)
	default:
		c.handler(s, rest)
	}
}

// SITE HELP: a multi-line 200 (SITE's row has no 214).
func siteHELP(s *session, _ string) {
	lines := []string{"SITE commands:"}
	for _, c := range siteCommandList {
		lines = append(lines, fmt.Sprintf(" %-30s %s", c.syntax, c.help))
	}
	lines = append(lines, "End of SITE help.")
	s.replyLines(codeOK, lines...)
}

// SITE CHMOD mode path.
func siteCHMOD(s *session, arg string) {
	modeText, p, ok := strings.Cut(strings.TrimSpace(arg), " ")
	mode, err := strconv.ParseUint(modeText, 8, 32)
	if !ok || err != nil || mode > 0o777 || strings.TrimSpace(p) == "" {
		s.reply(codeBadArguments, "Syntax: SITE CHMOD <octal mode> <path>.")
		return
	}
	v := s.resolve(p)
	switch {
	case s.user.AccountStore && !s.acctGiven:
		s.reply(codeBadArguments, "SITE CHMOD %s: send ACCT first.", v)
	case s.writeDenied(v):
		s.reply(codeBadArguments, "SITE CHMOD %s: Permission denied.", v)
	default:
		if err := s.fs.Chmod(rel(v), fs.FileMode(mode)); err != nil {
			s.reply(codeBadArguments, "SITE CHMOD %s: %s.", v, describe(err))
			return
		}
		s.reply(codeOK, "SITE CHMOD %03o %s done.", mode, v)
	}
}

// SITE IDLE [seconds]: shows or sets this session's idle timeout.
func siteIDLE(s *session, arg string) {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		if s.idle == 0 {
			s.reply(codeOK, "No idle timeout.")
		} else {
			s.reply(codeOK, "Idle timeout is %d seconds.", int(s.idle/time.Second))
		}
		return
	}
	n, err := strconv.Atoi(arg)
	if err != nil || n < 30 || n > 7200 {
		s.reply(codeBadArguments, "SITE IDLE: %q is not a number of seconds from 30 to 7200.", sanitizeName(arg))
		return
	}
	s.idle = time.Duration(n) * time.Second
	s.reply(codeOK, "Idle timeout set to %d seconds.", n)
}
