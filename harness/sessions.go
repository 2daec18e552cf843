package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Session slots cap the control connections open at once to a target, across all the worker
// processes of a run (--max-sessions): a server with a connection limit must not see the suite
// exceed it. Each slot is a lock file in Settings.SlotDir; holding its flock is holding the slot.

// slot is one held slot; release gives it back.
type slot struct{ f *os.File }

func (s *slot) release() {
	if s != nil && s.f != nil {
		syscall.Flock(int(s.f.Fd()), syscall.LOCK_UN)
		s.f.Close()
		s.f = nil
	}
}

// slotPollInterval is how often a waiting connection looks for a free slot. flock has no
// timeout, so waiting is polling, bounded by the caller's deadline.
const slotPollInterval = 20 * time.Millisecond

// acquireSlot waits until one of the run's slots is free, or until deadline.
func acquireSlot(dir string, n int, deadline time.Time) (*slot, error) {
	if dir == "" || n <= 0 {
		return nil, nil
	}
	for {
		for i := range n {
			f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("slot-%d", i)), os.O_CREATE|os.O_RDWR, 0o600)
			if err != nil {
				return nil, fmt.Errorf("session slots: %w", err)
			}
			if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
				return &slot{f: f}, nil
			}
			f.Close()
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("all %d sessions allowed by --max-sessions stayed busy until the deadline", n)
		}
		time.Sleep(slotPollInterval)
	}
}
