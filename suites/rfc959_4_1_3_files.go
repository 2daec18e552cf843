package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §4.1.3: DELE, RNFR and RNTO.
var _ = Describe("RFC 959 §4.1.3 FTP service commands: DELE, RNFR, RNTO", func() {
	Scenario(Spec{
		ID:       "DELE-001",
		Title:    "DELE answers 250 and the file is gone",
		Commands: []string{"DELE", "RETR"},
		Codes:    []int{250},
		Section:  "959:4.1.3",
		Quote:    "This command causes the file specified in the pathname to be deleted at the server site.",
		Level:    Must,
		Feature:  "DELE",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("doomed.txt")
		c := s.Login()
		put(s, c, p, []byte("delete me\n"))
		Expect(c.Cmd("DELE %s", p)).To(HaveReplyCode(250))
		expectGone(s, c, p, "DELE answered 250, so the file must have been deleted")
	})

	Scenario(Spec{
		ID:       "DELE-002",
		Title:    "DELE of a file that does not exist is refused with 550 (or 450)",
		Commands: []string{"DELE"},
		Codes:    []int{550, 450},
		Section:  "959:4.2.1",
		Quote:    "550 Requested action not taken. File unavailable (e.g., file not found, no access).",
		Level:    Must,
		Feature:  "DELE",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("never-there.txt")
		c := s.Login()
		r := c.Cmd("DELE %s", p)
		Expect(r).To(HaveReplyCode(550, 450), "DELE of a missing file")
		s.Prefer(r, 550)
	})

	Scenario(Spec{
		ID:       "RNFR-001",
		Title:    "RNFR then RNTO rename a file: 350, then 250; the data is under the new name and the old name is gone",
		Commands: []string{"RNFR", "RNTO", "RETR"},
		Codes:    []int{350, 250},
		Section:  "959:4.1.3",
		Quote:    "Together the two commands cause a file to be renamed.",
		Level:    Must,
		Feature:  "RNFR",
		Writes:   true,
	}, func(s *S) {
		from, to := s.Path("before.bin"), s.Path("after.bin")
		data := randomBytes(3000)
		c := s.Login()
		put(s, c, from, data)
		Expect(c.Cmd("RNFR %s", from)).To(HaveReplyCode(350))
		Expect(c.Cmd("RNTO %s", to)).To(HaveReplyCode(250))
		t := retrieveFile(s, c, to)
		Expect(t).To(HaveReplyCode(226, 250), "RNTO answered 250, so the file must now be %s", to)
		expectSameBytes(t.Data, data, "after the rename, %s must hold the file", to)
		expectGone(s, c, from, "a renamed file no longer has its old name")
	})

	Scenario(Spec{
		ID:       "RNFR-002",
		Title:    "RNFR of a file that does not exist is refused with 550 (or 450)",
		Commands: []string{"RNFR"},
		Codes:    []int{550, 450},
		Section:  "959:4.2.1",
		Quote:    "550 Requested action not taken. File unavailable (e.g., file not found, no access).",
		Level:    Must,
		Feature:  "RNFR",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("no-such-file")
		c := s.Login()
		r := c.Cmd("RNFR %s", p)
		Expect(r).To(HaveReplyCode(550, 450), "RNFR of a missing file")
		s.Prefer(r, 550)
	})

	Scenario(Spec{
		ID:       "RNTO-001",
		Title:    "RNTO without a preceding RNFR is a bad sequence of commands (503)",
		Commands: []string{"RNTO"},
		Codes:    []int{503},
		Section:  "959:4.1.3",
		Quote:    "This command specifies the new pathname of the file specified in the immediately preceding \"rename from\" command.",
		Level:    Must,
		Feature:  "RNFR",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("renamed-from-nothing")
		c := s.Login()
		r := c.Cmd("RNTO %s", p)
		Expect(r).To(BePermanentNegative(), "RNTO with no RNFR before it")
		s.Prefer(r, 503)
	})

	Scenario(Spec{
		ID:       "RNTO-002",
		Title:    "RNTO that does not follow RNFR at once is refused, preferably 503, or carried out; either way its reply is true: a refusal renames nothing, 250 renames the file",
		Commands: []string{"RNFR", "TYPE", "RNTO"},
		Codes:    []int{350, 503, 250},
		Section:  "959:4.1.3",
		Quote:    "Together the two commands cause a file to be renamed.",
		Also:     []string{"959:4.2", "959:6"},
		Level:    Must,
		Feature:  "RNFR",
		Writes:   true,
	}, func(s *S) {
		// RNFR "must be immediately followed by a "rename to" command" (RFC 959 §4.1.3) is a rule
		// for the client: no sentence tells the server what to do when it is broken. It may hold
		// the client to it, refusing RNTO (503, Bad sequence of commands, preferred) or the
		// command in between, or it may rename. Whatever it answers must be true.
		from, to := s.Path("stays.bin"), s.Path("not-renamed.bin")
		data := randomBytes(500)
		c := s.Login()
		put(s, c, from, data)
		Expect(c.Cmd("RNFR %s", from)).To(HaveReplyCode(350), setupStep("RNFR %s", from))
		// Not NOOP: RFC 959 says NOOP "does not affect any parameters or previously entered commands".
		between := c.Cmd("TYPE I")
		if between.Class() != 2 {
			s.Note("the server refused TYPE I between RNFR and RNTO (%s): it holds the client to the rename sequence", between)
		}
		r := c.Cmd("RNTO %s", to)
		if r.Class() == 2 {
			s.Note("the server renamed after RNFR, TYPE I (%s), RNTO (%s)", between, r)
			if between.Class() == 2 {
				s.Prefer(r, 503) // a refused TYPE I held the client to the sequence already
			}
			expectSameBytes(getImage(s, c, to), data, "RNTO answered %s, so %s must hold the file", r, to)
			expectGone(s, c, from, "RNTO answered "+r.String()+", so the old name must be gone")
			return
		}
		expectRefused(r, "RNTO after RNFR and TYPE I")
		s.Prefer(r, 503)
		expectSameBytes(getImage(s, c, from), data, "the refused rename must leave %s in place", from)
		expectGone(s, c, to, "the refused rename must not create the new name")
	})

	Scenario(Spec{
		ID:        "RNTO-003",
		Title:     "RNTO to a file name the server does not allow is refused with 553, and the file keeps its name",
		Commands:  []string{"RNFR", "RNTO"},
		Codes:     []int{350, 553},
		Section:   "959:4.2.1",
		Quote:     "553 Requested action not taken. File name not allowed.",
		Level:     Must,
		Feature:   "RNFR",
		Writes:    true,
		Condition: CondRefusedName,
	}, func(s *S) {
		rc := s.Condition(CondRefusedName)
		from, to := s.Path("allowed.bin"), s.Path(rc.Name)
		data := randomBytes(500)
		c := s.Login()
		put(s, c, from, data)
		Expect(c.Cmd("RNFR %s", from)).To(HaveReplyCode(350), setupStep("RNFR %s", from))
		r := c.Cmd("RNTO %s", to)
		Expect(r).To(BePermanentNegative(), "RNTO to the refused name %s", rc.Name)
		s.Prefer(r, 553)
		expectSameBytes(download(s, c, from), data, "the refused rename must leave %s in place", from)
	})
})
