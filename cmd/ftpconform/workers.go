package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reports"
	"github.com/onsi/ginkgo/v2/types"
)

// workersDir holds each worker's log and, until they are merged, its JSON report.
const workersDir = "workers"

// killGrace is how long a worker may take past the run's deadline to wind up (ginkgo's own
// suite timeout interrupts it at the deadline and writes its report) before it is killed.
const killGrace = 45 * time.Second

// ginkgoSuiteTimeout is how ginkgo reports that a suite ran out of its SuiteConfig.Timeout.
const ginkgoSuiteTimeout = "Suite Timeout Elapsed"

// outcome is what became of one batch.
type outcome struct {
	batch   batch
	report  *types.Report // nil when the worker wrote none
	problem string        // why the batch did not complete, "" when it did
	elapsed time.Duration
}

// pool runs batches in worker processes.
type pool struct {
	exe      string // this binary
	settings harness.Settings
	dir      string // report directory
	filter   string
	focus    []string
	skip     []string
	seed     int64
	deadline time.Time
	verbose  bool
	console  io.Writer // where -v streams the workers' output
	progress func(outcome)
}

// run runs the parallel batches, procs at a time, then the serial batch alone. It stops
// starting batches when ctx ends (the user interrupted the run) or the deadline passes.
func (p *pool) run(ctx context.Context, batches []batch, procs int) []outcome {
	var parallel, serial []batch
	for _, b := range batches {
		if b.serial {
			serial = append(serial, b)
		} else {
			parallel = append(parallel, b)
		}
	}
	out := p.runAll(ctx, parallel, procs)
	return append(out, p.runAll(ctx, serial, 1)...)
}

func (p *pool) runAll(ctx context.Context, batches []batch, procs int) []outcome {
	results := make([]outcome, len(batches))
	sem := make(chan struct{}, procs)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, b := range batches {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			o := p.runOne(ctx, b)
			results[i] = o
			mu.Lock()
			p.progress(o)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return results
}

// runOne runs one batch in a worker process and reads its report.
func (p *pool) runOne(ctx context.Context, b batch) outcome {
	o := outcome{batch: b}
	if ctx.Err() != nil {
		o.problem = "not run: the run was interrupted"
		return o
	}
	left := time.Until(p.deadline)
	if left <= 0 {
		o.problem = "not run: the run's deadline had passed"
		return o
	}
	name := fmt.Sprintf("worker-%02d", b.number)
	logFile := filepath.Join(p.dir, workersDir, name+".log")
	jsonFile := filepath.Join(p.dir, workersDir, name+".json")
	os.Remove(jsonFile)
	job := workerJob{
		Number: b.number, LabelFilter: b.labelFilter(p.filter), Focus: p.focus, Skip: p.skip,
		JSONReport: jsonFile, Timeout: left, Seed: p.seed, Verbose: p.verbose,
	}
	jobJSON, _ := json.Marshal(job)

	log, err := os.Create(logFile)
	if err != nil {
		o.problem = fmt.Sprintf("not run: %v", err)
		return o
	}
	defer log.Close()
	var out io.Writer = log
	var console *prefixWriter
	if p.verbose {
		console = &prefixWriter{w: p.console, prefix: fmt.Sprintf("[w%02d] ", b.number)}
		out = io.MultiWriter(log, console)
	}

	wctx, cancel := context.WithDeadline(ctx, p.deadline.Add(killGrace))
	defer cancel()
	cmd := exec.CommandContext(wctx, p.exe)
	cmd.Env = append(os.Environ(), workerEnv+"="+string(jobJSON), harness.SettingsEnv+"="+p.settings.Export())
	cmd.Stdout, cmd.Stderr = out, out
	setProcessGroup(cmd)
	// First ask nicely, as Ctrl-C would: ginkgo stops the running spec, cleans up and writes
	// its report. Kill only if it does not exit after that.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = killGrace

	start := time.Now()
	err = cmd.Run()
	o.elapsed = time.Since(start)
	var exit *exec.ExitError
	switch {
	case err == nil, errors.As(err, &exit) && exit.ExitCode() == exitNotConformant:
	case wctx.Err() != nil && ctx.Err() == nil:
		o.problem = fmt.Sprintf("worker %d was stopped: it ran past the run's deadline", b.number)
	case ctx.Err() != nil:
		o.problem = fmt.Sprintf("worker %d was interrupted", b.number)
	default:
		o.problem = fmt.Sprintf("worker %d failed: %v (see %s)", b.number, err, logFile)
	}
	if console != nil {
		console.flush()
	}
	r, err := reports.ReadJSON(jsonFile)
	if err != nil {
		if o.problem == "" {
			o.problem = fmt.Sprintf("worker %d wrote no report: %v (see %s)", b.number, err, logFile)
		}
		return o
	}
	os.Remove(jsonFile)
	if i := slices.Index(r.SpecialSuiteFailureReasons, ginkgoSuiteTimeout); i >= 0 {
		// Ginkgo's own words for the deadline set in the job; say it in ours.
		r.SpecialSuiteFailureReasons = slices.Delete(r.SpecialSuiteFailureReasons, i, i+1)
		if o.problem == "" {
			o.problem = fmt.Sprintf("worker %d ran past the run's deadline and was interrupted", b.number)
		}
	}
	for i := range r.SpecReports {
		r.SpecReports[i].ParallelProcess = b.number
	}
	o.report = &r
	return o
}

// prefixWriter writes whole lines, each with a prefix, so that workers' lines do not mix.
type prefixWriter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		if _, err := fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf[:i]); err != nil {
			return len(b), err
		}
		p.buf = p.buf[i+1:]
	}
	return len(b), nil
}

// flush writes a last line that lacked its newline.
func (p *prefixWriter) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf)
		p.buf = nil
	}
}
