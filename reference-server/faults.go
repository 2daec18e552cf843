package refserver

import (
	"fmt"
	"sort"
	"strings"
)

// The fault layer breaks chosen rules on purpose, so that the suite can prove it notices
// (a scenario that no broken server fails proves nothing). Faults are off unless named in
// Config.Faults (refftpd --fault NAME).
//
// A fault hooks in at one of three places:
//   - reply: rewrites a reply on its way through the one reply writer (code, text, line end);
//   - table: changes the server's copy of the command table when the server is built (a
//     handler, a sequence rule, the login rule);
//   - a named check (faults.has) at the one place in the code that a fault needs, for what the
//     two others cannot reach (data on the data connection, addresses).
//
// Adding a fault is one entry in a catalogue file (faults_<group>.go registers its group's
// faults with registerFaults in init), plus a check where it acts when it is neither a reply nor
// a table fault (mark it check: true).

// Fault describes one fault of the catalogue.
type Fault struct {
	Name        string // what --fault takes
	Description string // what the faulty server does
	Group       string // the command group whose rule it breaks
	RFC         string // the rule it breaks, "959:4.2"
	// Commands are the commands whose behaviour the fault changes; the mutation run picks the
	// scenarios labelled with them. Empty: every command (reply-format faults).
	Commands []string

	reply func(cmd string, r *wireReply)
	table func(t commands)
	check bool // acts through a named check (faultSet.has) in the server's code
}

// registerFaults adds a group's faults to the catalogue; catalogue files call it from init.
func registerFaults(fs ...Fault) { faultCatalogue = append(faultCatalogue, fs...) }

// Names of faults that act through a named check.
const (
	faultNLSTLongForm  = "nlst-long-form"
	faultPASVWrongPort = "pasv-wrong-port"
)

var faultCatalogue []Fault

func init() { registerFaults(coreFaults...) }

// coreFaults are the first faults, one of each hook kind.
var coreFaults = []Fault{
	{
		Name: "retr-226-as-250", Group: "transfer", RFC: "959:5.4", Commands: []string{"RETR"},
		Description: "RETR ends with 250 instead of 226 (same class, but a code §5.4's order does not give after the data connection closes)",
		reply: func(cmd string, r *wireReply) {
			if cmd == "RETR" && r.code == codeClosingData {
				r.code = codeFileActionOK
			}
		},
	},
	{
		Name: "bare-lf", Group: "reply-format", RFC: "959:4.2",
		Description: "every reply line ends in a bare LF instead of CRLF",
		reply:       func(_ string, r *wireReply) { r.eol = "\n" },
	},
	{
		Name: "pwd-unquoted", Group: "directory", RFC: "959:appendix-2", Commands: []string{"PWD", "XPWD"},
		Description: "PWD answers 257 with the path not in double quotes",
		reply: func(cmd string, r *wireReply) {
			if (cmd == "PWD" || cmd == "XPWD") && r.code == codePathCreated {
				r.lines[0] = unquoteFirst(r.lines[0])
			}
		},
	},
	{
		Name: "rnto-without-rnfr", Group: "rename", RFC: "959:4.1.3", Commands: []string{"RNTO"},
		Description: "RNTO without a preceding RNFR is answered 250 instead of 503",
		table: func(t commands) {
			c := t["RNTO"]
			c.follows = ""
			h := c.handler
			c.handler = func(s *session, arg string) {
				if s.renameFrom == "" {
					s.reply(codeFileActionOK, "Renamed.")
					return
				}
				h(s, arg)
			}
		},
	},
	{
		Name: faultNLSTLongForm, Group: "listing", RFC: "959:4.1.3", Commands: []string{"NLST"}, check: true,
		Description: "NLST sends LIST's long lines instead of bare names",
	},
	{
		Name: faultPASVWrongPort, Group: "data-connection", RFC: "959:4.1.2", Commands: []string{"PASV", "EPSV"}, check: true,
		Description: "PASV and EPSV name a port one above the one the server listens on",
	},
}

// unquoteFirst removes the quoting of the path that starts a 257 text.
func unquoteFirst(line string) string {
	if !strings.HasPrefix(line, `"`) {
		return line
	}
	var b strings.Builder
	for i := 1; i < len(line); i++ {
		if line[i] == '"' {
			if i+1 < len(line) && line[i+1] == '"' {
				b.WriteByte('"')
				i++
				continue
			}
			return b.String() + line[i+1:]
		}
		b.WriteByte(line[i])
	}
	return line
}

// Faults lists the fault catalogue, sorted by name.
func Faults() []Fault {
	out := append([]Fault(nil), faultCatalogue...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// faultSet is the faults switched on in one server.
type faultSet struct {
	names      map[string]bool
	replyHooks []func(cmd string, r *wireReply)
	tableHooks []func(t commands)
}

func newFaultSet(names []string) (faultSet, error) {
	fs := faultSet{names: map[string]bool{}}
	for _, n := range names {
		var f *Fault
		for i := range faultCatalogue {
			if faultCatalogue[i].Name == n {
				f = &faultCatalogue[i]
			}
		}
		if f == nil {
			var known []string
			for _, k := range Faults() {
				known = append(known, k.Name)
			}
			return faultSet{}, fmt.Errorf("unknown fault %q; known faults: %s", n, strings.Join(known, ", "))
		}
		if fs.names[n] {
			continue
		}
		fs.names[n] = true
		if f.reply != nil {
			fs.replyHooks = append(fs.replyHooks, f.reply)
		}
		if f.table != nil {
			fs.tableHooks = append(fs.tableHooks, f.table)
		}
	}
	return fs, nil
}

// has reports whether a named fault is on.
func (f faultSet) has(name string) bool { return f.names[name] }

// passivePort is the port PASV and EPSV announce.
func (f faultSet) passivePort(port int) int {
	if f.has(faultPASVWrongPort) {
		return port + 1
	}
	return port
}
