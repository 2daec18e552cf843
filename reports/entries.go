package reports

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/onsi/ginkgo/v2/types"
)

// decodeEntry finds the last report entry called name and decodes its value into v. Values
// read back from JSON carry AsJSON; values made in this process carry the raw value.
func decodeEntry(entries types.ReportEntries, name string, v any) bool {
	for _, e := range slices.Backward(entries) {
		if e.Name != name {
			continue
		}
		raw := []byte(e.Value.AsJSON)
		if len(raw) == 0 {
			var err error
			if raw, err = json.Marshal(e.GetRawValue()); err != nil {
				return false
			}
		}
		return json.Unmarshal(raw, v) == nil
	}
	return false
}

// entryOf decodes the named entry of a spec; the zero value when there is none.
func entryOf[T any](spec types.SpecReport, name string) T {
	var v T
	decodeEntry(spec.ReportEntries, name, &v)
	return v
}

// FindingsOf returns the findings the harness attached to a spec.
func FindingsOf(spec types.SpecReport) []harness.Finding {
	return entryOf[[]harness.Finding](spec, harness.EntryFindings)
}

// TranscriptOf returns the transcript the harness attached to a spec.
func TranscriptOf(spec types.SpecReport) harness.Transcript {
	return entryOf[harness.Transcript](spec, harness.EntryTranscript)
}

// RepliesOf returns the reply codes the target gave, step by step.
func RepliesOf(spec types.SpecReport) []harness.Step {
	return entryOf[[]harness.Step](spec, harness.EntryReplies)
}

// SpecOf returns what the scenario declared about itself: harness.EntrySpec where the
// scenario attached it. A spec that never ran has no entries; its declaration is then rebuilt
// from its labels and its text (harness.Scenario names the It "ID: title"). Labels are sorted,
// so for a scenario with several sections the rebuilt Section is only the first in order.
func SpecOf(spec types.SpecReport) harness.Spec {
	s := specFromLabels(spec.Labels())
	s.Title = strings.TrimPrefix(spec.LeafNodeText, s.ID+": ")
	var entry harness.Spec
	if decodeEntry(spec.ReportEntries, harness.EntrySpec, &entry) && entry.ID != "" {
		return entry
	}
	return s
}

// Label keys written by harness.Scenario.
const (
	labelID      = "id"
	labelCommand = "cmd"
	labelCode    = "code"
	labelRFC     = "rfc" // the document alone: "rfc:959"
	labelLevel   = "level"
	labelFeature = "feature"
	labelCond    = "cond"
	labelWrites  = "writes"
	labelSerial  = "serial"
	labelSlow    = "slow"
	labelFails   = "fails-logins"
)

// LabelValues returns the values of the key:value labels with the given key.
func LabelValues(labels []string, key string) []string {
	var out []string
	for _, l := range labels {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == key {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// LabelValue returns the first value of a key:value label, or "".
func LabelValue(labels []string, key string) string {
	if v := LabelValues(labels, key); len(v) > 0 {
		return v[0]
	}
	return ""
}

// specFromLabels rebuilds the parts of a harness.Spec that harness.Scenario writes as labels.
// A section label is "rfc959:4.1.3" (document and section) or "deflate:3.4" (a draft).
func specFromLabels(labels []string) harness.Spec {
	var s harness.Spec
	for _, l := range labels {
		k, v, ok := strings.Cut(l, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok {
			switch l { // not ginkgo's own "Serial": FailsLogins specs carry it too
			case labelWrites:
				s.Writes = true
			case labelSerial:
				s.Serial = true
			case labelSlow:
				s.Slow = true
			case labelFails:
				s.FailsLogins = true
			}
			continue
		}
		switch k {
		case labelID:
			s.ID = v
		case labelCommand:
			s.Commands = append(s.Commands, v)
		case labelCode:
			if code, err := strconv.Atoi(v); err == nil {
				s.Codes = append(s.Codes, code)
			}
		case labelLevel:
			s.Level = harness.Level(v)
		case labelFeature:
			s.Feature = v
		case labelCond:
			s.Condition = harness.ConditionName(v)
		case labelRFC:
		default:
			section := strings.TrimPrefix(k, "rfc") + ":" + v
			if s.Section == "" {
				s.Section = section
			} else {
				s.Also = append(s.Also, section)
			}
		}
	}
	return s
}
