package suites

import (
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// RFC 2389 §4: OPTS sets the options of another command.
var _ = Describe("RFC 2389 §4 OPTS", func() {
	Scenario(Spec{
		ID:       "OPTS-001",
		Title:    "OPTS for a command that has no options (OPTS FEAT) is refused, preferably with 501",
		Commands: []string{"OPTS"},
		Codes:    []int{501, 451, 500},
		Section:  "2389:4",
		Quote:    "Neither the FEAT command, nor the OPTS command, have any optional functionality, thus there are no \"OPTS FEAT\" or \"OPTS OPTS\" commands.",
		Level:    Must,
		Feature:  "FEAT", // "The OPTS command MUST be implemented whenever the FEAT command is implemented."
	}, func(s *S) {
		// "An "opts-good" response (200 reply) MUST be sent when the command-name ... is
		// recognized": FEAT has no options, so OPTS FEAT is no opts-good. The response syntax
		// names 451 and 501 for the rest, but no MUST binds it: another refusal (ProFTPD's 500)
		// is a warning, as RFC 1123 §4.1.2.11 lets a server use a different code.
		c := s.Login()
		r := c.Cmd("OPTS FEAT")
		expectRefused(r, "there is no OPTS FEAT command (RFC 2389 §4)")
		s.Prefer(r, 501) // opts-bad = 451 / 501; "A 501 reply is appropriate for any permanent error."
	})

	Scenario(Spec{
		ID:       "OPTS-002",
		Title:    "A server that announces UTF8 accepts OPTS UTF8 ON, the option its clients send, with 200",
		Commands: []string{"OPTS"},
		Codes:    []int{200},
		Section:  "2389:4",
		Also:     []string{"2640:3.2"},
		Quote:    "An \"opts-good\" response (200 reply) MUST be sent when the command-name specified in the OPTS command is recognized, and the command-options, if any, are recognized, and appropriate.",
		Level:    Should,
		Feature:  "UTF8",
	}, func(s *S) {
		// RFC 2640 defines no UTF8 option: the MUST binds only a server that recognizes it, so
		// this checks the option clients send in practice, at the SHOULD level.
		c := s.Login()
		Expect(c.Cmd("OPTS UTF8 ON")).To(HaveReplyCode(200))
	})
})
