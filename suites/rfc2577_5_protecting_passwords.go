package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 2577 §5: what a server does about repeated wrong passwords.
var _ = Describe("RFC 2577 §5 Protecting passwords", func() {
	Scenario(Spec{
		ID:          "PASS-006",
		Title:       "repeated wrong passwords are refused with 530; a server that then closes the connection sends 421 first",
		Commands:    []string{"USER", "PASS"},
		Codes:       []int{331, 530, 421},
		Section:     "2577:5",
		Also:        []string{"959:4.2.1"},
		Quote:       "Before closing the control connection the server must send a return code of 421 (\"Service not available, closing control connection.\" [PR85]) to the client.",
		Level:       Must,
		Slow:        true,
		FailsLogins: true,
	}, func(s *S) {
		t := s.Settings.Target
		c := s.Dial()
		var last Reply
		for attempt := 1; attempt <= failedLogins; attempt++ {
			for _, line := range []string{"USER " + t.User, "PASS " + wrongPassword(t.Password)} {
				r, err := c.TryCmd("%s", line)
				if err != nil {
					Expect(last).To(HaveReplyCode(421), "the server closed the control connection after wrong password %d (%v) without a 421 first", attempt-1, err)
					return
				}
				if r.Code == 421 {
					s.Note("the server ends the session after %d wrong passwords", attempt)
					Expect(c.WaitClosed()).To(Succeed(), "421 closes the control connection")
					return
				}
				if line[:4] == "USER" {
					Expect(r).To(HaveReplyCode(331))
				} else {
					Expect(r).To(HaveReplyCode(530), "wrong password, attempt %d", attempt)
				}
				last = r
			}
		}
		s.Note("the server allowed %d wrong passwords on one connection without closing it", failedLogins)
	})

	Scenario(Spec{
		ID:          "PASS-007",
		Title:       "after its limit of failed logins the server closes the control connection, with 421 first",
		Commands:    []string{"USER", "PASS", "NOOP"},
		Codes:       []int{331, 530, 421},
		Section:     "2577:5",
		Also:        []string{"959:4.2.1"},
		Quote:       "After a small number of attempts (3-5), the server should close the control connection with the client.",
		Level:       Should,
		Condition:   CondLoginLimit,
		Slow:        true,
		FailsLogins: true,
	}, func(s *S) {
		rc := s.Condition(CondLoginLimit)
		if rc.Limit < 1 {
			Skip("the target config gives no limit for login-limit")
		}
		t := rc.Target
		c := s.DialTarget(t)
		for attempt := int64(1); attempt <= rc.Limit; attempt++ {
			Expect(c.Cmd("USER %s", t.User)).To(HaveReplyCode(331))
			r := c.Cmd("PASS %s", wrongPassword(t.Password))
			if r.Code == 421 {
				s.Note("the server closed the connection after %d failed logins (its limit: %d)", attempt, rc.Limit)
				Expect(c.WaitClosed()).To(Succeed(), "421 closes the control connection")
				return
			}
			Expect(r).To(HaveReplyCode(530), "wrong password %d of %d", attempt, rc.Limit)
		}
		// The limit is reached: the connection must be closing (421), not serving.
		r, err := c.TryCmd("NOOP")
		Expect(err).NotTo(HaveOccurred(), "after %d failed logins the server closed the connection without a 421 first (RFC 2577 §5: \"Before closing the control connection the server must send a return code of 421\")", rc.Limit)
		Expect(r).To(HaveReplyCode(421), "after %d failed logins, the server's limit, the connection is still open: NOOP answered %s", rc.Limit, r)
		Expect(c.WaitClosed()).To(Succeed(), "421 closes the control connection")
	})
})

// failedLogins is how many wrong passwords PASS-006 tries: more than RFC 2577 §5's "3-5".
const failedLogins = 6
