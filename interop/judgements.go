package interop

import (
	"fmt"
	"slices"
	"strings"
)

// Judgement is how a failure on a real server was judged: a real deviation, a suspected wrong
// scenario (or harness check), or still open. interop/judgements.tsv holds them; the
// comparison shows each beside its failure and lists the failures nobody has judged.
type Judgement struct {
	Kind string // JudgedReal, JudgedScenario or JudgedOpen
	Note string
}

// Kinds of judgement.
const (
	JudgedReal     = "real"     // the server broke the sentence the scenario quotes
	JudgedScenario = "scenario" // the RFC allows what the server did: the scenario (or harness) is suspect
	JudgedOpen     = "open"     // not settled yet
)

// Judgements are keyed by scenario ID, then server ("*" for every server).
type Judgements map[string]map[string]Judgement

// ReadJudgements reads judgements.tsv: "scenario<TAB>servers<TAB>judgement<TAB>note" a line,
// servers comma-separated or "*", # comments. A missing file is no judgement at all.
func ReadJudgements(file string) (Judgements, error) {
	j := Judgements{}
	err := eachLine(file, func(n int, line string) error {
		f := strings.SplitN(line, "\t", 4)
		if len(f) < 3 || !slices.Contains([]string{JudgedReal, JudgedScenario, JudgedOpen}, f[2]) {
			return fmt.Errorf("%s:%d: expected \"scenario<TAB>servers<TAB>real|scenario|open<TAB>note\", got %q", file, n, line)
		}
		note := ""
		if len(f) == 4 {
			note = f[3]
		}
		if j[f[0]] == nil {
			j[f[0]] = map[string]Judgement{}
		}
		for _, server := range strings.Split(f[1], ",") {
			j[f[0]][strings.TrimSpace(server)] = Judgement{Kind: f[2], Note: note}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return j, nil
}

// Of returns the judgement of a scenario's failure on a server, if there is one.
func (j Judgements) Of(id, server string) (Judgement, bool) {
	if v, ok := j[id][server]; ok {
		return v, true
	}
	v, ok := j[id]["*"]
	return v, ok
}

// Judge attaches the judgements to the comparison's failures.
func (c *Comparison) Judge(j Judgements) {
	c.Judged = true
	for i, f := range c.Failures {
		if v, ok := j.Of(f.ID, f.Server); ok {
			c.Failures[i].Judgement = v
		}
	}
}

// Stale lists the judgements ("ID on server") that match no failure of the comparison: the
// failure is gone, so the judgement should go too. Only a run of every server, profile and
// scenario can tell.
func (c Comparison) Stale(j Judgements) []string {
	failed := map[string]bool{}
	for _, f := range c.Failures {
		failed[f.ID+" on "+f.Server] = true
		failed[f.ID+" on *"] = true
	}
	var out []string
	for id, servers := range j {
		for server := range servers {
			if key := id + " on " + server; !failed[key] {
				out = append(out, key)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Unjudged are the real failures (not profile requirements) that no judgement covers.
func (c Comparison) Unjudged() []Failure {
	var out []Failure
	for _, f := range c.RealFailures() {
		if f.Judgement.Kind == "" {
			out = append(out, f)
		}
	}
	return out
}
