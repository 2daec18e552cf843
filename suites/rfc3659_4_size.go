package suites

import (
	"regexp"
	"strconv"

	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// RFC 3659 §4: SIZE, the number of octets a transfer of the file would send, in the current
// TYPE, MODE and STRU.

// sizeReply is size-response's success form: "213" SP 1*DIGIT, one line.
var sizeReply = regexp.MustCompile(`^213 (\d+)$`)

// sizeOf sends SIZE p and reads the number; it fails the scenario on any other answer.
func sizeOf(c *Conn, p string) int {
	return sizeNumber(c.Cmd("SIZE %s", p), p)
}

// sizeNumber reads the number of a reply to SIZE p, which must be a 213 of size-response's form.
func sizeNumber(r Reply, p string) int {
	ExpectWithOffset(1, r).To(HaveReplyCode(213))
	ExpectWithOffset(1, r.Lines).To(HaveLen(1), "multi-line responses are not permitted (RFC 3659 §4.1)")
	m := sizeReply.FindStringSubmatch(r.Lines[0])
	ExpectWithOffset(1, m).NotTo(BeNil(), `size-response = "213" SP 1*DIGIT CRLF (RFC 3659 §4.1); got %q`, r.Lines[0])
	n, err := strconv.Atoi(m[1])
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "SIZE %s: %s is not a number of octets", p, m[1])
	return n
}

var _ = Describe("RFC 3659 §4 File SIZE", func() {
	Scenario(Spec{
		ID:       "SIZE-001",
		Title:    `SIZE in TYPE I answers exactly "213 n", on one line, n the octets of the file`,
		Commands: []string{"SIZE", "TYPE"},
		Codes:    []int{213},
		Section:  "3659:4.1",
		Quote:    "Note that when the 213 response is issued, that is, when there is no error, the format MUST be exactly as specified. Multi-line responses are not permitted.",
		Level:    Must,
		Feature:  "SIZE",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		data := randomBytes(4099)
		put(s, c, s.Path("sized.bin"), data)
		Expect(sizeOf(c, s.Path("sized.bin"))).To(Equal(len(data)), "SIZE in TYPE I of a file of %d octets", len(data))
	})

	Scenario(Spec{
		ID:       "SIZE-002",
		Title:    "SIZE in TYPE A gives the octets a TYPE A RETR sends, each line end counted as CRLF, or declines (550 or 4yz)",
		Commands: []string{"SIZE", "TYPE", "RETR"},
		Codes:    []int{213, 550},
		Section:  "3659:4",
		Also:     []string{"3659:4.4"},
		Quote:    "Estimates of the file transfer size MUST NOT be returned; only precise information is acceptable.",
		Level:    Must,
		Feature:  "SIZE",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		put(s, c, s.Path("text.txt"), []byte("first line\nsecond line\nthird\n"))
		Expect(c.Cmd("TYPE A")).To(HaveReplyCode(200), setupStep("TYPE A"))
		r := c.Cmd("SIZE %s", s.Path("text.txt"))
		if r.Code == 550 || r.Class() == 4 {
			// §4.2: "A server may generate this error for other reasons -- for instance if the
			// processing overhead is considered too great. Various 4xy replies are also
			// possible": a server that will not count TYPE A octets may say so. Only a 213
			// must be exact.
			s.Note("the server declines SIZE in TYPE A (%s), as RFC 3659 §4.2 allows", r)
			return
		}
		n := sizeNumber(r, s.Path("text.txt"))
		sent := download(s, c, s.Path("text.txt"))
		Expect(n).To(Equal(len(sent)), "SIZE in TYPE A said %d; RETR in TYPE A sent %d octets", n, len(sent))
	})

	// What SIZE cannot measure: a name that does not exist, a directory (RFC 959 transfers files).
	for _, t := range []struct {
		id, title string
		path      func(s *S) string
	}{
		{"SIZE-003", "SIZE of a file that does not exist answers 550", missingPath},
		{"SIZE-004", "SIZE of a directory, which cannot be transferred, answers 550", func(s *S) string { return s.Settings.Target.Scratch }},
	} {
		Scenario(Spec{
			ID:       t.id,
			Title:    t.title,
			Commands: []string{"SIZE"},
			Codes:    []int{550},
			Section:  "3659:4.2",
			Quote:    "Where the command is correctly parsed but the size is not available, perhaps because the pathname identifies no existing entity or because the entity named cannot be transferred in the current MODE and TYPE (or at all), then a 550 reply should be sent.",
			Level:    Should,
			Feature:  "SIZE",
		}, func(s *S) {
			c := s.Login()
			Expect(c.Cmd("SIZE %s", t.path(s))).To(HaveReplyCode(550))
		})
	}

	Scenario(Spec{
		ID:       "SIZE-005",
		Title:    "SIZE and MDTM without a pathname cannot be parsed: 501 (or 500)",
		Commands: []string{"SIZE", "MDTM"},
		Codes:    []int{501, 500},
		Section:  "3659:4.2",
		Also:     []string{"3659:3.2"},
		Quote:    "Where the command cannot be correctly parsed, a 500 or 501 reply should be sent, as specified in [3].",
		Level:    Should,
		Feature:  "SIZE",
	}, func(s *S) {
		c := s.Login()
		Expect(c.Cmd("SIZE")).To(HaveReplyCode(501, 500), "SIZE: size = \"Size\" SP pathname CRLF (RFC 3659 §4.1)")
		if r := c.Cmd("MDTM"); r.Code != 500 && r.Code != 502 {
			Expect(r).To(HaveReplyCode(501, 500), "MDTM: mdtm = \"MdTm\" SP pathname CRLF (RFC 3659 §3.1)")
		}
	})
})
