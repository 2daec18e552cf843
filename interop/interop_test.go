package interop

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reports"
)

// quickFilter is the part of the suite `make test` runs against pyftpdlib, a few seconds: the
// greeting, the login and QUIT, and three of pyftpdlib's real deviations (TYPE A N refused,
// REIN answered 230, TYPE reset by USER), so that both verdicts are checked. Scenarios that
// depend on timing are left out: the machine may be busy. `make interop` runs everything.
const quickFilter = "id: containsAny {CONNECT-001, USER-001, PASS-001, PASS-002, PASS-003, QUIT-001, TYPE-002, REIN-001, USER-005}"

// TestPyftpdlibQuick is the short form of `make interop` that `make test` runs: pyftpdlib (the
// Debian package, installed by .ci/run) started from its committed configuration, a part of the
// suite run against it by bin/ftpconform, the comparison written, and the verdicts compared
// with interop/expected/pyftpdlib.tsv: a changed verdict fails, a new scenario is logged.
func TestPyftpdlibQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no real server")
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import pyftpdlib").Run(); err != nil {
		t.Skip("/usr/bin/python3 has no pyftpdlib (apt-get install python3-pyftpdlib; .ci/run installs it)")
	}
	s, _ := LookupServer("pyftpdlib")
	// Ports of its own, so that a `make interop` running beside it does not collide.
	_, port, _ := net.SplitHostPort(freePort(t))
	s.Port, _ = strconv.Atoi(port)
	s.PassiveMin, s.PassiveMax = 40500, 40599
	out := t.TempDir()
	env := Env{WorkDir: t.TempDir(), Log: testLog{t}, NoInstall: true}
	opts := Options{
		Servers: []Server{s}, Profiles: []string{"rfc959"}, OutDir: out, Parallel: 1,
		Suite: SuiteOptions{Binary: ftpconformBinary(t), Deadline: 2 * time.Minute, LabelFilter: quickFilter},
	}
	outcomes := env.Run(context.Background(), opts)
	if len(outcomes) != 1 {
		t.Fatalf("%d outcomes, want 1", len(outcomes))
	}
	o := outcomes[0]
	if o.Skipped {
		t.Skipf("pyftpdlib cannot run here: %s", o.Error)
	}
	if !o.Ran || o.Error != "" {
		t.Fatalf("pyftpdlib, rfc959: ran %v, error %q", o.Ran, o.Error)
	}
	if o.Result.Counts.Ran() == 0 {
		t.Fatalf("no scenario ran against pyftpdlib with %q", quickFilter)
	}
	for _, sc := range o.Result.Scenarios {
		if sc.Verdict == reports.Failed {
			t.Logf("%s failed on pyftpdlib: %s", sc.ID, sc.Reason)
		}
	}
	expected, err := ReadExpected(ExpectedFile("expected", s.Name))
	if err != nil {
		t.Fatal(err)
	}
	got, err := VerdictsOf(outcomes, quickFilter)
	if err != nil {
		t.Fatal(err)
	}
	diffs := Compare(s.Name, expected, got[s.Name], true)
	c := NewComparison(outcomes, diffs, true)
	page, err := c.WriteHTML(out)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(page)
	if !strings.Contains(string(html), "rfc959/report.html") {
		t.Errorf("%s does not link pyftpdlib's report", page)
	}
	if _, err := os.Stat(filepath.Join(out, o.Dir, reports.HTMLFile)); err != nil {
		t.Errorf("pyftpdlib's own report: %v", err)
	}
	for _, d := range diffs {
		if d.Expected == "" {
			t.Logf("%s (make interop-expected records it)", d) // a new scenario is not a regression
			continue
		}
		t.Errorf("%s: a verdict on a real server changed; review it (make interop INTEROP_ARGS='-servers pyftpdlib'), then make interop-expected", d)
	}
}

// ftpconformBinary builds the runner into the test's temporary directory, unless
// $FTPCONFORM_RUNNER names one.
func ftpconformBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("FTPCONFORM_RUNNER"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	bin := filepath.Join(t.TempDir(), "ftpconform")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	if out, err := exec.Command(goTool, "build", "-o", bin, "github.com/ftpconform/ftpconform/cmd/ftpconform").CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/ftpconform: %v\n%s", err, out)
	}
	return bin
}

// testLog sends the run's progress lines to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func TestExpectedRoundTrip(t *testing.T) {
	file := filepath.Join(t.TempDir(), "srv.tsv")
	v := Verdicts{"rfc959": {"RETR-10": reports.Passed, "RETR-2": reports.Failed}, "modern": {"FEAT-001": reports.Skipped}}
	if err := WriteExpected(file, "srv", "1.0", v); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	body := string(b)
	if i, j := strings.Index(body, "rfc959\tRETR-2\t"), strings.Index(body, "rfc959\tRETR-10\t"); i < 0 || j < i {
		t.Errorf("scenarios not in ID order:\n%s", body)
	}
	if i, j := strings.Index(body, "rfc959\t"), strings.Index(body, "modern\t"); j < i {
		t.Errorf("profiles not in the order of Profiles:\n%s", body)
	}
	got, err := ReadExpected(file)
	if err != nil {
		t.Fatal(err)
	}
	if d := Compare("srv", v, got, false); len(d) != 0 {
		t.Errorf("read back differs: %v", d)
	}
	if _, err := ReadExpected(filepath.Join(t.TempDir(), "missing.tsv")); err != nil {
		t.Errorf("a missing baseline should be empty, got %v", err)
	}
	writeFile(t, file, []byte("rfc959\tRETR-1\tmaybe\n"))
	if _, err := ReadExpected(file); err == nil {
		t.Error("a verdict that does not exist was accepted")
	}
}

func TestCompare(t *testing.T) {
	expected := Verdicts{"rfc959": {"A-1": reports.Passed, "A-2": reports.Failed, "A-3": reports.Passed}}
	got := Verdicts{"rfc959": {"A-1": reports.Passed, "A-2": reports.Passed, "A-4": reports.Warning}}
	diffs := Compare("srv", expected, got, false)
	want := []string{
		"srv rfc959 A-2: expected failed, got passed",
		"srv rfc959 A-3: expected passed, but the scenario is gone from the suite",
		"srv rfc959 A-4: new scenario, warning (not in the expected verdicts)",
	}
	if len(diffs) != len(want) {
		t.Fatalf("diffs %v, want %v", diffs, want)
	}
	for i := range want {
		if diffs[i].String() != want[i] {
			t.Errorf("diff %d: %q, want %q", i, diffs[i], want[i])
		}
	}
	// A partial run (a label filter) does not miss the scenarios it did not run.
	if diffs := Compare("srv", expected, got, true); len(diffs) != 2 {
		t.Errorf("partial: %v", diffs)
	}
	// Merge: a partial run replaces only what it ran.
	expected.Merge(got, true)
	if expected["rfc959"]["A-3"] != reports.Passed || expected["rfc959"]["A-2"] != reports.Passed {
		t.Errorf("partial merge: %v", expected)
	}
	expected.Merge(got, false)
	if _, ok := expected["rfc959"]["A-3"]; ok {
		t.Errorf("whole merge kept a scenario the run did not have: %v", expected)
	}
	// Alternatives: a timing-dependent verdict may be either, and -update keeps the set.
	flaky := Verdicts{"rfc959": {"A-1": "failed|passed"}}
	if d := Compare("srv", flaky, Verdicts{"rfc959": {"A-1": reports.Passed}}, true); len(d) != 0 {
		t.Errorf("passed should match failed|passed: %v", d)
	}
	if d := Compare("srv", flaky, Verdicts{"rfc959": {"A-1": reports.Warning}}, true); len(d) != 1 {
		t.Errorf("warning should not match failed|passed: %v", d)
	}
	flaky.Merge(Verdicts{"rfc959": {"A-1": reports.Failed}}, false)
	if flaky["rfc959"]["A-1"] != "failed|passed" {
		t.Errorf("merge lost the alternatives: %v", flaky)
	}
}

func TestCommandLines(t *testing.T) {
	got := commandLines("# comment\n/usr/sbin/x\n\n  -n  \n# another\n--flag=1\n")
	if strings.Join(got, "|") != "/usr/sbin/x|-n|--flag=1" {
		t.Errorf("commandLines: %q", got)
	}
}

func TestNotAvailableIsASkip(t *testing.T) {
	env := Env{WorkDir: t.TempDir(), NoInstall: true}
	s := Server{Name: "nothing", Package: "ftpconform-no-such-package", Unpack: true, Executable: "/usr/sbin/none"}
	_, err := env.Install(context.Background(), s)
	var na *NotAvailable
	if !errors.As(err, &na) {
		t.Fatalf("Install of a missing package with installing off: %v, want a NotAvailable", err)
	}
}

func TestJudgements(t *testing.T) {
	committed, err := ReadJudgements("judgements.tsv")
	if err != nil {
		t.Fatalf("the committed judgements: %v", err)
	}
	if len(committed) == 0 {
		t.Error("judgements.tsv judges nothing")
	}
	file := filepath.Join(t.TempDir(), "j.tsv")
	writeFile(t, file, []byte("# c\nA-1\t*\treal\tbroke it\nA-1\tsrv2\tscenario\tallowed\nA-2\tsrv\topen\n"))
	j, err := ReadJudgements(file)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := j.Of("A-1", "srv"); v.Kind != JudgedReal || v.Note != "broke it" {
		t.Errorf("A-1 on srv: %+v, want the * line", v)
	}
	if v, _ := j.Of("A-1", "srv2"); v.Kind != JudgedScenario {
		t.Errorf("A-1 on srv2: %+v, want its own line", v)
	}
	if _, ok := j.Of("A-2", "other"); ok {
		t.Error("A-2 is judged for srv only")
	}
	c := Comparison{Failures: []Failure{
		{Server: "srv", Scenario: reports.Scenario{Spec: harness.Spec{ID: "A-2"}}},
		{Server: "other", Scenario: reports.Scenario{Spec: harness.Spec{ID: "A-2"}}},
		{Server: "other", Scenario: reports.Scenario{Spec: harness.Spec{ID: "B-1"}}, NotOffered: true},
	}}
	c.Judge(j)
	if u := c.Unjudged(); len(u) != 1 || u[0].Server != "other" || u[0].ID != "A-2" {
		t.Errorf("unjudged: %+v, want A-2 on other only (not-offered failures need no judgement)", u)
	}
	if stale := c.Stale(j); !slices.Equal(stale, []string{"A-1 on *", "A-1 on srv2"}) {
		t.Errorf("stale judgements: %q, want A-1's two (A-1 failed nowhere)", stale)
	}
	writeFile(t, file, []byte("A-1\tsrv\tmaybe\n"))
	if _, err := ReadJudgements(file); err == nil {
		t.Error("a judgement that does not exist was accepted")
	}
}
