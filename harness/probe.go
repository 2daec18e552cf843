package harness

import (
	"fmt"
	"strings"
	"time"
)

// Probe checks that a target answers before a run starts, so that an unreachable target is one
// clear error rather than a failure in every scenario. It connects, reads the greeting and quits.
func Probe(t Target, timeout time.Duration) (greeting string, err error) {
	c, greeting, err := greet(t, timeout)
	if err != nil {
		return greeting, err
	}
	c.quit()
	return greeting, nil
}

// Survey is what a target says about itself; reports and certificates carry it.
type Survey struct {
	Greeting string   // the 220 text
	System   string   // the SYST reply, "" if refused
	Features []string // FEAT's feature lines, trimmed; nil if FEAT is not answered 211
}

// SurveyTarget logs in and asks SYST and FEAT. Only the connection and the login must work;
// refusals of SYST or FEAT leave those fields empty.
func SurveyTarget(t Target, timeout time.Duration) (Survey, error) {
	c, greeting, err := greet(t, timeout)
	if err != nil {
		return Survey{Greeting: greeting}, err
	}
	defer c.quit()
	sv := Survey{Greeting: greeting}
	if err := c.Login(t.User, t.Password, ""); err != nil {
		return sv, err
	}
	if r, err := c.TryCmd("SYST"); err == nil && r.Code == 215 {
		sv.System = r.Text()
	}
	if r, err := c.TryCmd("FEAT"); err == nil && r.Code == 211 && len(r.Lines) > 2 {
		for _, l := range r.Lines[1 : len(r.Lines)-1] {
			sv.Features = append(sv.Features, strings.TrimSpace(l))
		}
	}
	return sv, nil
}

// greet connects, reads the greeting and, for explicit TLS, protects the connection.
func greet(t Target, timeout time.Duration) (*Conn, string, error) {
	c, replies, err := dialConn(t, 1, newRecorder(), timeout, time.Now().Add(timeout+5*time.Second))
	if err != nil {
		return nil, "", err
	}
	last := replies[len(replies)-1]
	if last.Class() != 2 {
		c.Close()
		return nil, last.String(), fmt.Errorf("%s greets with %s, not 220: the service is not available", t.Addr(), last)
	}
	if t.TLS == TLSExplicit {
		if err := c.StartTLS(); err != nil {
			c.Close()
			return nil, last.Text(), err
		}
	}
	return c, last.Text(), nil
}
