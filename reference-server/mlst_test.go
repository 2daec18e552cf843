package refserver

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// entryPattern is RFC 3659 §7.2's entry with the facts this server sends.
var entryPattern = regexp.MustCompile(`^((?:[A-Za-z.]+=[^; ]*;)*) (.*)$`)

func facts(t *testing.T, entry string) (map[string]string, string) {
	t.Helper()
	m := entryPattern.FindStringSubmatch(entry)
	if m == nil {
		t.Fatalf("not an MLSx entry: %q", entry)
	}
	out := map[string]string{}
	for _, f := range strings.Split(strings.TrimSuffix(m[1], ";"), ";") {
		if name, value, ok := strings.Cut(f, "="); ok {
			out[strings.ToLower(name)] = value
		}
	}
	return out, m[2]
}

func TestMLST(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.ReadOnlyPaths = []string{"/ro"} })
	ts.write(t, "d/f.txt", "hello\n")
	ts.write(t, "ro/g", "x")
	mtime := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	os.Chtimes(filepath.Join(ts.root, "d/f.txt"), mtime, mtime)
	c := login(t, ts.addr)
	r := c.expect("MLST d/f.txt", 250)
	if len(r.lines) != 3 || !strings.HasPrefix(r.raw, "250-") || !strings.HasPrefix(r.lines[1], " ") {
		t.Fatalf("MLST: %q", r.raw)
	}
	f, name := facts(t, r.lines[1][1:])
	if name != "/d/f.txt" || f["type"] != "file" || f["size"] != "6" || f["modify"] != "20010203040506" || f["perm"] != "adfrw" || f["unique"] == "" {
		t.Fatalf("MLST facts %v name %q", f, name)
	}
	if _, ok := f["unix.mode"]; ok {
		t.Fatal("UNIX.mode is not a default fact")
	}
	r = c.expect("MLST ro/g", 250)
	if f, _ := facts(t, r.lines[1][1:]); f["perm"] != "r" {
		t.Fatalf("read-only file: %v", f)
	}
	c.run([]step{{"CWD d", 250, ""}})
	r = c.expect("MLST", 250)
	if f, name := facts(t, r.lines[1][1:]); name != "/d" || f["type"] != "dir" || f["perm"] != "cdeflmp" {
		t.Fatalf("MLST of the current directory: %v %q", f, name)
	}
	c.run([]step{
		{"MLST nothing", 550, ""},
		{"OPTS MLST size;UNIX.mode;frogs;", 200, "MLST OPTS size;UNIX.mode;"},
		{"OPTS MLST fish cakes;", 501, ""},
	})
	r = c.expect("MLST f.txt", 250)
	if r.lines[1] != " size=6;UNIX.mode=0644; /d/f.txt" {
		t.Fatalf("MLST after OPTS MLST: %q", r.lines[1])
	}
	if r := c.expect("FEAT", 211); !slices.Contains(r.lines, " MLST type;size*;modify;perm;unique;UNIX.mode*;") {
		t.Fatalf("FEAT after OPTS MLST: %s", r.raw)
	}
	c.run([]step{{"OPTS MLST", 200, "MLST OPTS"}})
	if r := c.expect("MLST f.txt", 250); r.lines[1] != "  /d/f.txt" {
		t.Fatalf("MLST without facts: %q", r.lines[1])
	}
	// REIN restores the default facts.
	c.run([]step{{"REIN", 220, ""}, {"USER " + testUser, 331, ""}, {"PASS " + testPassword, 230, ""}})
	if r := c.expect("MLST d", 250); !strings.Contains(r.lines[1], "type=dir;") {
		t.Fatalf("MLST after REIN: %q", r.lines[1])
	}
}

func TestMLSD(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "d/a b", "12345")
	ts.write(t, "d/sub/x", "")
	ts.write(t, "d/ünï", "u")
	c := login(t, ts.addr)
	c.run([]step{{"TYPE A", 200, ""}})
	lines := c.list("MLSD d")
	if len(lines) != 4 {
		t.Fatalf("MLSD: %q", lines)
	}
	want := map[string]string{"/d": "cdir", "a b": "file", "sub": "dir", "ünï": "file"}
	for _, l := range lines {
		f, name := facts(t, l)
		if want[name] != f["type"] {
			t.Errorf("MLSD entry %q: type %q", l, f["type"])
		}
	}
	c.run([]step{{"MLSD d/a b", 501, ""}, {"MLSD nothing", 550, ""}, {"CWD d/sub", 250, ""}})
	if lines := c.list("MLSD"); len(lines) != 2 || !strings.HasSuffix(lines[1], "; x") {
		t.Fatalf("MLSD of the current directory: %q", lines)
	}
	// Without the type fact there is no cdir entry: it could not be told from an entry.
	c.run([]step{{"OPTS MLST size;", 200, ""}})
	if lines := c.list("MLSD"); len(lines) != 1 || lines[0] != "size=0; x" {
		t.Fatalf("MLSD without the type fact: %q", lines)
	}
}

// MLSD is sent as TYPE L 8 whatever the TYPE: its lines end in CRLF, once.
func TestMLSDIgnoresType(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "f", "x")
	c := login(t, ts.addr)
	for _, typ := range []string{"TYPE A", "TYPE E", "TYPE I"} {
		c.run([]step{{typ, 200, ""}})
		d := c.pasv()
		c.expect("MLSD", 150)
		b := string(readAll(t, d))
		c.expectRead(226)
		if !strings.HasSuffix(b, "; f\r\n") || strings.Contains(b, "\r\r") {
			t.Fatalf("%s: MLSD data %q", typ, b)
		}
	}
}
