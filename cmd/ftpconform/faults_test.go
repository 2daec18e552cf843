package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reports"
)

func TestEmbeddedFaultUsageErrors(t *testing.T) {
	t.Setenv(harness.TargetEnv, "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--embedded-fault", "no-such-fault"}, `--embedded-fault "no-such-fault": no such fault; the catalogue has: `},
		{[]string{"--embedded-fault", "bare-lf", "--target", "ftp://u:p@127.0.0.1:21/"}, "cannot be used with --target"},
	} {
		code, out, stderr := runCmd(t, append(tc.args, "--report-dir", t.TempDir())...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, code, out, stderr, tc.want)
		}
	}
}

// A fault makes the scenario that checks its rule fail, and the report says why.
func TestEmbeddedFaultFailsTheRun(t *testing.T) {
	t.Setenv(harness.TargetEnv, "")
	dir := t.TempDir()
	code, out, stderr := runCmd(t, "--report-dir", dir, "--embedded-fault", "bare-lf", "--label-filter", "id: containsAny {CONNECT-001}")
	if code != exitNotConformant {
		t.Fatalf("exit %d:\n%s\n%s", code, out, stderr)
	}
	_, r := readFinal(t, dir)
	f := r.Failures()
	if len(f) != 1 || f[0].ID != "CONNECT-001" || !strings.Contains(f[0].Reason, "bare LF") {
		t.Fatalf("failures %+v", f)
	}
	html, err := os.ReadFile(filepath.Join(dir, reports.HTMLFile))
	if err != nil || !strings.Contains(string(html), "bare LF") {
		t.Errorf("report.html does not show the failure (%v)", err)
	}
	// Without the flag, the same scenario passes.
	if code, out, _ := runCmd(t, "--report-dir", t.TempDir(), "--label-filter", "id: containsAny {CONNECT-001}"); code != exitConformant {
		t.Errorf("without the fault: exit %d\n%s", code, out)
	}
}
