package suites

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 2577 §7: USER must not tell which user names exist.
var _ = Describe("RFC 2577 §7 Protecting usernames", func() {
	Scenario(Spec{
		ID:          "USER-003",
		Title:       "USER of a name that does not exist gets 331 like a real one, and PASS then 530",
		Commands:    []string{"USER", "PASS"},
		Codes:       []int{331, 530},
		Section:     "2577:7",
		Quote:       "In order to prevent a malicious client from determining valid usernames on a server, it is suggested that a server always return 331 to the USER command and then reject the combination of username and password for an invalid username.",
		Level:       Should,
		Slow:        true,
		FailsLogins: true,
	}, func(s *S) {
		c := s.Dial()
		name := fmt.Sprintf("ftpconform-nobody-%d", time.Now().UnixNano())
		Expect(c.Cmd("USER %s", name)).To(HaveReplyCode(331), "an unknown name is answered as a known one is")
		r, err := c.TryCmd("PASS %s", wrongPassword(name))
		if err == nil && r.Code != 421 {
			Expect(r).To(HaveReplyCode(530))
		}
	})
})
