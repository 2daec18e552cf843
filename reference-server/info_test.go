package refserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInformationCommands(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.ReadOnlyPaths = []string{"/ro"} })
	ts.write(t, "f", "x")
	ts.write(t, "ro/g", "x")
	c, _ := dial(t, ts.addr)
	c.run([]step{
		{"SYST", 215, "UNIX Type: L8"},
		{"NOOP", 200, ""},
		{"SITE HELP", 530, ""},
		{"USER " + testUser, 331, ""},
		{"PASS " + testPassword, 230, ""},
		{"SITE HELP", 200, "CHMOD"},
		{"SITE help", 200, "IDLE"},
		{"SITE NOSUCH", 501, "SITE HELP"},
		{"SITE CHMOD 600 f", 200, ""},
		{"SITE CHMOD 600", 501, ""},
		{"SITE CHMOD 999 f", 501, ""},
		{"SITE CHMOD 1777 f", 501, ""},
		{"SITE CHMOD 600 nothing", 501, "No such"},
		{"SITE CHMOD 600 ro/g", 501, "Permission"},
		{"SITE CHMOD", 501, ""},
		{"SITE IDLE", 200, "No idle timeout"},
		{"SITE IDLE 60", 200, "60"},
		{"SITE IDLE", 200, "60 seconds"},
		{"SITE IDLE 5", 501, ""},
		{"SITE IDLE x", 501, ""},
	})
	fi, err := os.Stat(filepath.Join(ts.root, "f"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("SITE CHMOD: %v %v", fi.Mode(), err)
	}
	r := c.expect("SITE HELP", 200)
	if len(r.lines) < 4 || !strings.HasPrefix(r.raw, "200-") {
		t.Fatalf("SITE HELP is not a multi-line 200:\n%s", r.raw)
	}
}
