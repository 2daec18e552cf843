package refserver

import (
	"strings"
	"testing"
	"time"
)

// Each session fault changes what the server does, where its description says. Faults whose
// effect needs a transfer, a condition or the wire (greeting, idle, pipelining, long lines) have
// tests of their own below; the rest are command sequences.
func TestSessionFaults(t *testing.T) {
	acct := func(c *Config) {
		c.Users = append(c.Users, User{Name: "acct", Password: "pw", Account: "dept7", AccountLogin: true})
	}
	mount := func(c *Config) { c.Mounts = map[string]string{"/m": t.TempDir()} }
	user, pass := "USER "+testUser, "PASS "+testPassword
	for _, tc := range []struct {
		fault  string
		config func(c *Config)
		login  bool
		steps  []step
	}{
		{"user-230-without-password", nil, false, []step{{user, 230, ""}}},
		{"user-unknown-530", nil, false, []step{{"USER nobody", 530, ""}, {user, 331, ""}}},
		{"user-keeps-login", nil, true, []step{{user, 331, ""}, {"CWD /", 250, ""}}},
		{"pass-sequence-unchecked", nil, false, []step{{user, 331, ""}, {"BOGUS", 500, ""}, {pass, 230, ""}}},
		{"pass-retry-without-user", nil, false, []step{{user, 331, ""}, {"PASS wrong", 530, ""}, {pass, 230, ""}}},
		{"pass-any-password", nil, false, []step{{user, 331, ""}, {"PASS wrong", 230, ""}}},
		{"login-failures-close-silently", nil, false, []step{{user, 331, ""}, {"PASS a", 530, ""}, {user, 331, ""}, {"PASS b", 530, ""}, {user, 331, ""}, {"PASS c", 530, ""}}},
		{"login-limit-ignored", func(c *Config) { c.MaxLoginFailures = 2 }, false, []step{{user, 331, ""}, {"PASS a", 530, ""}, {user, 331, ""}, {"PASS b", 530, ""}, {user, 331, ""}, {"PASS c", 530, ""}, {pass, 503, ""}}},
		{"acct-login-skipped", acct, false, []step{{"USER acct", 331, ""}, {"PASS pw", 230, ""}}},
		{"acct-login-early", acct, false, []step{{"USER acct", 331, ""}, {"PASS pw", 332, ""}, {"CWD /", 250, ""}}},
		{"acct-any-account", acct, false, []step{{"USER acct", 331, ""}, {"PASS pw", 332, ""}, {"ACCT nope", 230, ""}}},
		{"acct-superfluous-502", nil, true, []step{{"ACCT x", 502, ""}}},
		{"acct-before-login-230", nil, false, []step{{"ACCT x", 230, ""}, {"CWD /", 530, ""}}},
		{"login-not-enforced", nil, false, []step{{"CWD /", 250, ""}, {"MKD d", 257, ""}}},
		{"missing-argument-accepted", nil, false, []step{{"USER", 331, ""}}},
		{"cwd-no-change", nil, true, []step{{"MKD d", 257, ""}, {"CWD d", 250, ""}, {"PWD", 257, `"/"`}}},
		{"cwd-not-directory-250", nil, true, []step{{"CWD missing", 250, ""}, {"PWD", 257, `"/"`}}},
		{"cwd-resets-type", nil, true, []step{{"TYPE I", 200, ""}, {"CWD /", 250, ""}, {"STAT", 211, "ASCII"}}},
		{"cdup-to-root", nil, true, []step{{"MKD a", 257, ""}, {"MKD a/b", 257, ""}, {"CWD a/b", 250, ""}, {"CDUP", 200, ""}, {"PWD", 257, `"/"`}}},
		{"xcwd-xcup-missing", nil, true, []step{{"XCWD /", 500, ""}, {"XCUP", 500, ""}, {"CWD /", 250, ""}}},
		{"smnt-refused", mount, true, []step{{"SMNT /m", 550, ""}}},
		{"smnt-logs-out", mount, true, []step{{"SMNT /m", 250, ""}, {"CWD /", 530, ""}}},
		{"smnt-unknown-250", mount, true, []step{{"SMNT /nothing", 250, ""}}},
		{"rein-keeps-login", nil, true, []step{{"REIN", 220, ""}, {"CWD /", 250, ""}}},
		{"rein-keeps-params", nil, true, []step{{"TYPE I", 200, ""}, {"REIN", 220, ""}, {user, 331, ""}, {pass, 230, ""}, {"STAT", 211, "BINARY"}}},
		{"noop-202", nil, true, []step{{"NOOP", 202, ""}}},
		{"info-needs-login", nil, false, []step{{"NOOP", 530, ""}, {"SYST", 530, ""}, {"HELP", 530, ""}}},
		{"syst-no-name", nil, true, []step{{"SYST", 215, ""}}},
		{"help-200", nil, true, []step{{"HELP", 200, ""}, {"HELP USER", 200, ""}}},
		{"help-argument-502", nil, true, []step{{"HELP USER", 502, ""}, {"HELP", 214, ""}}},
		{"site-help-501", nil, true, []step{{"SITE HELP", 501, ""}}},
		{"site-unknown-200", nil, true, []step{{"SITE NOSUCH", 200, ""}, {"SITE", 200, ""}}},
		{"unknown-command-501", nil, true, []step{{"BOGUS", 501, ""}, {"NOOP", 200, ""}}},
		{"type-case-sensitive", nil, true, []step{{"TYPE i", 504, ""}, {"TYPE I", 200, ""}}},
		{"commands-case-sensitive", nil, true, []step{{"noop", 500, ""}, {"NOOP", 200, ""}}},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			ts := startServer(t, func(c *Config) {
				c.Faults = []string{tc.fault}
				if tc.config != nil {
					tc.config(c)
				}
			})
			var c *client
			if tc.login {
				c = login(t, ts.addr)
			} else {
				c, _ = dial(t, ts.addr)
			}
			c.run(tc.steps)
		})
	}
}

func TestSessionFaultsOnTheWire(t *testing.T) {
	t.Run("greeting-not-220", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"greeting-not-220"} })
		if _, g := dial(t, ts.addr); g.code != 200 {
			t.Fatalf("greeting %v", g)
		}
	})
	t.Run("greeting-120-as-220 and greeting-120-twice", func(t *testing.T) {
		ts := startServer(t, func(c *Config) {
			c.StartDelay = Duration(10 * time.Millisecond)
			c.Faults = []string{"greeting-120-as-220"}
		})
		c, g := dial(t, ts.addr)
		if g.code != 220 || !strings.Contains(g.raw, "Service ready in") {
			t.Fatalf("greeting %v", g)
		}
		c.expectRead(220)
		ts = startServer(t, func(c *Config) {
			c.StartDelay = Duration(10 * time.Millisecond)
			c.Faults = []string{"greeting-120-twice"}
		})
		c, g = dial(t, ts.addr)
		if g.code != 120 {
			t.Fatalf("greeting %v", g)
		}
		c.expectRead(120)
		c.expectRead(220)
	})
	t.Run("connection-limit-220", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.MaxConnections = 1; c.Faults = []string{"connection-limit-220"} })
		login(t, ts.addr)
		c, g := dial(t, ts.addr)
		if g.code != 220 || !strings.Contains(g.raw, "Too many") {
			t.Fatalf("greeting beyond the limit: %v", g)
		}
		if r, err := c.tryRead(); err == nil {
			t.Fatalf("still open: %v", r)
		}
	})
	t.Run("idle-timeout-off", func(t *testing.T) {
		// A timeout of a nanosecond would close the session before its first command.
		ts := startServer(t, func(c *Config) { c.IdleTimeout = Duration(time.Nanosecond); c.Faults = []string{"idle-timeout-off"} })
		c := login(t, ts.addr)
		c.expect("NOOP", 200)
	})
	t.Run("long-line-two-replies", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"long-line-two-replies"} })
		c := login(t, ts.addr)
		c.expect("USER "+strings.Repeat("a", 2*maxCommandLine), 500)
		c.expect("NOOP", 500) // the extra reply
		c.expectRead(200)
	})
	t.Run("pipelined-commands-dropped", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"pipelined-commands-dropped"} })
		c := login(t, ts.addr)
		c.conn.Write([]byte("NOOP\r\nSYST\r\n"))
		c.expectRead(200)
		c.expect("HELP HELP", 214) // SYST was dropped: the next reply is HELP's
	})
	t.Run("multiline-unpadded-code", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"multiline-unpadded-code"} })
		c := login(t, ts.addr)
		c.send("HELP")
		first, _ := c.r.ReadString('\n')
		second, _ := c.r.ReadString('\n')
		if !strings.HasPrefix(first, "214-") || !strings.HasPrefix(second, "214 ") {
			t.Fatalf("HELP begins %q %q", first, second)
		}
	})
}

func TestSessionFaultsDuringATransfer(t *testing.T) {
	for _, tc := range []struct{ fault, cmd string }{
		{"user-aborts-transfer", "USER " + testUser},
		{"rein-aborts-transfer", "REIN"},
		{"quit-aborts-transfer", "QUIT"},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			ts := startServer(t, func(c *Config) { c.Faults = []string{tc.fault} })
			c := login(t, ts.addr)
			d := openUpload(t, c, "f", []byte("first"))
			c.send(tc.cmd)
			c.expectRead(426)
			d.Close()
		})
	}
	t.Run("user-resets-params", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"user-resets-params"} })
		c := login(t, ts.addr)
		c.run([]step{{"TYPE I", 200, ""}, {"USER " + testUser, 331, ""}, {"PASS " + testPassword, 230, ""}, {"STAT", 211, "ASCII"}})
	})
	t.Run("quit-keeps-open", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{"quit-keeps-open"} })
		c := login(t, ts.addr)
		c.expect("QUIT", 221)
		c.expect("NOOP", 200)
	})
}
