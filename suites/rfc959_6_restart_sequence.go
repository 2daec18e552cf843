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
		Title:    "REST then APPE: APPE is refused, or acts as STOR from the offset, or appends ignoring the offset; it never loses the file",
		Commands: []string{"REST", "APPE", "STOR"},
		Codes:    []int{350, 226, 250},
		Section:  "959:6",
		Also:     []string{"3659:5.3"},
		Quote:    "Where \"cmd\" is APPE, STOR, or RETR.",
		Level:    Must,
		Feature:  "REST",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("restart-appe.bin")
		old, more := []byte("0123456789"), []byte("abc")
		const n = 4
		c := s.Login()
		put(s, c, p, old)
		t := restarted(s, c, n, more, "APPE %s", p)
		s.Offered("APPE", t.First())
		// RFC 3659 §5.3: after a REST whose transfer did not complete, "REST 0" before the next.
		Expect(c.Cmd("REST 0")).To(HaveReplyCode(350), setupStep("REST 0 before reading the file back"))
		got := download(s, c, p)
		asStor := append(bytes.Clone(old[:n]), more...)
		appended := append(bytes.Clone(old), more...)
		outcome := ""
		switch {
		case t.Final().Class() >= 4 && bytes.Equal(got, old):
			outcome = fmt.Sprintf("APPE after REST was refused (%s); the file is unchanged", t.Final())
		case t.Final().Class() == 2 && bytes.Equal(got, asStor):
			outcome = fmt.Sprintf("APPE after REST %d acted as STOR from octet %d (RFC 3659 §5.3)", n, n)
		case t.Final().Class() == 2 && bytes.Equal(got, appended):
			outcome = fmt.Sprintf("APPE after REST %d appended at the end: the restart was ignored", n)
		}
		Expect(outcome).NotTo(BeEmpty(), "after REST %d, APPE of %q onto %q answered %s and left %q: expected %q (APPE refused), %q (APPE as STOR from octet %d) or %q (REST ignored)",
			n, more, old, t.Final(), got, old, asStor, n, appended)
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
