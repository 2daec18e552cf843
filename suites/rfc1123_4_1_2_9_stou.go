package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 1123 §4.1.2.9: STOU names the file it creates in its 125 or 150 reply, in exactly the form
// "125 FILE: pppp" / "150 FILE: pppp".
var _ = Describe("RFC 1123 §4.1.2.9 STOU command", func() {
	// stouNames runs STOU in the scratch directory and checks the name its preliminary reply
	// gives: the exact form, and that pppp is the file that was written.
	stouNames := func(s *S, t Target, dir string, want int) {
		c := s.LoginAs(t, t.User, t.Password, "")
		typeImage(c)
		chdir(c, dir)
		data := randomBytes(1234)
		kind := kindFor(s, c)
		if want == 125 && !kind.Passive() {
			kind = PASV // only a passive connection can be open before the command
		}
		tr := c.Store(kind, data, "STOU")
		s.Offered("STOU", tr.First())
		first := tr.First()
		Expect(first).To(HaveReplyCode(125, 150), "STOU's preliminary reply")
		if want != 0 {
			Expect(first).To(HaveReplyCode(want), setupStep("the condition announces an open data connection with 125"))
		}
		p, ok := fileAfter(first, dir)
		Expect(ok).To(BeTrue(), "the %d reply must read exactly \"%d FILE: pppp\", with pppp the file's pathname; got %q", first.Code, first.Code, first.Lines[0])
		Expect(tr).To(HaveReplyCode(226, 250), "STOU's completion")
		expectSameBytes(download(s, c, p), data, "the file named in %q must be the one STOU wrote", first.Lines[0])
	}

	Scenario(Spec{
		ID:       "STOU-002",
		Title:    "STOU's 150 (or 125) reply reads \"FILE: pppp\", where pppp is the file it then writes",
		Commands: []string{"STOU", "RETR"},
		Codes:    []int{125, 150},
		Section:  "1123:4.1.2.9",
		Quote:    "When it receives an STOU command, a Server-FTP MUST return the actual file name in the \"125 Transfer Starting\" or the \"150 Opening Data Connection\" message that precedes the transfer (the 250 reply code mentioned in RFC-959 is incorrect).",
		Level:    Must,
		Feature:  "STOU",
		Writes:   true,
	}, func(s *S) {
		stouNames(s, s.Settings.Target, s.Scratch(), 0)
	})

	Scenario(Spec{
		ID:        "STOU-004",
		Title:     "when the data connection is already open, STOU's 125 reply reads \"FILE: pppp\" too",
		Commands:  []string{"STOU", "RETR"},
		Codes:     []int{125},
		Section:   "1123:4.1.2.9",
		Quote:     "The exact format of these messages is hereby defined to be as follows: 125 FILE: pppp 150 FILE: pppp where pppp represents the unique pathname of the file that will be written.",
		Level:     Must,
		Feature:   "STOU",
		Writes:    true,
		Condition: CondAnnounceOpen,
	}, func(s *S) {
		rc := s.Condition(CondAnnounceOpen)
		stouNames(s, rc.Target, s.ScratchOn(rc.Target), 125)
	})
})
