package refserver

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var lsPattern = regexp.MustCompile(`^[-dl][-rwx]{9} +1 ftp +ftp +\d+ [A-Z][a-z]{2} [ \d]\d ( \d{4}|\d\d:\d\d) .+$`)

func TestLsLine(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "old", "12345")
	ts.write(t, "new", "x")
	os.Chtimes(filepath.Join(ts.root, "old"), time.Date(2001, 9, 9, 1, 46, 40, 0, time.UTC), time.Date(2001, 9, 9, 1, 46, 40, 0, time.UTC))
	os.Chmod(filepath.Join(ts.root, "old"), 0o640)
	os.Mkdir(filepath.Join(ts.root, "dir"), 0o755)
	c := login(t, ts.addr)
	lines := c.list("LIST")
	if len(lines) != 3 {
		t.Fatalf("LIST: %q", lines)
	}
	for _, l := range lines {
		if !lsPattern.MatchString(l) {
			t.Errorf("not an ls -l line: %q", l)
		}
	}
	if !strings.HasPrefix(lines[0], "drwxr-xr-x") || !strings.HasSuffix(lines[0], " dir") {
		t.Errorf("dir line %q", lines[0])
	}
	if lines[2] != "-rw-r-----   1 ftp      ftp                 5 Sep  9  2001 old" {
		t.Errorf("old line %q", lines[2])
	}
}

func TestListings(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "b.txt", "b")
	ts.write(t, "a.txt", "a")
	ts.write(t, "sub/inner", "i")
	ts.write(t, ".hidden", "h")
	c := login(t, ts.addr)
	for _, tc := range []struct {
		cmd  string
		want string // names, in order, joined by spaces
	}{
		{"NLST", ".hidden a.txt b.txt sub"},
		{"NLST sub", "inner"},
		{"NLST a.txt", "a.txt"},
		{"LIST -la", ".hidden a.txt b.txt sub"},
		{"LIST -l sub", "inner"},
		{"LIST /sub/inner", "inner"},
	} {
		lines := c.list(tc.cmd)
		var names []string
		for _, l := range lines {
			f := strings.Fields(l)
			names = append(names, f[len(f)-1])
		}
		if got := strings.Join(names, " "); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.cmd, got, tc.want)
		}
	}
	c.expect("MKD empty", 257)
	if lines := c.list("NLST empty"); len(lines) != 0 {
		t.Errorf("empty dir: %q", lines)
	}
	// A missing path: 450 (LIST's and NLST's §5.4 rows have no 550).
	c.run([]step{{"LIST nothing", 450, ""}, {"NLST nothing", 450, ""}})
	// Listings travel as ASCII even in TYPE I, with CRLF line ends.
	c.expect("TYPE I", 200)
	if lines := c.list("NLST sub"); len(lines) != 1 || lines[0] != "inner" {
		t.Errorf("NLST in TYPE I: %q", lines)
	}
}

func TestStatWithArgument(t *testing.T) {
	ts := startServer(t, nil)
	ts.write(t, "d/f1", "1")
	ts.write(t, "d/2digits", "22")
	ts.write(t, "file", "xyz")
	c, _ := dial(t, ts.addr)
	c.expect("STAT", 211) // allowed before login
	c.expect("STAT d", 530)
	c.expect("USER "+testUser, 331)
	c.expect("PASS "+testPassword, 230)
	r := c.expect("STAT d", 212)
	if len(r.lines) != 4 || !strings.HasSuffix(r.lines[1], " 2digits") || !strings.HasSuffix(r.lines[2], " f1") {
		t.Fatalf("STAT d:\n%s", r.raw)
	}
	r = c.expect("STAT file", 213)
	if len(r.lines) != 3 || !strings.Contains(r.lines[1], " 3 ") {
		t.Fatalf("STAT file:\n%s", r.raw)
	}
	c.expect("STAT nothing", 450)
	r = c.expect("STAT", 211)
	for _, want := range []string{"logged in as alice", "TYPE: ASCII Non-print", "STRUcture: File", "MODE: Stream", "no data connection"} {
		if !strings.Contains(r.text(), want) {
			t.Errorf("STAT lacks %q:\n%s", want, r.raw)
		}
	}
	c.expect("PASV", 227)
	if r := c.expect("STAT", 211); !strings.Contains(r.text(), "passive mode") {
		t.Errorf("STAT after PASV:\n%s", r.raw)
	}
}
