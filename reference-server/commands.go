package refserver

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// argRule says whether a command takes an argument. The generic pre-check answers 501 when
// the rule is broken.
type argRule int

const (
	argNone     argRule = iota // nothing may follow the command name
	argRequired                // an argument must follow
	argOptional                // either
)

// handler carries out a command whose pre-checks passed. arg is what follows the command name
// and one space, unchanged.
type handler func(s *session, arg string)

// command is one row of the command table. The table is the single description of what the
// server understands: dispatch, the pre-checks (500, 501, 502, 503, 530), HELP and FEAT are all
// derived from it, and faults change it.
type command struct {
	name    string
	handler handler // nil: recognized but not implemented (502)
	login   bool    // needs a completed login: 530 before (or notLoggedIn)
	// notLoggedIn is the reply before login for a command whose reply rows (RFC 959 §5.4 and
	// the extensions') have no 530; 0 means 530. The server answers within every row.
	notLoggedIn int
	arg         argRule
	follows     string // must come right after a positive reply to this command: 503 otherwise
	syntax      string // for HELP: the command with its arguments
	help        string // for HELP: what it does
	feat        string // the FEAT line (RFC 2389 §3.2) announcing it; "" when none
	// concurrent commands run while a transfer is in progress (RFC 959 §4.1.3: ABOR, STAT);
	// every other command waits for the transfer's final reply.
	concurrent bool
	// usesRest commands consume the offset of a preceding REST (RFC 959 §4.1.3); keepsRest
	// commands (the data connection and type set-up that clients such as ftplib send between
	// REST and RETR) leave it waiting; any other command forgets it.
	usesRest  bool
	keepsRest bool
	aliasOf   string // RFC 1123 §4.1.3.1 X-forms: same handler as the named command
	order     int    // position in the table, for HELP
}

// commandTable lists every command, in the order HELP shows them.
var commandTable = []command{
	// Access control (RFC 959 §4.1.1).
	{name: "USER", handler: cmdUSER, arg: argRequired, syntax: "USER <name>", help: "log in as this user"},
	{name: "PASS", handler: cmdPASS, arg: argOptional, follows: "USER", syntax: "PASS <password>", help: "send the password"},
	{name: "ACCT", handler: cmdACCT, arg: argRequired, syntax: "ACCT <account>", help: "send the account"},
	{name: "CWD", handler: cmdCWD, login: true, arg: argRequired, syntax: "CWD <path>", help: "change the working directory"},
	{name: "XCWD", aliasOf: "CWD"},
	{name: "CDUP", handler: cmdCDUP, login: true, arg: argNone, syntax: "CDUP", help: "change to the parent directory"},
	{name: "XCUP", aliasOf: "CDUP"},
	{name: "SMNT", handler: cmdSMNT, login: true, arg: argRequired, syntax: "SMNT <name>", help: "mount another file system (SMNT ~ returns home)"},
	{name: "REIN", handler: cmdREIN, arg: argNone, syntax: "REIN", help: "log out, keep the connection"},
	{name: "QUIT", handler: cmdQUIT, arg: argNone, syntax: "QUIT", help: "log out and close the connection"},
	// Transfer parameters (RFC 959 §4.1.2, RFC 2428).
	{name: "PORT", handler: cmdPORT, login: true, keepsRest: true, arg: argRequired, syntax: "PORT h1,h2,h3,h4,p1,p2", help: "connect to this address for the next transfer"},
	{name: "PASV", handler: cmdPASV, login: true, keepsRest: true, arg: argNone, syntax: "PASV", help: "listen for the next data connection"},
	{name: "EPRT", handler: cmdEPRT, login: true, notLoggedIn: codeBadArguments, keepsRest: true, arg: argRequired, syntax: "EPRT |proto|addr|port|", help: "extended PORT (RFC 2428)", feat: "EPRT"},
	{name: "EPSV", handler: cmdEPSV, login: true, notLoggedIn: codeBadArguments, keepsRest: true, arg: argOptional, syntax: "EPSV [1|2|ALL]", help: "extended PASV (RFC 2428)", feat: "EPSV"},
	{name: "TYPE", handler: cmdTYPE, login: true, keepsRest: true, arg: argRequired, syntax: "TYPE A [N|T|C] | E [N|T|C] | I | L 8", help: "set the representation type"},
	{name: "STRU", handler: cmdSTRU, login: true, arg: argRequired, syntax: "STRU F|R|P", help: "set the file structure"},
	{name: "LPRT", handler: cmdLPRT, login: true, notLoggedIn: codeBadArguments, keepsRest: true, arg: argRequired, syntax: "LPRT af,hal,h1,...,pal,p1,p2", help: "PORT with a long address (RFC 1639)"},
	{name: "LPSV", handler: cmdLPSV, login: true, notLoggedIn: codeBadArguments, keepsRest: true, arg: argNone, syntax: "LPSV", help: "PASV with a long address (RFC 1639)"},
	{name: "MODE", handler: cmdMODE, login: true, arg: argRequired, syntax: "MODE S|B|C|Z", help: "set the transfer mode (Z: deflate)", feat: "MODE Z"},
	// Service commands (RFC 959 §4.1.3).
	{name: "RETR", handler: cmdRETR, login: true, arg: argRequired, usesRest: true, syntax: "RETR <path>", help: "send a file"},
	{name: "STOR", handler: cmdSTOR, login: true, arg: argRequired, usesRest: true, syntax: "STOR <path>", help: "store a file"},
	{name: "STOU", handler: cmdSTOU, login: true, arg: argOptional, syntax: "STOU [<name>]", help: "store a file under a new unique name"},
	{name: "APPE", handler: cmdAPPE, login: true, arg: argRequired, syntax: "APPE <path>", help: "append to a file, or create it"},
	{name: "ALLO", handler: cmdALLO, login: true, arg: argRequired, syntax: "ALLO <bytes> [R <bytes>]", help: "reserve storage"},
	{name: "REST", handler: cmdREST, login: true, arg: argRequired, syntax: "REST <marker>", help: "restart the next transfer at this offset or marker", feat: "REST STREAM"},
	{name: "RNFR", handler: cmdRNFR, login: true, arg: argRequired, syntax: "RNFR <path>", help: "rename from"},
	{name: "RNTO", handler: cmdRNTO, login: true, arg: argRequired, follows: "RNFR", syntax: "RNTO <path>", help: "rename to"},
	{name: "ABOR", handler: cmdABOR, arg: argNone, concurrent: true, syntax: "ABOR", help: "abort the transfer in progress"},
	{name: "DELE", handler: cmdDELE, login: true, arg: argRequired, syntax: "DELE <path>", help: "delete a file"},
	{name: "RMD", handler: cmdRMD, login: true, arg: argRequired, syntax: "RMD <path>", help: "remove a directory"},
	{name: "XRMD", aliasOf: "RMD"},
	{name: "MKD", handler: cmdMKD, login: true, arg: argRequired, syntax: "MKD <path>", help: "make a directory"},
	{name: "XMKD", aliasOf: "MKD"},
	{name: "PWD", handler: cmdPWD, login: true, notLoggedIn: codeFileUnavailable, arg: argNone, syntax: "PWD", help: "print the working directory"},
	{name: "XPWD", aliasOf: "PWD"},
	{name: "LIST", handler: cmdLIST, login: true, arg: argOptional, syntax: "LIST [<path>]", help: "list files, in the form of ls -l"},
	{name: "NLST", handler: cmdNLST, login: true, arg: argOptional, syntax: "NLST [<path>]", help: "list file names"},
	{name: "SITE", handler: cmdSITE, login: true, arg: argRequired, syntax: "SITE <command>", help: "site commands (SITE HELP lists them)"},
	{name: "SYST", handler: cmdSYST, arg: argNone, syntax: "SYST", help: "name the system type"},
	{name: "STAT", handler: cmdSTAT, arg: argOptional, concurrent: true, syntax: "STAT [<path>]", help: "server status, a listing, or the progress of the transfer"},
	{name: "HELP", handler: cmdHELP, arg: argOptional, syntax: "HELP [<command>]", help: "this help"},
	{name: "NOOP", handler: cmdNOOP, arg: argNone, syntax: "NOOP", help: "do nothing"},
	// Extensions.
	{name: "FEAT", handler: cmdFEAT, arg: argNone, syntax: "FEAT", help: "list the extensions (RFC 2389)"},
	{name: "OPTS", handler: cmdOPTS, arg: argRequired, syntax: "OPTS <command> [<options>]", help: "set options: UTF8 ON|OFF, MLST <facts>, MODE Z <name value> (RFC 2389)"},
	{name: "SIZE", handler: cmdSIZE, login: true, notLoggedIn: codeFileUnavailable, arg: argRequired, syntax: "SIZE <path>", help: "transfer size of a file in the current TYPE, STRU and MODE (RFC 3659)", feat: "SIZE"},
	{name: "MDTM", handler: cmdMDTM, login: true, notLoggedIn: codeFileUnavailable, arg: argRequired, syntax: "MDTM <path>", help: "modification time, UTC (RFC 3659)", feat: "MDTM"},
	{name: "MLST", handler: cmdMLST, login: true, arg: argOptional, syntax: "MLST [<path>]", help: "facts about one file or directory (RFC 3659)", feat: "MLST"},
	{name: "MLSD", handler: cmdMLSD, login: true, arg: argOptional, syntax: "MLSD [<directory>]", help: "list a directory for machine processing (RFC 3659)"},
	{name: "LANG", handler: cmdLANG, arg: argOptional, syntax: "LANG [<tag>]", help: "choose the language of the reply texts (RFC 2640)", feat: "LANG"},
	{name: "HOST", handler: cmdHOST, arg: argRequired, syntax: "HOST <name>", help: "choose a virtual host, before login (RFC 7151)", feat: "HOST"},
	// Security (RFC 2228 as RFC 4217 uses it for TLS; tls.go). MIC, CONF and ENC, below, are
	// not implemented: TLS protects every command itself (RFC 2228 §3 allows 502 for them).
	{name: "AUTH", handler: cmdAUTH, arg: argRequired, syntax: "AUTH TLS", help: "protect the control connection with TLS (RFC 4217)", feat: "AUTH TLS"},
	{name: "ADAT", handler: cmdADAT, arg: argRequired, syntax: "ADAT <base64data>", help: "security data (TLS needs none: 503)"},
	{name: "PBSZ", handler: cmdPBSZ, arg: argRequired, syntax: "PBSZ 0", help: "protection buffer size, after AUTH TLS (always 0 with TLS)", feat: "PBSZ"},
	{name: "PROT", handler: cmdPROT, arg: argRequired, syntax: "PROT C|P", help: "data connection protection, after PBSZ: C clear, P TLS", feat: "PROT"},
	{name: "CCC", handler: cmdCCC, arg: argNone, syntax: "CCC", help: "go on with the control connection in the clear (after login)", feat: "CCC"},
	// Recognized, not implemented here: 502 (RFC 959 §5.4 allows 502 for them, or they are
	// extensions that a server may leave out).
	{name: "MIC", syntax: "MIC <data>", help: "not implemented"},
	{name: "CONF", syntax: "CONF <data>", help: "not implemented"},
	{name: "ENC", syntax: "ENC <data>", help: "not implemented"},
}

// commands is the table of one server: the base table with aliases resolved and faults applied.
type commands map[string]*command

// buildCommands resolves aliases into full rows, so that every lookup finds a complete row.
func buildCommands() commands {
	t := commands{}
	for i := range commandTable {
		c := commandTable[i]
		c.order = i
		t[c.name] = &c
	}
	for name, c := range t {
		if c.aliasOf == "" {
			continue
		}
		base := *t[c.aliasOf]
		base.name, base.aliasOf = name, c.aliasOf
		base.syntax = strings.Replace(base.syntax, c.aliasOf, name, 1)
		base.help = base.help + " (same as " + c.aliasOf + ")"
		t[name] = &base
	}
	return t
}

// names lists the command names in table order.
func (t commands) names() []string {
	var out []string
	for name := range t {
		out = append(out, name)
	}
	sort.Slice(out, func(i, j int) bool { return t[out[i]].order < t[out[j]].order })
	return out
}

// featLines lists the FEAT lines of the implemented commands, sorted.
func (t commands) featLines() []string {
	var out []string
	for _, c := range t {
		if c.feat != "" && c.handler != nil && !slices.Contains(out, c.feat) {
			out = append(out, c.feat)
		}
	}
	sort.Strings(out)
	return out
}

// precheck applies the table's rules to a command before its handler runs. It answers and
// returns false when one is broken.
func (s *session) precheck(c *command, arg string) bool {
	switch {
	case c.handler == nil:
		s.reply(codeNotImplemented, "%s not implemented.", c.name)
	case c.login && !s.loggedIn:
		s.reply(c.beforeLogin(), "Not logged in: please log in with USER and PASS first.")
	case c.arg == argNone && strings.TrimSpace(arg) != "":
		s.reply(codeBadArguments, "%s takes no argument.", c.name)
	case c.arg == argRequired && strings.TrimSpace(arg) == "":
		s.reply(codeBadArguments, "%s needs an argument: %s.", c.name, c.syntax)
	case c.follows != "" && s.prevOK != c.follows:
		s.reply(codeBadSequence, "Bad sequence of commands: %s must come right after %s.", c.name, c.follows)
	default:
		return true
	}
	return false
}

// beforeLogin is the reply to the command before login: 530 ("Not logged in") where the
// command's rows list it; otherwise the row's nearest code (PWD, SIZE, MDTM: 550 "no access";
// EPRT, EPSV: 501, since RFC 2428 §2-3 name 500 and 501 as their only errors besides 522).
func (c *command) beforeLogin() int {
	if c.notLoggedIn != 0 {
		return c.notLoggedIn
	}
	return codeNotLoggedIn
}

// helpText is the per-command help line.
func (c *command) helpText() string {
	if c.handler == nil {
		return fmt.Sprintf("%s is recognized but not implemented.", c.name)
	}
	return fmt.Sprintf("Syntax: %s - %s.", c.syntax, c.help)
}
