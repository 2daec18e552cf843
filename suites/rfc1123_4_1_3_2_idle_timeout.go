package suites

import (
	"errors"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 1123 §4.1.3.2: a server closes a control connection that stays idle too long, logged in
// or not.
var _ = Describe("RFC 1123 §4.1.3.2 Idle timeout", func() {
	for _, k := range []struct {
		id, title string
		codes     []int
		login     bool
	}{
		{"SESSION-001", "a logged-in session that sends nothing for the idle timeout is closed by the server (after 421)", []int{230, 421}, true},
		{"SESSION-002", "a connection that never logs in and sends nothing for the idle timeout is closed by the server", []int{220, 421}, false},
	} {
		commands := []string{ConnectCommand}
		if k.login {
			commands = append(commands, "USER", "PASS")
		}
		Scenario(Spec{
			ID:        k.id,
			Title:     k.title,
			Commands:  commands,
			Codes:     k.codes,
			Section:   "1123:4.1.3.2",
			Also:      []string{"959:4.2.1"},
			Quote:     "A Server-FTP process SHOULD have an idle timeout, which will terminate the process and close the control connection if the server is inactive (i.e., no command or data transfer in progress) for a long period of time.",
			Level:     Should,
			Condition: CondIdleTimeout,
			Slow:      true,
		}, func(s *S) {
			rc := s.Condition(CondIdleTimeout)
			if rc.Seconds <= 0 {
				Skip("the target config gives no seconds for idle-timeout")
			}
			idle := time.Duration(rc.Seconds) * time.Second
			wait := idle + s.ReplyTimeout()
			if left := time.Until(s.Deadline()); wait > left {
				Skip("the idle timeout (" + idle.String() + ") is longer than this scenario may wait (" + left.Round(time.Second).String() + "); raise --timeout")
			}
			c := s.DialTarget(rc.Target)
			if k.login {
				Expect(c.Login(rc.Target.User, rc.Target.Password, rc.Account)).To(Succeed())
			}
			// Sending nothing, the client waits for the server to close: with 421 (RFC 959 §4.2.1,
			// preferred) or without a reply.
			r, err := c.ReadReplyWithin(wait)
			if err == nil {
				Expect(r).To(HaveReplyCode(421), "the only reply an idle connection may get is 421, closing the control connection")
				Expect(c.WaitClosed()).To(Succeed(), "421 closes the control connection")
				return
			}
			Expect(errors.Is(err, ErrClosedByServer) || strings.Contains(err.Error(), "connection reset")).To(BeTrue(), "after %v without a command the server closes the connection; instead: %v", idle, err)
			s.Note("the server closed the idle connection without a 421 reply")
		})
	}
})
