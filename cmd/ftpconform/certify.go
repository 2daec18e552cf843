package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ftpconform/ftpconform/reports"
)

// Certification: a run conformant to its whole profile writes certificate.json (signed into
// certificate.sig given --sign-key) and a badge; --verify checks a certificate against its
// report; --gen-key makes a key pair.

// checkCertifyFlags reads --sign-key, so that a bad key is a usage error before the run.
func checkCertifyFlags(o *options) error {
	if o.trustKey != "" && o.verify == "" {
		return errors.New("--trust-key is for --verify")
	}
	if o.signKeyFile != "" {
		k, err := reports.ReadPrivateKey(o.signKeyFile)
		if err != nil {
			return fmt.Errorf("--sign-key: %v", err)
		}
		o.signKey = k
	}
	return nil
}

// genKey writes a new key pair.
func genKey(o options, stdout, stderr io.Writer) int {
	id, err := reports.GenerateKey(o.genKey)
	if err != nil {
		fmt.Fprintf(stderr, "ftpconform: --gen-key: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "private key: %s (keep it secret; pass it with --sign-key)\npublic key:  %s.pub (publish it; check certificates with --verify DIR --trust-key %s.pub)\nkey ID:      %s\n",
		o.genKey, o.genKey, o.genKey, id)
	return exitConformant
}

// verify checks a certificate: 0 when it holds, 1 when it does not, 2 when it cannot be read.
func verify(o options, stdout, stderr io.Writer) int {
	cert := o.verify
	if st, err := os.Stat(cert); err == nil && st.IsDir() {
		cert = filepath.Join(cert, reports.CertificateFile)
	}
	var trusted []byte
	if o.trustKey != "" {
		k, err := reports.ReadPublicKey(o.trustKey)
		if err != nil {
			fmt.Fprintf(stderr, "ftpconform: --trust-key: %v\n", err)
			return exitUsage
		}
		trusted = k
	}
	v, err := reports.Verify(cert, "", trusted)
	if err != nil {
		fmt.Fprintf(stderr, "ftpconform: --verify: %v\n", err)
		return exitUsage
	}
	c := v.Certificate
	fmt.Fprintf(stdout, "%s: ftpconform %s, profile %s, level %s, %s\n", cert, c.SuiteVersion, c.Profile, c.Level, c.Date.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(stdout, "  target %s, greeting %q\n", c.Target, c.Greeting)
	fmt.Fprintf(stdout, "  %d passed, %d warnings, %d skipped of %d scenarios; report sha256 %s\n", c.Counts.Passed, c.Counts.Warnings, c.Counts.Skipped, c.Counts.Total, c.Report.SHA256)
	switch {
	case !v.Signed:
		fmt.Fprintf(stdout, "  not signed\n")
	case v.Trusted:
		fmt.Fprintf(stdout, "  signed by the trusted key %s\n", v.KeyID)
	default:
		fmt.Fprintf(stdout, "  signed by key %s (pass --trust-key FILE to require a particular key)\n", v.KeyID)
	}
	if len(v.Problems) > 0 {
		for _, p := range v.Problems {
			fmt.Fprintf(stdout, "  PROBLEM: %s\n", p)
		}
		fmt.Fprintf(stdout, "NOT VALID\n")
		return exitNotConformant
	}
	if v.Signed {
		fmt.Fprintf(stdout, "VALID: the certificate and the report belong together, and the signature verifies\n")
	} else {
		fmt.Fprintf(stdout, "VALID: the certificate and the report belong together\n")
	}
	return exitConformant
}

// certify writes the badge of every run and, for a run conformant to its whole profile, the
// certificate. It returns a line for the console, and an error when a file could not be written.
func certify(o options, r reports.Result, narrowed string) (string, error) {
	if err := reports.WriteBadge(filepath.Join(o.reportDir, reports.BadgeFile), r, narrowed != ""); err != nil {
		return "", fmt.Errorf("writing %s: %v", reports.BadgeFile, err)
	}
	switch {
	case !r.Conformant():
		return "", nil
	case narrowed != "":
		return fmt.Sprintf("No certificate: %s left out scenarios of the profile.", narrowed), nil
	}
	report, err := os.ReadFile(filepath.Join(o.reportDir, reports.JSONFile))
	if err != nil {
		return "", fmt.Errorf("certificate: %v", err)
	}
	if err := reports.WriteCertificate(o.reportDir, reports.NewCertificate(r, report), o.signKey); err != nil {
		return "", fmt.Errorf("writing the certificate: %v", err)
	}
	line := "Certificate: " + filepath.Join(o.reportDir, reports.CertificateFile)
	if o.signKey != nil {
		line += fmt.Sprintf(" (signed by %s)", reports.KeyID(o.signKey.Public().(ed25519.PublicKey)))
	}
	return line, nil
}

// narrowedBy names what left scenarios of the profile out of the run; "" for a whole run.
func narrowedBy(o options) string {
	switch {
	case o.settings.ReadOnly:
		return "--read-only"
	case o.labelFilter != "":
		return "--label-filter"
	case len(o.focus) > 0:
		return "--focus"
	case len(o.skip) > 0:
		return "--skip"
	}
	return ""
}
