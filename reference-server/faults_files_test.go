package refserver

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Each fault of faults_files.go changes what the server does, where it says. Every case starts
// a server with the fault on, logs in (TYPE I) and shows the broken behaviour.
func TestFileFaults(t *testing.T) {
	cases := []struct {
		fault string
		edit  func(c *Config)
		run   func(t *testing.T, ts *testServer, c *client)
	}{
		{"retr-226-as-250", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "f", "x")
			d := c.pasv()
			c.expect("RETR f", 150)
			readAll(t, d)
			c.expectRead(250)
			c.list("LIST") // other transfers keep their 226
		}},
		{"retr-short", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "f", "abc")
			if got := string(c.retr("f")); got != "ab" {
				t.Fatalf("RETR sent %q", got)
			}
		}},
		{"retr-truncates-file", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "f", "abc")
			if got := string(c.retr("f")); got != "abc" {
				t.Fatalf("RETR sent %q", got)
			}
			c.expect("NOOP", 200) // the truncation comes before the next command is read
			if got := ts.read(t, "f"); got != "" {
				t.Fatalf("the file holds %q", got)
			}
		}},
		{"retr-nonfile-empty", nil, func(t *testing.T, ts *testServer, c *client) {
			c.expect("MKD d", 257)
			for _, name := range []string{"missing", "d"} {
				if got := c.retr(name); len(got) != 0 {
					t.Fatalf("RETR %s sent %q", name, got)
				}
			}
		}},
		{"retr-busy-as-550", func(c *Config) { c.BusyPaths = []string{"/b"} }, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "b", "busy")
			c.pasv()
			c.expect("RETR b", 550)
		}},
		{"local-error-as-226", func(c *Config) { c.IOErrorPaths = []string{"/e"} }, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "e", strings.Repeat("x", 10000))
			d := c.pasv()
			c.expect("RETR e", 150)
			readAll(t, d)
			c.expectRead(226)
		}},
		{"storage-errors-as-226", func(c *Config) { c.StorageBudget = 1 }, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "filler", "x")
			c.pasv()
			c.expect("STOR f", 226)
		}},
		{"aborted-as-226", nil, func(t *testing.T, ts *testServer, c *client) {
			d := openUpload(t, c, "f", []byte("0123"))
			waitBytes(t, c, 4)
			c.send("ABOR")
			c.expectRead(226) // the STOR's, 426 without the fault
			c.expectRead(226)
			d.Close()
		}},
		{"double-preliminary", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "f", "abc")
			d := c.pasv()
			c.expect("RETR f", 150)
			c.expectRead(150)
			readAll(t, d)
			c.expectRead(226)
		}},
		{"stor-truncates-upload", nil, func(t *testing.T, ts *testServer, c *client) {
			c.stor("f", []byte(strings.Repeat("x", 3000)))
			if got := ts.read(t, "f"); len(got) != faultStoredBytes {
				t.Fatalf("the file holds %d bytes", len(got))
			}
		}},
		{"stor-appends", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "f", "old")
			c.stor("f", []byte("new"))
			if got := ts.read(t, "f"); got != "oldnew" {
				t.Fatalf("the file holds %q", got)
			}
		}},
		{"appe-truncates", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "f", "old")
			c.upload("APPE f", []byte("new"))
			c.expectRead(226)
			if got := ts.read(t, "f"); got != "new" {
				t.Fatalf("the file holds %q", got)
			}
		}},
		{"appe-no-create", nil, func(t *testing.T, ts *testServer, c *client) {
			c.pasv()
			c.expect("APPE f", 550)
		}},
		{"stou-overwrites", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "stou", "old")
			c.upload("STOU", []byte("new"))
			c.expectRead(226)
			if got := ts.read(t, "stou"); got != "new" {
				t.Fatalf("stou holds %q", got)
			}
		}},
		{"stou-unnamed-preliminary", nil, func(t *testing.T, ts *testServer, c *client) {
			if r := c.upload("STOU", []byte("x")); strings.Contains(r.text(), "FILE:") {
				t.Fatalf("STOU 150: %v", r)
			}
			c.expectRead(226)
		}},
		{"stou-unnamed-completion", nil, func(t *testing.T, ts *testServer, c *client) {
			c.upload("STOU", []byte("x"))
			if r := c.expectRead(226); strings.Contains(r.text(), "stou") {
				t.Fatalf("STOU 226: %v", r)
			}
		}},
		{"acct-store-ignored", func(c *Config) {
			c.Users = append(c.Users, User{Name: "store", Password: "pw", Account: "acct", AccountStore: true})
		}, func(t *testing.T, ts *testServer, _ *client) {
			c := loginAs(t, ts.addr, "store", "pw")
			c.stor("f", []byte("no account given"))
		}},
		{"refused-name-accepted", func(c *Config) { c.RefusedNames = []string{"*.no"} }, func(t *testing.T, ts *testServer, c *client) {
			c.stor("a.no", []byte("x"))
			c.run([]step{{"RNFR a.no", 350, ""}, {"RNTO b.no", 250, ""}})
		}},
		{"allo-refused", nil, func(t *testing.T, ts *testServer, c *client) {
			c.expect("ALLO 10", 501)
		}},
		{"rest-ignored", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "f", "abcdef")
			c.expect("REST 2", 350)
			if got := string(c.retr("f")); got != "abcdef" {
				t.Fatalf("RETR after REST 2 sent %q", got)
			}
		}},
		{"rest-off-by-one", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "f", "abcdef")
			c.expect("REST 2", 350)
			if got := string(c.retr("f")); got != "def" {
				t.Fatalf("RETR after REST 2 sent %q", got)
			}
		}},
		{"rest-sticky", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "f", "abcdef")
			c.expect("REST 2", 350)
			for range 2 {
				if got := string(c.retr("f")); got != "cdef" {
					t.Fatalf("RETR sent %q", got)
				}
			}
		}},
		{"rest-beyond-eof-ignored", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "f", "abcdef")
			c.expect("REST 10", 350)
			if got := string(c.retr("f")); got != "abcdef" {
				t.Fatalf("RETR after REST 10 sent %q", got)
			}
		}},
		{"rest-accepts-garbage", nil, func(t *testing.T, ts *testServer, c *client) {
			c.expect("REST 1x", 350)
		}},
		{faultRESTLocalOffset, nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "f", "a\nb\nc\n")
			c.expect("TYPE A", 200)
			c.expect("REST 3", 350) // "b\r\nc\r\n" in the transferred form
			if got := string(c.retr("f")); got != "\r\nc\r\n" {
				t.Fatalf("RETR after REST 3 sent %q", got)
			}
		}},
		{"rnto-without-rnfr", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "a", "x")
			c.run([]step{{"RNTO b", 250, ""}, {"RNFR a", 350, ""}, {"RNTO c", 250, ""}})
			ts.read(t, "c")
		}},
		{"rnto-no-rename", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "a", "x")
			c.run([]step{{"RNFR a", 350, ""}, {"RNTO b", 250, ""}})
			ts.read(t, "a")
		}},
		{"rnfr-missing-350", nil, func(t *testing.T, ts *testServer, c *client) {
			c.expect("RNFR missing", 350)
		}},
		{"rnfr-250", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "a", "x")
			c.run([]step{{"RNFR a", 250, ""}, {"RNTO b", 250, ""}})
			ts.read(t, "b")
		}},
		{"rnfr-sticky", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "a", "x")
			c.run([]step{{"RNTO b", 503, ""}, {"RNFR a", 350, ""}, {"NOOP", 200, ""}, {"RNTO b", 250, ""}})
			ts.read(t, "b")
		}},
		{"dele-always-250", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "a", "x")
			c.run([]step{{"DELE missing", 250, ""}, {"DELE a", 250, ""}})
			ts.read(t, "a")
		}},
		{"rmd-always-250", nil, func(t *testing.T, ts *testServer, c *client) {
			c.run([]step{{"RMD missing", 250, ""}, {"MKD d", 257, ""}, {"RMD d", 250, ""}, {"CWD d", 250, ""}})
		}},
		{"rmd-recursive", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "d/f", "x")
			c.expect("RMD d", 250)
			if _, err := os.Stat(filepath.Join(ts.root, "d")); err == nil {
				t.Fatal("d is still there")
			}
		}},
		{"mkd-exists-257", nil, func(t *testing.T, ts *testServer, c *client) {
			c.run([]step{{"MKD d", 257, ""}, {"MKD d", 257, ""}})
		}},
		{"mkd-reply-not-absolute", nil, func(t *testing.T, ts *testServer, c *client) {
			c.run([]step{{"MKD d", 257, ""}, {"MKD d/e", 257, `257 "e" created.`}})
		}},
		{"mkd-relative-to-root", nil, func(t *testing.T, ts *testServer, c *client) {
			c.run([]step{{"MKD d", 257, ""}, {"CWD d", 250, ""}, {"MKD e", 257, `"/e"`}})
		}},
		{"pwd-unquoted", nil, func(t *testing.T, ts *testServer, c *client) {
			c.run([]step{{`MKD a"b`, 257, `"/a""b"`}, {`CWD a"b`, 250, ""}})
			if r := c.expect("PWD", 257); r.text() != `/a"b is the current directory.` {
				t.Fatalf("PWD: %v", r)
			}
		}},
		{"path-quotes-undoubled", nil, func(t *testing.T, ts *testServer, c *client) {
			c.run([]step{{`MKD a"b`, 257, `257 "/a"b" created.`}, {`CWD a"b`, 250, ""}, {"PWD", 257, `257 "/a"b" is`}})
		}},
		{"x-directory-commands-missing", nil, func(t *testing.T, ts *testServer, c *client) {
			c.run([]step{{"XMKD d", 502, ""}, {"XPWD", 502, ""}, {"XRMD d", 502, ""}, {"MKD d", 257, ""}})
		}},
		{faultListEmpty, nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "a", "x")
			if lines := c.list("LIST"); len(lines) != 0 {
				t.Fatalf("LIST: %q", lines)
			}
			if lines := c.list("NLST"); len(lines) != 1 {
				t.Fatalf("NLST: %q", lines)
			}
		}},
		{"nlst-long-form", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "a", "x")
			if lines := c.list("NLST"); len(lines) != 1 || !strings.HasPrefix(lines[0], "-rw") {
				t.Fatalf("NLST: %q", lines)
			}
		}},
		{"listing-ignores-cwd", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "d/inner", "x")
			c.expect("CWD d", 250)
			if lines := c.list("NLST"); len(lines) != 1 || lines[0] != "d" {
				t.Fatalf("NLST in d: %q", lines)
			}
		}},
		{"list-file-refused", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "a", "x")
			c.pasv()
			c.expect("LIST a", 450)
		}},
		{faultListMissingEmpty, nil, func(t *testing.T, ts *testServer, c *client) {
			if lines := c.list("LIST missing"); len(lines) != 0 {
				t.Fatalf("LIST: %q", lines)
			}
		}},
		{faultListFollowsType, nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "a", "x")
			d := c.pasv()
			c.expect("NLST", 150)
			if got := string(readAll(t, d)); got != "a\n" {
				t.Fatalf("NLST in TYPE I sent %q", got)
			}
			c.expectRead(226)
		}},
		{"stat-silent", nil, func(t *testing.T, ts *testServer, c *client) {
			c.send("STAT")
			c.expect("NOOP", 200) // the first reply is NOOP's: STAT got none
		}},
		{"stat-path-ignored", nil, func(t *testing.T, ts *testServer, c *client) {
			c.expect("STAT /", 211)
		}},
		{"stat-queued", nil, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "big", strings.Repeat("x", 16<<20))
			d := c.pasv()
			c.expect("RETR big", 150)
			c.send("STAT")
			readAll(t, d)
			c.expectRead(226) // then STAT's reply, about no transfer: it waited for the end
			c.expectRead(211)
		}},
		{"read-only-dir-writable", func(c *Config) { c.ReadOnlyPaths = []string{"/ro"} }, func(t *testing.T, ts *testServer, c *client) {
			ts.write(t, "ro/README", "read-only")
			ts.write(t, "a", "moved")
			c.stor("ro/stored", []byte("stored"))
			c.upload("APPE ro/stored", []byte(" and appended"))
			c.expectRead(226)
			c.run([]step{{"MKD ro/d", 257, ""}, {"RNFR a", 350, ""}, {"RNTO ro/a", 250, ""}, {"DELE ro/README", 550, ""}})
			if got := ts.read(t, "ro/stored") + ts.read(t, "ro/a"); got != "stored and appendedmoved" {
				t.Fatalf("the read-only directory holds %q", got)
			}
		}},
		{"abor-silent", nil, func(t *testing.T, ts *testServer, c *client) {
			c.send("ABOR")
			c.expect("NOOP", 200)
		}},
		{"abor-data-left-open", nil, func(t *testing.T, ts *testServer, c *client) {
			c.expect("TYPE I", 200)
			d := openUpload(t, c, "partial", []byte("0123456789"))
			defer d.Close()
			waitBytes(t, c, 10)
			c.send("ABOR")
			c.expectRead(426)
			c.expectRead(226)
			d.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
			var ne net.Error
			if _, err := d.Read(make([]byte, 1)); !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("the data connection after ABOR: %v, want it still open (a read timing out)", err)
			}
		}},
		{"abor-closes-control", nil, func(t *testing.T, ts *testServer, c *client) {
			c.expect("ABOR", 226)
			if r, err := c.tryRead(); err == nil {
				t.Fatalf("after ABOR: %v", r)
			}
		}},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		seen[tc.fault] = true
		t.Run(tc.fault, func(t *testing.T) {
			ts := startServer(t, func(c *Config) {
				c.Faults = []string{tc.fault}
				if tc.edit != nil {
					tc.edit(c)
				}
			})
			c := login(t, ts.addr)
			c.expect("TYPE I", 200)
			tc.run(t, ts, c)
		})
	}
	for _, f := range fileFaults {
		if !seen[f.Name] {
			t.Errorf("fault %s has no case here", f.Name)
		}
	}
}

// Without faults, the same operations behave: a spot check that the checks are off by default.
func TestFileFaultChecksOff(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.RefusedNames = []string{"*.no"} })
	c := login(t, ts.addr)
	c.expect("TYPE I", 200)
	ts.write(t, "f", "abcdef")
	if got := string(c.retr("f")); got != "abcdef" {
		t.Fatalf("RETR sent %q", got)
	}
	c.stor("g", []byte(strings.Repeat("y", 3000)))
	if got := ts.read(t, "g"); len(got) != 3000 {
		t.Fatalf("STOR kept %d bytes", len(got))
	}
	c.pasv()
	c.expect("STOR a.no", 553)
}
