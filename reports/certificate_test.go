package reports

import (
	"crypto/ed25519"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/reporters"
)

// conformantDir writes the reports of a conformant run into a directory and returns it with
// the run's result.
func conformantDir(t *testing.T) (string, Result) {
	t.Helper()
	report := sampleReport(true)
	report.SpecReports = report.SpecReports[:2] // the run node and NOOP-001
	dir := t.TempDir()
	if _, err := WriteAll(dir, report); err != nil {
		t.Fatal(err)
	}
	r := Analyze(report)
	if !r.Conformant() {
		t.Fatalf("the sample is not conformant: %s", r.Why())
	}
	return dir, r
}

func issue(t *testing.T, dir string, r Result, key ed25519.PrivateKey) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteCertificate(dir, NewCertificate(r, raw), key); err != nil {
		t.Fatal(err)
	}
}

func TestCertificateSignedAndVerified(t *testing.T) {
	dir, r := conformantDir(t)
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	id, err := GenerateKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := GenerateKey(keyFile); err == nil {
		t.Errorf("GenerateKey overwrote an existing key")
	}
	if st, _ := os.Stat(keyFile); st.Mode().Perm() != 0o600 {
		t.Errorf("the private key is readable by others: %v", st.Mode())
	}
	key, err := ReadPrivateKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ReadPublicKey(keyFile + ".pub")
	if err != nil || KeyID(pub) != id {
		t.Fatalf("public key %v, ID %s vs %s", err, KeyID(pub), id)
	}
	issue(t, dir, r, key)

	var c Certificate
	raw, _ := os.ReadFile(filepath.Join(dir, CertificateFile))
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	if c.Profile != "modern" || c.Level != LevelShould || c.SuiteVersion != "test" || c.Greeting != "220 ready" ||
		c.Counts.Passed != 1 || len(c.Report.SHA256) != 64 || c.Target != embeddedTarget || c.SignedBy == "" {
		t.Errorf("certificate %+v", c)
	}

	v, err := Verify(filepath.Join(dir, CertificateFile), "", pub)
	if err != nil || len(v.Problems) != 0 || !v.Signed || !v.Trusted || v.KeyID != id {
		t.Fatalf("verify: %v %+v", err, v)
	}

	// Another key is not trusted.
	other, _, _ := ed25519.GenerateKey(nil)
	if v, _ := Verify(filepath.Join(dir, CertificateFile), "", other); len(v.Problems) != 1 || !strings.Contains(v.Problems[0], "not by the trusted key") {
		t.Errorf("another trusted key: %+v", v.Problems)
	}
	// A changed certificate no longer verifies.
	os.WriteFile(filepath.Join(dir, CertificateFile), []byte(strings.Replace(string(raw), `"passed": 1`, `"passed": 2`, 1)), 0o644)
	if v, _ := Verify(filepath.Join(dir, CertificateFile), "", nil); !hasProblem(v, "does not verify") {
		t.Errorf("a changed certificate: %+v", v.Problems)
	}
	os.WriteFile(filepath.Join(dir, CertificateFile), raw, 0o644)
	// A changed report does not belong to the certificate.
	rep, _ := os.ReadFile(filepath.Join(dir, JSONFile))
	os.WriteFile(filepath.Join(dir, JSONFile), append(rep, ' '), 0o644)
	if v, _ := Verify(filepath.Join(dir, CertificateFile), "", nil); !hasProblem(v, "is not the report this certificate was issued for") {
		t.Errorf("a changed report: %+v", v.Problems)
	}
}

func hasProblem(v Verification, s string) bool {
	for _, p := range v.Problems {
		if strings.Contains(p, s) {
			return true
		}
	}
	return false
}

func TestUnsignedCertificate(t *testing.T) {
	dir, r := conformantDir(t)
	issue(t, dir, r, nil)
	if v, err := Verify(filepath.Join(dir, CertificateFile), "", nil); err != nil || len(v.Problems) != 0 || v.Signed {
		t.Errorf("unsigned: %v %+v", err, v)
	}
	pub, _, _ := ed25519.GenerateKey(nil)
	if v, _ := Verify(filepath.Join(dir, CertificateFile), "", pub); !hasProblem(v, "not signed") {
		t.Errorf("unsigned with a trusted key: %+v", v.Problems)
	}
}

// A certificate whose report does not show a conformant run (made by hand) is refused.
func TestCertificateOfANonConformantReport(t *testing.T) {
	dir := t.TempDir()
	report := sampleReport(false) // a failure
	if _, err := WriteAll(dir, report); err != nil {
		t.Fatal(err)
	}
	issue(t, dir, Analyze(report), nil)
	if v, _ := Verify(filepath.Join(dir, CertificateFile), "", nil); !hasProblem(v, "does not show a conformant run") {
		t.Errorf("%+v", v.Problems)
	}
}

// The signature is ed25519 over the file's bytes, as openssl makes and checks it.
func TestSignatureVerifiesWithOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("no openssl")
	}
	dir, r := conformantDir(t)
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	if _, err := GenerateKey(keyFile); err != nil {
		t.Fatal(err)
	}
	key, _ := ReadPrivateKey(keyFile)
	issue(t, dir, r, key)
	out, err := exec.Command(openssl, "pkeyutl", "-verify", "-pubin", "-inkey", keyFile+".pub", "-rawin",
		"-in", filepath.Join(dir, CertificateFile), "-sigfile", filepath.Join(dir, SignatureFile)).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Signature Verified Successfully") {
		t.Errorf("openssl: %v\n%s", err, out)
	}
	// And a key openssl made signs certificates too.
	osslKey := filepath.Join(t.TempDir(), "openssl.pem")
	if out, err := exec.Command(openssl, "genpkey", "-algorithm", "ed25519", "-out", osslKey).CombinedOutput(); err != nil {
		t.Fatalf("openssl genpkey: %v\n%s", err, out)
	}
	if _, err := ReadPrivateKey(osslKey); err != nil {
		t.Errorf("a key from openssl genpkey: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "rsa.pem")
	exec.Command(openssl, "genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024", "-out", bad).Run()
	if _, err := ReadPrivateKey(bad); err == nil || !strings.Contains(err.Error(), "not an ed25519 key") {
		t.Errorf("an RSA key: %v", err)
	}
}

func TestBadge(t *testing.T) {
	_, conformant := conformantDir(t)
	failing := Analyze(sampleReport(false))
	for _, c := range []struct {
		r        Result
		narrowed bool
		text     string
		colour   string
	}{
		{conformant, false, "modern · 1/1", badgeGreen},
		{conformant, true, "modern · 1/1 (partial run)", badgeGrey},
		{failing, false, "modern · failing (1 failed)", badgeRed},
	} {
		text, colour := BadgeText(c.r, c.narrowed)
		if text != c.text || colour != c.colour {
			t.Errorf("badge %q %s, want %q %s", text, colour, c.text, c.colour)
		}
	}
	svg := RenderBadge("FTP conformance", "modern · 212/212 <&>", badgeGreen)
	var doc struct {
		XMLName xml.Name
		Title   string `xml:"title"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil || doc.XMLName.Local != "svg" || doc.Title != "FTP conformance: modern · 212/212 <&>" {
		t.Errorf("badge SVG: %v %+v\n%s", err, doc, svg)
	}
}

func TestSummary(t *testing.T) {
	report := sampleReport(true)
	c := &Comparison{File: "base.json", Compared: 3, Changes: []Change{
		{ID: "RETR-002", Title: "RETR | sends", Kind: NewlyFailing, Regression: true, Before: Passed, After: Failed, Replies: "RETR 150 226 → 550"},
		{ID: "NOOP-001", Kind: NewlyPassing, Before: Failed, After: Passed}}}
	md := string(RenderSummary(Analyze(AttachBaseline(report, c))))
	for _, want := range []string{
		"## ❌ FTP conformance: not conformant to profile modern\n\n1 scenario failed and 1 warning under --strict.",
		"Target `ftp://u@127.0.0.1:2121/` (the embedded reference server), greeting `220 ready`.",
		"profile modern, strict, reply timeout 0s",
		"| 1 | 1 | 1 | 1 | 4 |",
		"### Changes against the baseline\n\n1 regression and 1 other change against the baseline base.json.",
		"| ❌ | **RETR-002** RETR \\| sends | newly failing (passed → failed) | RETR 150 226 → 550 |",
		"| ℹ️ | **NOOP-001**  | newly passing (failed → passed) |  |",
		"### Failures (1)",
		"| **RETR-002** RETR does what RETR-002 says | RFC 959 §4.1.3 (MUST) | expected reply 150 or 125, got 550 no such file |",
		"### Warnings (1: SHOULD or MAY not met, failing under --strict)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("summary.md lacks %q:\n%s", want, md)
		}
	}
	if strings.Index(md, "Changes against the baseline") > strings.Index(md, "### Failures") {
		t.Errorf("the changes do not come first")
	}
	_, ok := conformantDir(t)
	if md := string(RenderSummary(ok)); !strings.HasPrefix(md, "## ✅ FTP conformance: conformant to profile modern") {
		t.Errorf("conformant summary:\n%s", md)
	}
}

func TestJUnitBaselineSuite(t *testing.T) {
	c := &Comparison{File: "base.json", Changes: []Change{
		{ID: "RETR-002", Kind: RepliesChanged, Regression: true, Replies: "RETR 150 → 125"},
		{ID: "NOOP-001", Kind: NewlyPassing}}}
	file := filepath.Join(t.TempDir(), JUnitFile)
	if err := WriteJUnit(AttachBaseline(sampleReport(false), c), file); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	var suites reporters.JUnitTestSuites
	if err := xml.Unmarshal(b, &suites); err != nil {
		t.Fatal(err)
	}
	last := suites.TestSuites[len(suites.TestSuites)-1]
	if last.Name != "ftpconform: baseline" || last.Tests != 2 || last.Failures != 1 || suites.Failures != 2 ||
		last.TestCases[0].Failure == nil || last.TestCases[0].Name != "RETR-002 replies changed: RETR 150 → 125" || last.TestCases[1].Failure != nil {
		t.Errorf("baseline suite %+v", last)
	}
	for _, s := range suites.TestSuites[:len(suites.TestSuites)-1] {
		for _, tc := range s.TestCases {
			if tc.Properties.WithName("id") == "RETR-002" {
				p := tc.Properties
				if p.WithName("rfc") != "959" || p.WithName("section_name") != "RFC 959 §4.1.3" || p.WithName("observed") != "RETR 200" {
					t.Errorf("RETR-002 properties %+v", p)
				}
			}
		}
	}
}
