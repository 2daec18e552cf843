package suites

import (
	"fmt"

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

	// Commands whose §5.4 rows have no 530: a server answers them before login too.
	for _, k := range []struct {
		id, verb, feature string
		code              int
	}{
		{"NOOP-002", "NOOP", "", 200},
		{"SYST-002", "SYST", "SYST", 215},
	} {
		Scenario(Spec{
			ID:       k.id,
			Title:    fmt.Sprintf("%s before login is answered %d: its §5.4 row has no 530", k.verb, k.code),
			Commands: []string{k.verb},
			Codes:    []int{k.code},
			Section:  "1123:4.1.2.11",
			Also:     []string{"959:5.4"},
			Quote:    "A Server-FTP SHOULD use the reply codes defined in RFC-959 whenever they apply.",
			Level:    Should,
			Feature:  k.feature,
		}, func(s *S) {
			c := s.Dial()
			Expect(c.Cmd("%s", k.verb)).To(HaveReplyCode(k.code))
		})
	}
})
