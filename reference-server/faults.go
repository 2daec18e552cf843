package refserver

import (
	"fmt"
	"slices"
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
// Each command group has its catalogue file, faults_<group>.go, which registers its faults with
// registerFaults in init. Adding a fault is one entry there, plus a check where it acts when it is
// neither a reply nor a table fault (mark it check: true).

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

var faultCatalogue []Fault

// registerFaults adds a group's faults to the catalogue; catalogue files call it from init.
func registerFaults(fs ...Fault) { faultCatalogue = append(faultCatalogue, fs...) }

// Faults lists the fault catalogue, sorted by name.
func Faults() []Fault {
	out := slices.Clone(faultCatalogue)
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
		i := slices.IndexFunc(faultCatalogue, func(f Fault) bool { return f.Name == n })
		if i < 0 {
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
		if f := faultCatalogue[i]; f.reply != nil {
			fs.replyHooks = append(fs.replyHooks, f.reply)
		}
		if f := faultCatalogue[i]; f.table != nil {
			fs.tableHooks = append(fs.tableHooks, f.table)
		}
	}
	return fs, nil
}

// has reports whether a named fault is on.
func (f faultSet) has(name string) bool { return f.names[name] }

// rewrite passes a reply to cmd through the reply faults.
func (f faultSet) rewrite(cmd string, r *wireReply) {
	for _, hook := range f.replyHooks {
		hook(cmd, r)
	}
}

// Helpers the catalogue files share.

// The commands that move data on a data connection, and those of them that store.
var (
	transferCommands = []string{"RETR", "STOR", "STOU", "APPE", "LIST", "NLST"}
	storeCommands    = []string{"STOR", "STOU", "APPE"}
)

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

// intercept is a table hook that runs answer before the handlers of the named commands; when
// answer has answered the command itself (it returns true), the handler does not run.
func intercept(names []string, answer func(s *session, arg string) bool) func(t commands) {
	return wrapTable(names, func(h handler) handler {
		return func(s *session, arg string) {
			if !answer(s, arg) {
				h(s, arg)
			}
		}
	})
}

// before is a table hook that runs first before the handlers of the named commands, which get
// the argument it returns.
func before(names []string, first func(s *session, arg string) string) func(t commands) {
	return wrapTable(names, func(h handler) handler {
		return func(s *session, arg string) { h(s, first(s, arg)) }
	})
}

// after is a table hook that runs then after the handlers of the named commands.
func after(names []string, then func(s *session, arg string)) func(t commands) {
	return wrapTable(names, func(h handler) handler {
		return func(s *session, arg string) {
			h(s, arg)
			then(s, arg)
		}
	})
}

// combine is a table hook made of several.
func combine(hooks ...func(t commands)) func(t commands) {
	return func(t commands) {
		for _, h := range hooks {
			h(t)
		}
	}
}

// withParams is a table hook that runs the handlers of the named commands with the transfer
// parameters as change makes them (a transfer copies them when it starts), and then restores them.
func withParams(names []string, change func(p *xferParams)) func(t commands) {
	return wrapTable(names, func(h handler) handler {
		return func(s *session, arg string) {
			saved := s.params
			change(&s.params)
			h(s, arg)
			s.params = saved
		}
	})
}

// recode is a reply hook that replaces the codes from by to in the replies to cmds.
func recode(cmds []string, from []int, to int) func(string, *wireReply) {
	return func(cmd string, r *wireReply) {
		if slices.Contains(cmds, cmd) && slices.Contains(from, r.code) {
			r.code = to
		}
	}
}

// abortingTransfer is a table hook that makes a command run while a transfer is in progress
// and abort it first, where RFC 959 §4.1.1 lets the transfer complete.
func abortingTransfer(name string) func(t commands) {
	return func(t commands) {
		t[name].concurrent = true
		before([]string{name}, func(s *session, arg string) string {
			s.abortTransfer() // silently: the transfer's 426 is its only word
			return arg
		})(t)
	}
}

// splitQuotedPath reads the quoted path that starts a 257 line, undoing quote doubling; rest is
// what follows the closing quote.
func splitQuotedPath(line string) (p, rest string, ok bool) {
	if !strings.HasPrefix(line, `"`) {
		return "", line, false
	}
	var b strings.Builder
	for i := 1; i < len(line); i++ {
		if line[i] != '"' {
			b.WriteByte(line[i])
			continue
		}
		if i+1 < len(line) && line[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		return b.String(), line[i+1:], true
	}
	return "", line, false
}
