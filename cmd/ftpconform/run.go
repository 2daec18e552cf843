package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reference-server/embedded"
	"github.com/ftpconform/ftpconform/reports"
)

// run is the whole command: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args)
	if errors.Is(err, flag.ErrHelp) {
		usage(stdout)
		return exitConformant
	}
	if err != nil {
		fmt.Fprintf(stderr, "ftpconform: %v\n", err)
		return exitUsage
	}
	if o.version {
		fmt.Fprintf(stdout, "ftpconform %s\n", suiteVersion())
		return exitConformant
	}
	harness.Current = o.settings
	switch {
	case o.genKey != "":
		return genKey(o, stdout, stderr)
	case o.verify != "":
		return verify(o, stdout, stderr)
	case o.catalogue:
		return catalogue(stdout)
	case o.coverage:
		return coverage(stdout, stderr)
	}
	if o.list {
		return list(o, stdout)
	}
	if o.explain != "" {
		return explain(o, stdout, stderr)
	}
	if o.cleanup {
		return cleanup(o.settings, stdout, stderr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return conformance(ctx, o, stdout, stderr)
}

// conformance is a conformance run: target, plan, workers, reports, verdict.
func conformance(ctx context.Context, o options, stdout, stderr io.Writer) int {
	if err := prepareReportDir(o.reportDir); err != nil {
		fmt.Fprintf(stderr, "ftpconform: --report-dir %s: %v\n", o.reportDir, err)
		return exitUsage
	}
	s := o.settings
	info := harness.RunInfo{SchemaVersion: reports.SchemaVersion, SuiteVersion: suiteVersion()}
	if !s.HasTarget() {
		srv, stopServer, err := startEmbeddedServer(o.reportDir, embedded.Options{Faults: o.embeddedFaults, TLS: s.Target.TLS, Host: o.embeddedHost})
		if err != nil {
			fmt.Fprintf(stderr, "ftpconform: %v\n", err)
			return exitUnreachable
		}
		defer func() {
			if err := stopServer(); err != nil {
				fmt.Fprintf(stderr, "ftpconform: stopping the embedded reference server: %v\n", err)
			}
		}()
		t, err := harness.ParseTarget(srv.Target)
		if err != nil {
			fmt.Fprintf(stderr, "ftpconform: the embedded reference server gave a bad target: %v\n", err)
			return exitUnreachable
		}
		t.TLS = s.Target.TLS
		s.Target, s.TargetConfig = t, srv.TargetConfig
		info.Embedded, info.Faults = true, o.embeddedFaults
	}
	greeting, err := probe(s.Target, s.ReplyTimeout)
	if err != nil {
		fmt.Fprintf(stderr, "ftpconform: %v\n", err)
		return exitUnreachable
	}
	info.Greeting = greeting
	survey, err := surveyTarget(s.Target, s.ReplyTimeout)
	if errors.Is(err, harness.ErrLoginRefused) {
		// Every scenario would fail the same way: say it once, as the configuration error it is.
		fmt.Fprintf(stderr, "ftpconform: target %s: %v; check the user and password of the target URL (and --tls, if the server wants TLS before a login)\n", s.Target, err)
		return exitUsage
	}
	if err != nil {
		// The scenarios will say what is wrong; the reports only lack SYST and FEAT.
		fmt.Fprintf(stderr, "ftpconform: asking the target about itself (SYST, FEAT): %v\n", err)
	}
	info.System, info.Features = survey.System, survey.Features

	procs := o.procs
	if s.MaxSessions > 0 {
		// The harness enforces the cap across workers with lock files in SlotDir; more workers
		// than sessions would only wait for each other.
		procs = min(procs, s.MaxSessions)
		slots, err := os.MkdirTemp("", "ftpconform-sessions-")
		if err != nil {
			fmt.Fprintf(stderr, "ftpconform: --max-sessions: %v\n", err)
			return exitUsage
		}
		defer os.RemoveAll(slots)
		s.SlotDir = slots
	}
	info.Settings = s
	harness.Current = s
	p := makePlan(o, s, procs)
	out := &console{w: stdout}
	out.header(s, info, p, procs)

	start := time.Now()
	var outcomes []outcome
	if p.selected() > 0 {
		exe, err := os.Executable()
		if err != nil {
			fmt.Fprintf(stderr, "ftpconform: cannot find its own binary to start workers: %v\n", err)
			return exitUsage
		}
		pl := &pool{
			exe: exe, settings: s, dir: o.reportDir, filter: p.filter, focus: p.focus, skip: p.skip,
			seed: start.UnixNano() % 100000, deadline: start.Add(deadlineFor(p.selected(), procs, s.ReplyTimeout)),
			verbose: o.verbose, console: out.lines(), progress: out.progress(p.selected()),
		}
		outcomes = pl.run(ctx, p.batches, procs)
	}
	final := reconcile(p, outcomes)
	final.StartTime, final.EndTime = start, time.Now() // the whole run, workers' start-up included
	final.RunTime = final.EndTime.Sub(start)
	final = reports.AttachRun(final, info)
	if c := compareWithBaseline(o, reports.Analyze(final)); c != nil {
		final = reports.AttachBaseline(final, c)
	}
	result := reports.Analyze(final)
	final.SuiteSucceeded = result.OK()
	written, werr := reports.WriteAll(o.reportDir, final)
	var errs []error
	if werr != nil {
		errs = append(errs, werr)
	}
	certLine, err := certify(o, result, narrowedBy(o))
	if err != nil {
		errs = append(errs, err)
	}
	if o.baselineWrite != "" {
		if err := reports.WriteBaseline(result, o.baselineWrite); err != nil {
			errs = append(errs, fmt.Errorf("--baseline-write: %v", err))
		}
	}
	out.summary(result, time.Since(start))
	for _, err := range errs {
		fmt.Fprintf(stderr, "ftpconform: %v\n", err)
	}
	if certLine != "" {
		fmt.Fprintln(stdout, certLine)
	}
	if o.baselineWrite != "" && len(errs) == 0 {
		fmt.Fprintf(stdout, "Baseline written: %s (%d scenarios)\n", o.baselineWrite, len(reports.NewBaseline(result).Scenarios))
	}
	if html := filepath.Join(o.reportDir, reports.HTMLFile); slices.Contains(written, html) {
		fmt.Fprintf(stdout, "Report: %s\n", html)
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "ftpconform: interrupted")
	}
	if result.OK() && len(errs) == 0 {
		return exitConformant
	}
	return exitNotConformant
}

// deadlineFor is runDeadline; tests shorten it.
var deadlineFor = runDeadline

// runDeadline is a generous bound on the whole run, so that no target and no bug can hang it:
// every scenario bounds itself (12 replies' time, at least a minute); allow that for every
// scenario of a worker, plus five minutes.
func runDeadline(specs, procs int, replyTimeout time.Duration) time.Duration {
	perSpec := max(12*replyTimeout, time.Minute)
	perWorker := (specs + procs - 1) / procs
	return 5*time.Minute + time.Duration(perWorker)*perSpec
}

// prepareReportDir creates the report directory and clears what an earlier run left that this
// one might not replace: its workers' files, and its certificate, which must never seem to
// belong to this run.
func prepareReportDir(dir string) error {
	wd := filepath.Join(dir, workersDir)
	if err := os.MkdirAll(wd, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(wd, "worker-*"))
	for _, f := range old {
		os.Remove(f)
	}
	for _, f := range []string{reports.CertificateFile, reports.SignatureFile, reports.BadgeFile} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// startEmbeddedServer starts the reference server with its log in the report directory. The
// returned stop function stops the server and closes the log.
func startEmbeddedServer(reportDir string, opts embedded.Options) (*embedded.Instance, func() error, error) {
	logFile := filepath.Join(reportDir, "reference-server.log")
	f, err := os.Create(logFile)
	if err != nil {
		return nil, nil, fmt.Errorf("reference server log: %v", err)
	}
	opts.Logger = slog.New(slog.NewTextHandler(f, nil))
	srv, err := embedded.Start(opts)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("cannot start the embedded reference server: %v", err)
	}
	stop := func() error {
		defer f.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Stop(ctx)
	}
	return srv, stop, nil
}

// firstLines returns at most n non-blank lines of s, marking a cut.
func firstLines(s string, n int) []string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, strings.TrimRight(l, " \t\r"))
		}
	}
	if len(lines) == 0 {
		return []string{""}
	}
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return lines
}

// cleanup removes the scratch directories that interrupted runs left on the target. It exits 0
// when nothing is left, 1 when something could not be removed, 3 when the target is unreachable.
func cleanup(s harness.Settings, stdout, stderr io.Writer) int {
	if _, err := probe(s.Target, s.ReplyTimeout); err != nil {
		fmt.Fprintf(stderr, "ftpconform: %v\n", err)
		return exitUnreachable
	}
	removed, left, err := harness.CleanupStale(s.Target, s.ReplyTimeout)
	if err != nil {
		fmt.Fprintf(stderr, "ftpconform: --cleanup: %v\n", err)
		return exitUnreachable
	}
	for _, r := range removed {
		fmt.Fprintf(stdout, "removed %s\n", r)
	}
	for _, l := range left {
		fmt.Fprintf(stdout, "could not remove %s\n", l)
	}
	fmt.Fprintf(stdout, "%d removed, %d left in %s\n", len(removed), len(left), s.Target)
	if len(left) > 0 {
		return exitNotConformant
	}
	return exitConformant
}
