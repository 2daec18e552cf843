// Command mutation proves that the suite can tell a broken server from a correct one. For each
// fault of the reference server's catalogue (refserver.Faults), it runs the scenarios against
// the embedded reference server with that fault switched on (bin/ftpconform --embedded-fault
// NAME, one runner process per fault, several at a time) and collects which scenarios failed.
//
// A fault is run with the scenarios whose cmd: labels name a command it changes (all scenarios
// for a fault without commands), plus a sample of the others. The run fails when a fault is
// caught by no scenario, or when a scenario is failed by no fault and has no written reason in
// unfailable.txt why no server-side fault can fail it.
//
//	make mutation                            # the whole catalogue: table, gaps, score
//	bin/mutation --fault pwd-unquoted        # one fault: which scenarios catch it
//	bin/mutation --quick                     # one fault per group, each must be caught (make test)
//
// Exit status: 0 everything proven, 1 not, 2 usage error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reports"
)

const (
	exitOK       = 0
	exitGaps     = 1
	exitUsage    = 2
	summaryFile  = "mutation.json"
	defaultSlice = 5
)

// options are the parsed command line.
type options struct {
	ftpconform string
	out        string
	unfailable string
	profile    harness.Profile
	jobs       int
	procs      int
	sample     int
	timeout    time.Duration
	faults     []string
	quick      bool
	list       bool
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ", ") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func parseArgs(args []string, stderr io.Writer) (options, error) {
	var o options
	var profile string
	fs := flag.NewFlagSet("mutation", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.ftpconform, "ftpconform", "bin/ftpconform", "the runner binary (make build)")
	fs.StringVar(&o.out, "out", "conformance-report/mutation", "directory for each run's reports and "+summaryFile)
	fs.StringVar(&o.unfailable, "unfailable", "cmd/mutation/unfailable.txt", "scenarios no server-side fault can fail, each with the reason")
	fs.StringVar(&profile, "profile", string(harness.ProfileSecure), "conformance profile of the runs (the widest selects every scenario)")
	fs.IntVar(&o.jobs, "jobs", 2*runtime.NumCPU(), "runner processes at a time, each with its own embedded server (they mostly wait on the network)")
	fs.IntVar(&o.procs, "procs", 2, "worker processes of each runner (--procs of bin/ftpconform)")
	fs.IntVar(&o.sample, "sample", defaultSlice, "scenarios not on a fault's commands that each fault run adds")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "a run still going after this is interrupted (its unfinished scenarios prove nothing)")
	fs.Var((*stringList)(&o.faults), "fault", "run only this fault (repeatable); scenarios are then not judged")
	fs.BoolVar(&o.quick, "quick", false, "the fast check of make test: in each group, a fault must be caught by the scenarios on its commands (tried in turn, the cheapest first)")
	fs.BoolVar(&o.list, "list", false, "print the plan (each fault and the scenarios it would run) and exit")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	p, err := harness.ParseProfile(profile)
	if err != nil {
		return o, err
	}
	o.profile = p
	switch {
	case o.jobs < 1 || o.procs < 1:
		return o, errors.New("--jobs and --procs must be at least 1")
	case o.sample < 0:
		return o, errors.New("--sample must not be negative")
	case o.timeout <= 0:
		return o, errors.New("--timeout must be positive")
	case o.quick && len(o.faults) > 0:
		return o, errors.New("--quick picks its own faults; it cannot be used with --fault")
	}
	return o, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil))
}

// run is the whole command; r replaces the runner in tests (nil: bin/ftpconform).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, r runner) int {
	o, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "mutation: %v\n", err)
		return exitUsage
	}
	faults := catalogue()
	scenarios := listScenarios(o.profile)
	return mutate(ctx, o, faults, scenarios, stdout, stderr, r)
}

// mutate plans, runs and scores.
func mutate(ctx context.Context, o options, faults []fault, scenarios []scenario, stdout, stderr io.Writer, r runner) int {
	unfailable, err := readUnfailable(o.unfailable)
	if err != nil {
		fmt.Fprintf(stderr, "mutation: %v\n", err)
		return exitUsage
	}
	if len(o.faults) > 0 {
		var picked []fault
		for _, name := range o.faults {
			i := slices.IndexFunc(faults, func(f fault) bool { return f.Name == name })
			if i < 0 {
				fmt.Fprintf(stderr, "mutation: --fault %q: no such fault (refftpd --list-faults lists them)\n", name)
				return exitUsage
			}
			picked = append(picked, faults[i])
		}
		faults = picked
	}
	if r == nil && !o.list {
		if _, err := os.Stat(o.ftpconform); err != nil {
			fmt.Fprintf(stderr, "mutation: --ftpconform %s: %v (make build)\n", o.ftpconform, err)
			return exitUsage
		}
		r = execRunner{exe: o.ftpconform, out: o.out, profile: o.profile, procs: o.procs, timeout: o.timeout}
	}
	var s score
	if o.quick {
		plans := planQuick(faults, scenarios)
		if o.list {
			printQuickPlan(stdout, plans)
			return exitOK
		}
		if !start(o, len(faults), len(scenarios), stdout, stderr) {
			return exitUsage
		}
		results, groups := runQuick(ctx, r, plans, o.jobs, progress(stdout, 0))
		s = tally(faults, scenarios, nil, results, nil, false)
		s.Quick, s.Groups = true, groups
	} else {
		jobs := planFull(faults, scenarios, o.sample)
		if o.list {
			printPlan(stdout, jobs)
			return exitOK
		}
		if !start(o, len(faults), len(scenarios), stdout, stderr) {
			return exitUsage
		}
		// Only a run of the whole catalogue judges the scenarios, against a baseline: the
		// scenarios that pass on the correct server, whose failures under a fault are the
		// fault's doing.
		full := len(o.faults) == 0
		var base *result
		if full {
			var variant map[string]string
			base, variant = baseline(ctx, r, scenarios, stdout)
			passing := map[string]bool{}
			for id, v := range base.Scenarios {
				if v.Verdict == reports.Passed {
					passing[id] = true
				}
			}
			for i := range jobs {
				jobs[i].Targeted = keep(jobs[i].Targeted, passing)
				jobs[i].Sampled = keep(jobs[i].Sampled, passing)
			}
			jobs = splitVariants(jobs, variant)
		}
		longestFirst(jobs, lastTimes(filepath.Join(o.out, summaryFile)))
		results := runAll(ctx, r, jobs, o.jobs, progress(stdout, len(jobs)))
		s = tally(faults, scenarios, base, results, unfailable, full)
	}
	fmt.Fprintln(stdout)
	printScore(stdout, s, o.unfailable)
	fmt.Fprintf(stdout, "Reports of each run in %s\n", o.out)
	if err := writeSummary(filepath.Join(o.out, summaryFile), s); err != nil {
		fmt.Fprintf(stderr, "mutation: %v\n", err)
		return exitGaps
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "mutation: interrupted")
		return exitGaps
	}
	if !s.ok() {
		return exitGaps
	}
	return exitOK
}

// start prepares the output directory and prints the header.
func start(o options, faults, scenarios int, stdout, stderr io.Writer) bool {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		fmt.Fprintf(stderr, "mutation: --out: %v\n", err)
		return false
	}
	what := "the whole catalogue"
	switch {
	case o.quick:
		what = "quick check, a fault per group"
	case len(o.faults) > 0:
		what = "the faults named"
	}
	fmt.Fprintf(stdout, "Mutation run (%s): %d faults, %d scenarios (profile %s); %d runs at a time, %d workers each\n",
		what, faults, scenarios, o.profile, o.jobs, o.procs)
	return true
}

// baseline runs every scenario without a fault, then those it skipped once more on ::1: it
// returns their verdicts, and the variant of the scenarios that pass only there.
func baseline(ctx context.Context, r runner, scenarios []scenario, stdout io.Writer) (*result, map[string]string) {
	all := make([]string, len(scenarios))
	for i, s := range scenarios {
		all[i] = s.ID
	}
	b := r.run(ctx, job{Targeted: all})
	b.Job = job{Targeted: all}
	fmt.Fprintf(stdout, "  baseline: %d of %d scenarios pass on the reference server (%s)%s\n",
		countPassed(b, all), len(all), b.Elapsed.Round(100*time.Millisecond), problemNote(b.Problem))
	var skipped []string
	for _, id := range all {
		if v, ok := b.Scenarios[id]; ok && v.Verdict == reports.Skipped {
			skipped = append(skipped, id)
		}
	}
	variant := map[string]string{}
	if len(skipped) == 0 {
		return &b, variant
	}
	j := job{Targeted: skipped, Variant: variantIPv6}
	b6 := r.run(ctx, j)
	for _, id := range skipped {
		if v, ok := b6.Scenarios[id]; ok && v.Verdict == reports.Passed {
			b.Scenarios[id] = v
			variant[id] = variantIPv6
		}
	}
	if b6.Problem != "" {
		b.Problem = strings.TrimPrefix(b.Problem+"; on ::1: "+b6.Problem, "; ")
	}
	fmt.Fprintf(stdout, "  baseline on ::1: %d of the %d skipped pass there (%s)%s\n",
		countPassed(b6, skipped), len(skipped), b6.Elapsed.Round(100*time.Millisecond), problemNote(b6.Problem))
	return &b, variant
}

func countPassed(r result, ids []string) int {
	n := 0
	for _, id := range ids {
		if r.Scenarios[id].Verdict == reports.Passed {
			n++
		}
	}
	return n
}

// progress returns what prints a line after each run; total is 0 when not known in advance.
func progress(w io.Writer, total int) func(int, result) {
	return func(n int, res result) {
		count := fmt.Sprint(n)
		if total > 0 {
			count = fmt.Sprintf("%*d/%d", len(fmt.Sprint(total)), n, total)
		}
		fmt.Fprintf(w, "  [%s] %-32s %3d ran, %3d failed (%s)%s\n", count, res.Job.name(), ranCount(res),
			len(res.failedIDs()), res.Elapsed.Round(100*time.Millisecond), problemNote(res.Problem))
	}
}

// runAll runs the jobs, n at a time, and calls done (serialized) after each.
func runAll(ctx context.Context, r runner, jobs []job, n int, done func(int, result)) []result {
	results := make([]result, len(jobs))
	sem := make(chan struct{}, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	finished := 0
	for i, j := range jobs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			res := r.run(ctx, j)
			res.Job = j
			results[i] = res
			mu.Lock()
			finished++
			done(finished, res)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return results
}

func keep(ids []string, passing map[string]bool) []string {
	var out []string
	for _, id := range ids {
		if passing[id] {
			out = append(out, id)
		}
	}
	return out
}

// runQuick runs each group's candidates in turn until one is caught, groups n at a time.
func runQuick(ctx context.Context, r runner, plans []groupPlan, n int, done func(int, result)) ([]result, []groupCheck) {
	checks := make([]groupCheck, len(plans))
	perGroup := make([][]result, len(plans))
	sem := make(chan struct{}, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	finished := 0
	for i, p := range plans {
		checks[i].Group = p.Group
		if len(p.Jobs) == 0 {
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			for _, j := range p.Jobs {
				if ctx.Err() != nil {
					return
				}
				res := r.run(ctx, j)
				res.Job = j
				perGroup[i] = append(perGroup[i], res)
				checks[i].Tried = append(checks[i].Tried, j.Fault)
				mu.Lock()
				finished++
				done(finished, res)
				mu.Unlock()
				if len(res.failedIDs()) > 0 {
					checks[i].Caught = j.Fault
					return
				}
			}
		}()
	}
	wg.Wait()
	var results []result
	for _, rs := range perGroup {
		results = append(results, rs...)
	}
	return results, checks
}

func ranCount(r result) int {
	n := 0
	for _, v := range r.Scenarios {
		if v.Verdict != reports.Skipped {
			n++
		}
	}
	return n
}

func problemNote(p string) string {
	if p == "" {
		return ""
	}
	return " — " + p
}

// printPlan prints each job and its scenarios.
func printPlan(w io.Writer, jobs []job) {
	total := 0
	for _, j := range jobs {
		total += len(j.ids())
		fmt.Fprintf(w, "%s: %d on its commands + %d sampled: %s\n", j.name(), len(j.Targeted), len(j.Sampled), strings.Join(j.ids(), " "))
	}
	fmt.Fprintf(w, "%d runs, %d scenario runs\n", len(jobs), total)
}

// printQuickPlan prints each group's candidates.
func printQuickPlan(w io.Writer, plans []groupPlan) {
	for _, p := range plans {
		if len(p.Jobs) == 0 {
			fmt.Fprintf(w, "%s: no fault has a scenario on its commands\n", p.Group)
			continue
		}
		var tries []string
		for _, j := range p.Jobs {
			tries = append(tries, fmt.Sprintf("%s (%d)", j.Fault, len(j.Targeted)))
		}
		fmt.Fprintf(w, "%s: %s\n", p.Group, strings.Join(tries, ", then "))
	}
}

// lastTimes reads how long each fault's run took in the last run's summary, if there is one.
func lastTimes(file string) map[string]time.Duration {
	var last score
	b, err := os.ReadFile(file)
	if err != nil || json.Unmarshal(b, &last) != nil {
		return nil
	}
	times := map[string]time.Duration{}
	for _, f := range last.Faults {
		times[f.Name] = f.Elapsed
	}
	return times
}

// writeSummary writes the score as JSON, for tools.
func writeSummary(file string, s score) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(file, append(b, '\n'), 0o644)
}
