package interop

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ftpconform/ftpconform/reports"
	"github.com/onsi/ginkgo/v2/types"
)

// Verdicts are one server's verdicts: profile → scenario ID → verdict.
type Verdicts map[string]map[string]reports.Verdict

// VerdictsOf collects the verdicts of the outcomes that ran, by server. With a label filter
// (a partial run) it keeps only the scenarios the filter selects: the runner reports the
// others as skipped, which says nothing about the server.
func VerdictsOf(outcomes []Outcome, labelFilter string) (map[string]Verdicts, error) {
	selected := func([]string) bool { return true }
	if labelFilter != "" {
		f, err := types.ParseLabelFilter(labelFilter)
		if err != nil {
			return nil, fmt.Errorf("label filter %q: %v", labelFilter, err)
		}
		selected = f
	}
	all := map[string]Verdicts{}
	for _, o := range outcomes {
		if !o.Ran {
			continue
		}
		if all[o.Server] == nil {
			all[o.Server] = Verdicts{}
		}
		m := map[string]reports.Verdict{}
		for _, s := range o.Result.Scenarios {
			if selected(s.Labels) {
				m[s.ID] = s.Verdict
			}
		}
		all[o.Server][o.Profile] = m
	}
	return all, nil
}

// ExpectedFile is the committed baseline of a server: interop/expected/NAME.tsv.
func ExpectedFile(dir, server string) string { return filepath.Join(dir, server+".tsv") }

// ReadExpected reads a baseline: one "profile<TAB>scenario<TAB>verdict" a line, # comments. A
// missing file is an empty baseline (every verdict then shows as new).
func ReadExpected(file string) (Verdicts, error) {
	v := Verdicts{}
	err := eachLine(file, func(n int, line string) error {
		f := strings.Split(line, "\t")
		if len(f) != 3 || !validVerdicts(f[2]) {
			return fmt.Errorf("%s:%d: expected \"profile<TAB>scenario<TAB>verdict\" with a verdict of %v (or several joined by |), got %q", file, n, reports.Verdicts, line)
		}
		if v[f[0]] == nil {
			v[f[0]] = map[string]reports.Verdict{}
		}
		v[f[0]][f[1]] = reports.Verdict(f[2])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// A baseline verdict may name several, joined by "|" ("failed|passed"), for a scenario whose
// verdict on that server depends on timing: any of them is as expected. Such lines are written
// by hand, with the reason in interop/README.md; -update keeps them while the verdict is one
// of them.

func validVerdicts(s string) bool {
	for _, v := range strings.Split(s, "|") {
		if !slices.Contains(reports.Verdicts, reports.Verdict(v)) {
			return false
		}
	}
	return true
}

// matches reports whether a run's verdict is one the baseline allows.
func matches(expected, got reports.Verdict) bool {
	if expected == got {
		return true
	}
	return got != "" && slices.Contains(strings.Split(string(expected), "|"), string(got))
}

// WriteExpected writes a baseline, profiles in the order of Profiles, scenarios by ID, so a
// change of verdict is a one-line diff.
func WriteExpected(file, server, version string, v Verdicts) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Expected verdicts of the ftpconform suite on %s", server)
	if version != "" {
		fmt.Fprintf(&b, " (Debian package version %s)", version)
	}
	b.WriteString(".\n# Written by `make interop-expected`; `make interop` reports every difference.\n")
	b.WriteString("# Real deviations are explained in interop/README.md.\n# profile\tscenario\tverdict\n")
	for _, p := range orderedProfiles(v) {
		ids := slices.SortedFunc(maps.Keys(v[p]), reports.CompareIDs)
		for _, id := range ids {
			fmt.Fprintf(&b, "%s\t%s\t%s\n", p, id, v[p][id])
		}
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, []byte(b.String()), 0o644)
}

// Merge puts a run's verdicts into a baseline: a profile run whole replaces the baseline's; a
// partial run (a label filter) replaces only the scenarios it ran.
func (v Verdicts) Merge(run Verdicts, partial bool) {
	for p, m := range run {
		old := v[p]
		if !partial || v[p] == nil {
			v[p] = map[string]reports.Verdict{}
		}
		for id, got := range m {
			if matches(old[id], got) {
				got = old[id] // keep a set of alternatives that still holds
			}
			v[p][id] = got
		}
	}
}

// Difference is a verdict that is not the expected one.
type Difference struct {
	Server, Profile, ID string
	Expected            reports.Verdict // "": a scenario the baseline does not know (new)
	Got                 reports.Verdict // "": a scenario of the baseline that did not run (gone)
}

func (d Difference) String() string {
	switch {
	case d.Expected == "":
		return fmt.Sprintf("%s %s %s: new scenario, %s (not in the expected verdicts)", d.Server, d.Profile, d.ID, d.Got)
	case d.Got == "":
		return fmt.Sprintf("%s %s %s: expected %s, but the scenario is gone from the suite", d.Server, d.Profile, d.ID, d.Expected)
	default:
		return fmt.Sprintf("%s %s %s: expected %s, got %s", d.Server, d.Profile, d.ID, d.Expected, d.Got)
	}
}

// Compare lists the differences between a server's baseline and the verdicts of a run, for the
// profiles that ran. A partial run reports no scenario as gone.
func Compare(server string, expected, got Verdicts, partial bool) []Difference {
	var out []Difference
	for _, p := range orderedProfiles(got) {
		want, have := expected[p], got[p]
		ids := map[string]bool{}
		for id := range have {
			ids[id] = true
		}
		if !partial {
			for id := range want {
				ids[id] = true
			}
		}
		for _, id := range slices.SortedFunc(maps.Keys(ids), reports.CompareIDs) {
			w, h := want[id], have[id]
			if !matches(w, h) {
				out = append(out, Difference{Server: server, Profile: p, ID: id, Expected: w, Got: h})
			}
		}
	}
	return out
}

// orderedProfiles are the profiles of v, known ones in the order of Profiles, then the others.
func orderedProfiles(v Verdicts) []string {
	var out []string
	for _, p := range Profiles {
		if _, ok := v[p]; ok {
			out = append(out, p)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(v)) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
