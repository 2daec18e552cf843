package refserver

import (
	"slices"
	"strings"
	"testing"
)

// These tests loop over the command table itself, as pyftpdlib's do: every rule in the table
// must show on the wire.

func TestTableRowsAreComplete(t *testing.T) {
	table := buildCommands()
	for name, c := range table {
		if c.name != name {
			t.Errorf("%s: row named %s", name, c.name)
		}
		if c.syntax == "" || c.help == "" {
			t.Errorf("%s: no syntax or help text", name)
		}
		if !strings.HasPrefix(c.syntax, name) {
			t.Errorf("%s: syntax %q does not start with the name", name, c.syntax)
		}
		if c.aliasOf != "" && table[c.aliasOf].handler == nil {
			t.Errorf("%s: alias of an unimplemented command", name)
		}
	}
}

// Before login every command that needs one is refused with a code of its own reply rows:
// 530 where RFC 959 §5.4 lists it, else the exceptions below (their rows have no 530).
func TestEveryLoginCommandIsRefusedBeforeLogin(t *testing.T) {
	noRow530 := map[string]int{"PWD": 550, "XPWD": 550, "SIZE": 550, "MDTM": 550, "EPRT": 501, "EPSV": 501, "LPRT": 501, "LPSV": 501}
	ts := startServer(t, nil)
	c, _ := dial(t, ts.addr)
	for _, name := range ts.srv.table.names() {
		cmd := ts.srv.table[name]
		if !cmd.login || cmd.handler == nil {
			continue
		}
		line := name
		if cmd.arg == argRequired {
			line += " x"
		}
		want := 530
		if code, ok := noRow530[name]; ok {
			want = code
		}
		if r := c.cmd(line); r.code != want {
			t.Errorf("%s before login: got %v, want %d", line, r, want)
		}
	}
}

func TestArgumentRules501(t *testing.T) {
	ts := startServer(t, nil)
	c := login(t, ts.addr)
	for _, name := range ts.srv.table.names() {
		cmd := ts.srv.table[name]
		if cmd.handler == nil || name == "QUIT" || name == "REIN" || name == "USER" {
			continue
		}
		switch cmd.arg {
		case argNone:
			if r := c.cmd(name + " unexpected"); r.code != 501 {
				t.Errorf("%s with an argument: got %v, want 501", name, r)
			}
		case argRequired:
			if r := c.cmd(name); r.code != 501 {
				t.Errorf("%s without argument: got %v, want 501", name, r)
			}
		}
	}
	// USER's rule, on a fresh connection (USER would log alice out).
	c2, _ := dial(t, ts.addr)
	c2.expect("USER", 501)
	c2.expect("QUIT x", 501)
	c2.expect("REIN x", 501)
}

func TestUnknownAndUnimplementedCommands(t *testing.T) {
	ts := startServer(t, nil)
	c := login(t, ts.addr)
	c.run([]step{
		{"XYZZY", 500, "XYZZY"},
		{"xyzzy arg", 500, ""},
		{"", 500, ""},
		{"\x01\x02", 500, "??"},
	})
	for _, name := range buildCommands().names() {
		if buildCommands()[name].handler == nil {
			if r := c.cmd(name + " x"); r.code != 502 {
				t.Errorf("%s: got %v, want 502", name, r)
			}
		}
	}
}

func TestCommandNamesAreCaseInsensitive(t *testing.T) {
	ts := startServer(t, nil)
	c, _ := dial(t, ts.addr)
	c.run([]step{{"user " + testUser, 331, ""}, {"pAsS " + testPassword, 230, ""}, {"noop", 200, ""}, {"Pwd", 257, ""}})
}

func TestSequence503(t *testing.T) {
	ts := startServer(t, nil)
	c, _ := dial(t, ts.addr)
	c.run([]step{
		{"PASS " + testPassword, 503, "USER"}, // PASS must follow USER
		{"ACCT x", 503, ""},                   // nobody to give an account for
		{"USER " + testUser, 331, ""},
		{"NOOP", 200, ""},
		{"PASS " + testPassword, 503, ""}, // not right after USER any more
		{"USER " + testUser, 331, ""},
		{"PASS " + testPassword, 230, ""},
		{"RNTO b", 503, "RNFR"},
		{"RNFR missing", 550, ""},
		{"RNTO b", 503, ""}, // the RNFR failed
	})
	ts.write(t, "a", "x")
	c.run([]step{
		{"RNFR a", 350, ""},
		{"NOOP", 200, ""},
		{"RNTO b", 503, ""}, // not right after RNFR
	})
}

func TestHelpListsTheTable(t *testing.T) {
	ts := startServer(t, nil)
	c, _ := dial(t, ts.addr)
	r := c.expect("HELP", 214)
	text := r.text()
	for _, name := range buildCommands().names() {
		if !strings.Contains(text, " "+name) {
			t.Errorf("HELP lacks %s", name)
		}
	}
	if !strings.Contains(text, "MIC*") {
		t.Error("HELP does not mark unimplemented commands")
	}
	c.run([]step{
		{"HELP RETR", 214, "RETR <path>"},
		{"HELP xpwd", 214, "same as PWD"},
		{"HELP MIC", 214, "not implemented"},
		{"HELP SITE CHMOD", 214, "CHMOD <octal mode> <path>"},
		{"HELP NOSUCH", 501, ""},
	})
}

func TestFeatIsDerivedFromTheTable(t *testing.T) {
	ts := startServer(t, nil)
	c, _ := dial(t, ts.addr)
	r := c.expect("FEAT", 211)
	// Every implemented row's feat line (MLST and LANG with their parameters), plus the
	// features of the path handling (feat.go), and nothing else.
	want := []string{"Extensions supported:"}
	for _, f := range buildCommands().featLines() {
		switch f {
		case "MLST":
			f = "MLST type*;size*;modify*;perm*;unique*;UNIX.mode;"
		case "LANG":
			f = "LANG EN*"
		}
		want = append(want, " "+f)
	}
	want = append(want, " TVFS", " UTF8", "End")
	slices.Sort(want[1 : len(want)-1])
	if strings.Join(r.lines, "|") != strings.Join(want, "|") {
		t.Fatalf("FEAT:\n%s\nwant:\n%s", r.raw, strings.Join(want, "\n"))
	}
}
