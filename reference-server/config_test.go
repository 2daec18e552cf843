package refserver

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{
		"listen": "127.0.0.1:0", "root": "/srv",
		"users": [{"name": "a", "password": "p", "home": "/h", "quota": 10, "account": "x", "account_store": true}],
		"idle_timeout": "1m30s", "data_timeout": "5s", "start_delay": "2s",
		"mounts": {"/cd": "/mnt/cd"}, "faults": ["bare-lf"]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.IdleTimeout.D() != 90*time.Second || cfg.DataTimeout.D() != 5*time.Second || cfg.StartDelay.D() != 2*time.Second {
		t.Errorf("durations: %v %v %v", cfg.IdleTimeout, cfg.DataTimeout, cfg.StartDelay)
	}
	if len(cfg.Users) != 1 || cfg.Users[0].Quota != 10 || !cfg.Users[0].AccountStore || cfg.Mounts["/cd"] != "/mnt/cd" {
		t.Errorf("decoded %+v", cfg)
	}
	// Round trip: durations are written back as strings.
	b, _ := json.Marshal(cfg)
	back, err := ParseConfig(b)
	if err != nil || !reflect.DeepEqual(back, cfg) {
		t.Fatalf("round trip: %v\n%s", err, b)
	}
	for in, want := range map[string]string{
		`{"root": ".", "idle_timeout": 30}`:     "duration",
		`{"root": ".", "idle_timeout": "soon"}`: "duration",
		`{"root": ".", "idle_timeout": "-1s"}`:  "negative",
		`{"root": ".", "unknown": 1}`:           "unknown",
		`{"root": ".",`:                         "unexpected",
		"{\n\"root\": \".\"\n,,}":               "line 3",
		`{"root": "."} {}`:                      "trailing",
		`{"root": ".", "users": [{"name": 1}]}`: "name",
	} {
		if _, err := ParseConfig([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error with %q", in, err, want)
		}
	}
}

func TestConfigChecks(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "f")
	os.WriteFile(file, nil, 0o644)
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no root", Config{}, "root"},
		{"missing root", Config{Root: filepath.Join(root, "none")}, "root"},
		{"root is a file", Config{Root: file}, "not a directory"},
		{"duplicate user", Config{Root: root, Users: []User{{Name: "a"}, {Name: "a"}}}, "twice"},
		{"empty user name", Config{Root: root, Users: []User{{}}}, "empty name"},
		{"account without value", Config{Root: root, Users: []User{{Name: "a", AccountLogin: true}}}, "account"},
		{"negative quota", Config{Root: root, Users: []User{{Name: "a", Quota: -1}}}, "quota"},
		{"bad port range", Config{Root: root, PassivePorts: "5-1"}, "passive_ports"},
		{"port range syntax", Config{Root: root, PassivePorts: "50000"}, "passive_ports"},
		{"bad pattern", Config{Root: root, RefusedNames: []string{"["}}, "pattern"},
		{"page size", Config{Root: root, PageSize: 300}, "page_size"},
		{"negative limit", Config{Root: root, MaxConnections: -1}, "negative"},
		{"mount missing", Config{Root: root, Mounts: map[string]string{"/m": filepath.Join(root, "none")}}, "mounts"},
		{"mount name ~", Config{Root: root, Mounts: map[string]string{"~": root}}, "mount name"},
		{"unknown fault", Config{Root: root, Faults: []string{"nope"}}, "unknown fault"},
		{"users file missing", Config{Root: root, UsersFile: filepath.Join(root, "none")}, "users_file"},
	} {
		_, err := New(tc.cfg, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}

func TestParseUsers(t *testing.T) {
	users, err := ParseUsers(strings.NewReader("# comment\n\nalice:secret\r\nbob:$2y$10$abc:def\nanonymous\n  ftp:\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []User{
		{Name: "alice", Password: "secret"},
		{Name: "bob", Password: "$2y$10$abc:def"},
		{Name: "anonymous", Anonymous: true, ReadOnly: true},
		{Name: "ftp", Anonymous: true, ReadOnly: true},
	}
	if !reflect.DeepEqual(users, want) {
		t.Fatalf("got %+v", users)
	}
	for _, bad := range []string{"nocolon\n", ":pw\n"} {
		if _, err := ParseUsers(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestUsersFileInConfig(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "users")
	os.WriteFile(file, []byte("carol:pw\n"), 0o600)
	ts := startServer(t, func(c *Config) { c.UsersFile = file })
	loginAs(t, ts.addr, "carol", "pw")
}
