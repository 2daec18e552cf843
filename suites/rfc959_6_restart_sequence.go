package suites

import (
	"bytes"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §6: the restart sequence (REST → 3yz → APPE, STOR or RETR → 1yz → 2yz) and the rule
// of the transfer commands' diagram that a command has at most one 100-series reply.
var _ = Describe("RFC 959 §6 State diagrams: restart and transfers", func() {
	Scenario(Spec{
		ID:       "REST-008",
		Title:    "REST at the end of a partly stored file, then APPE: APPE is refused, or the new data follow the stored octets; the file is never lost",
		Commands: []string{"REST", "APPE", "STOR"},
		Codes:    []int{350, 226, 250},
		Section:  "959:6",
		Also:     []string{"3659:5.3"},
		Quote:    "Where \"cmd\" is APPE, STOR, or RETR.",
		Level:    Must,
		Feature:  "REST",
		Writes:   true,
	}, func(s *S) {
		// The restart point is the end of what is stored: RFC 3659 §5.3 leaves the effects
		// undefined when "the restart marker set with a REST command is not at the end of the
		// data currently stored at the server". There, APPE as STOR from the marker (3659 §5.3:
		// "If APPE (append) is permitted, it MUST act identically to STOR when a restart marker
		// has been set") and APPE ignoring the marker give the same file.
		p := s.Path("restart-appe.bin")
		old, more := []byte("0123456789"), []byte("abc")
		c := s.Login()
		put(s, c, p, old)
		t := restarted(s, c, len(old), more, "APPE %s", p)
		s.Offered("APPE", t.First())
		// RFC 3659 §5.3: after a REST whose transfer did not complete, "REST 0" before the next.
		Expect(c.Cmd("REST 0")).To(HaveReplyCode(350), setupStep("REST 0 before reading the file back"))
		got := download(s, c, p)
		completed := append(bytes.Clone(old), more...)
		outcome := ""
		switch {
		case t.Final().Class() >= 4 && bytes.Equal(got, old):
			outcome = fmt.Sprintf("APPE after REST was refused (%s); the file is unchanged", t.Final())
		case t.Final().Class() == 2 && bytes.Equal(got, completed):
			outcome = fmt.Sprintf("APPE after REST %d put the data after the stored octets", len(old))
		}
		Expect(outcome).NotTo(BeEmpty(), "after REST %d, APPE of %q onto %q answered %s and left %q: expected %q (the transfer completed) or, after a refusal, %q unchanged",
			len(old), more, old, t.Final(), got, completed, old)
		s.Note("%s", outcome)
	})

	Scenario(Spec{
		ID:       "TRANSFER-001",
		Title:    "a transfer command gets at most one 100-series reply (110 restart markers aside) before its completion",
		Commands: []string{"RETR", "STOR", "LIST", "NLST"},
		Codes:    []int{125, 150, 226, 250},
		Section:  "959:6",
		Quote:    "Remember that at most, one 100 series reply is allowed per command.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		p := s.Path("once.bin")
		c := s.Login()
		typeImage(c)
		transfers := []Transfer{c.Store(kindFor(s, c), randomBytes(2000), "STOR %s", p)}
		transfers = append(transfers, retrieveFile(s, c, p), listing(s, c, "LIST %s", s.Scratch()), listing(s, c, "NLST %s", s.Scratch()))
		for _, t := range transfers {
			Expect(t).To(HaveReplyCode(226, 250), setupStep("the transfer %s", t.First().Command))
			var prelim []string
			for _, r := range t.Replies {
				if r.Class() == 1 && r.Code != 110 {
					prelim = append(prelim, r.String())
				}
			}
			Expect(len(prelim)).To(BeNumerically("<=", 1), "%s drew %d 100-series replies: %q", t.First().Command, len(prelim), prelim)
		}
	})
})
