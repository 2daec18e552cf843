package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reports"
	"github.com/onsi/ginkgo/v2"
)

// A real harness scenario for the baseline tests: its replies are recorded by the harness, as
// every scenario's are. It passes whatever NOOP draws, so only the baseline can notice.
var _ = ginkgo.Describe("runner baseline test", ginkgo.Label("runner-baseline"), func() {
	harness.Scenario(harness.Spec{
		ID:       "ZZD-001",
		Title:    "NOOP is answered",
		Commands: []string{"NOOP"},
		Codes:    []int{200},
		Section:  "959:4.1.3",
		Quote:    "It specifies no action other than that the server send an OK reply.",
		Level:    harness.Must,
	}, func(s *harness.S) {
		s.Dial().Cmd("NOOP")
	})
})

// The round trip of issue 5: write a baseline, change one reply code of the target, compare:
// exactly that change is reported, first, and the run exits 1.
func TestBaselineRoundTrip(t *testing.T) {
	dir := t.TempDir()
	baseline := filepath.Join(dir, "baseline.json")
	ok := fakeServerReplying(t, map[string]string{"NOOP": "200 NOOP ok"})
	code, out, stderr := runCmd(t, "--target", targetURL(ok), "--report-dir", filepath.Join(dir, "r1"), "--label-filter", "id:ZZD-001", "--baseline-write", baseline)
	if code != exitConformant || !strings.Contains(out, "Baseline written: "+baseline+" (1 scenarios)") {
		t.Fatalf("writing the baseline: exit %d\n%s\n%s", code, out, stderr)
	}
	b, err := reports.ReadBaseline(baseline)
	if err != nil {
		t.Fatal(err)
	}
	if got := reports.FormatSteps(b.Scenarios["ZZD-001"].Steps); !strings.Contains(got, "greeting 220, NOOP 200") {
		t.Fatalf("ZZD-001 recorded as %q", got)
	}

	// The same server: no change.
	code, out, _ = runCmd(t, "--target", targetURL(ok), "--report-dir", filepath.Join(dir, "r2"), "--label-filter", "id:ZZD-001", "--baseline", baseline)
	if code != exitConformant || !strings.Contains(out, "Baseline: no change against the baseline "+baseline+" (1 scenario compared)") {
		t.Errorf("the same server: exit %d\n%s", code, out)
	}

	// NOOP now draws 500 (RFC 959 allows it): ZZD-001 still passes, but the code changed.
	changed := fakeServerReplying(t, map[string]string{"NOOP": "500 what NOOP"})
	report := filepath.Join(dir, "r3")
	code, out, _ = runCmd(t, "--target", targetURL(changed), "--report-dir", report, "--label-filter", "id:ZZD-001", "--baseline", baseline)
	if code != exitNotConformant {
		t.Fatalf("a changed reply code: exit %d, want %d\n%s", code, exitNotConformant, out)
	}
	for _, want := range []string{"REGRESSION  ZZD-001 replies changed: NOOP 200 → 500", "CONFORMANT to profile modern",
		"REGRESSED: 1 regression against the baseline " + baseline} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	_, r := readFinal(t, report)
	if r.Baseline == nil || len(r.Baseline.Changes) != 1 || r.Baseline.Changes[0].Replies != "NOOP 200 → 500" || r.Baseline.Changes[0].After != reports.Passed {
		t.Errorf("report.json's comparison: %+v", r.Baseline)
	}
	md, _ := os.ReadFile(filepath.Join(report, reports.SummaryFile))
	if i := bytes.Index(md, []byte("| ❌ | **ZZD-001** NOOP is answered | replies changed | NOOP 200 → 500 |")); i < 0 || i > bytes.Index(md, []byte("The full report")) {
		t.Errorf("summary.md:\n%s", md)
	}
	html, _ := os.ReadFile(filepath.Join(report, reports.HTMLFile))
	if !bytes.Contains(html, []byte(`id="baseline"`)) || !bytes.Contains(html, []byte("NOOP 200 → 500")) {
		t.Errorf("report.html does not show the change")
	}
	junit, _ := os.ReadFile(filepath.Join(report, reports.JUnitFile))
	if !bytes.Contains(junit, []byte(`<testsuite name="ftpconform: baseline"`)) || !bytes.Contains(junit, []byte(`type="regression"`)) {
		t.Errorf("junit.xml does not show the regression")
	}
}

// --baseline-exact fails on any change, a scenario the baseline lacks too.
func TestBaselineExact(t *testing.T) {
	dir := t.TempDir()
	baseline := filepath.Join(dir, "baseline.json")
	target := fakeServerReplying(t, map[string]string{"NOOP": "200 ok"})
	if code, out, _ := runCmd(t, "--target", targetURL(target), "--report-dir", filepath.Join(dir, "r1"), "--label-filter", "id:ZZD-001", "--baseline-write", baseline); code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	args := []string{"--target", targetURL(target), "--report-dir", filepath.Join(dir, "r2"), "--label-filter", "id: containsAny {ZZD-001, ZZA-001}", "--baseline", baseline}
	code, out, _ := runCmd(t, args...)
	if code != exitConformant || !strings.Contains(out, "change      ZZA-001 not in the baseline") {
		t.Errorf("a new scenario: exit %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, append(args, "--baseline-exact")...)
	if code != exitNotConformant || !strings.Contains(out, "change      ZZA-001 not in the baseline") || !strings.Contains(out, "CHANGED: 1 change against the baseline "+baseline+" (--baseline-exact: every change fails the run)") {
		t.Errorf("a new scenario with --baseline-exact: exit %d\n%s", code, out)
	}
}

func TestBaselineAndCertifyUsageErrors(t *testing.T) {
	t.Setenv(harness.TargetEnv, "")
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "x.json")
	os.WriteFile(notJSON, []byte("{"), 0o644)
	for _, args := range [][]string{
		{"--baseline", filepath.Join(dir, "missing.json")},
		{"--baseline", notJSON},
		{"--baseline-exact"},
		{"--baseline-write", filepath.Join(dir, "no", "such", "dir", "b.json")},
		{"--sign-key", notJSON},
		{"--sign-key", filepath.Join(dir, "missing.pem")},
		{"--trust-key", notJSON},
		{"--verify", filepath.Join(dir, "nothing-here")},
	} {
		code, _, stderr := runCmd(t, append(args, "--report-dir", t.TempDir())...)
		if code != exitUsage || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.HasPrefix(stderr, "ftpconform: ") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line", args, code, stderr)
		}
	}
}

// A run narrowed by a filter earns no certificate; its badge says it was partial. A failing
// run's badge says it failed. A whole conformant run's certificate, signed, verifies; changed,
// it does not.
func TestCertification(t *testing.T) {
	target := fakeServer(t)
	dir := t.TempDir()
	code, out, _ := runCmd(t, "--target", targetURL(target), "--report-dir", dir, "--label-filter", "runner-test && !runner-fails && !runner-hangs")
	if code != exitConformant || !strings.Contains(out, "No certificate: --label-filter left out scenarios of the profile.") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, reports.CertificateFile)); err == nil {
		t.Errorf("a narrowed run wrote a certificate")
	}
	if badge, _ := os.ReadFile(filepath.Join(dir, reports.BadgeFile)); !bytes.Contains(badge, []byte("modern · 5/5 (partial run)")) {
		t.Errorf("badge:\n%s", badge)
	}

	// As if the run had been whole: the certificate, signed with a key made by --gen-key.
	key := filepath.Join(t.TempDir(), "key.pem")
	if code, out, _ := runCmd(t, "--gen-key", key); code != 0 || !strings.Contains(out, "key ID:      SHA256:") {
		t.Fatalf("--gen-key: exit %d\n%s", code, out)
	}
	o, err := parseArgs([]string{"--report-dir", dir, "--sign-key", key})
	if err != nil {
		t.Fatal(err)
	}
	_, r := readFinal(t, dir)
	line, err := certify(o, r, "")
	if err != nil || !strings.HasPrefix(line, "Certificate: "+filepath.Join(dir, reports.CertificateFile)+" (signed by SHA256:") {
		t.Fatalf("certify: %v, %q", err, line)
	}
	if badge, _ := os.ReadFile(filepath.Join(dir, reports.BadgeFile)); !bytes.Contains(badge, []byte("modern · 5/5<")) {
		t.Errorf("badge:\n%s", badge)
	}
	code, out, _ = runCmd(t, "--verify", dir, "--trust-key", key+".pub")
	if code != exitConformant || !strings.Contains(out, "signed by the trusted key SHA256:") || !strings.Contains(out, "VALID: the certificate and the report belong together, and the signature verifies") {
		t.Errorf("--verify: exit %d\n%s", code, out)
	}
	var cert reports.Certificate
	raw, _ := os.ReadFile(filepath.Join(dir, reports.CertificateFile))
	json.Unmarshal(raw, &cert)
	if cert.Greeting != "fake server ready" || cert.Counts.Passed != 4 || cert.Profile != "modern" || cert.Level != reports.LevelMust {
		t.Errorf("certificate %+v", cert)
	}
	report, _ := os.ReadFile(filepath.Join(dir, reports.JSONFile))
	os.WriteFile(filepath.Join(dir, reports.JSONFile), bytes.ReplaceAll(report, []byte("fake server ready"), []byte("fake server, ready")), 0o644)
	code, out, _ = runCmd(t, "--verify", filepath.Join(dir, reports.CertificateFile))
	if code != exitNotConformant || !strings.Contains(out, "is not the report this certificate was issued for") || !strings.Contains(out, "NOT VALID") {
		t.Errorf("--verify of a changed report: exit %d\n%s", code, out)
	}

	// A later run into the same directory that fails leaves no certificate behind.
	code, _, _ = runCmd(t, "--target", targetURL(target), "--report-dir", dir, "--label-filter", "id:ZZB-001")
	if code != exitNotConformant {
		t.Fatalf("exit %d", code)
	}
	for _, f := range []string{reports.CertificateFile, reports.SignatureFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s of the earlier run is still there", f)
		}
	}
	if badge, _ := os.ReadFile(filepath.Join(dir, reports.BadgeFile)); !bytes.Contains(badge, []byte("modern · failing (1 failed)")) {
		t.Errorf("badge of a failing run:\n%s", badge)
	}
}

// A scenario declared with harness.Scenario is explained with its quote, and appears in the
// reports with its declaration even when it did not run.
func TestExplainAndDeclaredSpecs(t *testing.T) {
	code, out, _ := runCmd(t, "--explain", "zzd-001")
	if code != 0 || !strings.Contains(out, "RFC 959 §4.1.3 says:\n    It specifies no action other than that the server send an OK reply.") {
		t.Errorf("--explain: exit %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, "--list", "--label-filter", "id:ZZD-001")
	if code != 0 || !strings.Contains(out, "ZZD-001  MUST  RFC 959 §4.1.3  NOOP is answered\n") ||
		!strings.Contains(out, `requirement: "It specifies no action other than that the server send an OK reply."`) {
		t.Errorf("--list: exit %d\n%s", code, out)
	}
	dir := t.TempDir()
	runCmd(t, "--target", targetURL(fakeServer(t)), "--report-dir", dir, "--label-filter", "id:ZZA-001")
	_, r := readFinal(t, dir)
	for _, s := range r.Scenarios {
		if s.ID == "ZZD-001" && (s.Ran || s.Quote == "" || s.Title != "NOOP is answered" || s.Section != "959:4.1.3") {
			t.Errorf("ZZD-001, not run: %+v", s.Spec)
		}
	}
}

func TestCatalogueAndCoverageCommands(t *testing.T) {
	code, out, _ := runCmd(t, "--catalogue")
	if code != 0 || !strings.HasPrefix(out, "# Scenario catalogue\n") || !strings.Contains(out, "- **ZZD-001** (MUST) NOOP is answered") ||
		!strings.Contains(out, "`"+catalogueCommand+"`") {
		t.Errorf("--catalogue: exit %d\n%.2000s", code, out)
	}
	code, out, stderr := runCmd(t, "--coverage")
	if !strings.HasPrefix(out, "Command × reply-code coverage of ") || !strings.Contains(out, "ZZD-001") {
		t.Errorf("--coverage:\n%.2000s", out)
	}
	if (code == exitConformant) != (stderr == "") {
		t.Errorf("--coverage exits %d, with stderr %q", code, stderr)
	}
}
