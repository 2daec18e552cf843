package refserver

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestLogin(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("hashed-pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, func(c *Config) {
		c.Users = append(c.Users,
			User{Name: "hash", Password: string(hash)},
			User{Name: "anonymous", Anonymous: true, ReadOnly: true},
			User{Name: "acct", Password: "pw", Account: "dept7", AccountLogin: true},
			User{Name: "store", Password: "pw", Account: "dept7", AccountStore: true},
		)
	})
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"plain password", []step{{"USER alice", 331, ""}, {"PASS secret", 230, "alice"}, {"PWD", 257, `"/"`}}},
		{"wrong password", []step{{"USER alice", 331, ""}, {"PASS wrong", 530, ""}, {"PWD", 550, "Not logged in"}}},
		{"unknown user gets 331 too (RFC 2577 §7)", []step{{"USER nobody", 331, ""}, {"PASS x", 530, ""}}},
		{"bcrypt hash", []step{{"USER hash", 331, ""}, {"PASS hashed-pw", 230, ""}}},
		{"bcrypt wrong", []step{{"USER hash", 331, ""}, {"PASS " + string(hash), 530, ""}}},
		{"anonymous", []step{{"USER anonymous", 331, "e-mail"}, {"PASS guest@example.org", 230, "read-only"}, {"MKD x", 550, ""}}},
		{"empty password", []step{{"USER anonymous", 331, ""}, {"PASS", 230, ""}}},
		{"account for login (332)", []step{{"USER acct", 331, ""}, {"PASS pw", 332, "ACCT"}, {"PWD", 550, "Not logged in"}, {"ACCT dept7", 230, ""}, {"PWD", 257, ""}}},
		{"wrong account", []step{{"USER acct", 331, ""}, {"PASS pw", 332, ""}, {"ACCT nope", 530, ""}, {"ACCT dept7", 503, ""}}},
		{"account superfluous (202)", []step{{"USER alice", 331, ""}, {"PASS secret", 230, ""}, {"ACCT x", 202, ""}}},
		{"account for storing (532)", []step{{"USER store", 331, ""}, {"PASS pw", 230, ""}, {"STOR f", 532, ""}, {"APPE f", 532, ""}, {"STOU", 532, ""}, {"ACCT dept7", 230, "storing"}, {"ACCT dept7", 202, ""}}},
		{"USER again changes user", []step{{"USER alice", 331, ""}, {"PASS secret", 230, ""}, {"USER nobody", 331, ""}, {"PWD", 550, "Not logged in"}}},
		{"PASS after login", []step{{"USER alice", 331, ""}, {"PASS secret", 230, ""}, {"PASS secret", 503, ""}}},
		{"REIN logs out (220)", []step{{"USER alice", 331, ""}, {"PASS secret", 230, ""}, {"TYPE I", 200, ""}, {"REIN", 220, ""}, {"PWD", 550, "Not logged in"}, {"USER alice", 331, ""}, {"PASS secret", 230, ""}, {"STAT", 211, "ASCII"}}},
		{"QUIT (221)", []step{{"QUIT", 221, ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := dial(t, ts.addr)
			c.run(tc.steps)
		})
	}
}

func TestQuitClosesTheConnection(t *testing.T) {
	ts := startServer(t, nil)
	c := login(t, ts.addr)
	c.expect("QUIT", 221)
	if r, err := c.tryRead(); err == nil {
		t.Fatalf("after QUIT: %v", r)
	}
}

func TestLoginFailureLimitAndDelay(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.MaxLoginFailures = 2
		c.LoginFailDelay = Duration(time.Millisecond)
	})
	c, _ := dial(t, ts.addr)
	c.run([]step{{"USER alice", 331, ""}, {"PASS a", 530, ""}, {"USER alice", 331, ""}, {"PASS b", 421, "Too many"}})
	if _, err := c.tryRead(); err == nil {
		t.Fatal("connection still open after 421")
	}
}

func TestPasswordsAreNotLogged(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.Users = append(c.Users, User{Name: "acct", Password: "pw-in-log?", Account: "account-in-log?", AccountLogin: true})
	})
	c, _ := dial(t, ts.addr)
	c.run([]step{{"USER acct", 331, ""}, {"PASS pw-in-log?", 332, ""}, {"ACCT account-in-log?", 230, ""}, {"QUIT", 221, ""}})
	c.tryRead()
	logs := ts.logs.String()
	if strings.Contains(logs, "in-log?") {
		t.Fatalf("a secret was logged:\n%s", logs)
	}
	for _, want := range []string{"msg=command", "cmd=USER", "arg=acct", "msg=reply", "code=332", "session=1"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q", want)
		}
	}
}
