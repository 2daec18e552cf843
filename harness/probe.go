package harness

import (
	"fmt"
	"time"
)

// Probe checks that a target answers before a run starts, so that an unreachable target is one
// clear error rather than a failure in every scenario. It connects, reads the greeting and quits.
func Probe(t Target, timeout time.Duration) (greeting string, err error) {
	rec := newRecorder()
	c, replies, err := dialConn(t, 1, rec, timeout, time.Now().Add(timeout+5*time.Second))
	if err != nil {
		return "", err
	}
	defer c.Close()
	last := replies[len(replies)-1]
	if last.Class() != 2 {
		return last.String(), fmt.Errorf("%s greets with %s, not 220: the service is not available", t.Addr(), last)
	}
	if t.TLS == TLSExplicit {
		if err := c.StartTLS(); err != nil {
			return last.String(), err
		}
	}
	c.TryCmd("QUIT")
	return last.Text(), nil
}
