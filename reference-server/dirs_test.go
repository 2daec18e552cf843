package refserver

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDirectoryCommands(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.ReadOnlyPaths = []string{"/ro"}
		c.RefusedNames = []string{"*.refused"}
	})
	ts.write(t, "file.txt", "x")
	ts.write(t, "ro/keep", "x")
	ts.write(t, "full/inside", "x")
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"PWD at home", []step{{"PWD", 257, `"/" is the current directory`}, {"XPWD", 257, `"/"`}}},
		{"MKD and CWD", []step{{"MKD d1", 257, `"/d1" created`}, {"CWD d1", 250, ""}, {"PWD", 257, `"/d1"`}, {"MKD sub", 257, `"/d1/sub"`}, {"XCWD sub", 250, ""}, {"PWD", 257, `"/d1/sub"`}}},
		{"quotes in a path are doubled (RFC 959 appendix II)", []step{{`MKD a"b`, 257, `"/a""b" created`}, {`CWD a"b`, 250, ""}, {"PWD", 257, `"/a""b" is`}}},
		{"CDUP is 200 (RFC 959 §5.4)", []step{{"MKD d2", 257, ""}, {"CWD d2", 250, ""}, {"CDUP", 200, ""}, {"PWD", 257, `"/"`}, {"XCUP", 200, ""}, {"PWD", 257, `"/"`}}},
		{"CWD to nothing", []step{{"CWD nowhere", 550, ""}, {"CWD file.txt", 550, "Not a directory"}}},
		{"MKD existing", []step{{"MKD d3", 257, ""}, {"MKD d3", 550, "exists"}, {"XMKD d3", 550, ""}, {"MKD /", 550, ""}}},
		{"MKD refused name and read-only dir", []step{{"MKD x.refused", 550, ""}, {"MKD ro/new", 550, "Permission"}}},
		{"MKD in a missing parent", []step{{"MKD no/such", 550, ""}}},
		{"RMD", []step{{"MKD d4", 257, ""}, {"RMD d4", 250, ""}, {"RMD d4", 550, ""}, {"MKD d5", 257, ""}, {"XRMD d5", 250, ""}}},
		{"RMD refusals", []step{{"RMD full", 550, "not empty"}, {"RMD file.txt", 550, "Not a directory"}, {"RMD /", 550, ""}, {"RMD ro", 550, ""}}},
		{"RMD of the current directory", []step{{"MKD d6", 257, ""}, {"CWD d6", 250, ""}, {"RMD /d6", 550, "current"}}},
		{"paths above the root stay in it", []step{{"CWD ../../..", 250, ""}, {"PWD", 257, `"/"`}, {"CWD /../..", 250, ""}, {"PWD", 257, `"/"`}, {"CDUP", 200, ""}, {"PWD", 257, `"/"`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := login(t, ts.addr)
			c.run(tc.steps)
		})
	}
}

func TestSymlinksCannotLeaveTheRoot(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, nil)
	ts.write(t, "inside/f", "inside")
	for name, target := range map[string]string{"out": outside, "outfile": filepath.Join(outside, "secret"), "up": "..", "in": "inside"} {
		if err := os.Symlink(target, filepath.Join(ts.root, name)); err != nil {
			t.Fatal(err)
		}
	}
	c := login(t, ts.addr)
	c.run([]step{
		{"CWD out", 550, ""},
		{"SIZE outfile", 550, ""},
		{"RETR outfile", 550, ""},
		{"CWD up", 550, ""},
		{"SIZE up/" + filepath.Base(ts.root) + "/inside/f", 550, ""},
		{"CWD in", 250, ""}, // a link that stays inside works
		{"SIZE f", 213, "6"},
	})
	if got := string(c.retr("/in/f")); got != "inside" {
		t.Fatalf("RETR through an inside link: %q", got)
	}
	if _, err := os.Stat(filepath.Join(outside, "secret")); err != nil {
		t.Fatal(err)
	}
}

func TestUserHomes(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.Users = append(c.Users, User{Name: "bob", Password: "pw", Home: "/homes/bob"})
	})
	ts.write(t, "top-secret", "alice's")
	c, _ := dial(t, ts.addr)
	c.run([]step{
		{"USER bob", 331, ""}, {"PASS pw", 230, ""},
		{"PWD", 257, `"/"`},
		{"SIZE /top-secret", 550, ""},
		{"CWD ..", 250, ""},
		{"SIZE top-secret", 550, ""},
		{"MKD mine", 257, `"/mine"`},
	})
	if _, err := os.Stat(filepath.Join(ts.root, "homes", "bob", "mine")); err != nil {
		t.Fatalf("bob's directory is not in his home: %v", err)
	}
}

func TestSMNT(t *testing.T) {
	mount := t.TempDir()
	if err := os.WriteFile(filepath.Join(mount, "archived"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, func(c *Config) { c.Mounts = map[string]string{"/archive": mount} })
	ts.write(t, "home-file", "home")
	c := login(t, ts.addr)
	c.run([]step{
		{"SMNT /nothing", 550, "/archive"},
		{"TYPE I", 200, ""},
		{"SMNT /archive", 250, ""},
		{"PWD", 257, `"/"`},
		{"SIZE archived", 213, "3"}, // TYPE I kept: transfer parameters survive SMNT
		{"SIZE home-file", 550, ""},
		{"SMNT ~", 250, ""},
		{"SIZE home-file", 213, ""},
	})
	ts2 := startServer(t, nil)
	c2 := login(t, ts2.addr)
	c2.expect("SMNT /archive", 502)
}
