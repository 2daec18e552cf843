package interop

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/ftpconform/ftpconform/reports"
)

// SuiteOptions say how bin/ftpconform runs against each server.
type SuiteOptions struct {
	Binary      string        // bin/ftpconform
	Deadline    time.Duration // the most one run may take; then it is interrupted, then killed
	Procs       int           // --procs (0: the runner's default)
	LabelFilter string        // --label-filter, to run a part of the suite
	Extra       []string      // further flags, passed as they are
}

// RunSuite runs the suite against a running server under one profile, writing the reports into
// dir. The run is bounded by opts.Deadline whatever the server does: past it the runner gets
// SIGINT (it then writes the reports of what ran), and SIGKILL 30 s later. The runner's exit
// status 1 (not conformant) is a normal outcome; statuses 2 and 3 are errors.
func RunSuite(ctx context.Context, in *Instance, profile, dir string, opts SuiteOptions) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	args := []string{"--profile", profile, "--report-dir", dir,
		"--timeout", in.Server.ReplyTimeout.String()}
	if in.Server.MaxSessions > 0 {
		args = append(args, "--max-sessions", strconv.Itoa(in.Server.MaxSessions))
	}
	if opts.Procs > 0 {
		args = append(args, "--procs", strconv.Itoa(opts.Procs))
	}
	if opts.LabelFilter != "" {
		args = append(args, "--label-filter", opts.LabelFilter)
	}
	args = append(args, opts.Extra...)
	log, err := os.Create(filepath.Join(dir, "ftpconform.log"))
	if err != nil {
		return err
	}
	defer log.Close()
	fmt.Fprintf(log, "# %s %v (target in $FTPCONFORM_TARGET)\n", opts.Binary, args)

	ctx, cancel := context.WithTimeout(ctx, opts.Deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, opts.Binary, args...)
	// The target (with its password) goes through the environment, not the command line.
	cmd.Env = append(os.Environ(), "FTPCONFORM_TARGET="+in.Target())
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	err = cmd.Run()
	// Workers the runner left behind, if it was killed.
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("the run took longer than %v and was interrupted (see %s)", opts.Deadline, log.Name())
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %v: %s", opts.Binary, err, tail(log.Name(), 3))
	}
	return nil
}

// ReadReport reads the report.json a run wrote into dir and digests it with the reports
// package, so the verdicts are the runner's own.
func ReadReport(dir string) (reports.Result, error) {
	report, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		return reports.Result{}, err
	}
	return reports.Analyze(report), nil
}
