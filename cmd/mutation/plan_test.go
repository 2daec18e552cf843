package main

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func sc(id string, cmds ...string) scenario { return scenario{ID: id, Commands: cmds} }

func TestTargets(t *testing.T) {
	for _, tc := range []struct {
		fault    []string
		scenario []string
		want     bool
	}{
		{nil, []string{"RETR"}, true}, // a fault of every command
		{nil, nil, true},
		{[]string{"RETR"}, []string{"RETR", "PASV"}, true},
		{[]string{"RETR"}, []string{"STOR"}, false},
		{[]string{"EPSV"}, []string{"EPSV ALL"}, true}, // by verb
		{[]string{"AUTH TLS"}, []string{"AUTH"}, true},
		{[]string{"retr"}, []string{"RETR"}, true},
		{[]string{"CONNECT"}, []string{"CONNECT"}, true},
		{[]string{"RETR"}, nil, false},
	} {
		f := fault{Name: "f", Commands: tc.fault}
		if got := f.targets(sc("X-001", tc.scenario...)); got != tc.want {
			t.Errorf("fault on %q, scenario on %q: %v, want %v", tc.fault, tc.scenario, got, tc.want)
		}
	}
}

// The catalogue's "<connect>" is the CONNECT label of the greeting's scenarios.
func TestCatalogueUsesLabelValues(t *testing.T) {
	for _, f := range catalogue() {
		for _, c := range f.Commands {
			if c == "<connect>" {
				t.Errorf("%s: command %q is not a label value", f.Name, c)
			}
		}
	}
}

func TestSample(t *testing.T) {
	var ids []string
	for i := 1; i <= 50; i++ {
		ids = append(ids, fmt.Sprintf("A-%03d", i))
	}
	a := sampleOf("fault-a", ids, 5)
	if len(a) != 5 || !slices.Equal(a, sampleOf("fault-a", ids, 5)) {
		t.Fatalf("sample %q is not 5 stable picks", a)
	}
	if slices.Equal(a, sampleOf("fault-b", ids, 5)) {
		t.Errorf("two faults sample the same scenarios %q", a)
	}
	if !slices.IsSortedFunc(a, func(x, y string) int { return slices.Index(ids, x) - slices.Index(ids, y) }) {
		t.Errorf("sample not in ID order: %q", a)
	}
	if got := sampleOf("fault-a", ids[:3], 5); len(got) != 3 {
		t.Errorf("sample of 3 ids: %q", got)
	}
	if got := sampleOf("fault-a", ids, 0); got != nil {
		t.Errorf("no sample asked: %q", got)
	}
	// Over many faults, every scenario gets picked.
	seen := map[string]bool{}
	for i := range 100 {
		for _, id := range sampleOf(fmt.Sprint("f", i), ids, 5) {
			seen[id] = true
		}
	}
	if len(seen) != len(ids) {
		t.Errorf("100 faults' samples cover %d of %d scenarios", len(seen), len(ids))
	}
}

func TestPlanFull(t *testing.T) {
	scenarios := []scenario{sc("RETR-001", "RETR"), sc("RETR-002", "RETR", "PASV"), sc("STOR-001", "STOR"), sc("CONNECT-001", "CONNECT"), sc("PWD-001", "PWD")}
	faults := []fault{
		{Name: "retr", Commands: []string{"RETR"}},
		{Name: "every", Commands: nil},
		{Name: "none", Commands: []string{"SMNT"}},
	}
	jobs := planFull(faults, scenarios, 2)
	if len(jobs) != 3 || jobs[0].Fault != "every" {
		t.Fatalf("jobs %+v: want the biggest first", jobs)
	}
	for _, j := range jobs {
		switch j.Fault {
		case "every":
			if len(j.Targeted) != 5 || len(j.Sampled) != 0 {
				t.Errorf("every: %+v", j)
			}
		case "retr":
			if !slices.Equal(j.Targeted, []string{"RETR-001", "RETR-002"}) || len(j.Sampled) != 2 {
				t.Errorf("retr: %+v", j)
			}
			for _, id := range j.Sampled {
				if slices.Contains(j.Targeted, id) {
					t.Errorf("retr: %s both targeted and sampled", id)
				}
			}
		case "none":
			if len(j.Targeted) != 0 || len(j.Sampled) != 2 {
				t.Errorf("none: %+v", j)
			}
		}
	}
}

func TestPlanQuick(t *testing.T) {
	scenarios := []scenario{sc("RETR-001", "RETR"), sc("RETR-002", "RETR"), sc("PWD-001", "PWD"), sc("STOR-001", "STOR")}
	faults := []fault{
		{Name: "retr-a", Group: "transfer", Commands: []string{"RETR"}},
		{Name: "stor-a", Group: "transfer", Commands: []string{"STOR"}},
		{Name: "every", Group: "transfer"},
		{Name: "pwd-a", Group: "directory", Commands: []string{"PWD"}},
		{Name: "smnt-a", Group: "mount", Commands: []string{"SMNT"}},
	}
	plans := planQuick(faults, scenarios)
	var got []string
	for _, p := range plans {
		var names []string
		for _, j := range p.Jobs {
			names = append(names, j.Fault)
			if len(j.Sampled) > 0 {
				t.Errorf("%s: a quick run samples %q", j.Fault, j.Sampled)
			}
		}
		got = append(got, fmt.Sprintf("%s: %v", p.Group, names))
	}
	want := []string{"directory: [pwd-a]", "mount: []", "transfer: [stor-a retr-a every]"}
	if !slices.Equal(got, want) {
		t.Errorf("quick plan\n got %q\nwant %q", got, want)
	}
}

func TestLongestFirst(t *testing.T) {
	jobs := []job{
		{Fault: "big", Targeted: make([]string, 50)},    // no time yet: 50 × perScenario
		{Fault: "slow", Targeted: make([]string, 2)},    // last took a minute
		{Fault: "quick", Targeted: make([]string, 100)}, // last took a second
		{Fault: "small", Targeted: make([]string, 1)},   // no time yet
	}
	longestFirst(jobs, map[string]time.Duration{"slow": time.Minute, "quick": time.Second})
	var got []string
	for _, j := range jobs {
		got = append(got, j.Fault)
	}
	if want := []string{"slow", "big", "quick", "small"}; !slices.Equal(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
}
