package main

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strings"
	"time"

	"github.com/ftpconform/ftpconform/reports"
)

// job is one run of the suite: the scenarios it runs against the embedded reference server
// with one fault switched on (no fault for the baseline).
type job struct {
	Fault    string   // "" for the baseline
	Targeted []string // scenarios on the commands the fault changes (all for the baseline)
	Sampled  []string // a sample of the other scenarios
	Variant  string   // "" or variantIPv6: how the embedded server runs
}

// variantIPv6 runs the embedded server on ::1 (bin/ftpconform --ipv6), for the scenarios that
// need an IPv6 control connection and are skipped on 127.0.0.1.
const variantIPv6 = "ipv6"

// ids are the scenarios the job runs, sorted.
func (j job) ids() []string {
	ids := append(slices.Clone(j.Targeted), j.Sampled...)
	slices.SortFunc(ids, reports.CompareIDs)
	return ids
}

// name is the job's name in the output and its report directory.
func (j job) name() string {
	n := j.Fault
	if n == "" {
		n = baselineName
	}
	if j.Variant != "" {
		n += "." + j.Variant
	}
	return n
}

// splitVariants moves the scenarios that run only under a variant (variant: scenario ID →
// variant) into jobs of their own, for the same fault. Every fault keeps its plain job, empty
// or not, so that it is scored. Sampled scenarios that need a variant are dropped: a run of its
// own for one sampled scenario costs more than it tells.
func splitVariants(jobs []job, variant map[string]string) []job {
	var out []job
	for _, j := range jobs {
		plain := job{Fault: j.Fault}
		others := map[string]*job{}
		var names []string
		place := func(id string, sampled bool) {
			dst := &plain
			if v := variant[id]; v != "" {
				if others[v] == nil {
					others[v] = &job{Fault: j.Fault, Variant: v}
					names = append(names, v)
				}
				dst = others[v]
			}
			if sampled {
				dst.Sampled = append(dst.Sampled, id)
			} else {
				dst.Targeted = append(dst.Targeted, id)
			}
		}
		for _, id := range j.Targeted {
			place(id, false)
		}
		for _, id := range j.Sampled {
			if variant[id] == "" {
				place(id, true)
			}
		}
		out = append(out, plain)
		slices.Sort(names)
		for _, v := range names {
			out = append(out, *others[v])
		}
	}
	return out
}

// baselineName names the run without a fault.
const baselineName = "baseline"

// verb is the command word of a cmd: label: "EPSV ALL" is EPSV, "AUTH TLS" is AUTH.
func verb(cmd string) string {
	v, _, _ := strings.Cut(strings.TrimSpace(cmd), " ")
	return strings.ToUpper(v)
}

// targets reports whether the fault changes a command the scenario exercises. Commands are
// compared by their verb, so that a fault of EPSV reaches the scenarios of EPSV ALL. A fault
// without commands changes them all.
func (f fault) targets(s scenario) bool {
	if len(f.Commands) == 0 {
		return true
	}
	for _, fc := range f.Commands {
		for _, sc := range s.Commands {
			if verb(fc) == verb(sc) {
				return true
			}
		}
	}
	return false
}

// jobFor is the job of one fault: the scenarios it targets, plus a sample of the rest.
func jobFor(f fault, scenarios []scenario, sample int) job {
	j := job{Fault: f.Name}
	var rest []string
	for _, s := range scenarios {
		if f.targets(s) {
			j.Targeted = append(j.Targeted, s.ID)
		} else {
			rest = append(rest, s.ID)
		}
	}
	j.Sampled = sampleOf(f.Name, rest, sample)
	return j
}

// sampleOf picks n of the ids, the same ones every time for the same name and ids, and
// different ones for different names, so that over the catalogue every scenario gets its chances.
func sampleOf(name string, ids []string, n int) []string {
	if n <= 0 {
		return nil
	}
	rank := func(id string) uint64 {
		sum := sha256.Sum256([]byte(name + "\x00" + id))
		return binary.BigEndian.Uint64(sum[:8])
	}
	sorted := slices.Clone(ids)
	slices.SortFunc(sorted, func(a, b string) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a, b)) })
	sorted = sorted[:min(n, len(sorted))]
	slices.SortFunc(sorted, reports.CompareIDs)
	return sorted
}

// planFull is the job of every fault.
func planFull(faults []fault, scenarios []scenario, sample int) []job {
	var jobs []job
	for _, f := range faults {
		jobs = append(jobs, jobFor(f, scenarios, sample))
	}
	sortBySize(jobs)
	return jobs
}

// perScenario is the guess of a run's length per scenario, for faults no earlier run timed.
const perScenario = 200 * time.Millisecond

// longestFirst orders the jobs so that the long runs start early and the short ones fill the
// gaps at the end: by how long the same fault's run took last time (a fault that makes
// scenarios wait for their reply deadline is slow whatever its size), else by size.
func longestFirst(jobs []job, last map[string]time.Duration) {
	estimate := func(j job) time.Duration {
		if d, ok := last[j.name()]; ok {
			return d
		}
		return time.Duration(len(j.ids())) * perScenario
	}
	slices.SortStableFunc(jobs, func(a, b job) int {
		return cmp.Or(cmp.Compare(estimate(b), estimate(a)), cmp.Compare(a.name(), b.name()))
	})
}

// groupPlan is a group's candidates for the quick check, cheapest first.
type groupPlan struct {
	Group string
	Jobs  []job
}

// planQuick lists, for each group, the faults that a quick run tries in turn until one is
// caught: the cheapest first (the fewest scenarios on their commands, but at least one). When
// every fault is caught, that is one small run per group. It runs only the targeted scenarios,
// no sample. A group where no fault has a scenario on its commands has no candidates.
func planQuick(faults []fault, scenarios []scenario) []groupPlan {
	byGroup := map[string][]job{}
	for _, f := range faults {
		if _, seen := byGroup[f.Group]; !seen {
			byGroup[f.Group] = nil // listed, even with no candidate
		}
		if j := jobFor(f, scenarios, 0); len(j.Targeted) > 0 {
			byGroup[f.Group] = append(byGroup[f.Group], j)
		}
	}
	var plans []groupPlan
	for g, js := range byGroup {
		slices.SortFunc(js, func(a, b job) int {
			return cmp.Or(cmp.Compare(len(a.Targeted), len(b.Targeted)), cmp.Compare(a.Fault, b.Fault))
		})
		plans = append(plans, groupPlan{Group: g, Jobs: js})
	}
	slices.SortFunc(plans, func(a, b groupPlan) int { return cmp.Compare(a.Group, b.Group) })
	return plans
}

func sortBySize(jobs []job) {
	slices.SortStableFunc(jobs, func(a, b job) int {
		return cmp.Or(cmp.Compare(len(b.ids()), len(a.ids())), cmp.Compare(a.Fault, b.Fault))
	})
}
