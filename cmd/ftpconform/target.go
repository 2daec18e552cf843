package main

import (
	"fmt"
	"time"

	"github.com/ftpconform/ftpconform/harness"
)

// probeTimeout bounds the check that the target answers: a port where nothing listens fails at
// once, an address that drops packets within this time.
const probeTimeout = 10 * time.Second

// probe checks that the target greets, within probeTimeout whatever happens. Its error names
// the target and the cause in one line.
func probe(t harness.Target, replyTimeout time.Duration) (string, error) {
	timeout := min(replyTimeout, probeTimeout)
	type result struct {
		greeting string
		err      error
	}
	done := make(chan result, 1)
	go func() {
		g, err := harness.Probe(t, timeout)
		done <- result{g, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return r.greeting, fmt.Errorf("target %s: %v", t, r.err)
		}
		return r.greeting, nil
	case <-time.After(timeout + 2*time.Second):
		return "", fmt.Errorf("target %s: no greeting within %v", t, timeout)
	}
}
