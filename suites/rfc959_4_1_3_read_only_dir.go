package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §4.1.3 and §4.2.1: the commands that change the file tree, aimed at a directory the
// user may read but not change (the read-only-dir condition). Each is refused and changes
// nothing. The names they use are new ones with the suite's prefix (PathIn), so that a server
// that wrongly obeys creates nothing but what the cleanup removes; no file of the directory is
// ever named.
var _ = Describe("RFC 959 §4.1.3 FTP service commands in a read-only directory", func() {
	const (
		noAccess  = "550 Requested action not taken. File unavailable (e.g., file not found, no access)."
		nameNotOK = "553 Requested action not taken. File name not allowed."
	)
	for _, k := range []struct {
		id, title, quote string
		commands         []string
		codes            []int // what the scenario checks, for its labels
		best             []int // the refusals that fit best (others are a SHOULD deviation)
		try              func(s *S, c *Conn, rc ResolvedCondition) Reply
	}{
		{"STOR-008", "STOR of a new file in a read-only directory is refused (553) and no file is made", nameNotOK,
			[]string{"STOR"}, []int{553}, []int{553, 550},
			func(s *S, c *Conn, rc ResolvedCondition) Reply {
				p := s.PathIn(rc.Target, rc.Path, "stored.bin")
				typeImage(c)
				t := c.Store(kindFor(s, c), randomBytes(1000), "STOR %s", p)
				expectGone(s, c, p, "STOR in the read-only directory answered "+t.Final().String())
				return t.Final()
			}},
		{"APPE-003", "APPE of a new file in a read-only directory is refused (550) and no file is made", noAccess,
			[]string{"APPE"}, []int{550, 553}, []int{550, 553},
			func(s *S, c *Conn, rc ResolvedCondition) Reply {
				p := s.PathIn(rc.Target, rc.Path, "appended.bin")
				typeImage(c)
				t := c.Store(kindFor(s, c), randomBytes(1000), "APPE %s", p)
				expectGone(s, c, p, "APPE in the read-only directory answered "+t.Final().String())
				return t.Final()
			}},
		{"MKD-005", "MKD in a read-only directory is refused (550) and no directory is made", noAccess,
			[]string{"MKD", "CWD"}, []int{550}, []int{550},
			func(s *S, c *Conn, rc ResolvedCondition) Reply {
				p := s.PathIn(rc.Target, rc.Path, "made")
				r := c.Cmd("MKD %s", p)
				Expect(dirExists(c, p, rc.Path)).To(BeFalse(), "MKD in the read-only directory answered %s, and %s exists", r, p)
				return r
			}},
		{"DELE-003", "DELE in a read-only directory is refused (550)", noAccess,
			[]string{"DELE"}, []int{550, 450}, []int{550},
			func(s *S, c *Conn, rc ResolvedCondition) Reply {
				return c.Cmd("DELE %s", s.PathIn(rc.Target, rc.Path, "deleted.bin"))
			}},
		{"RNTO-005", "RNTO into a read-only directory is refused (553), and the file keeps its name", nameNotOK,
			[]string{"RNFR", "RNTO"}, []int{350, 553}, []int{553},
			func(s *S, c *Conn, rc ResolvedCondition) Reply {
				from, to := s.PathOn(rc.Target, "moved.bin"), s.PathIn(rc.Target, rc.Path, "moved.bin")
				data := randomBytes(500)
				put(s, c, from, data)
				Expect(c.Cmd("RNFR %s", from)).To(HaveReplyCode(350), setupStep("RNFR %s", from))
				r := c.Cmd("RNTO %s", to)
				expectGone(s, c, to, "RNTO into the read-only directory answered "+r.String())
				expectSameBytes(download(s, c, from), data, "RNTO into the read-only directory answered %s: %s must stay where it was", r, from)
				return r
			}},
	} {
		Scenario(Spec{
			ID:        k.id,
			Title:     k.title,
			Commands:  k.commands,
			Codes:     k.codes,
			Section:   "959:4.2.1",
			Also:      []string{"959:4.1.3", "959:5.4"},
			Quote:     k.quote,
			Level:     Must,
			Condition: CondReadOnlyDir,
			Writes:    true,
		}, func(s *S) {
			rc := s.Condition(CondReadOnlyDir)
			Expect(rc.Path).NotTo(BeEmpty(), setupStep("the read-only-dir condition must name its directory (path)"))
			r := k.try(s, loginOn(s, rc), rc)
			expectRefused(r, r.Command+" in the read-only directory "+rc.Path)
			s.Prefer(r, k.best...)
		})
	}
})
