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

// surveyTarget asks the target about itself (greeting, SYST, FEAT) for the reports and the
// certificate, within the same bound as probe.
func surveyTarget(t harness.Target, replyTimeout time.Duration) (harness.Survey, error) {
	timeout := min(replyTimeout, probeTimeout)
	done := make(chan struct {
		sv  harness.Survey
		err error
	}, 1)
	go func() {
		sv, err := harness.SurveyTarget(t, timeout)
		done <- struct {
			sv  harness.Survey
			err error
		}{sv, err}
	}()
	select {
	case r := <-done:
		return r.sv, r.err
	case <-time.After(3*timeout + 2*time.Second):
		return harness.Survey{}, fmt.Errorf("no answer within %v", 3*timeout)
	}
}
