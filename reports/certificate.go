package reports

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/onsi/ginkgo/v2/types"
)

// A run that is conformant to its whole profile earns a certificate: certificate.json names the
// suite version, the profile, the level, the date, what the target said of itself and the
// counts, and binds them to the run's report.json by its SHA-256. Given an ed25519 key, the
// certificate is signed: certificate.sig holds the signature of certificate.json's exact bytes
// (64 raw bytes, as `openssl pkeyutl -sign -rawin` makes), so that anyone can check it with
// `ftpconform --verify` or with openssl alone.

// File names of the certificate, its signature and the badge inside the report directory.
const (
	CertificateFile = "certificate.json"
	SignatureFile   = "certificate.sig"
	BadgeFile       = "badge.svg"
	SummaryFile     = "summary.md"
)

// CertificateSchemaVersion is the version of certificate.json's format.
const CertificateSchemaVersion = 1

// Certificate is the content of certificate.json.
type Certificate struct {
	SchemaVersion int             `json:"schema_version"`
	Suite         string          `json:"suite"` // "ftpconform"
	SuiteVersion  string          `json:"suite_version"`
	Profile       harness.Profile `json:"profile"`
	// Level is what the target met: "MUST" (every MUST; SHOULD deviations were warnings) or
	// "SHOULD" (a --strict run: every MUST and every SHOULD).
	Level    string    `json:"level"`
	Date     time.Time `json:"date"` // the run's start, UTC
	Target   string    `json:"target"`
	Greeting string    `json:"greeting"`
	System   string    `json:"system"`   // the SYST reply
	Features []string  `json:"features"` // the FEAT reply's feature lines
	Counts   Counts    `json:"counts"`
	Report   struct {
		File   string `json:"file"`   // "report.json"
		SHA256 string `json:"sha256"` // hex
	} `json:"report"`
	// SignedBy is the signer's public key (base64 of the 32 raw bytes) when certificate.sig
	// signs this file; "" for an unsigned certificate.
	SignedBy string `json:"signed_by,omitempty"`
}

// Level values of a certificate.
const (
	LevelMust   = "MUST"
	LevelShould = "SHOULD"
)

// NewCertificate makes the certificate of a conformant run whose report.json has the given bytes.
func NewCertificate(r Result, reportJSON []byte) Certificate {
	c := Certificate{SchemaVersion: CertificateSchemaVersion, Suite: "ftpconform", SuiteVersion: r.Run.SuiteVersion,
		Profile: r.Run.Settings.Profile, Level: LevelMust, Date: r.Start.UTC().Truncate(time.Second),
		Target: r.Run.Settings.Target.String(), Greeting: r.Run.Greeting, System: r.Run.System,
		Features: r.Run.Features, Counts: r.Counts}
	if r.Run.Settings.Strict {
		c.Level = LevelShould
	}
	if r.Run.Embedded {
		c.Target = embeddedTarget
	}
	if c.Features == nil {
		c.Features = []string{}
	}
	sum := sha256.Sum256(reportJSON)
	c.Report.File, c.Report.SHA256 = JSONFile, hex.EncodeToString(sum[:])
	return c
}

// WriteCertificate writes certificate.json into dir and, given a key, certificate.sig.
func WriteCertificate(dir string, c Certificate, key ed25519.PrivateKey) error {
	if key != nil {
		c.SignedBy = base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	sig := filepath.Join(dir, SignatureFile)
	os.Remove(sig) // an earlier run's signature would not match
	if err := os.WriteFile(filepath.Join(dir, CertificateFile), b, 0o644); err != nil {
		return err
	}
	if key != nil {
		return os.WriteFile(sig, ed25519.Sign(key, b), 0o644)
	}
	return nil
}

// Verification is what Verify found out; Problems is empty when the certificate holds.
type Verification struct {
	Certificate Certificate
	Signed      bool
	KeyID       string // SHA256:… fingerprint of the signer's key, when signed
	Trusted     bool   // the signer's key is the one the caller trusts
	Problems    []string
}

// Verify checks that certificate.json and report.json belong together: the report's SHA-256
// is the one the certificate names, and what the certificate says (suite version, profile,
// level, counts, conformance) is what the report says. If certificate.sig exists it must verify
// against the key the certificate names; if trusted is given the certificate must be signed by
// that key. certFile is certificate.json; the report and the signature are looked for beside it
// unless reportFile is given.
func Verify(certFile, reportFile string, trusted ed25519.PublicKey) (Verification, error) {
	var v Verification
	raw, err := os.ReadFile(certFile)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(raw, &v.Certificate); err != nil {
		return v, fmt.Errorf("%s is not a certificate: %v", certFile, err)
	}
	c := v.Certificate
	if c.SchemaVersion != CertificateSchemaVersion || c.Suite != "ftpconform" {
		return v, fmt.Errorf("%s: not an ftpconform certificate of schema version %d", certFile, CertificateSchemaVersion)
	}
	problem := func(format string, args ...any) { v.Problems = append(v.Problems, fmt.Sprintf(format, args...)) }

	// The signature.
	sig, err := os.ReadFile(filepath.Join(filepath.Dir(certFile), SignatureFile))
	switch {
	case err == nil:
		v.Signed = true
		pub, perr := base64.StdEncoding.DecodeString(c.SignedBy)
		if perr != nil || len(pub) != ed25519.PublicKeySize {
			problem("%s has a signature, but the certificate names no valid signer key (signed_by)", SignatureFile)
			break
		}
		v.KeyID = KeyID(pub)
		if !ed25519.Verify(pub, raw, sig) {
			problem("the signature in %s does not verify: the certificate was changed after signing, or signed by another key", SignatureFile)
		}
		if trusted != nil {
			v.Trusted = bytes.Equal(pub, trusted)
			if !v.Trusted {
				problem("the certificate is signed by key %s, not by the trusted key %s", v.KeyID, KeyID(trusted))
			}
		}
	case errors.Is(err, os.ErrNotExist):
		if trusted != nil {
			problem("the certificate is not signed (no %s), but a trusted key was given", SignatureFile)
		}
		if c.SignedBy != "" {
			problem("the certificate names a signer, but %s is missing", SignatureFile)
		}
	default:
		return v, err
	}

	// The report.
	if reportFile == "" {
		reportFile = filepath.Join(filepath.Dir(certFile), c.Report.File)
	}
	rb, err := os.ReadFile(reportFile)
	if err != nil {
		problem("cannot read the report: %v", err)
		return v, nil
	}
	sum := sha256.Sum256(rb)
	if hex.EncodeToString(sum[:]) != c.Report.SHA256 {
		problem("%s is not the report this certificate was issued for: its SHA-256 is %x, the certificate names %s", reportFile, sum, c.Report.SHA256)
		return v, nil
	}
	var reports []types.Report
	if err := json.Unmarshal(rb, &reports); err != nil || len(reports) != 1 {
		problem("%s is not a report.json (%v)", reportFile, err)
		return v, nil
	}
	r := Analyze(reports[0])
	level := LevelMust
	if r.Run.Settings.Strict {
		level = LevelShould
	}
	switch {
	case !r.Conformant():
		problem("the report does not show a conformant run: %s", r.Why())
	case r.Counts != c.Counts:
		problem("the counts differ: the certificate says %+v, the report %+v", c.Counts, r.Counts)
	case r.Run.SuiteVersion != c.SuiteVersion || r.Run.Settings.Profile != c.Profile || level != c.Level:
		problem("the certificate says ftpconform %s, profile %s, level %s; the report says %s, %s, %s",
			c.SuiteVersion, c.Profile, c.Level, r.Run.SuiteVersion, r.Run.Settings.Profile, level)
	}
	return v, nil
}

// KeyID is a short fingerprint of a public key: "SHA256:" and the base64 of its hash, as ssh
// shows keys.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// Keys are PEM files in the formats openssl uses: the private key PKCS #8 ("PRIVATE KEY", as
// `openssl genpkey -algorithm ed25519` writes it), the public key PKIX ("PUBLIC KEY", as
// `openssl pkey -pubout` writes it).

// GenerateKey writes a new ed25519 private key into file (mode 0600; an existing file is not
// overwritten) and its public key into file.pub. It returns the public key's ID.
func GenerateKey(file string) (string, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	privDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: privDER}); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	if err := os.WriteFile(file+".pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o644); err != nil {
		return "", err
	}
	return KeyID(pub), nil
}

// ReadPrivateKey reads an ed25519 private key (PEM, PKCS #8).
func ReadPrivateKey(file string) (ed25519.PrivateKey, error) {
	key, err := readPEM(file, "PRIVATE KEY", x509.ParsePKCS8PrivateKey)
	if err != nil {
		return nil, err
	}
	k, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: a %T, not an ed25519 key", file, key)
	}
	return k, nil
}

// ReadPublicKey reads an ed25519 public key (PEM, PKIX); a private key file gives its public key.
func ReadPublicKey(file string) (ed25519.PublicKey, error) {
	key, err := readPEM(file, "PUBLIC KEY", x509.ParsePKIXPublicKey)
	if err != nil {
		if priv, perr := ReadPrivateKey(file); perr == nil {
			return priv.Public().(ed25519.PublicKey), nil
		}
		return nil, err
	}
	k, ok := key.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%s: a %T, not an ed25519 key", file, key)
	}
	return k, nil
}

func readPEM(file, blockType string, parse func([]byte) (any, error)) (any, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(raw)
	if block == nil || block.Type != blockType {
		return nil, fmt.Errorf("%s: expected a PEM %q block (see README: Certification)", file, blockType)
	}
	key, err := parse(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return key, nil
}
