package interop

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ftpconform/ftpconform/reports"
)

// Options are the choices of one interop run.
type Options struct {
	Servers  []Server
	Profiles []string
	Suite    SuiteOptions
	OutDir   string // the comparison and, under SERVER/PROFILE/, each run's reports
	Parallel int    // servers tested at the same time (each on its own ports)
}

// Outcome is one server's run under one profile.
type Outcome struct {
	Server   string
	Version  string // the Debian package's version
	Profile  string
	Dir      string // the run's report directory, relative to Options.OutDir
	Result   reports.Result
	Ran      bool          // Result holds the run's report
	Error    string        // why there is no (complete) result: server unavailable, did not start…
	Skipped  bool          // the server cannot run here (Error says why): not a failure
	Duration time.Duration // the suite run's wall time
}

// Run installs, starts and tests every server under every profile, one fresh server process
// per profile, and returns the outcomes in the order of Options.Servers then Options.Profiles.
func (e Env) Run(ctx context.Context, opts Options) []Outcome {
	out := make([][]Outcome, len(opts.Servers))
	sem := make(chan struct{}, max(1, opts.Parallel))
	var wg sync.WaitGroup
	for i, s := range opts.Servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = e.runServer(ctx, s, opts)
		}()
	}
	wg.Wait()
	var all []Outcome
	for _, o := range out {
		all = append(all, o...)
	}
	return all
}

func (e Env) runServer(ctx context.Context, s Server, opts Options) []Outcome {
	var outs []Outcome
	version, err := e.Install(ctx, s)
	if err != nil {
		var na *NotAvailable
		skipped := errors.As(err, &na)
		if skipped {
			e.logf("%s: SKIPPED: %v", s.Name, err)
		} else {
			e.logf("%s: cannot install: %v", s.Name, err)
		}
		for _, p := range opts.Profiles {
			outs = append(outs, Outcome{Server: s.Name, Profile: p, Error: err.Error(), Skipped: skipped})
		}
		return outs
	}
	for _, p := range opts.Profiles {
		o := Outcome{Server: s.Name, Version: version, Profile: p, Dir: filepath.Join(s.Name, p)}
		if ctx.Err() != nil {
			o.Error = "interrupted"
			outs = append(outs, o)
			continue
		}
		o = e.runProfile(ctx, s, o, opts)
		outs = append(outs, o)
	}
	return outs
}

func (e Env) runProfile(ctx context.Context, s Server, o Outcome, opts Options) Outcome {
	in, err := e.Start(ctx, s)
	if err != nil {
		var na *NotAvailable
		o.Skipped = errors.As(err, &na)
		o.Error = err.Error()
		e.logf("%s: %v", s.Name, err)
		return o
	}
	e.logf("%s: running the suite, profile %s", s.Name, o.Profile)
	start := time.Now()
	dir := filepath.Join(opts.OutDir, o.Dir)
	runErr := RunSuite(ctx, in, o.Profile, dir, opts.Suite)
	o.Duration = time.Since(start)
	e.logf("%s: stopping PID %d", s.Name, in.PID())
	in.Stop()
	if runErr != nil {
		o.Error = runErr.Error()
	}
	result, err := ReadReport(dir)
	if err != nil {
		if o.Error == "" {
			o.Error = "no report: " + err.Error()
		}
		e.logf("%s, %s: %s", s.Name, o.Profile, o.Error)
		return o
	}
	o.Result, o.Ran = result, true
	c := result.Counts
	e.logf("%s, %s: %d passed, %d failed, %d warnings, %d skipped in %v", s.Name, o.Profile,
		c.Passed, c.Failed, c.Warnings, c.Skipped, o.Duration.Round(time.Second))
	return o
}

// Load reads the outcomes of an earlier run from the reports under opts.OutDir, without
// running anything: to rewrite the comparison, or to check it again.
func (e Env) Load(opts Options) []Outcome {
	var outs []Outcome
	for _, s := range opts.Servers {
		version := ""
		if b, err := os.ReadFile(e.RootDir(s) + ".version"); err == nil && s.Unpack {
			version, _, _ = strings.Cut(strings.TrimSpace(string(b)), "\n")
		} else if !s.Unpack {
			version = packageVersion(context.Background(), s.Package)
		}
		for _, p := range opts.Profiles {
			o := Outcome{Server: s.Name, Version: version, Profile: p, Dir: filepath.Join(s.Name, p)}
			result, err := ReadReport(filepath.Join(opts.OutDir, o.Dir))
			if err != nil {
				o.Error = "no report: " + err.Error()
			} else {
				o.Result, o.Ran, o.Duration = result, true, result.Duration
			}
			outs = append(outs, o)
		}
	}
	return outs
}
