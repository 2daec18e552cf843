package suites

import (
	"regexp"

	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// RFC 3659 §3: MDTM, the modification time of a file, in UTC.

// mdtmReply is mdtm-response's success form: "213" SP time-val, one line.
var mdtmReply = regexp.MustCompile(`^213 (\d{14}(?:\.\d+)?)$`)

var _ = Describe("RFC 3659 §3 File Modification Time (MDTM)", func() {
	Scenario(Spec{
		ID:       "MDTM-001",
		Title:    `MDTM of a file answers exactly "213 YYYYMMDDHHMMSS[.sss]", on one line, with a valid time`,
		Commands: []string{"MDTM"},
		Codes:    []int{213},
		Section:  "3659:3.1",
		Also:     []string{"3659:2.3"},
		Quote:    "Note that when the 213 response is issued, that is, when there is no error, the format MUST be exactly as specified. Multi-line responses are not permitted.",
		Level:    Must,
		Feature:  "MDTM",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		upload(s, c, s.Path("dated.txt"), []byte("x"))
		r := c.Cmd("MDTM %s", s.Path("dated.txt"))
		Expect(r).To(HaveReplyCode(213))
		Expect(r.Lines).To(HaveLen(1), "multi-line responses are not permitted")
		m := mdtmReply.FindStringSubmatch(r.Lines[0])
		Expect(m).NotTo(BeNil(), `mdtm-response = "213" SP time-val CRLF; got %q`, r.Lines[0])
		Expect(checkTimeVal(m[1])).To(Succeed(), "the time-val %s of %q", m[1], r.Lines[0])
	})

	Scenario(Spec{
		ID:       "MDTM-002",
		Title:    "MDTM and MLST's modify fact give the same time for a file: one time reference, UTC",
		Commands: []string{"MDTM", "MLST"},
		Codes:    []int{213, 250},
		Section:  "3659:2.3",
		Quote:    "A server-FTP process should always use the same time reference, so the times it returns will be consistent.",
		Level:    Should,
		Feature:  "MDTM",
		Writes:   true,
	}, func(s *S) {
		s.Require("MLST")
		c := s.Login()
		upload(s, c, s.Path("when.txt"), []byte("x"))
		e := mlstEntries(c.Cmd("MLST %s", s.Path("when.txt")))[0]
		modify, ok := e.Facts["modify"]
		if !ok {
			Skip("MLST gives no modify fact by default: " + e.Line)
		}
		r := c.Cmd("MDTM %s", s.Path("when.txt"))
		m := mdtmReply.FindStringSubmatch(r.Lines[0])
		Expect(m).NotTo(BeNil(), setupStep("MDTM %s answered %s, not 213 and a time-val (MDTM-001 judges that)", s.Path("when.txt"), r))
		Expect(m[1][:14]).To(Equal(modify[:min(14, len(modify))]), "MDTM says %s, MLST's modify fact %s", m[1], modify)
	})

	Scenario(Spec{
		ID:       "MDTM-003",
		Title:    "MDTM of a file that does not exist answers 550",
		Commands: []string{"MDTM"},
		Codes:    []int{550},
		Section:  "3659:3.2",
		Quote:    "Where the command is correctly parsed but the modification time is not available, either because the pathname identifies no existing entity or because the information is not available for the entity named, then a 550 reply should be sent.",
		Level:    Should,
		Feature:  "MDTM",
	}, func(s *S) {
		c := s.Login()
		Expect(c.Cmd("MDTM %s", missingPath(s))).To(HaveReplyCode(550))
	})
})
