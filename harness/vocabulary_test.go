package harness

import (
	"strings"
	"testing"
)

func validSpec() Spec {
	return Spec{
		ID: "NOOP-900", Title: "NOOP is answered 200", Commands: []string{"NOOP"}, Codes: []int{200},
		Section: "959:4.1.3", Quote: "This command does not affect any parameters or previously entered commands.", Level: Must,
	}
}

func TestValidate(t *testing.T) {
	if err := validSpec().Validate(); err != nil {
		t.Fatalf("valid spec refused: %v", err)
	}
	cases := map[string]func(*Spec){
		"expected WORD-NNN":    func(s *Spec) { s.ID = "noop-1" },
		"unknown command":      func(s *Spec) { s.Commands = []string{"FOO"} },
		"defined by no RFC":    func(s *Spec) { s.Codes = []int{299} },
		"has no section":       func(s *Spec) { s.Section = "959:9.9" },
		"expected RFC:SECTION": func(s *Spec) { s.Section = "4.1.3" },
		"quote":                func(s *Spec) { s.Quote = "NOOP MUST answer in haiku." },
		"level":                func(s *Spec) { s.Level = "MUSTNT" },
		"unknown feature":      func(s *Spec) { s.Feature = "TELEPORT" },
		"unknown condition":    func(s *Spec) { s.Condition = "sunny" },
		"no title":             func(s *Spec) { s.Title = " " },
	}
	for want, mutate := range cases {
		sp := validSpec()
		mutate(&sp)
		if err := sp.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Validate() = %v", want, err)
		}
	}
}

func TestLabels(t *testing.T) {
	sp := validSpec()
	sp.Commands = append(sp.Commands, ConnectCommand)
	sp.Also = []string{"2389:3"}
	sp.Writes, sp.Feature = true, "MODE-B"
	got := strings.Join(sp.Labels(), " ")
	for _, want := range []string{"id:NOOP-900", "cmd:NOOP", "cmd:CONNECT", "code:200", "rfc959:4.1.3", "rfc2389:3", "rfc:959", "level:MUST", "feature:MODE-B", "writes"} {
		if !strings.Contains(got, want) {
			t.Errorf("labels %q lack %q", got, want)
		}
	}
}
