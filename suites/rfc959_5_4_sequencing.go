package suites

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
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

	Scenario(Spec{
		ID:        "CONNECT-002",
		Title:     "a server that cannot accept input right away sends 120 at once, then 220 when it is ready",
		Commands:  []string{ConnectCommand},
		Codes:     []int{120, 220},
		Section:   "959:5.4",
		Quote:     "If the server is unable to accept input right away, a 120 \"expected delay\" reply should be sent immediately and a 220 reply when ready.",
		Level:     Should,
		Condition: CondStartDelay,
		Slow:      true,
	}, func(s *S) {
		rc := s.Condition(CondStartDelay)
		_, greeting, err := s.Connect(rc.Target)
		Expect(err).NotTo(HaveOccurred())
		Expect(greeting[0]).To(HaveReplyCode(120), "the first reply of a server that is not ready yet")
		Expect(greeting[len(greeting)-1]).To(HaveReplyCode(220))
	})

	Scenario(Spec{
		ID:        "CONNECT-003",
		Title:     "a delayed greeting has at most one 120 before its 220, and the session then works",
		Commands:  []string{ConnectCommand, "USER", "PASS"},
		Codes:     []int{120, 220, 331, 230},
		Section:   "959:4.2",
		Also:      []string{"959:5.4", "959:6"},
		Quote:     "The server-FTP process may send at most, one 1yz reply per command.",
		Level:     Must,
		Condition: CondStartDelay,
		Slow:      true,
	}, func(s *S) {
		rc := s.Condition(CondStartDelay)
		c, greeting, err := s.Connect(rc.Target)
		Expect(err).NotTo(HaveOccurred())
		preliminary := 0
		for _, r := range greeting {
			if r.Class() == 1 {
				preliminary++
			}
		}
		Expect(preliminary).To(BeNumerically("<=", 1), "the greeting was %d replies, %d of them 1yz", len(greeting), preliminary)
		Expect(greeting[len(greeting)-1]).To(HaveReplyCode(220))
		Expect(c.Login(rc.Target.User, rc.Target.Password, rc.Account)).To(Succeed(), "after the 220 the server accepts a login")
	})

	Scenario(Spec{
		ID:        "CONNECT-004",
		Title:     "the connection beyond the server's limit is answered 421 and closed; the others go on",
		Commands:  []string{ConnectCommand, "NOOP"},
		Codes:     []int{220, 421, 200},
		Section:   "959:4.2.1",
		Also:      []string{"959:5.4"},
		Quote:     "421 Service not available, closing control connection. This may be a reply to any command if the service knows it must shut down.",
		Level:     Must,
		Condition: CondConnectionLimit,
	}, func(s *S) {
		rc := s.Condition(CondConnectionLimit)
		if rc.Limit < 1 {
			Skip("the target config gives no limit for connection-limit")
		}
		var open []*Conn
		for range rc.Limit {
			open = append(open, s.DialTarget(rc.Target))
		}
		c, greeting, err := s.Connect(rc.Target)
		Expect(err).NotTo(HaveOccurred(), "the connection beyond the limit (%d) is answered before it is closed", rc.Limit)
		Expect(greeting[len(greeting)-1]).To(HaveReplyCode(421), "connection %d of a server that allows %d", rc.Limit+1, rc.Limit)
		Expect(c.WaitClosed()).To(Succeed(), "421 means the server closes the control connection")
		for _, o := range open {
			Expect(o.Cmd("NOOP")).To(HaveReplyCode(200), "the connections within the limit are served as before")
		}
	})

	Scenario(Spec{
		ID:       "NOOP-002",
		Title:    "NOOP before login is answered 200: its §5.4 row has no 530",
		Commands: []string{"NOOP"},
		Codes:    []int{200},
		Section:  "1123:4.1.2.11",
		Also:     []string{"959:5.4"},
		Quote:    "A Server-FTP SHOULD use the reply codes defined in RFC-959 whenever they apply.",
		Level:    Should,
	}, func(s *S) {
		c := s.Dial()
		Expect(c.Cmd("NOOP")).To(HaveReplyCode(200))
	})

	Scenario(Spec{
		ID:       "SYST-002",
		Title:    "SYST before login is answered 215: its §5.4 row has no 530",
		Commands: []string{"SYST"},
		Codes:    []int{215},
		Section:  "1123:4.1.2.11",
		Also:     []string{"959:5.4"},
		Quote:    "A Server-FTP SHOULD use the reply codes defined in RFC-959 whenever they apply.",
		Level:    Should,
		Feature:  "SYST",
	}, func(s *S) {
		c := s.Dial()
		Expect(c.Cmd("SYST")).To(HaveReplyCode(215))
	})
})

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
