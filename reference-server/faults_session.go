package refserver

import (
	"slices"
	"strconv"
	"strings"
)

// Faults of the session group: the greeting, the login sequence (RFC 959 §4.1.1, §6; RFC 2577
// §5, §7), the directory and session commands (CWD, CDUP, SMNT, REIN, QUIT), the informational
// commands (NOOP, SYST, HELP, SITE) and the reply rules of RFC 959 §4.2 and §5.3. Each breaks
// one sentence that a scenario of suites/rfc959_4_1_1_access_control.go,
// rfc959_4_1_3_informational.go, rfc959_5_4_*, rfc959_4_2_*, rfc959_5_3_*, rfc959_6_*, rfc2577_*
// or rfc1123_4_1_3_2_* checks.

// Names of session faults that act through a named check in session.go.
const (
	faultGreeting120Twice = "greeting-120-twice"
	faultIdleTimeoutOff   = "idle-timeout-off"
	faultLongLineTwice    = "long-line-two-replies"
	faultCaseSensitive    = "commands-case-sensitive"
	faultPipelineDropped  = "pipelined-commands-dropped"
)

func init() { registerFaults(sessionFaults...) }

var sessionFaults = []Fault{
	// The greeting and the connection (RFC 959 §5.4 "Connection Establishment").
	{
		Name: "greeting-not-220", Group: "connection", RFC: "959:5.4", Commands: []string{greeting},
		Description: "the greeting is 200 instead of 220 (Service ready for new user)",
		reply:       recode([]string{greeting}, []int{codeReady}, codeOK),
	},
	{
		Name: "greeting-120-as-220", Group: "connection", RFC: "959:5.4", Commands: []string{greeting},
		Description: "a server that starts with a delay says 220 at once instead of 120 (and 220 again when ready)",
		reply:       recode([]string{greeting}, []int{codeServiceReadyIn}, codeReady),
	},
	{
		Name: faultGreeting120Twice, Group: "connection", RFC: "959:4.2", Commands: []string{greeting}, check: true,
		Description: "a server that starts with a delay sends 120 twice before 220 (at most one 1yz reply is allowed)",
	},
	{
		Name: "connection-limit-220", Group: "connection", RFC: "959:5.4", Commands: []string{greeting},
		Description: "the connection beyond the connection limit is greeted 220 and then closed, instead of 421",
		reply:       recode([]string{greeting}, []int{codeNotAvailable}, codeReady),
	},
	{
		Name: faultIdleTimeoutOff, Group: "connection", RFC: "1123:4.1.3.2", Commands: []string{greeting}, check: true,
		Description: "the configured idle timeout is never applied: an idle control connection stays open",
	},

	// Login (RFC 959 §4.1.1, the login diagram of §6, RFC 2577 §5 and §7).
	{
		Name: "user-230-without-password", Group: "login", RFC: "959:4.1.1", Commands: []string{"USER", "PASS"},
		Description: "USER of a user who has a password logs in at once with 230, without asking for it",
		table: intercept([]string{"USER"}, func(s *session, arg string) bool {
			u := s.srv.users[arg]
			if u == nil || u.Anonymous || u.AccountLogin {
				return false
			}
			s.logout()
			s.user = u
			s.completeLogin()
			return true
		}),
	},
	{
		Name: "user-unknown-530", Group: "login", RFC: "2577:7", Commands: []string{"USER"},
		Description: "USER of a name that does not exist is refused with 530, which tells a client which names exist",
		table: intercept([]string{"USER"}, func(s *session, arg string) bool {
			if s.srv.users[arg] != nil {
				return false
			}
			s.logout()
			s.reply(codeNotLoggedIn, "Unknown user %s.", sanitizeName(arg))
			return true
		}),
	},
	{
		Name: "user-keeps-login", Group: "login", RFC: "959:4.1.1", Commands: []string{"USER"},
		Description: "a new USER in a logged-in session answers 331 but keeps the old login (no flush)",
		table: intercept([]string{"USER"}, func(s *session, arg string) bool {
			if !s.loggedIn {
				return false
			}
			s.pendingUser = arg
			s.reply(codeNeedPassword, "Password required for %s.", sanitizeName(arg))
			return true
		}),
	},
	{
		Name: "user-resets-params", Group: "login", RFC: "959:4.1.1", Commands: []string{"USER"},
		Description: "a new USER resets the transfer parameters to their defaults (TYPE A)",
		table: before([]string{"USER"}, func(s *session, arg string) string {
			s.params = defaultParams
			return arg
		}),
	},
	{
		Name: "user-aborts-transfer", Group: "login", RFC: "959:4.1.1", Commands: []string{"USER"},
		Description: "USER sent during a transfer aborts it (426) instead of letting it complete",
		table:       abortingTransfer("USER"),
	},
	{
		Name: "pass-sequence-unchecked", Group: "login", RFC: "959:4.1.1", Commands: []string{"PASS"},
		Description: "PASS is accepted when other commands came between USER and PASS (no 503)",
		table:       func(t commands) { t["PASS"].follows = "" },
	},
	{
		Name: "pass-retry-without-user", Group: "login", RFC: "959:4.2", Commands: []string{"PASS"},
		Description: "after a wrong password the next PASS is tried for the same user, without a new USER",
		table: combine(
			func(t commands) { t["PASS"].follows = "" },
			wrapTable([]string{"PASS"}, func(h handler) handler {
				return func(s *session, arg string) {
					name := s.pendingUser
					h(s, arg)
					if s.lastCode == codeNotLoggedIn {
						s.pendingUser = name
					}
				}
			}),
		),
	},
	{
		Name: "pass-any-password", Group: "login", RFC: "959:5.4", Commands: []string{"PASS"},
		Description: "PASS accepts any password for a user that exists",
		table: before([]string{"PASS"}, func(s *session, arg string) string {
			if u := s.srv.users[s.pendingUser]; u != nil && !isBcrypt(u.Password) {
				return u.Password
			}
			return arg
		}),
	},
	{
		Name: "login-failures-close-silently", Group: "login", RFC: "2577:5", Commands: []string{"PASS"},
		Description: "after three failed logins the server closes the control connection after a 530, without a 421",
		table: after([]string{"PASS"}, func(s *session, _ string) {
			if s.lastCode == codeNotLoggedIn && s.failures >= 3 {
				s.quit = true
			}
		}),
	},
	{
		Name: "login-limit-ignored", Group: "login", RFC: "2577:5", Commands: []string{"PASS", "ACCT"},
		Description: "the configured limit of failed logins is never reached: every wrong password is answered 530, the connection stays open",
		table: before([]string{"PASS", "ACCT"}, func(s *session, arg string) string {
			s.failures = 0
			return arg
		}),
	},
	{
		Name: "acct-login-skipped", Group: "login", RFC: "959:4.1.1", Commands: []string{"PASS", "ACCT"},
		Description: "PASS of a user who needs an account for login answers 230 instead of 332",
		table: intercept([]string{"PASS"}, func(s *session, arg string) bool {
			u := s.srv.users[s.pendingUser]
			if u == nil || !u.AccountLogin || !u.checkPassword(arg) {
				return false
			}
			s.pendingUser, s.user = "", u
			s.completeLogin()
			return true
		}),
	},
	{
		Name: "acct-login-early", Group: "login", RFC: "959:4.1.1", Commands: []string{"PASS", "ACCT"},
		Description: "PASS answers 332 but the session is already logged in before ACCT",
		table: after([]string{"PASS"}, func(s *session, _ string) {
			if !s.needAcct {
				return
			}
			if fs, err := s.srv.root.OpenRoot(rel(s.user.Home)); err == nil {
				s.setFS(fs, true, "")
				s.loggedIn, s.home = true, s.user.Home
			}
		}),
	},
	{
		Name: "acct-any-account", Group: "login", RFC: "959:5.4", Commands: []string{"ACCT"},
		Description: "ACCT accepts any account for a user who needs one for login",
		table: before([]string{"ACCT"}, func(s *session, arg string) string {
			if s.needAcct && s.user != nil {
				return s.user.Account
			}
			return arg
		}),
	},
	{
		Name: "acct-superfluous-502", Group: "login", RFC: "959:4.2", Commands: []string{"ACCT"},
		Description: "ACCT where no account is needed answers 502 instead of 202 (superfluous)",
		table: intercept([]string{"ACCT"}, func(s *session, _ string) bool {
			if s.user == nil || s.needAcct || (s.user.AccountStore && !s.acctGiven) {
				return false
			}
			s.reply(codeNotImplemented, "ACCT not implemented.")
			return true
		}),
	},
	{
		Name: "acct-before-login-230", Group: "login", RFC: "959:6", Commands: []string{"ACCT"},
		Description: "ACCT before USER answers 230 (User logged in) although nobody is logged in",
		table: intercept([]string{"ACCT"}, func(s *session, _ string) bool {
			if s.user != nil {
				return false
			}
			s.reply(codeLoggedIn, "Account noted.")
			return true
		}),
	},
	{
		Name: "login-not-enforced", Group: "login", RFC: "959:4.1.1",
		Commands:    []string{"CWD", "CDUP", "PWD", "RETR", "STOR", "LIST", "NLST", "MKD", "DELE", "RNFR"},
		Description: "commands that need a login are carried out before login, in the server's root",
		table: func(t commands) {
			for name, c := range t {
				if !c.login || c.handler == nil {
					continue
				}
				c.login = false
				intercept([]string{name}, func(s *session, _ string) bool {
					if s.loggedIn || s.fs != nil {
						return false
					}
					fs, err := s.srv.root.OpenRoot(".")
					if err != nil {
						s.reply(codeLocalError, "%s.", describe(err))
						return true
					}
					s.setFS(fs, true, "")
					if s.user == nil {
						s.user = &User{Name: "nobody", Home: "/"}
					}
					return false
				})(t)
			}
		},
	},
	{
		Name: "missing-argument-accepted", Group: "reply-format", RFC: "959:5.3.1", Commands: []string{"USER", "ACCT"},
		Description: "USER and ACCT without their argument are carried out instead of answered 501",
		table: func(t commands) {
			t["USER"].arg = argOptional
			t["ACCT"].arg = argOptional
		},
	},

	// Directory and session commands (RFC 959 §4.1.1).
	{
		Name: "cwd-no-change", Group: "directory", RFC: "959:4.1.1", Commands: []string{"CWD", "XCWD"},
		Description: "CWD answers 250 but the working directory stays where it was",
		table: wrapTable([]string{"CWD", "XCWD"}, func(h handler) handler {
			return func(s *session, arg string) {
				cwd := s.cwd
				h(s, arg)
				s.cwd = cwd
			}
		}),
	},
	{
		Name: "cwd-not-directory-250", Group: "directory", RFC: "959:5.4", Commands: []string{"CWD", "XCWD"},
		Description: "CWD to a path that is missing or not a directory answers 250 (and stays put) instead of 550",
		table: intercept([]string{"CWD", "XCWD"}, func(s *session, arg string) bool {
			if fi, err := s.stat(s.resolve(arg)); err == nil && fi.IsDir() {
				return false
			}
			s.reply(codeFileActionOK, "Directory changed.")
			return true
		}),
	},
	{
		Name: "cwd-resets-type", Group: "directory", RFC: "959:4.1.1", Commands: []string{"CWD", "XCWD"},
		Description: "CWD resets the transfer parameters to their defaults (TYPE A)",
		table:       after([]string{"CWD", "XCWD"}, func(s *session, _ string) { s.params = defaultParams }),
	},
	{
		Name: "cdup-to-root", Group: "directory", RFC: "959:4.1.1", Commands: []string{"CDUP", "XCUP"},
		Description: "CDUP goes to the root directory instead of the parent",
		table: intercept([]string{"CDUP", "XCUP"}, func(s *session, _ string) bool {
			s.cwd = "/"
			s.reply(codeOK, "Directory changed to /.")
			return true
		}),
	},
	{
		Name: "xcwd-xcup-missing", Group: "directory", RFC: "1123:4.1.3.1", Commands: []string{"XCWD", "XCUP"},
		Description: "the experimental forms XCWD and XCUP are not recognized (500)",
		table: func(t commands) {
			delete(t, "XCWD")
			delete(t, "XCUP")
		},
	},
	{
		Name: "smnt-refused", Group: "directory", RFC: "959:4.1.1", Commands: []string{"SMNT"},
		Description: "SMNT of a configured file system answers 550 instead of mounting it",
		table: intercept([]string{"SMNT"}, func(s *session, arg string) bool {
			if _, ok := s.srv.mounts[arg]; !ok {
				return false
			}
			s.reply(codeFileUnavailable, "%s: cannot mount.", sanitizeName(arg))
			return true
		}),
	},
	{
		Name: "smnt-logs-out", Group: "directory", RFC: "959:4.1.1", Commands: []string{"SMNT"},
		Description: "SMNT mounts the file system but ends the login",
		table: after([]string{"SMNT"}, func(s *session, _ string) {
			if s.lastCode == codeFileActionOK {
				s.loggedIn = false
			}
		}),
	},
	{
		Name: "smnt-unknown-250", Group: "directory", RFC: "959:5.4", Commands: []string{"SMNT"},
		Description: "SMNT of a file system that does not exist answers 250 (and mounts nothing)",
		table: intercept([]string{"SMNT"}, func(s *session, arg string) bool {
			if _, ok := s.srv.mounts[arg]; ok || arg == "~" {
				return false
			}
			s.reply(codeFileActionOK, "%s mounted.", sanitizeName(arg))
			return true
		}),
	},
	{
		Name: "rein-keeps-login", Group: "session", RFC: "959:4.1.1", Commands: []string{"REIN"},
		Description: "REIN answers 220 but the user stays logged in",
		table: func(t commands) {
			t["REIN"].handler = func(s *session, _ string) {
				s.params, s.rest = defaultParams, nil
				s.reply(codeReady, "Service ready for new user.")
			}
		},
	},
	{
		Name: "rein-keeps-params", Group: "session", RFC: "959:4.1.1", Commands: []string{"REIN"},
		Description: "REIN logs out but keeps the transfer parameters (TYPE stays as it was)",
		table:       withParams([]string{"REIN"}, func(*xferParams) {}), // restored once REIN has reset them
	},
	{
		Name: "rein-aborts-transfer", Group: "session", RFC: "959:4.1.1", Commands: []string{"REIN"},
		Description: "REIN sent during a transfer aborts it (426) instead of letting it complete",
		table:       abortingTransfer("REIN"),
	},
	{
		Name: "quit-aborts-transfer", Group: "session", RFC: "959:4.1.1", Commands: []string{"QUIT"},
		Description: "QUIT sent during a transfer aborts it (426) instead of answering after its reply",
		table:       abortingTransfer("QUIT"),
	},
	{
		Name: "quit-keeps-open", Group: "session", RFC: "959:4.1.1", Commands: []string{"QUIT"},
		Description: "QUIT answers 221 but the server does not close the control connection",
		table:       after([]string{"QUIT"}, func(s *session, _ string) { s.quit = false }),
	},

	// Informational and miscellaneous commands (RFC 959 §4.1.3).
	{
		Name: "noop-202", Group: "info", RFC: "959:5.4", Commands: []string{"NOOP"},
		Description: "NOOP answers 202 (not implemented, superfluous) instead of 200",
		reply:       recode([]string{"NOOP"}, []int{codeOK}, codeSuperfluous),
	},
	{
		Name: "info-needs-login", Group: "info", RFC: "959:5.4", Commands: []string{"NOOP", "SYST", "HELP"},
		Description: "NOOP, SYST and HELP answer 530 before login, a code their §5.4 rows do not have",
		table: func(t commands) {
			for _, name := range []string{"NOOP", "SYST", "HELP"} {
				t[name].login = true
			}
		},
	},
	{
		Name: "syst-no-name", Group: "info", RFC: "959:4.1.3", Commands: []string{"SYST"},
		Description: "SYST answers 215 without a system name",
		reply: func(cmd string, r *wireReply) {
			if cmd == "SYST" && r.code == codeSystemType {
				r.lines = []string{""}
			}
		},
	},
	{
		Name: "help-200", Group: "info", RFC: "959:4.1.3", Commands: []string{"HELP"},
		Description: "HELP answers 200 instead of 214 (or 211)",
		reply:       recode([]string{"HELP"}, []int{codeHelp}, codeOK),
	},
	{
		Name: "help-argument-502", Group: "info", RFC: "959:4.1.3", Commands: []string{"HELP"},
		Description: "HELP with a command name as argument answers 502 instead of that command's help",
		table: intercept([]string{"HELP"}, func(s *session, arg string) bool {
			if strings.TrimSpace(arg) == "" {
				return false
			}
			s.reply(codeNotImplemented, "HELP takes no argument here.")
			return true
		}),
	},
	{
		Name: "site-help-501", Group: "info", RFC: "959:4.1.3", Commands: []string{"SITE"},
		Description: "SITE HELP answers 501 instead of listing the SITE commands",
		table: intercept([]string{"SITE"}, func(s *session, arg string) bool {
			if !strings.EqualFold(strings.TrimSpace(arg), "HELP") {
				return false
			}
			s.reply(codeBadArguments, "SITE HELP: syntax error.")
			return true
		}),
	},
	{
		Name: "site-unknown-200", Group: "info", RFC: "959:5.4", Commands: []string{"SITE"},
		Description: "SITE with an unknown or no subcommand answers 200 as if it had been done",
		table: combine(
			func(t commands) { t["SITE"].arg = argOptional },
			intercept([]string{"SITE"}, func(s *session, arg string) bool {
				name, _, _ := strings.Cut(strings.TrimSpace(arg), " ")
				if siteCommands[strings.ToUpper(name)] != nil {
					return false
				}
				s.reply(codeOK, "SITE %s okay.", sanitizeName(name))
				return true
			}),
		),
	},

	// The reply rules (RFC 959 §4.2) and the command syntax (RFC 959 §5.3).
	{
		Name: "unknown-command-501", Group: "reply-format", RFC: "959:4.2.1",
		Description: "a command the server does not recognize is answered 501 (an argument error) instead of 500",
		reply: func(cmd string, r *wireReply) {
			if r.code == codeUnknownCommand && cmd != "" && !slices.ContainsFunc(commandTable, func(c command) bool { return c.name == cmd }) {
				r.code = codeBadArguments
			}
		},
	},
	{
		Name: faultLongLineTwice, Group: "reply-format", RFC: "959:4.2", check: true,
		Description: "a command line that is too long is answered twice (500, then 500 again for its tail)",
	},
	{
		Name: faultCaseSensitive, Group: "reply-format", RFC: "959:5.3",
		Description: "command names are matched case-sensitively: lower-case commands get 500",
		check:       true,
	},
	{
		Name: "type-case-sensitive", Group: "reply-format", RFC: "959:5.3", Commands: []string{"TYPE"},
		Description: "TYPE refuses lower-case parameter values (type i) with 504",
		table: intercept([]string{"TYPE"}, func(s *session, arg string) bool {
			if arg == strings.ToUpper(arg) {
				return false
			}
			s.reply(codeParamNotImpl, "TYPE %s not implemented.", sanitizeName(arg))
			return true
		}),
	},
	{
		Name: "multiline-unpadded-code", Group: "reply-format", RFC: "959:4.2",
		Description: "the second line of every multi-line reply starts with the reply code and a space, unpadded, so that it reads as the last line",
		reply: func(_ string, r *wireReply) {
			if len(r.lines) > 2 {
				r.lines[0] += r.eol + strconv.Itoa(r.code) + " " + r.lines[1]
				r.lines = slices.Delete(r.lines, 1, 2)
			}
		},
	},
	{
		Name: faultPipelineDropped, Group: "reply-format", RFC: "1123:4.1.2.10", check: true,
		Description: "commands that arrive in the same read as an earlier one are dropped unanswered",
	},
}
