package rfc

import (
	"slices"
	"strings"
)

// Verb is a command verb one of the texts defines.
type Verb struct {
	Name    string // "RETR"
	Doc     string // the document that defines it
	Section string // the section that defines it
	// Minimum is set for the commands of RFC 959 §5.1's minimum implementation, which every
	// server must offer; any other command may be answered 502 (not implemented).
	Minimum bool
	// AliasOf names the command an RFC 1123 §4.1.3.1 X-form stands for ("XMKD" → "MKD"); its
	// replies are that command's.
	AliasOf string
}

// verbs is every verb in the order of the texts: RFC 959 §4.1, then the other documents by number.
var verbs = []Verb{
	// RFC 959 §4.1.1 ACCESS CONTROL COMMANDS
	{Name: "USER", Doc: "959", Section: "4.1.1", Minimum: true},
	{Name: "PASS", Doc: "959", Section: "4.1.1"},
	{Name: "ACCT", Doc: "959", Section: "4.1.1"},
	{Name: "CWD", Doc: "959", Section: "4.1.1"},
	{Name: "CDUP", Doc: "959", Section: "4.1.1"},
	{Name: "SMNT", Doc: "959", Section: "4.1.1"},
	{Name: "REIN", Doc: "959", Section: "4.1.1"},
	{Name: "QUIT", Doc: "959", Section: "4.1.1", Minimum: true},
	// RFC 959 §4.1.2 TRANSFER PARAMETER COMMANDS
	{Name: "PORT", Doc: "959", Section: "4.1.2", Minimum: true},
	{Name: "PASV", Doc: "959", Section: "4.1.2"},
	{Name: "TYPE", Doc: "959", Section: "4.1.2", Minimum: true},
	{Name: "STRU", Doc: "959", Section: "4.1.2", Minimum: true},
	{Name: "MODE", Doc: "959", Section: "4.1.2", Minimum: true},
	// RFC 959 §4.1.3 FTP SERVICE COMMANDS
	{Name: "RETR", Doc: "959", Section: "4.1.3", Minimum: true},
	{Name: "STOR", Doc: "959", Section: "4.1.3", Minimum: true},
	{Name: "STOU", Doc: "959", Section: "4.1.3"},
	{Name: "APPE", Doc: "959", Section: "4.1.3"},
	{Name: "ALLO", Doc: "959", Section: "4.1.3"},
	{Name: "REST", Doc: "959", Section: "4.1.3"},
	{Name: "RNFR", Doc: "959", Section: "4.1.3"},
	{Name: "RNTO", Doc: "959", Section: "4.1.3"},
	{Name: "ABOR", Doc: "959", Section: "4.1.3"},
	{Name: "DELE", Doc: "959", Section: "4.1.3"},
	{Name: "RMD", Doc: "959", Section: "4.1.3"},
	{Name: "MKD", Doc: "959", Section: "4.1.3"},
	{Name: "PWD", Doc: "959", Section: "4.1.3"},
	{Name: "LIST", Doc: "959", Section: "4.1.3"},
	{Name: "NLST", Doc: "959", Section: "4.1.3"},
	{Name: "SITE", Doc: "959", Section: "4.1.3"},
	{Name: "SYST", Doc: "959", Section: "4.1.3"},
	{Name: "STAT", Doc: "959", Section: "4.1.3"},
	{Name: "HELP", Doc: "959", Section: "4.1.3"},
	{Name: "NOOP", Doc: "959", Section: "4.1.3", Minimum: true},
	// RFC 1123 §4.1.3.1: "XMKD XRMD XPWD XCUP XCWD" are the experimental forms, to be recognised
	// "by simply equating them" with the RFC 959 commands.
	{Name: "XCWD", Doc: "1123", Section: "4.1.3.1", AliasOf: "CWD"},
	{Name: "XCUP", Doc: "1123", Section: "4.1.3.1", AliasOf: "CDUP"},
	{Name: "XMKD", Doc: "1123", Section: "4.1.3.1", AliasOf: "MKD"},
	{Name: "XRMD", Doc: "1123", Section: "4.1.3.1", AliasOf: "RMD"},
	{Name: "XPWD", Doc: "1123", Section: "4.1.3.1", AliasOf: "PWD"},
	// RFC 1639 §2, §3
	{Name: "LPRT", Doc: "1639", Section: "2"},
	{Name: "LPSV", Doc: "1639", Section: "3"},
	// RFC 2228 §3 New FTP Commands
	{Name: "AUTH", Doc: "2228", Section: "3"},
	{Name: "ADAT", Doc: "2228", Section: "3"},
	{Name: "PROT", Doc: "2228", Section: "3"},
	{Name: "PBSZ", Doc: "2228", Section: "3"},
	{Name: "CCC", Doc: "2228", Section: "3"},
	{Name: "MIC", Doc: "2228", Section: "3"},
	{Name: "CONF", Doc: "2228", Section: "3"},
	{Name: "ENC", Doc: "2228", Section: "3"},
	// RFC 2389 §3, §4
	{Name: "FEAT", Doc: "2389", Section: "3"},
	{Name: "OPTS", Doc: "2389", Section: "4"},
	// RFC 2428 §2, §3
	{Name: "EPRT", Doc: "2428", Section: "2"},
	{Name: "EPSV", Doc: "2428", Section: "3"},
	// RFC 2640 §4.1
	{Name: "LANG", Doc: "2640", Section: "4.1"},
	// RFC 3659 §3, §4, §7 (§5 redefines REST, which RFC 959 defines)
	{Name: "MDTM", Doc: "3659", Section: "3"},
	{Name: "SIZE", Doc: "3659", Section: "4"},
	{Name: "MLST", Doc: "3659", Section: "7"},
	{Name: "MLSD", Doc: "3659", Section: "7"},
	// RFC 7151 §3
	{Name: "HOST", Doc: "7151", Section: "3"},
}

// Verbs lists every command verb the texts define, RFC 959's first. The deflate draft defines no
// verb: MODE Z is a parameter of MODE.
func Verbs() []Verb { return slices.Clone(verbs) }

// KnownCommand reports whether command is a verb some text defines ("RETR", "XMKD") or a
// command of the reply table ("EPSV ALL", "MODE Z", Connect), in any case: the closed vocabulary
// of cmd: labels.
func KnownCommand(command string) bool {
	c := canonical(command)
	if _, ok := findVerb(c); ok {
		return true
	}
	return slices.Contains(table().commands, c)
}

func findVerb(name string) (Verb, bool) {
	name = strings.ToUpper(name)
	i := slices.IndexFunc(verbs, func(v Verb) bool { return v.Name == name })
	if i < 0 {
		return Verb{}, false
	}
	return verbs[i], true
}
