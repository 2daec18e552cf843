package refserver

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestFileCommands(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.ReadOnlyPaths = []string{"/ro"}
		c.RefusedNames = []string{"*.refused"}
		c.BusyPaths = []string{"/busy"}
	})
	ts.write(t, "ro/keep", "x")
	ts.write(t, "busy", "x")
	ts.write(t, "dir/inner", "x")
	mtime := time.Date(2024, 2, 29, 13, 14, 15, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		setup map[string]string
		steps []step
	}{
		{"DELE", map[string]string{"d1": "x"}, []step{{"DELE d1", 250, ""}, {"DELE d1", 550, ""}}},
		{"DELE refusals", nil, []step{{"DELE dir", 550, "RMD"}, {"DELE ro/keep", 550, "Permission"}, {"DELE busy", 450, "busy"}}},
		{"rename", map[string]string{"r1": "x"}, []step{{"RNFR r1", 350, ""}, {"RNTO r2", 250, ""}, {"SIZE r2", 213, ""}, {"SIZE r1", 550, ""}}},
		{"rename into a directory path", map[string]string{"r3": "x"}, []step{{"RNFR r3", 350, ""}, {"RNTO dir/r3", 250, ""}}},
		{"rename a directory", nil, []step{{"MKD rd", 257, ""}, {"RNFR rd", 350, ""}, {"RNTO rd2", 250, ""}, {"CWD rd2", 250, ""}}},
		{"RNFR refusals", nil, []step{{"RNFR missing", 550, ""}, {"RNFR ro/keep", 550, ""}, {"RNFR busy", 450, ""}, {"RNFR /", 550, ""}}},
		{"RNTO refusals are 553", map[string]string{"r4": "x"}, []step{
			{"RNFR r4", 350, ""}, {"RNTO ro/x", 553, ""},
			{"RNFR r4", 350, ""}, {"RNTO x.refused", 553, "not allowed"},
			{"RNFR r4", 350, ""}, {"RNTO dir", 553, "directory"},
			{"RNFR r4", 350, ""}, {"RNTO no/such/dir", 553, ""},
			{"RNFR r4", 350, ""}, {"RNTO busy", 553, ""},
		}},
		{"SIZE", map[string]string{"s1": "hello\nworld\n"}, []step{{"TYPE I", 200, ""}, {"SIZE s1", 213, "12"}, {"TYPE A", 200, ""}, {"SIZE s1", 213, "14"}, {"SIZE dir", 550, ""}, {"SIZE none", 550, ""}}},
		{"MDTM", map[string]string{"m1": "x"}, []step{{"MDTM m1", 213, "20240229131415"}, {"MDTM dir", 550, ""}, {"MDTM none", 550, ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for name, content := range tc.setup {
				ts.write(t, name, content)
				os.Chtimes(filepath.Join(ts.root, name), mtime, mtime)
			}
			c := login(t, ts.addr)
			c.run(tc.steps)
		})
	}
}

func TestReadOnlyUser(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.Users = append(c.Users, User{Name: "ro", Password: "pw", ReadOnly: true})
	})
	ts.write(t, "f", "x")
	c, _ := dial(t, ts.addr)
	c.run([]step{
		{"USER ro", 331, ""}, {"PASS pw", 230, ""},
		{"DELE f", 550, ""}, {"MKD d", 550, ""}, {"RMD d", 550, ""}, {"RNFR f", 550, ""},
		{"STOR g", 553, ""}, {"STOU", 553, ""}, {"APPE f", 550, ""}, {"SITE CHMOD 600 f", 501, ""},
		{"SIZE f", 213, "1"},
	})
}

// SIZE is the number of octets a RETR sends (RFC 3659 §4), whatever the TYPE, STRU and MODE: the
// block headers, escapes, record marks, pages and restart markers count. In MODE Z it is the
// uncompressed size (deflate draft §3.7).
func TestSizeIsWhatRetrSends(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.PageStructure = true
		c.RestartMarkerInterval = 1000
	})
	var text strings.Builder
	for i := range 400 {
		fmt.Fprintf(&text, "line %d \xff   \n", i) // 0xFF and runs of spaces: escapes and fillers
	}
	ts.write(t, "f", text.String()+"no line end")
	c := login(t, ts.addr)
	for _, typ := range []string{"A", "E", "I"} {
		for _, stru := range []string{"F", "R", "P"} {
			for _, mode := range []string{"S", "B", "C", "Z"} {
				c.run([]step{{"TYPE " + typ, 200, ""}, {"STRU " + stru, 200, ""}, {"MODE " + mode, 200, ""}})
				r := c.expect("SIZE f", 213)
				sent := c.retr("f")
				if mode == "Z" {
					sent = inflated(t, sent)
				}
				if r.text() != strconv.Itoa(len(sent)) {
					t.Errorf("TYPE %s, STRU %s, MODE %s: SIZE says %s, RETR sent %d octets", typ, stru, mode, r.text(), len(sent))
				}
			}
		}
	}
}
