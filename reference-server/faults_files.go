package refserver

import (
	"io"
	"net"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Faults of the FTP service commands (RFC 959 §4.1.3) and of the rename and restart sequences
// (§6, RFC 3659 §5): transfers, STOU, APPE, ALLO, REST, RNFR/RNTO, DELE, RMD, MKD, PWD, the
// listings, STAT and ABOR. Each breaks one rule that a scenario of suites/rfc959_4_1_3_*.go,
// rfc959_6_*.go, rfc1123_4_1_2_9_*.go or rfc3659_5_rest_*.go checks.

// Names of the faults that act through a named check in the server's code.
const (
	faultRETRShort        = "retr-short"              // retr.go, cmdRETR
	faultSTORTruncates    = "stor-truncates-upload"   // store.go, store
	faultSTOUOverwrites   = "stou-overwrites"         // store.go, createUnique
	faultRefusedNameOK    = "refused-name-accepted"   // store.go, store; files.go, cmdRNTO
	faultRESTLocalOffset  = "rest-ascii-local-offset" // retr.go, restOffset
	faultListEmpty        = "list-empty"              // listing.go, sendListing
	faultNLSTLongForm     = "nlst-long-form"          // listing.go, sendListing
	faultListMissingEmpty = "listing-missing-empty"   // listing.go, sendListing
	faultListFollowsType  = "listing-follows-type"    // listing.go, sendListing
	faultAborDataOpen     = "abor-data-left-open"     // transfer.go, transfer.run (leftOpenOnAbort)
)

// faultStoredBytes is what stor-truncates-upload keeps of an upload.
const faultStoredBytes = 1024

func init() { registerFaults(fileFaults...) }

var fileFaults = []Fault{
	// Transfers (RFC 959 §4.1.3, §5.4).
	{
		Name: "retr-226-as-250", Group: "transfer", RFC: "959:5.4", Commands: []string{"RETR"},
		Description: "RETR ends with 250 instead of 226 (same class, but a code §5.4's order does not give after the data connection closes)",
		reply:       recode([]string{"RETR"}, []int{codeClosingData}, codeFileActionOK),
	},
	{
		Name: faultRETRShort, Group: "transfer", RFC: "959:4.1.3", Commands: []string{"RETR"}, check: true,
		Description: "RETR sends all but the last byte of the file and still answers 226",
	},
	{
		Name: "retr-truncates-file", Group: "transfer", RFC: "959:4.1.3", Commands: []string{"RETR"},
		Description: "RETR empties the file once it has been sent, as if the download consumed it",
		table: after([]string{"RETR"}, func(s *session, arg string) {
			if x := s.xfer; x != nil {
				<-x.done
				if f, err := s.fs.OpenFile(rel(s.resolve(arg)), os.O_WRONLY|os.O_TRUNC, 0); err == nil {
					f.Close()
				}
			}
		}),
	},
	{
		Name: "retr-nonfile-empty", Group: "transfer", RFC: "959:4.2.1", Commands: []string{"RETR"},
		Description: "RETR of a missing file or of a directory answers 150, sends nothing and ends with 226",
		table: intercept([]string{"RETR"}, func(s *session, arg string) bool {
			v := s.resolve(arg)
			if fi, err := s.stat(v); err == nil && fi.Mode().IsRegular() {
				return false
			}
			s.startTransfer(v, 0, "Opening data connection for "+v+" (0 bytes).", func() string { return "Transfer complete." },
				func(*transfer, io.ReadWriter) error { return nil })
			return true
		}),
	},
	{
		Name: "retr-busy-as-550", Group: "transfer", RFC: "959:4.2.1", Commands: []string{"RETR"},
		Description: "RETR of a busy file answers 550 (permanent) instead of 450 (transient)",
		reply:       recode([]string{"RETR"}, []int{codeFileBusy}, codeFileUnavailable),
	},
	{
		Name: "local-error-as-226", Group: "transfer", RFC: "959:5.4", Commands: transferCommands,
		Description: "a transfer that fails with a local error (451) ends with 226 instead",
		reply:       recode(transferCommands, []int{codeLocalError}, codeClosingData),
	},
	{
		Name: "storage-errors-as-226", Group: "transfer", RFC: "959:5.4", Commands: storeCommands,
		Description: "an upload refused for lack of room (452) or beyond the quota (552) is answered 226",
		reply:       recode(storeCommands, []int{codeNoSpace, codeExceededStorage}, codeClosingData),
	},
	{
		Name: "aborted-as-226", Group: "transfer", RFC: "959:4.1.3", Commands: append([]string{"ABOR"}, transferCommands...),
		Description: "a transfer whose data connection was aborted or lost ends with 226 instead of 426",
		reply:       recode(transferCommands, []int{codeTransferAborted}, codeClosingData),
	},
	{
		Name: "double-preliminary", Group: "transfer", RFC: "959:6", Commands: []string{"RETR"},
		Description: "RETR sends two 150 replies before its completion reply",
		table: before([]string{"RETR"}, func(s *session, arg string) string {
			s.writeReply(s.current, codeFileStatusOK, "File status okay; about to open data connection.")
			return arg
		}),
	},
	{
		Name: faultSTORTruncates, Group: "transfer", RFC: "959:4.1.3", Commands: []string{"STOR"}, check: true,
		Description: "STOR keeps only the first 1024 bytes of an upload and still answers 226",
	},
	{
		Name: "stor-appends", Group: "transfer", RFC: "959:4.1.3", Commands: []string{"STOR"},
		Description: "STOR onto an existing file appends to it instead of replacing its contents",
		table: func(t commands) {
			t["STOR"].handler = func(s *session, arg string) { s.store(s.resolve(arg), storeAppend) }
		},
	},
	{
		Name: "appe-truncates", Group: "transfer", RFC: "959:4.1.3", Commands: []string{"APPE"},
		Description: "APPE onto an existing file replaces its contents instead of appending",
		table: func(t commands) {
			t["APPE"].handler = func(s *session, arg string) { s.store(s.resolve(arg), storeReplace) }
		},
	},
	{
		Name: "appe-no-create", Group: "transfer", RFC: "959:4.1.3", Commands: []string{"APPE"},
		Description: "APPE of a file that does not exist answers 550 instead of creating it",
		table: intercept([]string{"APPE"}, func(s *session, arg string) bool {
			v := s.resolve(arg)
			if _, err := s.fs.Lstat(rel(v)); err == nil {
				return false
			}
			s.reply(codeFileUnavailable, "%s: No such file or directory.", v)
			return true
		}),
	},
	{
		Name: faultSTOUOverwrites, Group: "transfer", RFC: "959:4.1.3", Commands: []string{"STOU"}, check: true,
		Description: "STOU always writes the same name, replacing the file of that name if there is one",
	},
	{
		Name: "stou-unnamed-preliminary", Group: "transfer", RFC: "1123:4.1.2.9", Commands: []string{"STOU"},
		Description: "STOU's 150 (or 125) reply does not name the file (no \"FILE: pppp\")",
		reply: func(cmd string, r *wireReply) {
			if cmd == "STOU" && (r.code == codeFileStatusOK || r.code == codeAlreadyOpen) {
				r.lines = []string{"Ok to send data."}
			}
		},
	},
	{
		Name: "stou-unnamed-completion", Group: "transfer", RFC: "959:4.1.3", Commands: []string{"STOU"},
		Description: "STOU's completion reply (226) does not name the file it stored",
		reply: func(cmd string, r *wireReply) {
			if cmd == "STOU" && (r.code == codeClosingData || r.code == codeFileActionOK) {
				r.lines = []string{"Transfer complete."}
			}
		},
	},
	{
		Name: "acct-store-ignored", Group: "transfer", RFC: "959:4.2.1", Commands: storeCommands,
		Description: "a user who needs an account to store files (532) may store without ACCT",
		table: wrapTable(storeCommands, func(h handler) handler {
			return func(s *session, arg string) {
				if s.user != nil && s.user.AccountStore && !s.acctGiven {
					s.acctGiven = true
					defer func() { s.acctGiven = false }()
				}
				h(s, arg)
			}
		}),
	},
	{
		Name: faultRefusedNameOK, Group: "transfer", RFC: "959:4.2.1", Commands: []string{"STOR", "STOU", "APPE", "RNTO"}, check: true,
		Description: "file names the policy refuses (553) are accepted by STOR, STOU, APPE and RNTO",
	},
	{
		Name: "allo-refused", Group: "transfer", RFC: "959:4.1.3", Commands: []string{"ALLO"},
		Description: "ALLO with a byte count (and R with a record size) is refused with 501 instead of being treated as NOOP",
		table: func(t commands) {
			t["ALLO"].handler = func(s *session, _ string) { s.reply(codeBadArguments, "ALLO: not accepted.") }
		},
	},

	// Restart (RFC 959 §4.1.3, §6; RFC 3659 §5).
	{
		Name: "rest-ignored", Group: "restart", RFC: "3659:5.3", Commands: []string{"REST", "RETR", "STOR"},
		Description: "REST answers 350 but the offset is not kept: the next transfer starts at 0",
		table:       after([]string{"REST"}, func(s *session, _ string) { s.rest = nil }),
	},
	{
		Name: "rest-off-by-one", Group: "restart", RFC: "3659:5.3", Commands: []string{"REST", "RETR", "STOR"},
		Description: "REST keeps the offset one octet beyond the one given",
		table: after([]string{"REST"}, func(s *session, _ string) {
			if s.rest != nil {
				n := *s.rest + 1
				s.rest = &n
			}
		}),
	},
	{
		Name: "rest-sticky", Group: "restart", RFC: "3659:5.3", Commands: []string{"REST", "RETR", "STOR"},
		Description: "the REST offset stays for every later transfer, not only the next one",
		table: wrapTable([]string{"RETR", "STOR"}, func(h handler) handler {
			return func(s *session, arg string) {
				kept := s.restArg
				h(s, arg)
				if kept != nil {
					n := *kept
					s.rest = &n
				}
			}
		}),
	},
	{
		Name: "rest-beyond-eof-ignored", Group: "restart", RFC: "3659:5.3", Commands: []string{"REST", "RETR"},
		Description: "a REST offset beyond the end of the file is ignored: RETR sends the whole file with 226",
		table: before([]string{"RETR"}, func(s *session, arg string) string {
			if s.restArg != nil {
				if fi, err := s.stat(s.resolve(arg)); err == nil && *s.restArg > fi.Size() {
					s.restArg = nil
				}
			}
			return arg
		}),
	},
	{
		Name: "rest-accepts-garbage", Group: "restart", RFC: "3659:5.3", Commands: []string{"REST"},
		Description: "REST answers 350 to any argument, digits or not",
		table: func(t commands) {
			t["REST"].handler = func(s *session, arg string) {
				n, err := strconv.ParseInt(arg, 10, 64)
				if err != nil || n < 0 {
					n = 0
				}
				s.rest = &n
				s.reply(codePending, "Restarting at %s. Send RETR or STOR.", sanitizeName(arg))
			}
		},
	},
	{
		Name: faultRESTLocalOffset, Group: "restart", RFC: "3659:5.3", Commands: []string{"REST", "RETR"}, check: true,
		Description: "in TYPE A, the REST offset is taken in the stored file rather than in the transferred form (CRLF line ends)",
	},

	// Rename (RFC 959 §4.1.3, §6).
	{
		Name: "rnto-without-rnfr", Group: "rename", RFC: "959:4.1.3", Commands: []string{"RNTO"},
		Description: "RNTO without a preceding RNFR is answered 250 instead of 503",
		table: func(t commands) {
			t["RNTO"].follows = ""
			intercept([]string{"RNTO"}, func(s *session, _ string) bool {
				if s.renameFrom != "" {
					return false
				}
				s.reply(codeFileActionOK, "Renamed.")
				return true
			})(t)
		},
	},
	{
		Name: "rnto-no-rename", Group: "rename", RFC: "959:4.1.3", Commands: []string{"RNTO"},
		Description: "RNTO after RNFR answers 250 but renames nothing",
		table: intercept([]string{"RNTO"}, func(s *session, arg string) bool {
			if s.renameFrom == "" {
				return false
			}
			s.reply(codeFileActionOK, "%s renamed to %s.", s.renameFrom, s.resolve(arg))
			return true
		}),
	},
	{
		Name: "rnfr-missing-350", Group: "rename", RFC: "959:4.2.1", Commands: []string{"RNFR"},
		Description: "RNFR of a file that does not exist answers 350 instead of 550",
		table: intercept([]string{"RNFR"}, func(s *session, arg string) bool {
			v := s.resolve(arg)
			if _, err := s.fs.Lstat(rel(v)); err == nil || v == "/" || s.writeDenied(v) {
				return false
			}
			s.renameFrom = v
			s.reply(codePending, "%s: ready for RNTO.", v)
			return true
		}),
	},
	{
		Name: "rnfr-250", Group: "rename", RFC: "959:4.2", Commands: []string{"RNFR"},
		Description: "RNFR answers 250 (completion) instead of 350 (intermediate), though it waits for RNTO",
		reply:       recode([]string{"RNFR"}, []int{codePending}, codeFileActionOK),
	},
	{
		Name: "rnfr-sticky", Group: "rename", RFC: "959:4.1.3", Commands: []string{"RNFR", "RNTO"},
		Description: "the path given to RNFR survives other commands: RNTO is accepted even when it does not follow RNFR at once",
		table: func(t commands) {
			after([]string{"RNFR"}, func(s *session, _ string) {
				if s.renameFrom != "" {
					faultStickyRenames.Store(s, s.renameFrom)
				}
			})(t)
			t["RNTO"].follows = ""
			before([]string{"RNTO"}, func(s *session, arg string) string {
				if v, ok := faultStickyRenames.LoadAndDelete(s); ok && s.renameFrom == "" {
					s.renameFrom = v.(string)
				}
				return arg
			})(t)
		},
	},

	// DELE, RMD, MKD, PWD (RFC 959 §4.1.3, appendix II; RFC 1123 §4.1.3.1).
	{
		Name: "dele-always-250", Group: "files", RFC: "959:4.1.3", Commands: []string{"DELE"},
		Description: "DELE answers 250 and deletes nothing, whether the file exists or not",
		table: func(t commands) {
			t["DELE"].handler = func(s *session, arg string) { s.reply(codeFileActionOK, "%s deleted.", s.resolve(arg)) }
		},
	},
	{
		Name: "rmd-always-250", Group: "directory", RFC: "959:4.1.3", Commands: []string{"RMD"},
		Description: "RMD answers 250 and removes nothing, whether the directory exists or not",
		table: func(t commands) {
			t["RMD"].handler = func(s *session, arg string) { s.reply(codeFileActionOK, "Directory %s removed.", s.resolve(arg)) }
		},
	},
	{
		Name: "rmd-recursive", Group: "directory", RFC: "959:4.1.3", Commands: []string{"RMD"},
		Description: "RMD of a directory that holds files removes it with everything in it",
		table: intercept([]string{"RMD"}, func(s *session, arg string) bool {
			v := s.resolve(arg)
			fi, err := s.fs.Lstat(rel(v))
			removable := err == nil && fi.IsDir() && v != "/" && !s.writeDenied(v) && !strings.HasPrefix(s.cwd+"/", v+"/")
			if !removable || s.fs.RemoveAll(rel(v)) != nil {
				return false
			}
			s.reply(codeFileActionOK, "Directory %s removed.", v)
			return true
		}),
	},
	{
		Name: "mkd-exists-257", Group: "directory", RFC: "959:appendix-2", Commands: []string{"MKD"},
		Description: "MKD of a directory that already exists answers 257 instead of an error",
		table: intercept([]string{"MKD"}, func(s *session, arg string) bool {
			v := s.resolve(arg)
			if fi, err := s.stat(v); err != nil || !fi.IsDir() {
				return false
			}
			s.reply(codePathCreated, "%s created.", quotePath(v))
			return true
		}),
	},
	{
		Name: "mkd-reply-not-absolute", Group: "directory", RFC: "959:appendix-2", Commands: []string{"MKD"},
		Description: "MKD's 257 names the new directory by its last name only, not by its absolute path",
		reply: func(cmd string, r *wireReply) {
			if cmd == "MKD" && r.code == codePathCreated {
				if p, rest, ok := splitQuotedPath(r.lines[0]); ok {
					r.lines[0] = quotePath(path.Base(p)) + rest
				}
			}
		},
	},
	{
		Name: "mkd-relative-to-root", Group: "directory", RFC: "959:4.1.3", Commands: []string{"MKD"},
		Description: "MKD of a relative name makes the directory under / instead of the current directory",
		table: before([]string{"MKD"}, func(_ *session, arg string) string {
			if !strings.HasPrefix(arg, "/") {
				arg = "/" + arg
			}
			return arg
		}),
	},
	{
		Name: "pwd-unquoted", Group: "directory", RFC: "959:appendix-2", Commands: []string{"PWD", "XPWD"},
		Description: "PWD answers 257 with the path not in double quotes",
		reply: func(cmd string, r *wireReply) {
			if (cmd == "PWD" || cmd == "XPWD") && r.code == codePathCreated {
				if p, rest, ok := splitQuotedPath(r.lines[0]); ok {
					r.lines[0] = p + rest
				}
			}
		},
	},
	{
		Name: "path-quotes-undoubled", Group: "directory", RFC: "959:appendix-2", Commands: []string{"MKD", "XMKD", "PWD", "XPWD"},
		Description: "MKD's and PWD's 257 do not double the double quotes inside the path",
		reply: func(cmd string, r *wireReply) {
			if slices.Contains([]string{"MKD", "XMKD", "PWD", "XPWD"}, cmd) && r.code == codePathCreated {
				if p, rest, ok := splitQuotedPath(r.lines[0]); ok {
					r.lines[0] = `"` + p + `"` + rest
				}
			}
		},
	},
	{
		Name: "x-directory-commands-missing", Group: "directory", RFC: "1123:4.1.3.1", Commands: []string{"XMKD", "XRMD", "XPWD"},
		Description: "the RFC 1123 X-forms XMKD, XRMD and XPWD are answered 502",
		table: func(t commands) {
			for _, n := range []string{"XMKD", "XRMD", "XPWD"} {
				t[n].handler = nil
			}
		},
	},

	// Listings and STAT (RFC 959 §4.1.3; RFC 1123 §4.1.2.7).
	{
		Name: faultListEmpty, Group: "listing", RFC: "959:4.1.3", Commands: []string{"LIST"}, check: true,
		Description: "LIST sends an empty listing, whatever the directory holds",
	},
	{
		Name: faultNLSTLongForm, Group: "listing", RFC: "959:4.1.3", Commands: []string{"NLST"}, check: true,
		Description: "NLST sends LIST's long lines instead of bare names",
	},
	{
		Name: "listing-ignores-cwd", Group: "listing", RFC: "959:4.1.3", Commands: []string{"LIST", "NLST"},
		Description: "LIST and NLST without an argument list / instead of the current directory",
		table: before([]string{"LIST", "NLST"}, func(_ *session, arg string) string {
			if strings.TrimSpace(listArgs(arg)) == "" {
				arg = strings.TrimSpace(arg + " /")
			}
			return arg
		}),
	},
	{
		Name: "list-file-refused", Group: "listing", RFC: "959:4.1.3", Commands: []string{"LIST"},
		Description: "LIST of a plain file answers 450 instead of describing the file",
		table: intercept([]string{"LIST"}, func(s *session, arg string) bool {
			v := s.resolve(listArgs(arg))
			if fi, err := s.stat(v); err != nil || !fi.Mode().IsRegular() {
				return false
			}
			s.reply(codeFileBusy, "%s: Not a directory.", v)
			return true
		}),
	},
	{
		Name: faultListMissingEmpty, Group: "listing", RFC: "959:4.2", Commands: []string{"LIST", "NLST"}, check: true,
		Description: "LIST and NLST of a path that does not exist send an empty listing and 226",
	},
	{
		Name: faultListFollowsType, Group: "listing", RFC: "1123:4.1.2.7", Commands: []string{"LIST", "NLST"}, check: true,
		Description: "LIST and NLST are sent in the current TYPE (bare LF line ends in TYPE I), not in an implied TYPE A",
	},
	{
		Name: "stat-silent", Group: "status", RFC: "959:4.1.3", Commands: []string{"STAT"},
		Description: "STAT is not answered at all",
		table: func(t commands) {
			t["STAT"].handler = func(*session, string) {}
		},
	},
	{
		Name: "stat-path-ignored", Group: "status", RFC: "959:4.1.3", Commands: []string{"STAT"},
		Description: "STAT with a path answers the server status (211) instead of a listing of that path",
		table: intercept([]string{"STAT"}, func(s *session, arg string) bool {
			if arg == "" || s.transferActive() {
				return false
			}
			s.statusReply()
			return true
		}),
	},
	{
		Name: "stat-queued", Group: "status", RFC: "959:4.1.3", Commands: []string{"STAT"},
		Description: "STAT sent during a transfer is answered only once the transfer has ended, like any other command",
		table:       func(t commands) { t["STAT"].concurrent = false },
	},

	// Read-only directories (RFC 959 §4.2.1: 550, 553).
	{
		Name: "read-only-dir-writable", Group: "files", RFC: "959:4.2.1", Commands: []string{"STOR", "APPE", "MKD", "RNTO"},
		Description: "writes into a read-only directory are carried out: STOR and APPE store, MKD makes the directory, RNTO renames into it",
		table: func(t commands) {
			// inReadOnly runs do instead of the handlers of the named commands for a path in a
			// read-only directory; do returns false to leave it to the handler after all.
			inReadOnly := func(names []string, do func(s *session, v string) bool) {
				intercept(names, func(s *session, arg string) bool {
					v := s.resolve(arg)
					return s.srv.policy.underReadOnly(s.rootPath(v)) && do(s, v)
				})(t)
			}
			inReadOnly([]string{"STOR", "APPE"}, func(s *session, v string) bool {
				flag := os.O_TRUNC
				if s.current == "APPE" {
					flag = os.O_APPEND
				}
				f, err := s.fs.OpenFile(rel(v), os.O_CREATE|os.O_WRONLY|flag, 0o644)
				if err != nil {
					s.reply(codeLocalError, "%s: %s.", v, describe(err))
					return true
				}
				if !s.startTransfer(v, -1, "Opening data connection for "+v+".", func() string { return "Transfer complete." },
					func(_ *transfer, conn io.ReadWriter) error { _, err := io.Copy(f, conn); return err }) {
					f.Close()
					return true
				}
				x := s.xfer
				go func() { <-x.done; f.Close() }()
				return true
			})
			inReadOnly([]string{"MKD"}, func(s *session, v string) bool {
				if err := s.fs.Mkdir(rel(v), 0o755); err != nil {
					s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
				} else {
					s.reply(codePathCreated, "%s created.", quotePath(v))
				}
				return true
			})
			inReadOnly([]string{"RNTO"}, func(s *session, to string) bool {
				from := s.renameFrom
				if from == "" {
					return false // 503 as usual
				}
				if err := s.fs.Rename(rel(from), rel(to)); err != nil {
					s.reply(codeNameNotAllowed, "%s: %s.", to, describe(err))
				} else {
					s.reply(codeFileActionOK, "%s renamed to %s.", from, to)
				}
				return true
			})
		},
	},

	// ABOR (RFC 959 §4.1.3).
	{
		Name: "abor-silent", Group: "abort", RFC: "959:4.1.3", Commands: []string{"ABOR"},
		Description: "ABOR aborts the transfer and closes the data connection but sends no 226",
		table: func(t commands) {
			t["ABOR"].handler = func(s *session, _ string) {
				s.abortTransfer()
				s.mu.Lock()
				s.data.close()
				s.mu.Unlock()
			}
		},
	},
	{
		Name: faultAborDataOpen, Group: "abort", RFC: "959:4.1.3", Commands: []string{"ABOR"}, check: true,
		Description: "ABOR stops the transfer and answers 426 and 226, but leaves the data connection open (for the data timeout)",
	},
	{
		Name: "abor-closes-control", Group: "abort", RFC: "959:4.1.3", Commands: []string{"ABOR"},
		Description: "after answering ABOR, the server closes the control connection",
		table:       after([]string{"ABOR"}, func(s *session, _ string) { s.quit = true }),
	},
}

// faultStickyRenames holds, for rnfr-sticky, the RNFR path of each session until its RNTO.
var faultStickyRenames sync.Map // *session → string

// faultTruncatingWriter keeps the first left bytes and silently drops the rest
// (stor-truncates-upload).
type faultTruncatingWriter struct {
	w    io.Writer
	left int64
}

func (t *faultTruncatingWriter) Write(p []byte) (int, error) {
	if keep := min(int64(len(p)), t.left); keep > 0 {
		if _, err := t.w.Write(p[:keep]); err != nil {
			return 0, err
		}
		t.left -= keep
	}
	return len(p), nil
}

// leftOpenOnAbort is a data connection under abor-data-left-open: closed because of an abort,
// it stops the transfer (every read and write fails from then on, and a past deadline ends
// one in progress) but stays open for linger. Any other close is a real one: in stream mode
// the close is the end of the file.
type leftOpenOnAbort struct {
	net.Conn
	aborted func() bool
	linger  time.Duration
	stopped atomic.Bool
}

func (c *leftOpenOnAbort) Close() error {
	if !c.aborted() {
		return c.Conn.Close()
	}
	if !c.stopped.Swap(true) {
		c.Conn.SetDeadline(time.Now())
		time.AfterFunc(c.linger, func() { c.Conn.Close() })
	}
	return nil
}

// Read and Write check after the caller (deadlineConn) has set its deadline, so an abort
// between the two still ends the call.
func (c *leftOpenOnAbort) Read(p []byte) (int, error) {
	if c.stopped.Load() {
		return 0, net.ErrClosed
	}
	return c.Conn.Read(p)
}

func (c *leftOpenOnAbort) Write(p []byte) (int, error) {
	if c.stopped.Load() {
		return 0, net.ErrClosed
	}
	return c.Conn.Write(p)
}
