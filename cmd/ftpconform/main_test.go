package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reference-server/embedded"
	"github.com/ftpconform/ftpconform/reports"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// The test binary is also a worker: the runner starts os.Executable(), which here is the test.
func TestMain(m *testing.M) {
	if w := os.Getenv(workerEnv); w != "" {
		os.Exit(workerMain(w))
	}
	os.Exit(m.Run())
}

// Specs of the runner's own tests, labelled runner-test so that tests can select them alone.
// They talk to the target as scenarios do, through harness.Current, which the runner's
// settings reach in the workers.
var _ = ginkgo.Describe("runner test", ginkgo.Label("runner-test", "rfc:959", "rfc959:5.4"), func() {
	greet := func() string {
		c, err := net.DialTimeout("tcp", harness.Current.Target.Addr(), 5*time.Second)
		if err != nil {
			ginkgo.Fail(err.Error())
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		line, _ := bufio.NewReader(c).ReadString('\n')
		return strings.TrimSpace(line)
	}
	ginkgo.It("ZZA-001: the server greets with 220", ginkgo.Label("id:ZZA-001", "cmd:CONNECT", "code:220", "level:MUST"), func() {
		if g := greet(); !strings.HasPrefix(g, "220") {
			ginkgo.Fail("greeting " + g)
		}
	})
	ginkgo.It("ZZA-002: a second scenario passes", ginkgo.Label("id:ZZA-002", "cmd:NOOP", "code:200", "level:MUST"), func() {
		ginkgo.AddReportEntry(harness.EntryTranscript, harness.Transcript{{Conn: 1, Dir: harness.Received, Text: greet()}})
	})
	ginkgo.It("ZZA-003: a SHOULD is not met", ginkgo.Label("id:ZZA-003", "cmd:NOOP", "code:200", "level:SHOULD"), func() {
		ginkgo.AddReportEntry(harness.EntryFindings, []harness.Finding{{Level: harness.Should, Section: "959:5.4", Message: "a better reply exists"}})
	})
	ginkgo.It("ZZA-004: an optional feature is not offered", ginkgo.Label("id:ZZA-004", "cmd:MODE", "code:504", "level:MAY"), func() {
		ginkgo.Skip("not offered (allowed by RFC 959 §5.1)")
	})
	ginkgo.It("ZZA-005: a write", ginkgo.Label("id:ZZA-005", "cmd:STOR", "code:226", "level:MUST", "writes"), func() {})
	ginkgo.It("ZZA-006: runs alone", ginkgo.Label("id:ZZA-006", "cmd:NOOP", "code:200", "level:MUST"), ginkgo.Serial, func() {})
	ginkgo.It("ZZB-001: the server breaks a MUST", ginkgo.Label("id:ZZB-001", "cmd:RETR", "code:226", "level:MUST", "runner-fails"), func() {
		ginkgo.AddReportEntry(harness.EntryTranscript, harness.Transcript{{Conn: 1, Dir: harness.Sent, Text: "RETR x"}, {Conn: 1, Dir: harness.Received, Text: "200 what"}})
		ginkgo.Fail("expected 150 or 125, got 200 what")
	})
	ginkgo.It("ZZC-001: hangs until interrupted", ginkgo.Label("id:ZZC-001", "cmd:NOOP", "code:200", "level:MUST", "runner-hangs"), func(ctx ginkgo.SpecContext) {
		<-ctx.Done()
	})
})

// fakeServer is the least FTP server that harness.Probe accepts: a greeting, and 221 to QUIT.
func fakeServer(t *testing.T) harness.Target { return fakeServerReplying(t, nil) }

// fakeServerReplying is fakeServer answering the verbs in replies with the given reply lines
// (without CRLF), everything else with 502.
func fakeServerReplying(t *testing.T, replies map[string]string) harness.Target {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(30 * time.Second))
				c.Write([]byte("220 fake server ready\r\n"))
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if strings.HasPrefix(strings.ToUpper(line), "QUIT") {
						c.Write([]byte("221 bye\r\n"))
						return
					}
					verb, _, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(line)), " ")
					if r, ok := replies[verb]; ok {
						c.Write([]byte(r + "\r\n"))
						continue
					}
					c.Write([]byte("502 not implemented\r\n"))
				}
			}()
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	return harness.Target{Host: "127.0.0.1", Port: port, User: "anonymous", Password: "guest", Scratch: "/"}
}

func targetURL(t harness.Target) string {
	return "ftp://" + t.User + ":" + t.Password + "@" + t.Addr() + "/"
}

// runCmd runs the command in this process (workers are real processes) and captures output.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsageErrorsExit2(t *testing.T) {
	t.Setenv(harness.TargetEnv, "")
	cases := [][]string{
		{"--bogus"},
		{"--procs", "0"},
		{"--procs", "many"},
		{"--target", "http://example.com/"},
		{"--target", "ftp://127.0.0.1:99999/"},
		{"--profile", "nonsense"},
		{"--timeout", "-1s"},
		{"--tls", "sometimes"},
		{"--label-filter", "cmd:RETR &&"},
		{"--focus", "(unclosed"},
		{"--skip", "*"},
		{"--target-config", "/nonexistent/config.json", "--target", "ftp://127.0.0.1:21/"},
		{"--target-config", "/nonexistent/config.json"},
		{"positional"},
		{"--explain", "NOPE-999"},
	}
	for _, args := range cases {
		code, _, stderr := runCmd(t, args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, exitUsage, stderr)
		}
		if lines := strings.Count(strings.TrimSpace(stderr), "\n"); lines != 0 || !strings.HasPrefix(stderr, "ftpconform: ") {
			t.Errorf("%v: want one line on stderr, got %q", args, stderr)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	if code, out, _ := runCmd(t, "--help"); code != 0 || !strings.Contains(out, "--report-dir") || !strings.Contains(out, "Exit status") {
		t.Errorf("--help: exit %d, output %q", code, out)
	}
	if code, out, _ := runCmd(t, "--version"); code != 0 || !strings.HasPrefix(out, "ftpconform ") {
		t.Errorf("--version: exit %d, output %q", code, out)
	}
}

// Wrong credentials are a configuration error, said once, not a failure of every scenario.
func TestRefusedLoginExit2(t *testing.T) {
	target := fakeServerReplying(t, map[string]string{"USER": "331 password please", "PASS": "530 Login incorrect."})
	target.Password = "wrong-secret"
	code, _, stderr := runCmd(t, "--target", targetURL(target), "--report-dir", t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, "530 Login incorrect.") || !strings.Contains(stderr, "check the user and password") {
		t.Fatalf("exit %d, want %d, with the refusal and a hint; stderr %q", code, exitUsage, stderr)
	}
	if strings.Contains(stderr, "wrong-secret") {
		t.Errorf("the password is in the message: %q", stderr)
	}
}

func TestUnreachableTargetExit3Quickly(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	start := time.Now()
	code, _, stderr := runCmd(t, "--target", "ftp://u:p@"+addr+"/", "--report-dir", t.TempDir())
	if code != exitUnreachable {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitUnreachable, stderr)
	}
	if !strings.Contains(stderr, addr) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("want one line naming %s, got %q", addr, stderr)
	}
	if strings.Contains(stderr, ":p@") {
		t.Errorf("the message shows the password: %q", stderr)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("took %v", d)
	}
}

// A server that accepts connections but never greets is unreachable too, within the probe's bound.
func TestSilentTargetExit3(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	start := time.Now()
	code, _, stderr := runCmd(t, "--target", "ftp://"+l.Addr().String()+"/", "--timeout", "2s", "--report-dir", t.TempDir())
	if code != exitUnreachable || !strings.Contains(stderr, l.Addr().String()) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("took %v", d)
	}
}

func readFinal(t *testing.T, dir string) (types.Report, reports.Result) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var rs []types.Report
	if err := json.Unmarshal(b, &rs); err != nil || len(rs) != 1 {
		t.Fatalf("report.json: %v", err)
	}
	return rs[0], reports.Analyze(rs[0])
}

func TestRunAgainstATarget(t *testing.T) {
	target := fakeServer(t)
	dir := t.TempDir()
	code, out, stderr := runCmd(t, "--target", targetURL(target), "--report-dir", dir, "--procs", "2",
		"--label-filter", "runner-test && !runner-fails && !runner-hangs")
	if code != exitConformant {
		t.Fatalf("exit %d; stdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	for _, want := range []string{"CONFORMANT to profile modern", "Report: " + filepath.Join(dir, "report.html"), "ZZA-003"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	report, r := readFinal(t, dir)
	if r.Counts.Passed != 4 || r.Counts.Warnings != 1 || r.Counts.Skipped < 3 || r.Counts.Failed != 0 {
		t.Errorf("counts %+v", r.Counts)
	}
	byID := map[string]reports.Scenario{}
	for _, s := range r.Scenarios {
		byID[s.ID] = s
	}
	if s := byID["ZZA-004"]; s.Verdict != reports.Skipped || !strings.Contains(s.Reason, "not offered") {
		t.Errorf("ZZA-004: %+v", s.Outcome)
	}
	if s := byID["ZZB-001"]; s.Verdict != reports.Skipped || s.Reason != "not selected by --label-filter" {
		t.Errorf("ZZB-001: %+v", s.Outcome)
	}
	if s := byID["ZZA-002"]; len(s.Transcript) != 1 || !strings.Contains(s.Transcript[0].Text, "220 fake") {
		t.Errorf("ZZA-002 transcript %+v", s.Transcript)
	}
	// ZZA-006 is Serial: it ran alone, in the last batch.
	last := 0
	for _, s := range r.Scenarios {
		last = max(last, s.Worker)
	}
	if s := byID["ZZA-006"]; s.Worker != last || s.Verdict != reports.Passed {
		t.Errorf("ZZA-006 ran in batch %d (last %d): %+v", s.Worker, last, s.Outcome)
	}
	info, ok := reports.RunOf(report)
	if !ok || info.Embedded || info.Greeting == "" || info.Settings.Target.Password != reports.Redacted || info.SchemaVersion != 1 {
		t.Errorf("run info %+v", info)
	}
	var junit reporters.JUnitTestSuites
	b, _ := os.ReadFile(filepath.Join(dir, reports.JUnitFile))
	if err := xml.Unmarshal(b, &junit); err != nil || junit.Failures != 0 {
		t.Errorf("junit.xml: %v, %d failures", err, junit.Failures)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.html")); err != nil {
		t.Error(err)
	}
	if logs, _ := filepath.Glob(filepath.Join(dir, workersDir, "worker-*.log")); len(logs) == 0 {
		t.Errorf("no worker logs")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, workersDir, "*.json")); len(left) != 0 {
		t.Errorf("worker reports left behind: %v", left)
	}
}

func TestReadOnlyRunSkipsWrites(t *testing.T) {
	target := fakeServer(t)
	dir := t.TempDir()
	code, out, _ := runCmd(t, "--target", targetURL(target), "--report-dir", dir, "--read-only",
		"--label-filter", "runner-test && !runner-fails && !runner-hangs")
	if code != exitConformant {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	_, r := readFinal(t, dir)
	for _, s := range r.Scenarios {
		if s.ID == "ZZA-005" && (s.Verdict != reports.Skipped || !strings.HasPrefix(s.Reason, "read-only run")) {
			t.Errorf("ZZA-005 under --read-only: %+v", s.Outcome)
		}
	}
}

func TestFailingRunExit1(t *testing.T) {
	target := fakeServer(t)
	dir := t.TempDir()
	code, out, _ := runCmd(t, "--target", targetURL(target), "--report-dir", dir, "--label-filter", "runner-test && !runner-hangs")
	t.Log(out)
	if code != exitNotConformant {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	for _, want := range []string{"Failures:", "ZZB-001", "RFC 959 §5.4", "expected 150 or 125, got 200 what", "NOT CONFORMANT to profile modern: 1 scenario failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, reports.HTMLFile))
	if !bytes.Contains(html, []byte("200 what")) {
		t.Errorf("report.html lacks the failure's transcript")
	}
}

func TestStrictFailsOnWarnings(t *testing.T) {
	target := fakeServer(t)
	code, out, _ := runCmd(t, "--target", targetURL(target), "--report-dir", t.TempDir(), "--strict", "--label-filter", "id:ZZA-003")
	if code != exitNotConformant || !strings.Contains(out, "1 warning under --strict") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestNothingSelectedIsNotConformant(t *testing.T) {
	target := fakeServer(t)
	dir := t.TempDir()
	code, out, _ := runCmd(t, "--target", targetURL(target), "--report-dir", dir, "--label-filter", "id:NOSUCH-001")
	if code != exitNotConformant || !strings.Contains(out, "no scenario ran") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, reports.HTMLFile)); err != nil {
		t.Errorf("no report for an empty run: %v", err)
	}
}

// A worker that runs past the run's deadline is interrupted, its scenario fails and the
// run is not conformant.
func TestDeadline(t *testing.T) {
	old := deadlineFor
	deadlineFor = func(int, int, time.Duration) time.Duration { return 3 * time.Second }
	defer func() { deadlineFor = old }()
	target := fakeServer(t)
	dir := t.TempDir()
	start := time.Now()
	code, out, _ := runCmd(t, "--target", targetURL(target), "--report-dir", dir, "--label-filter", "id:ZZC-001")
	t.Log(out)
	if code != exitNotConformant {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if d := time.Since(start); d > time.Minute {
		t.Errorf("took %v", d)
	}
	_, r := readFinal(t, dir)
	if len(r.Failures()) != 1 || r.Failures()[0].ID != "ZZC-001" {
		t.Errorf("failures %+v\n%s", r.Failures(), out)
	}
	if !strings.Contains(out, "ran past the run's deadline") {
		t.Errorf("the output does not say that the deadline stopped the worker:\n%s", out)
	}
}

func TestListAndExplain(t *testing.T) {
	code, out, _ := runCmd(t, "--list", "--label-filter", "runner-test")
	if code != 0 || !strings.Contains(out, "ZZA-001") || !strings.Contains(out, "the server greets with 220") || !strings.Contains(out, "8 scenarios") {
		t.Errorf("--list: exit %d\n%s", code, out)
	}
	if strings.Contains(out, "ZZA-001: the server") {
		t.Errorf("--list repeats the ID in the title:\n%s", out)
	}
	code, out, _ = runCmd(t, "--explain", "zza-001")
	if code != 0 || !strings.Contains(out, "ZZA-001  the server greets with 220") || !strings.Contains(out, "level:") {
		t.Errorf("--explain: exit %d\n%s", code, out)
	}
}

func TestVerboseShowsWorkerOutput(t *testing.T) {
	target := fakeServer(t)
	code, out, _ := runCmd(t, "--target", targetURL(target), "--report-dir", t.TempDir(), "-v", "--label-filter", "id:ZZA-001")
	if code != exitConformant || !strings.Contains(out, "[w01] ") || !strings.Contains(out, "the server greets with 220") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// Without a target the runner starts the embedded reference server, and stops it afterwards.
func TestRunAgainstTheEmbeddedServer(t *testing.T) {
	t.Setenv(harness.TargetEnv, "")
	dir := t.TempDir()
	code, out, stderr := runCmd(t, "--report-dir", dir, "--label-filter", "runner-test && !runner-fails && !runner-hangs")
	if code != exitConformant {
		t.Fatalf("exit %d:\n%s\n%s", code, out, stderr)
	}
	report, r := readFinal(t, dir)
	info, _ := reports.RunOf(report)
	if !info.Embedded || !strings.Contains(out, "(embedded reference server)") || r.Counts.Passed == 0 {
		t.Errorf("run info %+v, counts %+v:\n%s", info, r.Counts, out)
	}
	// The server is gone: its address refuses connections.
	if c, err := net.DialTimeout("tcp", info.Settings.Target.Addr(), time.Second); err == nil {
		c.Close()
		t.Errorf("the embedded server still listens on %s", info.Settings.Target.Addr())
	}
	if _, err := os.Stat(filepath.Join(dir, "reference-server.log")); err != nil {
		t.Error(err)
	}
}

// Ctrl-C stops the run: the workers are interrupted, the reports are written, the run is not
// conformant.
func TestInterrupt(t *testing.T) {
	target := fakeServer(t)
	dir := t.TempDir()
	go func() {
		// The handler is in place once the first worker's log exists.
		log := filepath.Join(dir, workersDir, "worker-01.log")
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat(log); err == nil {
				syscall.Kill(os.Getpid(), syscall.SIGINT)
				return
			}
		}
	}()
	start := time.Now()
	code, out, stderr := runCmd(t, "--target", targetURL(target), "--report-dir", dir, "--label-filter", "id:ZZC-001")
	t.Log(out, stderr)
	if code != exitNotConformant || !strings.Contains(stderr, "interrupted") {
		t.Errorf("exit %d:\n%s\n%s", code, out, stderr)
	}
	if d := time.Since(start); d > time.Minute {
		t.Errorf("took %v", d)
	}
	if _, r := readFinal(t, dir); r.Conformant() || len(r.Failures()) != 1 {
		t.Errorf("an interrupted run: %+v", r.Counts)
	}
}

func TestCleanup(t *testing.T) {
	srv, err := embedded.Start(embedded.Options{MainOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop(context.Background())
	stale := filepath.Join(srv.Root, harness.ScratchPrefix+"stale", "sub")
	if err := os.MkdirAll(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(stale, "f"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(srv.Root, "keep"), 0o755)

	code, out, stderr := runCmd(t, "--target", srv.Target, "--cleanup")
	if code != exitConformant || !strings.Contains(out, "1 removed, 0 left") {
		t.Fatalf("exit %d:\n%s\n%s", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(srv.Root, harness.ScratchPrefix+"stale")); !os.IsNotExist(err) {
		t.Errorf("the stale directory is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(srv.Root, "keep")); err != nil {
		t.Errorf("--cleanup removed a directory it does not own: %v", err)
	}
	if code, _, _ := runCmd(t, "--cleanup"); code != exitUsage {
		t.Errorf("--cleanup without a target: exit %d, want %d", code, exitUsage)
	}
}

func TestMaxSessions(t *testing.T) {
	target := fakeServer(t)
	code, out, _ := runCmd(t, "--target", targetURL(target), "--report-dir", t.TempDir(), "--max-sessions", "1",
		"--label-filter", "runner-test && !runner-fails && !runner-hangs")
	if code != exitConformant || !strings.Contains(out, "on 1 workers") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
