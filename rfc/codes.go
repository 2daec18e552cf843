package rfc

import "slices"

// Code is a reply code as a text defines it. Text is the standard text as the section prints it
// (lines joined); for RFC 959 it is the reply's own line, plus the line after where that line
// names what is unavailable or exceeded (450, 452, 550, 552, 553), not the explanations under
// 110, 214, 215, 221, 226, 421 and 500.
//
// Some numbers have two definitions: RFC 1639 and RFC 4217 both define 521, RFC 2428 and RFC
// 4217 both define 522, for different commands. Both are listed.
type Code struct {
	Number  int
	Doc     string
	Section string
	Text    string
}

// codes is every code definition, in numeric order; a number defined twice is listed in
// document order.
var codes = []Code{
	{110, "959", "4.2.2", "Restart marker reply."},
	{120, "959", "4.2.2", "Service ready in nnn minutes."},
	{125, "959", "4.2.2", "Data connection already open; transfer starting."},
	{150, "959", "4.2.2", "File status okay; about to open data connection."},
	{200, "959", "4.2.2", "Command okay."},
	{202, "959", "4.2.2", "Command not implemented, superfluous at this site."},
	{211, "959", "4.2.2", "System status, or system help reply."},
	{212, "959", "4.2.2", "Directory status."},
	{213, "959", "4.2.2", "File status."},
	{214, "959", "4.2.2", "Help message."},
	{215, "959", "4.2.2", "NAME system type."},
	{220, "959", "4.2.2", "Service ready for new user."},
	{221, "959", "4.2.2", "Service closing control connection."},
	{225, "959", "4.2.2", "Data connection open; no transfer in progress."},
	{226, "959", "4.2.2", "Closing data connection."},
	{227, "959", "4.2.2", "Entering Passive Mode (h1,h2,h3,h4,p1,p2)."},
	{228, "1639", "3", "Entering Long Passive Mode (af, hal, h1, h2, h3,..., pal, p1, p2...)"},
	{229, "2428", "3", "Extended Passive Mode Entered"},
	{230, "959", "4.2.2", "User logged in, proceed."},
	{232, "2228", "5.1", "User logged in, authorized by security data exchange."},
	{234, "2228", "5.1", "Security data exchange complete."},
	{235, "2228", "5.1", "[ADAT=base64data]"},
	{250, "959", "4.2.2", "Requested file action okay, completed."},
	{257, "959", "4.2.2", `"PATHNAME" created.`},
	{331, "959", "4.2.2", "User name okay, need password."},
	{332, "959", "4.2.2", "Need account for login."},
	{334, "2228", "5.1", "[ADAT=base64data]"},
	{335, "2228", "5.1", "[ADAT=base64data]"},
	{336, "2228", "5.1", `Username okay, need password. Challenge is "...."`},
	{350, "959", "4.2.2", "Requested file action pending further information."},
	{421, "959", "4.2.2", "Service not available, closing control connection."},
	{425, "959", "4.2.2", "Can't open data connection."},
	{426, "959", "4.2.2", "Connection closed; transfer aborted."},
	{431, "2228", "5.1", "Need some unavailable resource to process security."},
	{450, "959", "4.2.2", "Requested file action not taken. File unavailable (e.g., file busy)."},
	{451, "959", "4.2.2", "Requested action aborted: local error in processing."},
	{452, "959", "4.2.2", "Requested action not taken. Insufficient storage space in system."},
	{500, "959", "4.2.2", "Syntax error, command unrecognized."},
	{501, "959", "4.2.2", "Syntax error in parameters or arguments."},
	{502, "959", "4.2.2", "Command not implemented."},
	{503, "959", "4.2.2", "Bad sequence of commands."},
	{504, "959", "4.2.2", "Command not implemented for that parameter."},
	{521, "1639", "4", "Supported address families are (af1, af2, ..., afn)"},
	{521, "4217", "10.2", "data connection cannot be opened with this PROT setting"},
	{522, "2428", "2", "Extended Port Failure - unknown network protocol"},
	{522, "4217", "10.2", "the TLS negotiation failed or was unacceptable"},
	{530, "959", "4.2.2", "Not logged in."},
	{532, "959", "4.2.2", "Need account for storing files."},
	{533, "2228", "5.1", "Command protection level denied for policy reasons."},
	{534, "2228", "5.1", "Request denied for policy reasons."},
	{535, "2228", "5.1", "Failed security check (hash, sequence, etc)."},
	{536, "2228", "5.1", "Requested PROT level not supported by mechanism."},
	{537, "2228", "5.1", "Command protection level not supported by security mechanism."},
	{550, "959", "4.2.2", "Requested action not taken. File unavailable (e.g., file not found, no access)."},
	{551, "959", "4.2.2", "Requested action aborted: page type unknown."},
	{552, "959", "4.2.2", "Requested file action aborted. Exceeded storage allocation (for current directory or dataset)."},
	{553, "959", "4.2.2", "Requested action not taken. File name not allowed."},
	{554, "1123", "4.1.3.4", "Requested action not taken: invalid REST parameter."},
	{555, "1123", "4.1.3.4", "Requested action not taken: type or stru mismatch."},
	{631, "2228", "5.2", "integrity protected reply"},
	{632, "2228", "5.2", "confidentiality and integrity protected reply"},
	{633, "2228", "5.2", "confidentiality protected reply"},
}

// Codes lists every reply-code definition, in numeric order: all of RFC 959 §4.2.2 and those the
// other documents add. It is the closed vocabulary of code: labels.
func Codes() []Code { return slices.Clone(codes) }

// CodeKnown reports whether some document defines reply code n.
func CodeKnown(n int) bool {
	return slices.ContainsFunc(codes, func(c Code) bool { return c.Number == n })
}
