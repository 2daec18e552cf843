package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-servers", "no-such-server"},
		{"-profiles", "no-such-profile"},
		{"-profiles", ""},
		{"extra-argument"},
		{"-no-such-flag"},
	} {
		if got := run(args); got != 2 {
			t.Errorf("interop %q: exit %d, want 2", args, got)
		}
	}
}

// With -no-run and no reports, nothing runs: every outcome says its report is missing, the
// comparison is still written, and the status is 1 (a server did not complete).
func TestNoRunWithoutReports(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	got := run([]string{"-no-run", "-servers", "pyftpdlib", "-profiles", "rfc959", "-out", out,
		"-work", filepath.Join(dir, "work"), "-expected", filepath.Join(dir, "expected")})
	if got != 1 {
		t.Errorf("exit %d, want 1", got)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Errorf("no comparison written: %v", err)
	}
}
