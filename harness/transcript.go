package harness

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// recorder collects a scenario's transcript, findings and reply steps. Data-connection
// goroutines write to it too, hence the lock.
type recorder struct {
	mu       sync.Mutex
	start    time.Time
	lines    Transcript
	findings []Finding
	steps    []Step
	hk       map[int]bool // housekeeping connections
}

func newRecorder() *recorder { return &recorder{start: time.Now()} }

func (r *recorder) add(conn int, dir, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, TranscriptLine{At: time.Since(r.start), Conn: conn, Dir: dir, Text: printable(text)})
}

func (r *recorder) note(conn int, format string, args ...any) {
	r.add(conn, Note, fmt.Sprintf(format, args...))
}

// finding records a deviation once: the same message twice in one scenario says nothing new.
func (r *recorder) finding(f Finding) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, g := range r.findings {
		if g == f {
			return
		}
	}
	r.findings = append(r.findings, f)
}

// step adds code to the step of conn's command, starting a new step when the command changes.
func (r *recorder) step(conn int, command string, code int, continued bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if continued {
		for i := len(r.steps) - 1; i >= 0; i-- {
			if r.steps[i].Conn == conn {
				r.steps[i].Codes = append(r.steps[i].Codes, code)
				return
			}
		}
	}
	r.steps = append(r.steps, Step{Conn: conn, Command: command, Codes: []int{code}})
}

// isHousekeeping reports whether conn is the harness's own.
func (r *recorder) isHousekeeping(conn int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hk[conn]
}

// housekeeping marks a connection as the harness's own.
func (r *recorder) housekeeping(conn int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hk == nil {
		r.hk = map[int]bool{}
	}
	r.hk[conn] = true
}

func (r *recorder) snapshot() (Transcript, []Finding, []Step) {
	r.mu.Lock()
	defer r.mu.Unlock()
	steps := append([]Step(nil), r.steps...)
	for i := range steps {
		steps[i].Housekeeping = r.hk[steps[i].Conn]
	}
	return append(Transcript(nil), r.lines...), append([]Finding(nil), r.findings...), steps
}

// String renders a transcript for failure messages and console output.
func (t Transcript) String() string {
	var b strings.Builder
	for _, l := range t {
		fmt.Fprintf(&b, "%8.3fs  #%d %s %s\n", l.At.Seconds(), l.Conn, l.Dir, l.Text)
	}
	return b.String()
}
