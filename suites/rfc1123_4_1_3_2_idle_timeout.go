package suites

import (
	"errors"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 1123 §4.1.3.2: a server closes a control connection that stays idle too long.
var _ = Describe("RFC 1123 §4.1.3.2 Idle timeout", func() {
	const quote = "A Server-FTP process SHOULD have an idle timeout, which will terminate the process and close the control connection if the server is inactive (i.e., no command or data transfer in progress) for a long period of time."

	Scenario(Spec{
		ID:        "SESSION-001",
		Title:     "a logged-in session that sends nothing for the idle timeout is closed by the server (after 421)",
		Commands:  []string{ConnectCommand, "USER", "PASS"},
		Codes:     []int{230, 421},
		Section:   "1123:4.1.3.2",
		Also:      []string{"959:4.2.1"},
		Quote:     quote,
		Level:     Should,
		Condition: CondIdleTimeout,
		Slow:      true,
	}, func(s *S) {
		rc := idleCondition(s)
		c := s.LoginAs(rc.Target, rc.Target.User, rc.Target.Password, rc.Account)
		expectIdleClose(s, c, rc)
	})

	Scenario(Spec{
		ID:        "SESSION-002",
		Title:     "a connection that never logs in and sends nothing for the idle timeout is closed by the server",
		Commands:  []string{ConnectCommand},
		Codes:     []int{220, 421},
		Section:   "1123:4.1.3.2",
		Also:      []string{"959:4.2.1"},
		Quote:     quote,
		Level:     Should,
		Condition: CondIdleTimeout,
		Slow:      true,
	}, func(s *S) {
		rc := idleCondition(s)
		c := s.DialTarget(rc.Target)
		expectIdleClose(s, c, rc)
	})
})

// idleCondition returns the idle-timeout condition, or skips when the harness cannot wait that
// long for one reply: the wait is one reply's deadline, which Slow scenarios stretch to at least
// 30 s (harness/scenario.go).
func idleCondition(s *S) ResolvedCondition {
	rc := s.Condition(CondIdleTimeout)
	limit := max(3*s.Settings.ReplyTimeout, 30*time.Second)
	if rc.Seconds <= 0 {
		Skip("the target config gives no seconds for idle-timeout")
	}
	if idle := time.Duration(rc.Seconds) * time.Second; idle+5*time.Second > limit {
		Skip("the idle timeout (" + idle.String() + ") is longer than one reply may take here (" + limit.String() + "); raise --timeout")
	}
	return rc
}

// expectIdleClose waits, sending nothing, for the server to close c: with 421 (RFC 959 §4.2.1,
// preferred) or without a reply.
func expectIdleClose(s *S, c *Conn, rc ResolvedCondition) {
	r, err := c.ReadReply()
	if err == nil {
		Expect(r).To(HaveReplyCode(421), "the only reply an idle connection may get is 421, closing the control connection")
		Expect(c.WaitClosed()).To(Succeed(), "421 closes the control connection")
		return
	}
	closed := errors.Is(err, ErrClosedByServer) || strings.Contains(err.Error(), "connection reset")
	Expect(closed).To(BeTrue(), "after %d s without a command the server closes the connection; instead: %v", rc.Seconds, err)
	s.Note("the server closed the idle connection without a 421 reply")
}
