package suites

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §4.1.3's informational and miscellaneous commands of a session (NOOP, SYST, HELP,
// SITE): what they answer, checked against §4.1.3 and their §5.4 rows.
var _ = Describe("RFC 959 §4.1.3 Informational and miscellaneous commands", func() {
	Scenario(Spec{
		ID:       "NOOP-001",
		Title:    "NOOP is answered 200 (OK)",
		Commands: []string{"NOOP"},
		Codes:    []int{200},
		Section:  "959:4.1.3",
		Also:     []string{"959:5.4"},
		Quote:    "It specifies no action other than that the server send an OK reply.",
		Level:    Must,
	}, func(s *S) {
		c := s.Login()
		Expect(c.Cmd("NOOP")).To(HaveReplyCode(200))
	})

	Scenario(Spec{
		ID:       "SYST-001",
		Title:    "SYST is answered 215 with a system name as the first word of the text",
		Commands: []string{"SYST"},
		Codes:    []int{215},
		Section:  "959:4.1.3",
		Also:     []string{"959:5.4"},
		Quote:    "The reply shall have as its first word one of the system names listed in the current version of the Assigned Numbers document [4].",
		Level:    Must,
		Feature:  "SYST",
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("SYST")
		Expect(r).To(HaveReplyCode(215))
		first, _, _ := strings.Cut(strings.TrimSpace(r.Text()), " ")
		// Assigned Numbers' system names: letters, digits, "-" and "/" ("UNIX", "TOPS-20", "VM/SP").
		Expect(first).To(MatchRegexp(`^[A-Za-z][A-Za-z0-9/_.-]*$`), "the first word of %q names the system", r.Text())
	})

	Scenario(Spec{
		ID:       "HELP-001",
		Title:    "HELP without an argument is answered 211 or 214",
		Commands: []string{"HELP"},
		Codes:    []int{211, 214},
		Section:  "959:4.1.3",
		Also:     []string{"959:5.4"},
		Quote:    "The reply is type 211 or 214.",
		Level:    Must,
		Feature:  "HELP",
	}, func(s *S) {
		c := s.Login()
		Expect(c.Cmd("HELP")).To(HaveReplyCode(211, 214))
	})

	Scenario(Spec{
		ID:       "HELP-002",
		Title:    "HELP with a command name gives that command's help (211 or 214)",
		Commands: []string{"HELP"},
		Codes:    []int{211, 214, 501, 502},
		Section:  "959:4.1.3",
		Also:     []string{"959:5.4"},
		Quote:    "The command may take an argument (e.g., any command name) and return more specific information as a response.",
		Level:    Must,
		Feature:  "HELP",
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("HELP USER")
		Expect(r).To(HaveReplyCode(211, 214, 501, 502), "HELP's §5.4 row")
		s.Prefer(r, 214, 211)
	})

	Scenario(Spec{
		ID:       "HELP-003",
		Title:    "HELP is answered before login (211 or 214)",
		Commands: []string{"HELP"},
		Codes:    []int{211, 214},
		Section:  "959:4.1.3",
		Quote:    "It is suggested that HELP be allowed before entering a USER command.",
		Level:    Should,
		Feature:  "HELP",
	}, func(s *S) {
		c := s.Dial()
		Expect(c.Cmd("HELP")).To(HaveReplyCode(211, 214))
	})

	Scenario(Spec{
		ID:       "SITE-001",
		Title:    "SITE HELP describes the SITE commands with a positive reply (200; 214 is common)",
		Commands: []string{"SITE"},
		Codes:    []int{200, 214},
		Section:  "959:4.1.3",
		Also:     []string{"959:5.4"},
		Quote:    "This command is used by the server to provide services specific to his system that are essential to file transfer but not sufficiently universal to be included as commands in the protocol.",
		Level:    Must,
		Feature:  "SITE",
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("SITE HELP")
		Expect(r).To(HaveReplyCode(200, 202, 214))
		s.Prefer(r, 200) // SITE's §5.4 row has 200 and 202; 214 is HELP's
	})

	Scenario(Spec{
		ID:       "SITE-002",
		Title:    "SITE with a subcommand the server does not have is refused (500, 501 or 502), never done (200)",
		Commands: []string{"SITE"},
		Codes:    []int{500, 501, 502, 202},
		Section:  "959:5.4",
		Also:     []string{"959:4.1.3"},
		Quote:    "These must be strictly adhered to; a server may substitute text in the replies, but the meaning and action implied by the code numbers and by the specific command reply sequence cannot be altered.",
		Level:    Must,
		Feature:  "SITE",
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("SITE FTPCONFORMNOSUCHCOMMAND %d", time.Now().Unix())
		Expect(r).To(HaveReplyCode(500, 501, 502, 202), "an unknown SITE command is not carried out")
		s.Note("the server answered %03d to an unknown SITE command", r.Code)
		s.Prefer(r, 501, 500, 502)
	})
})
