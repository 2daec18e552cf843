package harness

import "time"

// Level is the strength of a requirement (RFC 2119 words as RFC 1123 §4.1.2.11 uses them).
type Level string

const (
	Must   Level = "MUST"   // a failure fails the run
	Should Level = "SHOULD" // a failure is a warning; it fails the run only with --strict
	May    Level = "MAY"    // optional behaviour; a failure is a warning
)

// Spec is what a scenario declares about itself. It is also recorded, as is, in the report
// entry EntrySpec of every scenario, so that reports need nothing but ginkgo's report.
type Spec struct {
	ID        string        `json:"id"`                  // stable: "RETR-004"
	Title     string        `json:"title"`               // the requirement restated: "RETR returns the stored bytes unchanged"
	Commands  []string      `json:"commands"`            // commands exercised: ["STOR", "RETR"]
	Codes     []int         `json:"codes"`               // reply codes checked: [150, 226]
	Section   string        `json:"section"`             // RFC and section: "959:4.1.3"; "deflate:3.4" for the MODE Z draft
	Also      []string      `json:"also,omitempty"`      // further sections the scenario relies on
	Quote     string        `json:"quote"`               // the requirement, verbatim from Section's text
	Level     Level         `json:"level"`               // MUST, SHOULD or MAY
	Feature   string        `json:"feature,omitempty"`   // optional feature needed (see features.go); "" for the RFC 959 §5.1 minimum
	Condition ConditionName `json:"condition,omitempty"` // target condition needed
	Writes    bool          `json:"writes,omitempty"`    // writes under the scratch directory
	Serial    bool          `json:"serial,omitempty"`    // changes server-wide state: runs alone
	Slow      bool          `json:"slow,omitempty"`      // waits on purpose (failed logins, idle timeouts)
	// FailsLogins: it sends wrong passwords on purpose. It runs after all the others, with the
	// Serial ones, so that a server that locks the user out after failed logins spoils nothing else.
	FailsLogins bool `json:"fails_logins,omitempty"`
}

// Names of the report entries every scenario attaches. Their values are JSON (Value.AsJSON).
const (
	EntrySpec       = "ftpconform.spec"       // Spec
	EntryTranscript = "ftpconform.transcript" // Transcript
	EntryFindings   = "ftpconform.findings"   // []Finding: warnings and general-rule violations
	EntryReplies    = "ftpconform.replies"    // []Step: what the target answered, for baselines
	EntryRun        = "ftpconform.run"        // RunInfo, once per run (suite-level)
)

// Direction of a transcript line.
const (
	Sent     = "C>" // client to server
	Received = "S<" // server to client
	Note     = "--" // the harness's own remark (data connection opened, bytes moved…)
)

// TranscriptLine is one line on a control connection, or a note about a data connection.
type TranscriptLine struct {
	At   time.Duration `json:"at"`   // since the scenario started
	Conn int           `json:"conn"` // control connection number within the scenario, from 1
	Dir  string        `json:"dir"`  // Sent, Received or Note
	Text string        `json:"text"` // without CRLF; control characters shown escaped
}

// Transcript is every line of a scenario's exchanges, in order.
type Transcript []TranscriptLine

// Finding is a deviation noticed during a scenario: a SHOULD not met (a warning), or a general
// rule of RFC 959 §4.2 broken by a reply the scenario did not assert on.
type Finding struct {
	Level   Level  `json:"level"`
	Section string `json:"section"` // "959:4.2"
	Message string `json:"message"`
}

// Step is one command and the reply codes it drew, in order (1yz then the completion).
type Step struct {
	Conn    int    `json:"conn"`
	Command string `json:"command"` // verb only ("RETR"), or "<connect>"
	Codes   []int  `json:"codes"`
	// Housekeeping steps are the harness's own (feature probes, scratch directories); their
	// presence depends on what ran before in the same process, so baselines leave them out.
	Housekeeping bool `json:"housekeeping,omitempty"`
}

// RunInfo describes a whole run; reports carry it so that any run can be reproduced.
type RunInfo struct {
	SchemaVersion int      `json:"schema_version"`
	SuiteVersion  string   `json:"suite_version"`
	Settings      Settings `json:"settings"`
	Greeting      string   `json:"greeting,omitempty"`
	System        string   `json:"system,omitempty"` // SYST reply
	Features      []string `json:"features,omitempty"`
	Embedded      bool     `json:"embedded"`         // the target was the embedded reference server
	Faults        []string `json:"faults,omitempty"` // faults switched on in the embedded server (--embedded-fault)
}
