// Command interop runs the conformance suite against real FTP servers (vsftpd, ProFTPD,
// Pure-FTPd, pyftpdlib), writes a comparison report and checks the verdicts against the ones
// committed under interop/expected/. `make interop` runs it; see interop/README.md.
//
// Exit status: 0 the verdicts are the expected ones; 1 some differ (or a server could not be
// run to the end); 2 usage error.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ftpconform/ftpconform/interop"
	"github.com/ftpconform/ftpconform/reports"
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
		judgements  = fs.String("judgements", "interop/judgements.tsv", "how each failure on a real server was judged")
		update      = fs.Bool("update", false, "write this run's verdicts into the expected files instead of comparing")
		deadline    = fs.Duration("deadline", 20*time.Minute, "the most one suite run (a server under a profile) may take")
		parallel    = fs.Int("parallel", 2, "servers tested at the same time")
		procs       = fs.Int("procs", 0, "the runner's --procs (0: its default)")
		noRun       = fs.Bool("no-run", false, "run nothing: read the reports an earlier run left in -out, and compare or update from them")
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
	for _, p := range opts.Profiles {
		if !slices.Contains(interop.Profiles, p) {
			fmt.Fprintf(os.Stderr, "interop: unknown profile %q (known: %s)\n", p, strings.Join(interop.Profiles, ", "))
			return 2
		}
	}
	if len(opts.Profiles) == 0 {
		fmt.Fprintln(os.Stderr, "interop: -profiles is empty")
		return 2
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
	if *noRun {
		return finish(env.Load(opts), opts, *expectedDir, *judgements, *update)
	}
	if _, err := os.Stat(opts.Suite.Binary); err != nil {
		fmt.Fprintf(os.Stderr, "interop: the runner %s is missing: make build first\n", opts.Suite.Binary)
		return 2
	}

	// Every run uses the same runner, even if bin/ftpconform is rebuilt meanwhile.
	snapshot, err := snapshotRunner(opts.Suite.Binary, env.WorkDir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "interop: %v\n", err)
		return 2
	}
	opts.Suite.Binary = snapshot

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	outcomes := env.Run(ctx, opts)
	return finish(outcomes, opts, *expectedDir, *judgements, *update)
}

// finish compares the verdicts with the expected ones (or writes them, with -update), writes
// the comparison and returns the exit status.
func finish(outcomes []interop.Outcome, opts interop.Options, expectedDir, judgementsFile string, update bool) int {
	status := 0
	partial := opts.Suite.LabelFilter != ""
	var diffs []interop.Difference
	versions := map[string]string{}
	for _, o := range outcomes {
		if o.Version != "" {
			versions[o.Server] = o.Version
		}
		if o.Error != "" && !o.Skipped {
			status = 1 // a server that should have run did not run to the end
		}
	}
	verdicts, err := interop.VerdictsOf(outcomes, opts.Suite.LabelFilter)
	if err != nil {
		fmt.Fprintf(os.Stderr, "interop: %v\n", err)
		return 2
	}
	for server, got := range verdicts {
		file := interop.ExpectedFile(expectedDir, server)
		expected, err := interop.ReadExpected(file)
		if err != nil {
			fmt.Fprintf(os.Stderr, "interop: %v\n", err)
			return 1
		}
		if update {
			expected.Merge(got, partial)
			if err := interop.WriteExpected(file, server, versions[server], expected); err != nil {
				fmt.Fprintf(os.Stderr, "interop: %v\n", err)
				return 1
			}
			fmt.Fprintf(os.Stderr, "interop: wrote %s\n", file)
			continue
		}
		diffs = append(diffs, interop.Compare(server, expected, got, partial)...)
	}
	slices.SortStableFunc(diffs, func(a, b interop.Difference) int {
		return cmp.Or(cmp.Compare(serverIndex(a.Server), serverIndex(b.Server)), cmp.Compare(profileIndex(a.Profile), profileIndex(b.Profile)), reports.CompareIDs(a.ID, b.ID))
	})
	c := interop.NewComparison(outcomes, diffs, !update)
	judgements, err := interop.ReadJudgements(judgementsFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "interop: %v\n", err)
		return 1
	}
	c.Judge(judgements)
	page, err := c.WriteHTML(opts.OutDir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "interop: writing the comparison: %v\n", err)
		return 1
	}
	fmt.Print("\n" + c.Markdown())
	for _, o := range outcomes {
		if o.Error != "" {
			what := "did not complete"
			if o.Skipped {
				what = "SKIPPED"
			}
			fmt.Printf("%s %s %s: %s\n", o.Server, o.Profile, what, o.Error)
		}
	}
	if len(diffs) > 0 {
		fmt.Printf("\n%d verdicts differ from %s (review them; then make interop-expected and commit):\n", len(diffs), expectedDir)
		printDifferences(diffs)
		status = 1
	} else if !update {
		fmt.Printf("\nEvery verdict is the expected one (%s).\n", expectedDir)
	}
	if u := c.Unjudged(); len(u) > 0 {
		fmt.Printf("\n%d failures on real servers are not judged yet (%s):", len(u), judgementsFile)
		for _, f := range u {
			fmt.Printf(" %s on %s;", f.ID, f.Server)
		}
		fmt.Println()
	}
	everything := !partial && len(opts.Servers) == len(interop.Servers) && len(opts.Profiles) == len(interop.Profiles)
	for _, o := range outcomes {
		everything = everything && o.Error == ""
	}
	if everything {
		if stale := c.Stale(judgements); len(stale) > 0 {
			fmt.Printf("\n%d judgements match no failure of this run (remove them from %s): %s\n", len(stale), judgementsFile, strings.Join(stale, "; "))
		}
	}
	fmt.Printf("Comparison: %s\n", page)
	return status
}

// printDifferences prints changed verdicts one a line, and new scenarios (all of them when the
// baseline is still to be written) as one line per server and profile.
func printDifferences(diffs []interop.Difference) {
	type key struct{ server, profile string }
	var order []key
	added := map[key][]string{}
	for _, d := range diffs {
		if d.Expected != "" {
			fmt.Println("  " + d.String())
			continue
		}
		k := key{d.Server, d.Profile}
		if added[k] == nil {
			order = append(order, k)
		}
		added[k] = append(added[k], d.ID+" "+string(d.Got))
	}
	for _, k := range order {
		list := added[k]
		more := ""
		if len(list) > 8 {
			list, more = list[:8], fmt.Sprintf(", and %d more (index.html lists them)", len(added[k])-8)
		}
		fmt.Printf("  %s %s: %d new scenarios: %s%s\n", k.server, k.profile, len(added[k]), strings.Join(list, ", "), more)
	}
}

func serverIndex(name string) int {
	return slices.IndexFunc(interop.Servers, func(s interop.Server) bool { return s.Name == name })
}

func profileIndex(p string) int { return slices.Index(interop.Profiles, p) }

// snapshotRunner copies the runner into the work directory and returns the copy's path.
func snapshotRunner(binary, workDir string) (string, error) {
	b, err := os.ReadFile(binary)
	if err != nil {
		return "", fmt.Errorf("the runner: %v", err)
	}
	dir := filepath.Join(workDir, "bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	dst := filepath.Join(dir, "ftpconform")
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, b, 0o755); err != nil {
		return "", err
	}
	return dst, os.Rename(tmp, dst)
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
