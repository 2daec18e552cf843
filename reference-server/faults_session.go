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
		Name: "greeting-not-220", Group: "connection", RFC: "959:5.4", Commands: []string{"<connect>"},
		Description: "the greeting is 200 instead of 220 (Service ready for new user)",
		reply:       recode([]string{"<connect>"}, []int{codeReady}, codeOK),
	},
	{
		Name: "greeting-120-as-220", Group: "connection", RFC: "959:5.4", Commands: []string{"<connect>"},
		Description: "a server that starts with a delay says 220 at once instead of 120 (and 220 again when ready)",
		reply:       recode([]string{"<connect>"}, []int{codeServiceReadyIn}, codeReady),
	},
	{
		Name: faultGreeting120Twice, Group: "connection", RFC: "959:4.2", Commands: []string{"<connect>"}, check: true,
		Description: "a server that starts with a delay sends 120 twice before 220 (at most one 1yz reply is allowed)",
	},
	{
		Name: "connection-limit-220", Group: "connection", RFC: "959:5.4", Commands: []string{"<connect>"},
		Description: "the connection beyond the connection limit is greeted 220 and then closed, instead of 421",
		reply:       recode([]string{"<connect>"}, []int{codeNotAvailable}, codeReady),
	},
	{
		Name: faultIdleTimeoutOff, Group: "connection", RFC: "1123:4.1.3.2", Commands: []string{"<connect>"}, check: true,
		Description: "the configured idle timeout is never applied: an idle control connection stays open",
	},

	// Login (RFC 959 §4.1.1, the login diagram of §6, RFC 2577 §5 and §7).
	{
		Name: "user-230-without-password", Group: "login", RFC: "959:4.1.1", Commands: []string{"USER", "PASS"},
		Description: "USER of a user who has a password logs in at once with 230, without asking for it",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					u := s.srv.users[arg]
					if u == nil || u.Anonymous || u.AccountLogin {
						h(s, arg)
						return
					}
					s.logout()
					s.user = u
					s.completeLogin()
				}
			}, "USER")
		},
	},
	{
		Name: "user-unknown-530", Group: "login", RFC: "2577:7", Commands: []string{"USER"},
		Description: "USER of a name that does not exist is refused with 530, which tells a client which names exist",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					if s.srv.users[arg] == nil {
						s.logout()
						s.reply(codeNotLoggedIn, "Unknown user %s.", sanitizeName(arg))
						return
					}
					h(s, arg)
				}
			}, "USER")
		},
	},
	{
		Name: "user-keeps-login", Group: "login", RFC: "959:4.1.1", Commands: []string{"USER"},
		Description: "a new USER in a logged-in session answers 331 but keeps the old login (no flush)",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					if !s.loggedIn {
						h(s, arg)
						return
					}
					s.pendingUser = arg
					s.reply(codeNeedPassword, "Password required for %s.", sanitizeName(arg))
				}
			}, "USER")
		},
	},
	{
		Name: "user-resets-params", Group: "login", RFC: "959:4.1.1", Commands: []string{"USER"},
		Description: "a new USER resets the transfer parameters to their defaults (TYPE A)",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					s.params = defaultParams
					h(s, arg)
				}
			}, "USER")
		},
	},
	{
		Name: "user-aborts-transfer", Group: "login", RFC: "959:4.1.1", Commands: []string{"USER"},
		Description: "USER sent during a transfer aborts it (426) instead of letting it complete",
		table:       func(t commands) { abortingTransfer(t, "USER") },
	},
	{
		Name: "pass-sequence-unchecked", Group: "login", RFC: "959:4.1.1", Commands: []string{"PASS"},
		Description: "PASS is accepted when other commands came between USER and PASS (no 503)",
		table:       func(t commands) { t["PASS"].follows = "" },
	},
	{
		Name: "pass-retry-without-user", Group: "login", RFC: "959:4.2", Commands: []string{"PASS"},
		Description: "after a wrong password the next PASS is tried for the same user, without a new USER",
		table: func(t commands) {
			t["PASS"].follows = ""
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					name := s.pendingUser
					h(s, arg)
					if s.lastCode == codeNotLoggedIn {
						s.pendingUser = name
					}
				}
			}, "PASS")
		},
	},
	{
		Name: "pass-any-password", Group: "login", RFC: "959:5.4", Commands: []string{"PASS"},
		Description: "PASS accepts any password for a user that exists",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					if u := s.srv.users[s.pendingUser]; u != nil && !isBcrypt(u.Password) {
						arg = u.Password
					}
					h(s, arg)
				}
			}, "PASS")
		},
	},
	{
		Name: "login-failures-close-silently", Group: "login", RFC: "2577:5", Commands: []string{"PASS"},
		Description: "after three failed logins the server closes the control connection after a 530, without a 421",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					h(s, arg)
					if s.lastCode == codeNotLoggedIn && s.failures >= 3 {
						s.quit = true
					}
				}
			}, "PASS")
		},
	},
	{
		Name: "login-limit-ignored", Group: "login", RFC: "2577:5", Commands: []string{"PASS", "ACCT"},
		Description: "the configured limit of failed logins is never reached: every wrong password is answered 530, the connection stays open",
		table: wrapTable([]string{"PASS", "ACCT"}, func(h handler) handler {
			return func(s *session, arg string) {
				s.failures = 0
				h(s, arg)
			}
		}),
	},
	{
		Name: "acct-login-skipped", Group: "login", RFC: "959:4.1.1", Commands: []string{"PASS", "ACCT"},
		Description: "PASS of a user who needs an account for login answers 230 instead of 332",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					u := s.srv.users[s.pendingUser]
					if u == nil || !u.AccountLogin || !u.checkPassword(arg) {
						h(s, arg)
						return
					}
					s.pendingUser, s.user = "", u
					s.completeLogin()
				}
			}, "PASS")
		},
	},
	{
		Name: "acct-login-early", Group: "login", RFC: "959:4.1.1", Commands: []string{"PASS", "ACCT"},
		Description: "PASS answers 332 but the session is already logged in before ACCT",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					h(s, arg)
					if !s.needAcct {
						return
					}
					if fs, err := s.srv.root.OpenRoot(rel(s.user.Home)); err == nil {
						s.setFS(fs, true, "")
						s.loggedIn, s.home = true, s.user.Home
					}
				}
			}, "PASS")
		},
	},
	{
		Name: "acct-any-account", Group: "login", RFC: "959:5.4", Commands: []string{"ACCT"},
		Description: "ACCT accepts any account for a user who needs one for login",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					if s.needAcct && s.user != nil {
						arg = s.user.Account
					}
					h(s, arg)
				}
			}, "ACCT")
		},
	},
	{
		Name: "acct-superfluous-502", Group: "login", RFC: "959:4.2", Commands: []string{"ACCT"},
		Description: "ACCT where no account is needed answers 502 instead of 202 (superfluous)",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					if s.user != nil && !s.needAcct && !(s.user.AccountStore && !s.acctGiven) {
						s.reply(codeNotImplemented, "ACCT not implemented.")
						return
					}
					h(s, arg)
				}
			}, "ACCT")
		},
	},
	{
		Name: "acct-before-login-230", Group: "login", RFC: "959:6", Commands: []string{"ACCT"},
		Description: "ACCT before USER answers 230 (User logged in) although nobody is logged in",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					if s.user == nil {
						s.reply(codeLoggedIn, "Account noted.")
						return
					}
					h(s, arg)
				}
			}, "ACCT")
		},
	},
	{
		Name: "login-not-enforced", Group: "login", RFC: "959:4.1.1",
		Commands:    []string{"CWD", "CDUP", "PWD", "RETR", "STOR", "LIST", "NLST", "MKD", "DELE", "RNFR"},
		Description: "commands that need a login are carried out before login, in the server's root",
		table: func(t commands) {
			for _, c := range t {
				if !c.login || c.handler == nil {
					continue
				}
				c.login = false
				h := c.handler
				c.handler = func(s *session, arg string) {
					if !s.loggedIn && s.fs == nil {
						fs, err := s.srv.root.OpenRoot(".")
						if err != nil {
							s.reply(codeLocalError, "%s.", describe(err))
							return
						}
						s.setFS(fs, true, "")
						if s.user == nil {
							s.user = &User{Name: "nobody", Home: "/"}
						}
					}
					h(s, arg)
				}
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
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					cwd := s.cwd
					h(s, arg)
					s.cwd = cwd
				}
			}, "CWD", "XCWD")
		},
	},
	{
		Name: "cwd-not-directory-250", Group: "directory", RFC: "959:5.4", Commands: []string{"CWD", "XCWD"},
		Description: "CWD to a path that is missing or not a directory answers 250 (and stays put) instead of 550",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					if fi, err := s.statV(s.resolve(arg)); err != nil || !fi.IsDir() {
						s.reply(codeFileActionOK, "Directory changed.")
						return
					}
					h(s, arg)
				}
			}, "CWD", "XCWD")
		},
	},
	{
		Name: "cwd-resets-type", Group: "directory", RFC: "959:4.1.1", Commands: []string{"CWD", "XCWD"},
		Description: "CWD resets the transfer parameters to their defaults (TYPE A)",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					h(s, arg)
					s.params = defaultParams
				}
			}, "CWD", "XCWD")
		},
	},
	{
		Name: "cdup-to-root", Group: "directory", RFC: "959:4.1.1", Commands: []string{"CDUP", "XCUP"},
		Description: "CDUP goes to the root directory instead of the parent",
		table: func(t commands) {
			wrap(t, func(handler) handler {
				return func(s *session, _ string) {
					s.cwd = "/"
					s.reply(codeOK, "Directory changed to /.")
				}
			}, "CDUP", "XCUP")
		},
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
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					if _, ok := s.srv.mounts[arg]; ok {
						s.reply(codeFileUnavailable, "%s: cannot mount.", sanitizeName(arg))
						return
					}
					h(s, arg)
				}
			}, "SMNT")
		},
	},
	{
		Name: "smnt-logs-out", Group: "directory", RFC: "959:4.1.1", Commands: []string{"SMNT"},
		Description: "SMNT mounts the file system but ends the login",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					h(s, arg)
					if s.lastCode == codeFileActionOK {
						s.loggedIn = false
					}
				}
			}, "SMNT")
		},
	},
	{
		Name: "smnt-unknown-250", Group: "directory", RFC: "959:5.4", Commands: []string{"SMNT"},
		Description: "SMNT of a file system that does not exist answers 250 (and mounts nothing)",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					if _, ok := s.srv.mounts[arg]; !ok && arg != "~" {
						s.reply(codeFileActionOK, "%s mounted.", sanitizeName(arg))
						return
					}
					h(s, arg)
				}
			}, "SMNT")
		},
	},
	{
		Name: "rein-keeps-login", Group: "session", RFC: "959:4.1.1", Commands: []string{"REIN"},
		Description: "REIN answers 220 but the user stays logged in",
		table: func(t commands) {
			wrap(t, func(handler) handler {
				return func(s *session, _ string) {
					s.params, s.rest = defaultParams, nil
					s.reply(codeReady, "Service ready for new user.")
				}
			}, "REIN")
		},
	},
	{
		Name: "rein-keeps-params", Group: "session", RFC: "959:4.1.1", Commands: []string{"REIN"},
		Description: "REIN logs out but keeps the transfer parameters (TYPE stays as it was)",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					p := s.params
					h(s, arg)
					s.params = p
				}
			}, "REIN")
		},
	},
	{
		Name: "rein-aborts-transfer", Group: "session", RFC: "959:4.1.1", Commands: []string{"REIN"},
		Description: "REIN sent during a transfer aborts it (426) instead of letting it complete",
		table:       func(t commands) { abortingTransfer(t, "REIN") },
	},
	{
		Name: "quit-aborts-transfer", Group: "session", RFC: "959:4.1.1", Commands: []string{"QUIT"},
		Description: "QUIT sent during a transfer aborts it (426) instead of answering after its reply",
		table:       func(t commands) { abortingTransfer(t, "QUIT") },
	},
	{
		Name: "quit-keeps-open", Group: "session", RFC: "959:4.1.1", Commands: []string{"QUIT"},
		Description: "QUIT answers 221 but the server does not close the control connection",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					h(s, arg)
					s.quit = false
				}
			}, "QUIT")
		},
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
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					if strings.TrimSpace(arg) != "" {
						s.reply(codeNotImplemented, "HELP takes no argument here.")
						return
					}
					h(s, arg)
				}
			}, "HELP")
		},
	},
	{
		Name: "site-help-501", Group: "info", RFC: "959:4.1.3", Commands: []string{"SITE"},
		Description: "SITE HELP answers 501 instead of listing the SITE commands",
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					if strings.EqualFold(strings.TrimSpace(arg), "HELP") {
						s.reply(codeBadArguments, "SITE HELP: syntax error.")
						return
					}
					h(s, arg)
				}
			}, "SITE")
		},
	},
	{
		Name: "site-unknown-200", Group: "info", RFC: "959:5.4", Commands: []string{"SITE"},
		Description: "SITE with an unknown or no subcommand answers 200 as if it had been done",
		table: func(t commands) {
			t["SITE"].arg = argOptional
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					name, _, _ := strings.Cut(strings.TrimSpace(arg), " ")
					if siteCommands[strings.ToUpper(name)] == nil {
						s.reply(codeOK, "SITE %s okay.", sanitizeName(name))
						return
					}
					h(s, arg)
				}
			}, "SITE")
		},
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
		table: func(t commands) {
			wrap(t, func(h handler) handler {
				return func(s *session, arg string) {
					if arg != strings.ToUpper(arg) {
						s.reply(codeParamNotImpl, "TYPE %s not implemented.", sanitizeName(arg))
						return
					}
					h(s, arg)
				}
			}, "TYPE")
		},
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
