package refserver

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"
)

// seedCodes are the reply codes of the seed table (shared/seed/): each must be reachable, and
// TestReplyCodes shows the configuration and the command that produce it.
var seedCodes = []int{110, 120, 125, 150, 200, 202, 211, 212, 213, 214, 215, 220, 221, 225, 226, 227, 230,
	250, 257, 331, 332, 350, 421, 425, 426, 450, 451, 452, 500, 501, 502, 503, 504, 530, 532, 550, 551, 552, 553}

// codeCase produces one reply code: cfg configures the server, run returns the reply that
// carries the code.
type codeCase struct {
	code int
	how  string
	cfg  func(c *Config)
	run  func(t *testing.T, ts *testServer) reply
}

// simple is a case that sends commands as alice and returns the last reply.
func simple(lines ...string) func(t *testing.T, ts *testServer) reply {
	return func(t *testing.T, ts *testServer) reply {
		c := login(t, ts.addr)
		var r reply
		for _, l := range lines {
			r = c.cmd(l)
		}
		return r
	}
}

// asUser logs in as another user, then sends commands and returns the last reply.
func asUser(user, pass string, lines ...string) func(t *testing.T, ts *testServer) reply {
	return func(t *testing.T, ts *testServer) reply {
		c, _ := dial(t, ts.addr)
		c.expect("USER "+user, 331)
		r := c.cmd("PASS " + pass)
		for _, l := range lines {
			r = c.cmd(l)
		}
		return r
	}
}

// retrPreliminary downloads a file after PASV and returns RETR's preliminary reply.
func retrPreliminary(t *testing.T, ts *testServer) reply {
	ts.write(t, "f", "x")
	c := login(t, ts.addr)
	d := c.pasv()
	r := c.cmd("RETR f")
	readAll(t, d)
	c.expectRead(226)
	return r
}

var codeCases = []codeCase{
	{110, "MODE B STOR whose data carries a restart marker: 110 MARK", nil, func(t *testing.T, ts *testServer) reply {
		c := login(t, ts.addr)
		c.run([]step{{"TYPE I", 200, ""}, {"MODE B", 200, ""}})
		d := c.pasv()
		c.expect("STOR f", 150)
		d.Write([]byte("\x00\x00\x02ab\x10\x00\x02m1\x40\x00\x00"))
		r := c.read()
		d.Close()
		c.expectRead(226)
		return r
	}},
	{120, "start_delay: the greeting is 120, then 220", func(c *Config) { c.StartDelay = Duration(10 * time.Millisecond) }, func(t *testing.T, ts *testServer) reply {
		c, r := dial(t, ts.addr)
		c.expectRead(220)
		return r
	}},
	{120, "start_delay: REIN, which returns the session to a new connection's state, is 120, then 220", func(c *Config) { c.StartDelay = Duration(10 * time.Millisecond) }, func(t *testing.T, ts *testServer) reply {
		c, _ := dial(t, ts.addr)
		c.expectRead(220)
		c.run([]step{{"USER " + testUser, 331, ""}, {"PASS " + testPassword, 230, ""}})
		r := c.cmd("REIN")
		c.expectRead(220)
		c.expect("USER "+testUser, 331)
		return r
	}},
	{125, "passive_reply_125: RETR after PASV, the client connected", func(c *Config) { c.PassiveReply125 = true }, retrPreliminary},
	{150, "RETR", nil, retrPreliminary},
	{200, "NOOP", nil, simple("NOOP")},
	{202, "ALLO where no storage is allocated", nil, simple("ALLO 100")},
	{211, "STAT without argument", nil, simple("STAT")},
	{212, "STAT of a directory", nil, simple("MKD d", "STAT d")},
	{213, "SIZE", nil, func(t *testing.T, ts *testServer) reply { ts.write(t, "f", "abc"); return simple("SIZE f")(t, ts) }},
	{214, "HELP", nil, simple("HELP")},
	{215, "SYST", nil, simple("SYST")},
	{220, "connecting", nil, func(t *testing.T, ts *testServer) reply { _, r := dial(t, ts.addr); return r }},
	{221, "QUIT", nil, simple("QUIT")},
	{225, "keep_data_connection: ABOR after a MODE B transfer kept the connection open", func(c *Config) { c.KeepDataConnection = true }, func(t *testing.T, ts *testServer) reply {
		ts.write(t, "f", "x")
		c := login(t, ts.addr)
		c.run([]step{{"TYPE I", 200, ""}, {"MODE B", 200, ""}})
		d := c.pasv()
		c.expect("RETR f", 150)
		fr := newFrameReader(xferParams{typ: typeImage, stru: struFile, mode: modeBlock}, d)
		for e, err := fr.next(); e.kind != evEOF; e, err = fr.next() {
			if err != nil {
				t.Fatal(err)
			}
		}
		c.expectRead(250)
		return c.cmd("ABOR")
	}},
	{226, "end of RETR", nil, func(t *testing.T, ts *testServer) reply {
		ts.write(t, "f", "x")
		c := login(t, ts.addr)
		d := c.pasv()
		c.expect("RETR f", 150)
		readAll(t, d)
		return c.read()
	}},
	{227, "PASV", nil, simple("PASV")},
	{230, "PASS", nil, func(t *testing.T, ts *testServer) reply {
		c, _ := dial(t, ts.addr)
		c.expect("USER "+testUser, 331)
		return c.cmd("PASS " + testPassword)
	}},
	{250, "CWD", nil, simple("MKD d", "CWD d")},
	{257, "PWD", nil, simple("PWD")},
	{331, "USER", nil, func(t *testing.T, ts *testServer) reply { c, _ := dial(t, ts.addr); return c.cmd("USER " + testUser) }},
	{332, "a user with account_login: PASS", func(c *Config) {
		c.Users = append(c.Users, User{Name: "acct", Password: "pw", Account: "a1", AccountLogin: true})
	}, asUser("acct", "pw")},
	{350, "RNFR", nil, func(t *testing.T, ts *testServer) reply { ts.write(t, "f", "x"); return simple("RNFR f")(t, ts) }},
	{421, "graceful shutdown: every client", nil, func(t *testing.T, ts *testServer) reply {
		idle, _ := dial(t, ts.addr)
		busy := login(t, ts.addr)
		busy.upload("STOR f", nil) // a transfer that finishes before the 421
		go ts.srv.Shutdown(context.Background())
		busy.expectRead(226)
		busy.expectRead(421)
		return idle.read()
	}},
	{421, "max_connections 1: the second connection", func(c *Config) { c.MaxConnections = 1 }, func(t *testing.T, ts *testServer) reply {
		dial(t, ts.addr)
		_, r := dial(t, ts.addr)
		return r
	}},
	{425, "PORT to a port where nothing listens, then RETR", nil, func(t *testing.T, ts *testServer) reply {
		ts.write(t, "f", "x")
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		p := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		c := login(t, ts.addr)
		c.expect(fmt.Sprintf("PORT 127,0,0,1,%d,%d", p>>8, p&255), 200)
		c.expect("RETR f", 150)
		return c.read()
	}},
	{426, "ABOR during STOR", nil, func(t *testing.T, ts *testServer) reply {
		c := login(t, ts.addr)
		openUpload(t, c, "f", []byte("x"))
		c.send("ABOR")
		r := c.read()
		c.expectRead(226)
		return r
	}},
	{450, "busy_paths: RETR of a busy file", func(c *Config) { c.BusyPaths = []string{"/busy"} }, func(t *testing.T, ts *testServer) reply {
		ts.write(t, "busy", "x")
		return simple("RETR busy")(t, ts)
	}},
	{451, "io_error_paths: RETR of such a file", func(c *Config) { c.IOErrorPaths = []string{"/bad"} }, func(t *testing.T, ts *testServer) reply {
		ts.write(t, "bad", "0123456789")
		c := login(t, ts.addr)
		d := c.pasv()
		c.expect("RETR bad", 150)
		readAll(t, d)
		return c.read()
	}},
	{452, "storage_budget: STOR beyond it", func(c *Config) { c.StorageBudget = 4 }, func(t *testing.T, ts *testServer) reply {
		c := login(t, ts.addr)
		c.upload("STOR f", []byte("0123456789"))
		return c.read()
	}},
	{500, "an unknown command", nil, simple("FOO")},
	{501, "TYPE with a malformed argument", nil, simple("TYPE L x")},
	{502, "SMNT where no mounts are configured", nil, simple("SMNT /x")},
	{503, "RNTO without RNFR", nil, simple("RNTO x")},
	{504, "TYPE with an unknown type", nil, simple("TYPE X")},
	{530, "CWD before login", nil, func(t *testing.T, ts *testServer) reply { c, _ := dial(t, ts.addr); return c.cmd("CWD /") }},
	{532, "a user with account_store: STOR before ACCT", func(c *Config) {
		c.Users = append(c.Users, User{Name: "st", Password: "pw", Account: "a1", AccountStore: true})
	}, asUser("st", "pw", "STOR f")},
	{550, "RETR of a missing file", nil, simple("RETR missing")},
	{551, "page_structure: STOR in STRU P of a page of unknown type", func(c *Config) { c.PageStructure = true }, func(t *testing.T, ts *testServer) reply {
		c := login(t, ts.addr)
		c.run([]step{{"TYPE I", 200, ""}, {"STRU P", 200, ""}})
		c.upload("STOR f", []byte("\x04\x01\x01\x09x"))
		return c.read()
	}},
	{552, "a user with a quota: STOR beyond it", func(c *Config) {
		c.Users = append(c.Users, User{Name: "q", Password: "pw", Quota: 4, Home: "/q"})
	}, func(t *testing.T, ts *testServer) reply {
		c := loginAs(t, ts.addr, "q", "pw")
		c.upload("STOR f", bytes.Repeat([]byte("x"), 10))
		return c.read()
	}},
	{553, "refused_names: STOR of such a name", func(c *Config) { c.RefusedNames = []string{"*.exe"} }, simple("STOR setup.exe")},
}

func TestReplyCodes(t *testing.T) {
	var covered []int
	for _, tc := range codeCases {
		covered = append(covered, tc.code)
		t.Run(fmt.Sprintf("%d %s", tc.code, tc.how), func(t *testing.T) {
			ts := startServer(t, tc.cfg)
			if r := tc.run(t, ts); r.code != tc.code {
				t.Fatalf("got %v, want %d", r, tc.code)
			}
		})
	}
	for _, code := range seedCodes {
		if !slices.Contains(covered, code) {
			t.Errorf("no test produces %d", code)
		}
	}
}
