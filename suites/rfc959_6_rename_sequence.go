package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §6 (with §4.2): the rename sequence RNFR → 3yz → RNTO → 2yz, and what a failure in
// it means.
var _ = Describe("RFC 959 §6 State diagrams: the rename sequence", func() {
	Scenario(Spec{
		ID:       "RNFR-003",
		Title:    "RNFR of an existing file answers with an intermediate reply (350), never a completion, and RNTO completes the sequence",
		Commands: []string{"RNFR", "RNTO"},
		Codes:    []int{350, 250},
		Section:  "959:4.2",
		Also:     []string{"959:6"},
		Quote:    "The replies show the existence of an intermediate state if all preceding commands have been successful.",
		Level:    Must,
		Feature:  "RNFR",
		Writes:   true,
	}, func(s *S) {
		from, to := s.Path("first.txt"), s.Path("second.txt")
		c := s.Login()
		put(s, c, from, []byte("rename sequence\n"))
		r := c.Cmd("RNFR %s", from)
		Expect(r).To(BePositiveIntermediate(), "RNFR waits for RNTO: its reply must be 3yz")
		Expect(r).To(HaveReplyCode(350))
		Expect(c.Cmd("RNTO %s", to)).To(BePositiveCompletion(), "RNTO right after RNFR's 350")
	})

	Scenario(Spec{
		ID:       "RNTO-004",
		Title:    "after RNFR fails, the sequence must start again: an RNTO that follows is refused (503) and makes no file",
		Commands: []string{"RNFR", "RNTO"},
		Codes:    []int{503},
		Section:  "959:4.2",
		Also:     []string{"959:6"},
		Quote:    "A failure at any point in the sequence necessitates the repetition of the entire sequence from the beginning.",
		Level:    Must,
		Feature:  "RNFR",
		Writes:   true,
	}, func(s *S) {
		from, to := s.Path("missing.txt"), s.Path("target.txt")
		c := s.Login()
		Expect(c.Cmd("RNFR %s", from).Class()).To(BeNumerically(">=", 4), setupStep("RNFR of a missing file must fail"))
		r := c.Cmd("RNTO %s", to)
		Expect(r).To(BePermanentNegative(), "RNTO after a failed RNFR")
		s.Prefer(r, 503)
		expectGone(s, c, to, "RNTO after a failed RNFR must not create anything")
	})
})
