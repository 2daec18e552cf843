package suites

import (
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
	. "github.com/onsi/ginkgo/v2"
)

// RFC 959 §5.4: the greeting and the command-reply sequences.
var _ = Describe("RFC 959 §5.4 Sequencing of commands and replies", func() {
	Scenario(Spec{
		ID:       "CONNECT-001",
		Title:    "a new connection is greeted with 220, or with 120 and then 220",
		Commands: []string{ConnectCommand},
		Codes:    []int{220, 120},
		Section:  "959:5.4",
		Quote:    "Under normal circumstances, a server will send a 220 reply, \"awaiting input\", when the connection is completed.",
		Level:    Must,
	}, func(s *S) {
		_, greeting, err := s.Connect(s.Settings.Target)
		Expect(err).NotTo(HaveOccurred())
		Expect(greeting[len(greeting)-1]).To(HaveReplyCode(220))
		for _, r := range greeting[:len(greeting)-1] {
			Expect(r).To(HaveReplyCode(120), "only 120 may come before the 220")
		}
	})
})
