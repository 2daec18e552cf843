package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ftpconform/ftpconform/reports"
)

// score is what the mutation run found.
type score struct {
	Faults []faultScore `json:"faults"`
	Caught int          `json:"caught"`
	// FailedBy lists, for each scenario, the faults that failed it on its own rule;
	// IncidentallyBy those that failed it only through a general rule of another section.
	FailedBy       map[string][]string `json:"failed_by"`
	IncidentallyBy map[string][]string `json:"incidentally_by,omitempty"`
	// JudgeScenarios: the run covered the whole catalogue, so a scenario no fault failed is a gap.
	JudgeScenarios bool  `json:"judge_scenarios"`
	Unfailed       []gap `json:"unfailed,omitempty"` // failed by no fault, and no reason on file
	Excused        []gap `json:"excused,omitempty"`  // failed by no fault, with a reason on file
	Stale          []gap `json:"stale,omitempty"`    // reasons on file that are not true
	Baseline       []gap `json:"baseline,omitempty"` // scenarios that do not pass on the correct server
	// Problems are runs that went wrong: they may hide catches.
	Problems []string `json:"problems,omitempty"`
	// Quick: a quick check, which judges groups (Groups) rather than every fault.
	Quick  bool         `json:"quick,omitempty"`
	Groups []groupCheck `json:"groups,omitempty"`
}

// groupCheck is the quick check of one group.
type groupCheck struct {
	Group  string   `json:"group"`
	Tried  []string `json:"tried,omitempty"`  // the faults run, in turn
	Caught string   `json:"caught,omitempty"` // the one a scenario caught; "" when none was
}

// faultScore is one fault and what caught it.
type faultScore struct {
	fault
	Ran      int      `json:"ran"`    // scenarios that ran (not skipped)
	Failed   []string `json:"failed"` // scenarios that failed
	Targeted int      `json:"targeted"`
	// OffTarget are failed scenarios of the sample, not on the fault's commands: the fault
	// changes more than its Commands say, or the scenario exercises more than its labels say.
	OffTarget []string      `json:"off_target,omitempty"`
	Problem   string        `json:"problem,omitempty"`
	Elapsed   time.Duration `json:"elapsed_ns"`
	ReportDir string        `json:"report_dir,omitempty"`
}

// caught reports whether a scenario noticed the fault.
func (f faultScore) caught() bool { return len(f.Failed) > 0 }

// gap is a scenario that the run could not use as proof, and why.
type gap struct {
	ID       string `json:"id"`
	Location string `json:"location,omitempty"`
	Why      string `json:"why"`
}

// ok reports whether the run proves what it must: every fault caught (in a quick check, a fault
// of every group), no run went wrong and, when the whole catalogue ran, every scenario failed by
// some fault or excused in writing.
func (s score) ok() bool {
	if s.Quick {
		for _, g := range s.Groups {
			if g.Caught == "" {
				return false
			}
		}
		return len(s.Problems) == 0
	}
	if s.Caught < len(s.Faults) || len(s.Problems) > 0 {
		return false
	}
	return !s.JudgeScenarios || len(s.Unfailed)+len(s.Stale)+len(s.Baseline) == 0
}

// tally scores the results. baseline is nil when no baseline ran (quick runs); judgeScenarios
// says that the results cover the whole catalogue.
func tally(faults []fault, scenarios []scenario, baseline *result, results []result, unfailable map[string]string, judgeScenarios bool) score {
	s := score{FailedBy: map[string][]string{}, IncidentallyBy: map[string][]string{}, JudgeScenarios: judgeScenarios}
	where := map[string]string{}
	for _, sc := range scenarios {
		where[sc.ID] = sc.Location
	}
	bad := map[string]bool{} // not passing on the correct server
	if baseline != nil {
		if baseline.Problem != "" {
			s.Problems = append(s.Problems, "baseline: "+baseline.Problem)
		}
		for _, sc := range scenarios {
			v, ok := baseline.Scenarios[sc.ID]
			why := ""
			switch {
			case !ok:
				why = "did not run on the reference server"
			case v.Interrupted:
				why = "did not finish on the reference server"
			case v.failed():
				why = "fails on the reference server: " + v.Reason
			case v.Verdict == reports.Skipped:
				why = "skipped on the reference server: " + v.Reason
				if reason, ok := unfailable[sc.ID]; ok && judgeScenarios {
					// Not judged here, and the file says why (an IPv6 target, say).
					bad[sc.ID] = true
					s.Excused = append(s.Excused, gap{sc.ID, sc.Location, reason})
					continue
				}
			}
			if why != "" {
				bad[sc.ID] = true
				s.Baseline = append(s.Baseline, gap{sc.ID, sc.Location, why})
			}
		}
	}

	byName := map[string]result{} // a fault's runs (one per variant) as one
	for _, r := range results {
		if r.Problem != "" {
			s.Problems = append(s.Problems, fmt.Sprintf("%s: %s (see %s)", r.Job.name(), r.Problem, r.ReportDir))
		}
		m, ok := byName[r.Job.Fault]
		if !ok {
			m = result{Job: job{Fault: r.Job.Fault}, Scenarios: map[string]verdict{}, ReportDir: r.ReportDir}
		}
		m.Job.Targeted = append(m.Job.Targeted, r.Job.Targeted...)
		m.Job.Sampled = append(m.Job.Sampled, r.Job.Sampled...)
		maps.Copy(m.Scenarios, r.Scenarios)
		m.Elapsed += r.Elapsed
		if r.Problem != "" {
			m.Problem = strings.TrimPrefix(m.Problem+"; "+r.Problem, "; ")
		}
		byName[r.Job.Fault] = m
	}
	ran := map[string]int{} // scenario → fault runs it ran in
	for _, f := range faults {
		r, ok := byName[f.Name]
		if !ok {
			continue
		}
		fs := faultScore{fault: f, Targeted: len(r.Job.Targeted), Problem: r.Problem, Elapsed: r.Elapsed, ReportDir: r.ReportDir}
		for id, v := range r.Scenarios {
			if v.Verdict != reports.Skipped {
				fs.Ran++
				ran[id]++
			}
			if v.failed() && !bad[id] {
				fs.Failed = append(fs.Failed, id)
				if v.ownFailure() {
					s.FailedBy[id] = append(s.FailedBy[id], f.Name)
				} else {
					s.IncidentallyBy[id] = append(s.IncidentallyBy[id], f.Name)
				}
				if slices.Contains(r.Job.Sampled, id) {
					fs.OffTarget = append(fs.OffTarget, id)
				}
			}
		}
		sortIDs(fs.Failed)
		sortIDs(fs.OffTarget)
		if fs.caught() {
			s.Caught++
		}
		s.Faults = append(s.Faults, fs)
	}
	for _, m := range []map[string][]string{s.FailedBy, s.IncidentallyBy} {
		for _, fs := range m {
			slices.Sort(fs)
		}
	}
	slices.SortFunc(s.Faults, func(a, b faultScore) int { return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Name, b.Name)) })
	if !judgeScenarios {
		return s
	}

	for _, sc := range scenarios {
		if bad[sc.ID] || len(s.FailedBy[sc.ID]) > 0 {
			continue
		}
		if reason, ok := unfailable[sc.ID]; ok {
			s.Excused = append(s.Excused, gap{sc.ID, sc.Location, reason})
			continue
		}
		why := "no fault of the catalogue changes its commands, and no sampled run failed it"
		if n := ran[sc.ID]; n > 0 {
			why = fmt.Sprintf("its own checks passed in all %d fault runs that ran it", n)
		}
		if by := s.IncidentallyBy[sc.ID]; len(by) > 0 {
			why += "; it failed only through general reply rules of other sections, under " + strings.Join(by, ", ")
		}
		if len(sc.Commands) > 0 {
			why += " (commands: " + strings.Join(sc.Commands, ", ") + ")"
		}
		s.Unfailed = append(s.Unfailed, gap{sc.ID, sc.Location, why})
	}
	var listed []string
	for id := range unfailable {
		listed = append(listed, id)
	}
	sortIDs(listed)
	for _, id := range listed {
		switch _, known := where[id]; {
		case !known:
			s.Stale = append(s.Stale, gap{ID: id, Why: "no scenario has this ID (in this profile): remove the entry"})
		case len(s.FailedBy[id]) > 0:
			s.Stale = append(s.Stale, gap{id, where[id], "listed as unfailable, but " + strings.Join(s.FailedBy[id], ", ") + " failed it: remove the entry"})
		}
	}
	return s
}

func sortIDs(ids []string) { slices.SortFunc(ids, reports.CompareIDs) }
