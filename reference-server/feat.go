package refserver

import (
	"slices"
	"strings"
)

// RFC 2389: FEAT lists the extensions, OPTS sets a command's options. Both are derived from the
// command table: a row's feat field is its FEAT line, and optsTargets names the commands that
// take options.

// extState is what the extension commands chose for one session. REIN forgets it (RFC 959
// §4.1.1: "All parameters are reset to the default settings"; RFC 7151 §3.2.1 for HOST).
type extState struct {
	host        *VirtualHost // chosen by HOST (RFC 7151); nil: the default host
	hostTried   bool         // a HOST was sent (for the fault catalogue)
	hostRefused bool         // the last HOST was refused (for the fault catalogue)
	mlstFacts   []string     // chosen by OPTS MLST (RFC 3659 §7.9); nil: the default facts
	mlstChosen  bool         // OPTS MLST was given (an empty choice is a choice)
}

// pathFeatures are features of the path handling that every command shares, so no row of the
// table announces them: TVFS (RFC 3659 §6: "/"-separated pathnames, absolute from the root)
// and UTF8 (RFC 2640 §3.2: pathnames are passed as their bytes, UTF-8 when they are UTF-8).
var pathFeatures = []string{"TVFS", "UTF8"}

// featDetails give the FEAT lines that carry the session's current choices, by the keyword of
// the row's feat field.
var featDetails = map[string]func(s *session) string{
	"MLST": mlstFeatLine,
	"LANG": langFeatLine,
}

// features lists this session's FEAT lines (without the leading space), sorted.
func (s *session) features() []string {
	var out []string
	for _, f := range s.srv.table.featLines() {
		if detail := featDetails[f]; detail != nil {
			f = detail(s)
		}
		out = append(out, f)
	}
	out = append(out, pathFeatures...)
	slices.Sort(out)
	return slices.Compact(out)
}

// FEAT (RFC 2389 §3.2): a multi-line 211, one feature a line, each starting with one space,
// ended by "211 End".
func cmdFEAT(s *session, _ string) {
	lines := []string{"Extensions supported:"}
	for _, f := range s.features() {
		lines = append(lines, " "+f)
	}
	lines = append(lines, "End")
	s.replyLines(codeSystemStatus, lines...)
}

// optsTargets are the commands (and the UTF8 pseudo-command of the UTF-8 option draft, which
// clients send after seeing UTF8 in FEAT) whose options OPTS sets; options holds everything
// after the command name.
var optsTargets = map[string]func(s *session, options string){
	"UTF8": optsUTF8,
	"MLST": optsMLST,
	"MODE": optsMODE,
}

// OPTS (RFC 2389 §4): 200 when the command and its options are recognized and appropriate,
// 501 for every permanent error (a command without options, an unknown option).
func cmdOPTS(s *session, arg string) {
	name, options, _ := strings.Cut(arg, " ")
	name = strings.ToUpper(name)
	if f := optsTargets[name]; f != nil {
		f(s, options)
		return
	}
	if s.srv.table[name] != nil {
		s.reply(codeBadArguments, "OPTS %s: %s has no options.", name, name)
		return
	}
	s.reply(codeBadArguments, "OPTS %s: unknown command.", sanitizeName(name))
}

// OPTS UTF8 ON|OFF: pathnames travel as their bytes either way, so both are accepted; UTF-8
// names are UTF-8 (RFC 2640 §3.1).
func optsUTF8(s *session, options string) {
	switch strings.ToUpper(strings.TrimSpace(options)) {
	case "ON":
		s.reply(codeOK, "UTF8 set to on: pathnames are UTF-8.")
	case "OFF":
		s.reply(codeOK, "UTF8 set to off: pathnames are passed as the bytes they are.")
	default:
		s.reply(codeBadArguments, "OPTS UTF8: expected ON or OFF.")
	}
}
