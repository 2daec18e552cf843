package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reports"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
)

// suiteDescription names the suite in ginkgo's reports.
const suiteDescription = "ftpconform"

// plan is what a run will do: every spec of the tree, which ones run, and how they are
// divided among worker processes.
type plan struct {
	preview types.Report // ginkgo's dry run with the run's filters
	filter  string       // the label filter of the run: profile and read-only, and --label-filter
	focus   []string
	skip    []string
	specs   []planned // the It nodes of the tree, in tree order
	batches []batch   // the parallel batches, then at most one serial batch
}

// planned is one spec of the tree and its fate in this run.
type planned struct {
	key      string // reports.SpecKey
	id       string
	spec     types.SpecReport // from the preview: declaration only, no result
	selected bool
	reason   string // why it does not run, when not selected
}

// batch is the work of one worker process.
type batch struct {
	number   int // from 1
	ids      []string
	serial   bool // runs alone, after the parallel batches
	unnamed  bool // also runs the selected specs that carry no id label
	specKeys []string
}

// count is how many specs the batch runs.
func (b batch) count() int { return len(b.specKeys) }

// labelFilter is the ginkgo label filter that selects exactly this batch's specs.
func (b batch) labelFilter(runFilter string) string {
	var parts []string
	if len(b.ids) > 0 {
		parts = append(parts, "id: containsAny {"+strings.Join(b.ids, ", ")+"}")
	}
	if b.unnamed {
		parts = append(parts, "id: isEmpty")
	}
	return and(runFilter, strings.Join(parts, " || "))
}

// and joins label filters with &&, each in parentheses; empty ones are left out.
func and(filters ...string) string {
	var parts []string
	for _, f := range filters {
		if strings.TrimSpace(f) != "" {
			parts = append(parts, "("+f+")")
		}
	}
	return strings.Join(parts, " && ")
}

// previewSpecs runs ginkgo's dry run with these filters.
func previewSpecs(filter string, focus, skip []string) types.Report {
	sc, rc := ginkgo.GinkgoConfiguration()
	sc.LabelFilter = filter
	sc.FocusStrings = focus
	sc.SkipStrings = skip
	return ginkgo.PreviewSpecs(suiteDescription, sc, rc)
}

// makePlan lists the specs of the run and divides the selected ones into batches: about three
// per worker so that a slow batch does not hold up the others, specs dealt out in turn so that
// the slow scenarios of one command spread over batches; specs of one Ordered container stay
// together; Serial specs and specs without an ID form the last batch, which runs alone.
func makePlan(o options, s harness.Settings, procs int) plan {
	p := plan{filter: and(harness.RunFilter(s), o.labelFilter), focus: o.focus, skip: o.skip}
	p.preview = previewSpecs(p.filter, o.focus, o.skip)
	explain := newExplainer(o, s)
	for _, spec := range p.preview.SpecReports {
		if spec.LeafNodeType != types.NodeTypeIt {
			continue
		}
		pl := planned{key: reports.SpecKey(spec), id: reports.LabelValue(spec.Labels(), "id"), spec: spec}
		pl.selected = spec.State == types.SpecStatePassed // what a dry run would have run
		if !pl.selected {
			pl.reason = explain(spec)
		}
		p.specs = append(p.specs, pl)
	}
	p.batches = divide(p.specs, procs)
	return p
}

// divide deals the selected specs out into batches.
func divide(specs []planned, procs int) []batch {
	type unit struct{ keys, ids []string }
	var units []unit
	ordered := map[string]int{}
	last := batch{serial: true}
	for _, s := range specs {
		if !s.selected {
			continue
		}
		switch {
		case s.id == "":
			last.unnamed = true
			last.specKeys = append(last.specKeys, s.key)
		case s.spec.IsSerial:
			last.ids = append(last.ids, s.id)
			last.specKeys = append(last.specKeys, s.key)
		case s.spec.IsInOrderedContainer:
			group := fmt.Sprint(s.spec.ContainerHierarchyLocations)
			if i, ok := ordered[group]; ok {
				units[i].keys = append(units[i].keys, s.key)
				units[i].ids = append(units[i].ids, s.id)
				continue
			}
			ordered[group] = len(units)
			units = append(units, unit{[]string{s.key}, []string{s.id}})
		default:
			units = append(units, unit{[]string{s.key}, []string{s.id}})
		}
	}
	n := min(len(units), 3*procs)
	batches := make([]batch, n)
	for i, u := range units {
		b := &batches[i%n]
		b.ids = append(b.ids, u.ids...)
		b.specKeys = append(b.specKeys, u.keys...)
	}
	if last.count() > 0 {
		batches = append(batches, last)
	}
	for i := range batches {
		batches[i].number = i + 1
	}
	return batches
}

// selected is how many specs the plan runs.
func (p plan) selected() int {
	n := 0
	for _, s := range p.specs {
		if s.selected {
			n++
		}
	}
	return n
}

// newExplainer returns a function that says why the run leaves a spec out, testing the
// filters one by one as ginkgo applies them together.
func newExplainer(o options, s harness.Settings) func(types.SpecReport) string {
	all := s
	all.ReadOnly = false
	profile, _ := types.ParseLabelFilter(harness.RunFilter(all))
	readOnly, _ := types.ParseLabelFilter(harness.RunFilter(s))
	user, _ := types.ParseLabelFilter(o.labelFilter)
	var focus, skip *regexp.Regexp
	if len(o.focus) > 0 {
		focus = regexp.MustCompile(strings.Join(o.focus, "|"))
	}
	if len(o.skip) > 0 {
		skip = regexp.MustCompile(strings.Join(o.skip, "|"))
	}
	return func(spec types.SpecReport) string {
		labels := spec.Labels()
		text := suiteDescription + " " + spec.FullText()
		switch {
		case spec.State == types.SpecStatePending:
			return "pending: not written yet"
		case !profile(labels):
			return fmt.Sprintf("not part of profile %s (RFC %s)", s.Profile, strings.Join(s.Profile.Docs(), ", "))
		case !readOnly(labels):
			return "read-only run: this scenario writes on the target"
		case !user(labels):
			return "not selected by --label-filter"
		case focus != nil && !focus.MatchString(text):
			return "not selected by --focus"
		case skip != nil && skip.MatchString(text):
			return "excluded by --skip"
		case slices.Contains(labels, "Pending"):
			return "pending"
		default:
			return "not selected"
		}
	}
}
