// Command interop runs the conformance suite against real FTP servers (vsftpd, ProFTPD,
// Pure-FTPd, pyftpdlib), writes a comparison report and checks the verdicts against the ones
// committed under interop/expected/. `make interop` runs it; see interop/README.md.
//
// Exit status: 0 the verdicts are the expected ones; 1 some differ (or a server could not be
// run to the end); 2 usage error.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ftpconform/ftpconform/interop"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("interop", flag.ContinueOnError)
	var (
		servers     = fs.String("servers", "", "comma-separated servers to run (default: all: "+serverNames()+")")
		profiles    = fs.String("profiles", strings.Join(interop.Profiles, ","), "comma-separated profiles to run each server under")
		binary      = fs.String("ftpconform", "bin/ftpconform", "the suite's runner")
		workDir     = fs.String("work", "interop/work", "work directory: unpacked packages, server files, logs (git-ignored)")
		outDir      = fs.String("out", "conformance-report/interop", "where the comparison (index.html) and each run's reports go")
		expectedDir = fs.String("expected", "interop/expected", "the committed expected verdicts, one file per server")
		update      = fs.Bool("update", false, "write this run's verdicts into the expected files instead of comparing")
		deadline    = fs.Duration("deadline", 20*time.Minute, "the most one suite run (a server under a profile) may take")
		parallel    = fs.Int("parallel", 2, "servers tested at the same time")
		procs       = fs.Int("procs", 0, "the runner's --procs (0: its default)")
		labelFilter = fs.String("label-filter", "", "run only the scenarios matching this ginkgo label filter (expected verdicts of the others are not checked)")
	)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "interop: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	opts := interop.Options{
		Profiles: splitList(*profiles),
		Parallel: *parallel,
		Suite:    interop.SuiteOptions{Deadline: *deadline, Procs: *procs, LabelFilter: *labelFilter},
	}
	for _, name := range splitList(*servers) {
		s, ok := interop.LookupServer(name)
		if !ok {
			fmt.Fprintf(os.Stderr, "interop: unknown server %q (known: %s)\n", name, serverNames())
			return 2
		}
		opts.Servers = append(opts.Servers, s)
	}
	if len(opts.Servers) == 0 {
		opts.Servers = interop.Servers
	}
	var err error
	abs := func(p string) string {
		if err == nil {
			p, err = filepath.Abs(p)
		}
		return p
	}
	opts.Suite.Binary, opts.OutDir = abs(*binary), abs(*outDir)
	env := interop.Env{WorkDir: abs(*workDir), Log: os.Stderr}
	if err != nil {
		fmt.Fprintf(os.Stderr, "interop: %v\n", err)
		return 2
	}
	if _, err := os.Stat(opts.Suite.Binary); err != nil {
		fmt.Fprintf(os.Stderr, "interop: the runner %s is missing: make build first\n", opts.Suite.Binary)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	outcomes := env.Run(ctx, opts)
	return finish(outcomes, opts, *expectedDir, *update)
}

func finish(outcomes []interop.Outcome, opts interop.Options, expectedDir string, update bool) int {
	for _, o := range outcomes {
		c := o.Result.Counts
		fmt.Printf("%-10s %-15s %4d passed %4d failed %4d warnings %4d skipped  %s\n", o.Server, o.Profile, c.Passed, c.Failed, c.Warnings, c.Skipped, o.Error)
	}
	return 0
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func serverNames() string {
	var names []string
	for _, s := range interop.Servers {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}
