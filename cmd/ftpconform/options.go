package main

import (
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reports"
	"github.com/onsi/ginkgo/v2/types"
)

// options are the parsed command line.
type options struct {
	settings    harness.Settings
	reportDir   string // absolute
	procs       int
	focus, skip []string
	labelFilter string
	list        bool
	explain     string
	cleanup     bool
	version     bool
	verbose     bool
	// embeddedFaults are --embedded-fault (faults.go).
	embeddedFaults []string
	embeddedHost   string // --ipv6: "::1"; the embedded server's address

	// Baselines (baseline.go).
	baselineFile  string // --baseline: compare with it
	baseline      *reports.Baseline
	baselineWrite string // --baseline-write: record this run
	baselineExact bool   // --baseline-exact: every change fails the run

	// Certification (certify.go).
	signKeyFile string // --sign-key
	signKey     ed25519.PrivateKey
	genKey      string // --gen-key FILE: write a new key pair and exit
	verify      string // --verify PATH: check a certificate against its report and exit
	trustKey    string // --trust-key FILE: the key --verify requires

	// The suite's own documents (catalogue.go).
	catalogue bool // --catalogue: print docs/scenarios.md
	coverage  bool // --coverage: print the command × reply-code matrix, exit 1 on gaps
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ", ") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func newFlagSet(o *options) (*flag.FlagSet, *harness.Flags) {
	fs := flag.NewFlagSet("ftpconform", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by run, in one line
	hf := harness.RegisterFlags(fs)
	fs.StringVar(&o.reportDir, "report-dir", "conformance-report", "write junit.xml, report.json and report.html into `DIR`")
	fs.IntVar(&o.procs, "procs", 4, "`N` worker processes run scenarios in parallel")
	fs.Var((*stringList)(&o.focus), "focus", "run only scenarios whose text matches the regular expression `RE` (repeatable)")
	fs.Var((*stringList)(&o.skip), "skip", "do not run scenarios whose text matches the regular expression `RE` (repeatable)")
	fs.StringVar(&o.labelFilter, "label-filter", "", "run only scenarios whose labels match the ginkgo label filter `EXPR`, e.g. 'cmd: containsAny {RETR, STOR}'")
	fs.BoolVar(&o.list, "list", false, "list the scenarios (ID, level, title, labels, RFC section and quoted requirement) and exit")
	fs.StringVar(&o.explain, "explain", "", "print one scenario (`ID`) with its RFC section and requirement, and exit")
	fs.BoolVar(&o.cleanup, "cleanup", false, "remove what interrupted earlier runs left in the target's scratch directory ("+harness.ScratchPrefix+"*), and exit")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.BoolVar(&o.verbose, "v", false, "show the workers' output as they run")
	registerFaultFlag(fs, o)
	fs.BoolFunc("ipv6", "run the embedded reference server on ::1 instead of 127.0.0.1 (no --target)", func(string) error { o.embeddedHost = "::1"; return nil })
	fs.StringVar(&o.baselineFile, "baseline", "", "compare the run with the baseline `FILE` (from --baseline-write): every change is reported, a regression fails the run")
	fs.StringVar(&o.baselineWrite, "baseline-write", "", "record every scenario's verdict and reply codes into the baseline `FILE`")
	fs.BoolVar(&o.baselineExact, "baseline-exact", false, "with --baseline: every change fails the run, improvements and new scenarios too")
	fs.StringVar(&o.signKeyFile, "sign-key", "", "sign the certificate of a conformant run with the ed25519 private key in `FILE` (PEM, PKCS #8)")
	fs.StringVar(&o.genKey, "gen-key", "", "write a new ed25519 key pair: the private key into `FILE`, the public key into FILE.pub; and exit")
	fs.StringVar(&o.verify, "verify", "", "check that the certificate in `PATH` (a report directory or its certificate.json) and the report.json beside it belong together, and its signature; and exit")
	fs.StringVar(&o.trustKey, "trust-key", "", "with --verify: require the certificate to be signed by the public key in `FILE`")
	fs.BoolVar(&o.catalogue, "catalogue", false, "print the scenario catalogue (Markdown: docs/scenarios.md) and exit")
	fs.BoolVar(&o.coverage, "coverage", false, "print which scenarios cover each command and reply code; exit 1 if a command or code of the seed table has none")
	return fs, hf
}

// parseArgs parses and checks the command line. Its errors are one line for a person;
// flag.ErrHelp means usage was asked for.
func parseArgs(args []string) (options, error) {
	var o options
	fs, hf := newFlagSet(&o)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, fmt.Errorf("%v (see ftpconform --help)", err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q; the target is given with --target URL (see ftpconform --help)", fs.Arg(0))
	}
	if o.version {
		return o, nil
	}
	s, err := hf.Settings()
	if err != nil {
		return o, err
	}
	o.settings = s
	if o.cleanup && !s.HasTarget() {
		return o, errors.New("--cleanup needs --target (the embedded reference server starts empty every time)")
	}
	if s.TargetConfig != nil && !s.HasTarget() {
		return o, errors.New("--target-config describes a target, but no --target is given (the embedded reference server describes itself)")
	}
	if err := checkEmbeddedFaults(o); err != nil {
		return o, err
	}
	if o.procs < 1 {
		return o, fmt.Errorf("--procs %d: must be at least 1", o.procs)
	}
	if o.procs > 64 {
		return o, fmt.Errorf("--procs %d: at most 64", o.procs)
	}
	if _, err := types.ParseLabelFilter(o.labelFilter); err != nil {
		return o, fmt.Errorf("--label-filter %q: %s", o.labelFilter, oneLine(err.Error()))
	}
	for _, re := range o.focus {
		if _, err := regexp.Compile(re); err != nil {
			return o, fmt.Errorf("--focus %q: %v", re, err)
		}
	}
	for _, re := range o.skip {
		if _, err := regexp.Compile(re); err != nil {
			return o, fmt.Errorf("--skip %q: %v", re, err)
		}
	}
	if strings.TrimSpace(o.reportDir) == "" {
		return o, errors.New("--report-dir is empty")
	}
	if o.reportDir, err = filepath.Abs(o.reportDir); err != nil {
		return o, fmt.Errorf("--report-dir: %v", err)
	}
	o.explain = strings.TrimSpace(o.explain)
	if err := checkBaselineFlags(&o); err != nil {
		return o, err
	}
	if err := checkCertifyFlags(&o); err != nil {
		return o, err
	}
	return o, nil
}

func usage(w io.Writer) {
	var o options
	fs, _ := newFlagSet(&o)
	fs.SetOutput(w)
	fmt.Fprint(w, `Usage: ftpconform [flags]

Runs the FTP conformance scenarios against --target (or $`+harness.TargetEnv+`), or against the
embedded reference server when no target is given, and writes junit.xml, report.json and
report.html, summary.md and badge.svg into --report-dir (and certificate.json for a run
conformant to its whole profile).

Exit status: 0 conformant to the profile (and no regression against --baseline), 1 not
conformant or regressed, 2 usage or configuration error, 3 target unreachable.

Flags:
`)
	fs.PrintDefaults()
}

// oneLine squeezes ginkgo's multi-line, coloured error messages into one line.
func oneLine(s string) string {
	s = regexp.MustCompile(`\x1b\[[0-9;]*m`).ReplaceAllString(s, "")
	return strings.Join(strings.Fields(s), " ")
}
