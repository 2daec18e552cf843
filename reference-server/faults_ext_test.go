package refserver

import (
	"bytes"
	"strings"
	"testing"
)

// Each extension fault changes what the server does, where its description says; the last step
// of each case is the faulty behaviour (the same step without the fault is tested elsewhere).
func TestExtensionFaults(t *testing.T) {
	login := []step{{"USER " + testUser, 331, ""}, {"PASS " + testPassword, 230, ""}}
	cases := map[string][]step{
		"feat-takes-argument":        {{"FEAT x", 211, ""}},
		"feat-needs-login":           {{"FEAT", 530, ""}},
		"opts-accepts-anything":      {{"OPTS RETR x", 200, ""}},
		"opts-utf8-refused":          {{"OPTS UTF8 ON", 501, ""}},
		"opts-mlst-reply-empty":      {{"OPTS MLST size;", 200, ""}},
		"opts-mlst-unknown-501":      {{"OPTS MLST size;frogs;", 501, ""}},
		"opts-mlst-lenient":          {{"OPTS MLST fish cakes;", 200, ""}},
		"mlsx-missing-501":           append(login, step{"MLSD nothing", 501, ""}),
		"size-text":                  append(login, step{"SIZE f", 213, "File size: 3"}),
		"size-ignores-type":          append(login, step{"TYPE A", 200, ""}, step{"SIZE f", 213, "3"}),
		"size-mdtm-missing-450":      append(login, step{"MDTM nothing", 450, ""}, step{"SIZE nothing", 450, ""}),
		"size-mdtm-bare-550":         append(login, step{"SIZE", 550, ""}, step{"MDTM", 550, ""}),
		"mdtm-iso-format":            append(login, step{"MDTM f", 213, "-"}),
		"tvfs-absolute-as-relative":  append(login, step{"CWD d", 250, ""}, step{"SIZE /d/g", 550, ""}),
		"lang-refuses-listed":        {{"LANG en", 504, ""}},
		"lang-accepts-any":           {{"LANG fr", 200, ""}},
		"lang-malformed-504":         {{"LANG en_US", 504, ""}},
		"host-literal-refused":       {{"HOST 127.0.0.1", 504, ""}},
		"host-any-literal":           {{"HOST 192.0.2.1", 220, ""}},
		"host-port-504":              {{"HOST 127.0.0.1:21", 504, ""}},
		"host-after-login":           append(login, step{"HOST 127.0.0.1", 220, ""}),
		"host-unknown-220":           {{"HOST unknown.invalid", 220, ""}},
		"host-second-refused":        {{"HOST 127.0.0.1", 220, ""}, {"HOST 127.0.0.1", 503, ""}},
		"host-malformed-504":         {{"HOST a_b", 504, ""}},
		"host-refusal-breaks-login":  {{"HOST nope.invalid", 504, ""}, {"USER " + testUser, 503, ""}},
		"eprt-200-as-250":            append(login, step{"EPRT |1|127.0.0.1|2000|", 250, ""}),
		"eprt-522-without-protocols": append(login, step{"EPRT |9|x|2000|", 522, "supported."}),
		"epsv-all-ignored":           append(login, step{"EPSV ALL", 229, ""}, step{"PASV", 227, ""}),
		"epsv-reply-malformed":       append(login, step{"EPSV", 229, "(||"}),
		"epsv-own-family-refused":    append(login, step{"EPSV 1", 522, ""}),
		"mode-z-200-as-250":          append(login, step{"MODE Z", 250, ""}),
		"opts-mode-z-250":            {{"OPTS MODE Z LEVEL 5", 250, ""}},
		"eprt-malformed-200":         append(login, step{"EPRT |1|127.0.0.1|", 200, ""}),
		"opts-mode-z-accepts-any":    {{"OPTS MODE Z BLOCKSIZE 1", 200, ""}},
		"lprt-family-501":            append(login, step{"LPRT 16,4,1,2,3,4,2,1,1", 501, ""}),
		"lprt-malformed-200":         append(login, step{"LPRT 4,4,1", 200, ""}),
		"lprt-port-bytes-swapped":    append(login, step{"LPRT 4,4,127,0,0,1,2,23,112", 200, ""}, step{"STAT", 211, "127.0.0.1:28695"}),
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) {
			ts := startServer(t, func(c *Config) { c.Faults = []string{name} })
			ts.write(t, "f", "abc")
			ts.write(t, "d/g", "x\ny\n")
			c, _ := dial(t, ts.addr)
			c.run(steps)
			if name == "opts-mlst-reply-empty" && !strings.HasSuffix(c.cmd("OPTS MLST size;").raw, "MLST OPTS\r\n") {
				t.Error("the reply names the facts")
			}
		})
	}
}

// The faults that change FEAT, MLST, MLSD and the data of MODE Z.
func TestExtensionFaultsData(t *testing.T) {
	run := func(t *testing.T, fault string) (*testServer, *client) {
		ts := startServer(t, func(c *Config) { c.Faults = []string{fault} })
		ts.write(t, "d/f", "hello")
		return ts, login(t, ts.addr)
	}
	feat := func(c *client) string { return c.expect("FEAT", 211).raw }
	mlst := func(c *client, arg string) string { return c.expect("MLST"+arg, 250).lines[1] }
	checks := map[string]func(t *testing.T, c *client) bool{
		"feat-no-indent":       func(t *testing.T, c *client) bool { return strings.Contains(feat(c), "\r\nEPRT\r\n") },
		"feat-end-text":        func(t *testing.T, c *client) bool { return !strings.HasSuffix(feat(c), "211 End\r\n") },
		"feat-omits-size-mdtm": func(t *testing.T, c *client) bool { return !strings.Contains(feat(c), " SIZE") },
		"feat-omits-mode-z":    func(t *testing.T, c *client) bool { return !strings.Contains(feat(c), " MODE Z") },
		"feat-lang-bare":       func(t *testing.T, c *client) bool { return strings.Contains(feat(c), "\r\n LANG\r\n") },
		"feat-lang-star-wrong": func(t *testing.T, c *client) bool { return strings.Contains(feat(c), " LANG EN;FR*") },
		"feat-mlst-static": func(t *testing.T, c *client) bool {
			c.expect("OPTS MLST size;", 200)
			return strings.Contains(feat(c), "type*;size*")
		},
		"opts-mlst-ignored": func(t *testing.T, c *client) bool {
			c.expect("OPTS MLST size;", 200)
			return strings.Contains(mlst(c, " d/f"), "type=file")
		},
		"mlst-single-line": func(t *testing.T, c *client) bool {
			r := c.expect("MLST d/f", 250)
			return len(r.lines) == 1 && strings.HasPrefix(r.lines[0], "type=file;")
		},
		"mlst-fact-unterminated": func(t *testing.T, c *client) bool { return !strings.Contains(mlst(c, " d/f"), "; ") },
		"mlst-basename":          func(t *testing.T, c *client) bool { return strings.HasSuffix(mlst(c, " d/f"), "; f") },
		"mlst-dir-as-file":       func(t *testing.T, c *client) bool { return strings.Contains(mlst(c, " d"), "type=file") },
		"mlst-noarg-empty-name":  func(t *testing.T, c *client) bool { return strings.HasSuffix(mlst(c, ""), "; ") },
		"mlsd-leading-space":     func(t *testing.T, c *client) bool { return strings.HasPrefix(c.list("MLSD d")[0], " ") },
		"mlsd-lists-file":        func(t *testing.T, c *client) bool { return len(c.list("MLSD d/f")) == 1 },
		"mlsd-uses-type": func(t *testing.T, c *client) bool {
			return bytes.Contains(c.rawList("MLSD d"), []byte("\r\r\n"))
		},
		"mlsd-noarg-root": func(t *testing.T, c *client) bool {
			c.expect("CWD d", 250)
			return strings.HasSuffix(c.list("MLSD")[1], "; d")
		},
		"mlsd-cdir-always": func(t *testing.T, c *client) bool {
			c.expect("OPTS MLST size;", 200)
			return len(c.list("MLSD d")) == 2
		},
		"mdtm-hour-ahead": func(t *testing.T, c *client) bool {
			m := c.expect("MDTM d/f", 213).text()
			return !strings.Contains(mlst(c, " d/f"), "modify="+m+";")
		},
		"utf8-names-mangled": func(t *testing.T, c *client) bool {
			c.stor("ü.txt", []byte("x"))
			return strings.Join(c.list("NLST"), " ") == "_.txt d"
		},
		"pathname-spaces-trimmed": func(t *testing.T, c *client) bool {
			c.stor("  lead", []byte("x"))
			return strings.Join(c.list("NLST"), "|") == "d|lead"
		},
		"mode-z-retr-plain": func(t *testing.T, c *client) bool {
			c.expect("MODE Z", 200)
			return string(c.retr("d/f")) == "hello"
		},
		"mode-z-list-plain": func(t *testing.T, c *client) bool {
			c.expect("MODE Z", 200)
			return string(c.rawList("NLST d")) == "f\r\n"
		},
		"mode-z-store-raw": func(t *testing.T, c *client) bool {
			c.expect("MODE Z", 200)
			c.stor("z", deflated(t, []byte("hello"), 6))
			c.expect("MODE S", 200)
			return string(c.retr("z")) != "hello"
		},
	}
	t.Run("lpsv-port-bytes-swapped", func(t *testing.T) {
		ts, c := run(t, "lpsv-port-bytes-swapped")
		text := c.expect("LPSV", 228).text()
		f := strings.Split(strings.TrimSuffix(text[strings.Index(text, "(")+1:], ")"), ",")
		if listening(ts, atoi(t, f[7])<<8|atoi(t, f[8])) {
			t.Error("the announced port is the real one")
		}
	})
	for name, faulty := range checks {
		t.Run(name, func(t *testing.T) {
			_, c := run(t, name)
			if !faulty(t, c) {
				t.Fatal("the server behaves as without the fault")
			}
		})
	}
}
