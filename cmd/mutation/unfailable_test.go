package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseUnfailable(t *testing.T) {
	m, err := parseUnfailable(strings.NewReader("# comment\n\nCONNECT-007  the harness alone decides this\n  TLS-002\tno server reply reaches it \n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || m["CONNECT-007"] != "the harness alone decides this" || m["TLS-002"] != "no server reply reaches it" {
		t.Errorf("parsed %q", m)
	}
	for text, want := range map[string]string{
		"connect-007 reason\n":           `1: "connect-007" is not a scenario ID`,
		"# x\nCONNECT-007\n":             "2: CONNECT-007 has no reason",
		"CONNECT-007 a\nCONNECT-007 b\n": "2: CONNECT-007 is listed twice",
	} {
		if _, err := parseUnfailable(strings.NewReader(text)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", text, err, want)
		}
	}
}

func TestReadUnfailable(t *testing.T) {
	dir := t.TempDir()
	if m, err := readUnfailable(filepath.Join(dir, "missing.txt")); err != nil || len(m) != 0 {
		t.Errorf("a missing file: %v, %v", m, err)
	}
	file := filepath.Join(dir, "u.txt")
	os.WriteFile(file, []byte("bad\n"), 0o644)
	if _, err := readUnfailable(file); err == nil || !strings.HasPrefix(err.Error(), file+":1:") {
		t.Errorf("error %v does not name the file and line", err)
	}
}

// The committed file parses, and names only scenarios that exist.
func TestCommittedUnfailable(t *testing.T) {
	m, err := readUnfailable("unfailable.txt")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, s := range listScenarios("secure") {
		ids[s.ID] = true
	}
	for id := range m {
		if !ids[id] {
			t.Errorf("unfailable.txt: %s is not a scenario", id)
		}
	}
}
