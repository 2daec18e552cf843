package refserver

import (
	"strings"
	"testing"
)

func TestFeatListing(t *testing.T) {
	ts := startServer(t, nil)
	c, _ := dial(t, ts.addr)
	r := c.expect("FEAT", 211) // before login too
	if !strings.HasPrefix(r.raw, "211-") || !strings.HasSuffix(r.raw, "\r\n211 End\r\n") {
		t.Fatalf("FEAT is not a 211- … 211 End listing:\n%s", r.raw)
	}
	for _, l := range r.lines[1 : len(r.lines)-1] {
		if len(l) < 2 || l[0] != ' ' || l[1] == ' ' {
			t.Errorf("feature line %q does not start with exactly one space", l)
		}
	}
	for _, want := range []string{" EPRT", " EPSV", " HOST", " LANG EN*", " MDTM", " MODE Z", " REST STREAM", " SIZE", " TVFS", " UTF8",
		" MLST type*;size*;modify*;perm*;unique*;UNIX.mode;"} {
		if !strings.Contains(r.raw, "\r\n"+want+"\r\n") {
			t.Errorf("FEAT lacks %q:\n%s", want, r.raw)
		}
	}
	c.run([]step{{"FEAT x", 501, ""}})
}

// A feature whose command is not implemented (a table fault can remove a handler) is not listed.
func TestFeatFollowsTheTable(t *testing.T) {
	ts := startServer(t, nil)
	ts.srv.table["MDTM"].handler = nil
	c, _ := dial(t, ts.addr)
	if r := c.expect("FEAT", 211); strings.Contains(r.raw, "MDTM") {
		t.Fatalf("FEAT lists MDTM, which is not implemented:\n%s", r.raw)
	}
}

func TestOpts(t *testing.T) {
	ts := startServer(t, nil)
	c, _ := dial(t, ts.addr)
	c.run([]step{
		{"OPTS UTF8 ON", 200, ""},
		{"OPTS utf8 off", 200, ""},
		{"OPTS UTF8 MAYBE", 501, ""},
		{"OPTS", 501, ""},
		{"OPTS RETR x", 501, "no options"},
		{"OPTS FEAT", 501, "no options"},
		{"OPTS NOSUCH", 501, "unknown"},
		{"OPTS MODE S", 501, ""},
		{"OPTS MLST type;size;", 200, "MLST OPTS type;size;"},
	})
}
