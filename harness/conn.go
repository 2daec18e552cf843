package harness

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/ftpconform/ftpconform/rfc"
)

// Conn is a raw control connection: it sends lines exactly as given and reads replies exactly as
// they come, so a scenario sees everything a client library would hide. Every reply is checked
// against the general rules of RFC 959 §4.2 (rules.go) whether the scenario looks at it or not.
//
// Methods without an error result fail the running scenario when the connection breaks or a reply
// does not come in time: RFC 959 §4.2 says every command must generate at least one reply.
type Conn struct {
	id       int
	target   Target
	nc       net.Conn
	rr       *replyReader
	rec      *recorder
	timeout  time.Duration // per reply
	deadline time.Time     // the scenario's whole budget; zero for none
	pending  []*pending    // commands whose final reply has not been read, oldest first
	closed   bool
	tls      bool
	loggedIn bool
	// protectData is set once PROT P has been accepted (RFC 4217 §9): data connections then
	// start TLS too.
	protectData bool
	sec         tlsState // TLS details (tls.go)

	slot         *slot  // held while open when --max-sessions caps sessions
	scenario     *S     // the scenario that owns it, for the write guard
	housekeeping bool   // the harness's own connection (scratch directory): not guarded
	cwd          string // current directory as far as the harness knows; "" if unknown
}

// pending is a command awaiting its final reply.
type pending struct {
	line    string // as sent, for messages (passwords masked)
	verb    string // upper-case verb, or "<connect>"
	arg     string
	replies int // replies read so far for it
}

// ErrClosedByServer is returned when the server closes the control connection between replies.
var ErrClosedByServer = errors.New("the server closed the control connection")

// dialConn opens a control connection and reads the greeting (120 then 220 is allowed, RFC 959
// §5.4 "Connection Establishment"). The greeting is returned; the caller judges it.
func dialConn(t Target, id int, rec *recorder, timeout time.Duration, deadline time.Time) (*Conn, []Reply, error) {
	c := &Conn{id: id, target: t, rec: rec, timeout: timeout, deadline: deadline}
	c.sec.auto = t.TLS != TLSNone
	waitUntil := deadline
	if waitUntil.IsZero() {
		waitUntil = time.Now().Add(timeout)
	}
	sl, err := acquireSlot(Current.SlotDir, Current.MaxSessions, waitUntil)
	if err != nil {
		rec.note(id, "%v", err)
		return nil, nil, err
	}
	c.slot = sl
	// SO_REUSEADDR lets the client listen on its own control port afterwards: RFC 959 §3.2's
	// default data port (ListenDefaultPort).
	d := net.Dialer{Timeout: c.budget(), Control: reuseAddr}
	nc, err := d.Dial("tcp", t.Addr())
	if err != nil {
		sl.release()
		rec.note(id, "connect to %s failed: %v", t.Addr(), err)
		return nil, nil, fmt.Errorf("cannot connect to %s: %w", t.Addr(), cleanNetErr(err))
	}
	rec.note(id, "connected to %s from %s", nc.RemoteAddr(), nc.LocalAddr())
	if t.TLS == TLSImplicit {
		tc, err := c.handshake(nc)
		if err != nil {
			nc.Close()
			sl.release()
			rec.note(id, "implicit TLS handshake failed: %v", err)
			return nil, nil, fmt.Errorf("implicit TLS handshake with %s failed: %w", t.Addr(), err)
		}
		c.sec.raw, nc, c.tls = nc, tc, true
		rec.note(id, "TLS %s established", tlsVersionName(tc.ConnectionState().Version))
	}
	c.nc = nc
	c.rr = newReplyReader(nc)
	c.pending = []*pending{{line: "<connect>", verb: "<connect>"}}
	var greeting []Reply
	for {
		r, err := c.ReadReply()
		if err != nil {
			c.Close()
			return nil, greeting, fmt.Errorf("no greeting from %s: %w", t.Addr(), err)
		}
		greeting = append(greeting, r)
		if r.Class() != 1 || len(greeting) > 3 {
			return c, greeting, nil
		}
	}
}

// ID is the connection's number within its scenario, as shown in the transcript.
func (c *Conn) ID() int { return c.id }

// LocalAddr and RemoteAddr are the control connection's endpoints; data connections must use the
// same hosts.
func (c *Conn) LocalAddr() *net.TCPAddr  { return tcpAddr(c.nc.LocalAddr()) }
func (c *Conn) RemoteAddr() *net.TCPAddr { return tcpAddr(c.nc.RemoteAddr()) }

func tcpAddr(a net.Addr) *net.TCPAddr {
	if t, ok := a.(*net.TCPAddr); ok {
		return t
	}
	return &net.TCPAddr{}
}

// budget is the time a single wait may take: the reply timeout, cut by the scenario's deadline.
func (c *Conn) budget() time.Duration {
	d := c.timeout
	if !c.deadline.IsZero() {
		if left := time.Until(c.deadline); left < d {
			d = max(left, time.Millisecond)
		}
	}
	return d
}

// WriteLine sends one command line; CRLF is added. It returns an error instead of failing.
func (c *Conn) WriteLine(line string) error {
	if strings.ContainsAny(line, "\r\n") {
		return fmt.Errorf("command %q contains CR or LF; use SendRaw for deliberate framing errors", printable(line))
	}
	verb, arg, _ := strings.Cut(line, " ")
	p := &pending{line: maskSecret(line), verb: strings.ToUpper(verb), arg: arg}
	if err := c.guard(p.verb, arg); err != nil {
		c.rec.note(c.id, "%v", err)
		return err
	}
	if err := c.write([]byte(line+"\r\n"), p.line); err != nil {
		return err
	}
	c.pending = append(c.pending, p)
	return nil
}

// Send sends a command line built like fmt.Sprintf; it fails the scenario if it cannot.
func (c *Conn) Send(format string, args ...any) {
	if err := c.WriteLine(fmt.Sprintf(format, args...)); err != nil {
		ginkgo.Fail(c.failure("sending a command", err), 1)
	}
}

// SendRaw writes bytes exactly as given (Telnet sequences, bare LF…). If verb is not empty, the
// next reply is attributed to it.
func (c *Conn) SendRaw(b []byte, verb string) {
	if err := c.write(b, string(b)); err != nil {
		ginkgo.Fail(c.failure("sending raw bytes", err), 1)
	}
	if verb != "" {
		v, arg, _ := strings.Cut(verb, " ")
		c.pending = append(c.pending, &pending{line: printable(string(b)), verb: strings.ToUpper(v), arg: arg})
	}
}

func (c *Conn) write(b []byte, shown string) error {
	if c.closed {
		return errors.New("the control connection is already closed")
	}
	c.rec.add(c.id, Sent, strings.TrimSuffix(shown, "\r\n"))
	c.nc.SetWriteDeadline(time.Now().Add(c.budget()))
	if _, err := c.nc.Write(b); err != nil {
		c.rec.note(c.id, "write failed: %v", cleanNetErr(err))
		return cleanNetErr(err)
	}
	return nil
}

// ReadReply reads the next reply within the deadline, records it and checks the general rules.
func (c *Conn) ReadReply() (Reply, error) {
	if c.closed {
		return Reply{}, errors.New("the control connection is already closed")
	}
	timeout := c.budget()
	c.nc.SetReadDeadline(time.Now().Add(timeout))
	r, err := c.rr.read()
	for _, l := range r.Lines {
		c.rec.add(c.id, Received, l)
	}
	if err != nil {
		if len(r.Lines) == 0 && len(r.Raw) > 0 {
			c.rec.add(c.id, Received, string(r.Raw))
		}
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded) && len(r.Raw) > 0:
			err = fmt.Errorf("no complete reply within %v; received only %q", timeout.Round(time.Millisecond), printable(string(r.Raw)))
		case errors.Is(err, os.ErrDeadlineExceeded):
			err = fmt.Errorf("no reply within %v", timeout.Round(time.Millisecond))
		case errors.Is(err, io.EOF):
			err = ErrClosedByServer
		default:
			var op *net.OpError
			if errors.As(err, &op) && errors.Is(err, op) {
				err = cleanNetErr(err)
			}
		}
		c.rec.note(c.id, "%v", err)
		// A broken or silent reply leaves the stream in an unknown state: nothing more can be
		// read from it reliably.
		c.Close()
		return r, err
	}
	p := c.attribute(&r)
	checkReply(c, p, r)
	if c.scenario != nil && !c.housekeeping && p != nil && c.scenario.Spec.Feature != "" {
		c.scenario.watchFeature(p, r)
	}
	return r, nil
}

// attribute ties a reply to the oldest command still waiting, and retires that command once its
// final (non-1yz) reply has come.
func (c *Conn) attribute(r *Reply) *pending {
	if len(c.pending) == 0 {
		r.Command = ""
		c.rec.step(c.id, "<unsolicited>", r.Code, false)
		return nil
	}
	i := c.answering(r.Code)
	p := c.pending[i]
	r.Command = p.line
	c.rec.step(c.id, p.verb, r.Code, p.replies > 0)
	p.replies++
	if r.Class() != 1 {
		c.pending = append(c.pending[:i], c.pending[i+1:]...)
		switch {
		case p.verb == "PASS" || p.verb == "ACCT":
			c.loggedIn = r.Code == 230 || r.Code == 202 && p.verb == "PASS"
		case p.verb == "REIN" && r.Code == 220:
			c.loggedIn, c.cwd = false, ""
			c.afterREIN() // RFC 4217 §13 (tls.go)
		case p.verb == "CCC" && r.Code == 200:
			c.endTLS("CCC", "4217:5") // tls.go
		case (p.verb == "CWD" || p.verb == "XCWD") && r.Class() == 2:
			c.cwd = resolvePath(c.cwd, p.arg)
		case p.verb == "PROT" && r.Code == 200:
			c.protectData = strings.EqualFold(strings.TrimSpace(p.arg), "P")
		case (p.verb == "CDUP" || p.verb == "XCUP") && r.Class() == 2 && c.cwd != "":
			c.cwd = path.Dir(c.cwd)
		}
	}
	return p
}

// answering picks the pending command a reply belongs to: the oldest, except while a transfer is
// in progress (its 1yz has come) and a command sent during it (QUIT, STAT, ABOR…) is answered
// first with a code that only that command's rows allow.
func (c *Conn) answering(code int) int {
	oldest := c.pending[0]
	if len(c.pending) == 1 || oldest.replies == 0 || rfc.Allows(oldest.verb+" "+oldest.arg, code, nil) {
		return 0
	}
	for i, q := range c.pending[1:] {
		if rfc.Allows(q.verb+" "+q.arg, code, nil) {
			return i + 1
		}
	}
	return 0
}

// SendPipelined writes several command lines in one write, as a client that does not wait for
// each reply would (RFC 959 §4.2 asks servers to queue them). Each reply is then read in turn.
func (c *Conn) SendPipelined(lines ...string) {
	var b strings.Builder
	var ps []*pending
	for _, line := range lines {
		if strings.ContainsAny(line, "\r\n") {
			ginkgo.Fail(fmt.Sprintf("command %q contains CR or LF", printable(line)), 1)
		}
		verb, arg, _ := strings.Cut(line, " ")
		p := &pending{line: maskSecret(line), verb: strings.ToUpper(verb), arg: arg}
		if err := c.guard(p.verb, arg); err != nil {
			ginkgo.Fail(c.failure("sending "+p.line, err), 1)
		}
		ps = append(ps, p)
		b.WriteString(line + "\r\n")
	}
	for _, p := range ps[:len(ps)-1] {
		c.rec.add(c.id, Sent, p.line)
	}
	if err := c.write([]byte(b.String()), ps[len(ps)-1].line); err != nil {
		ginkgo.Fail(c.failure("sending pipelined commands", err), 1)
	}
	c.pending = append(c.pending, ps...)
}

// ReadReplyWithin is ReadReply with a longer wait than one reply timeout, for replies that come
// late on purpose (an idle timeout's 421). The scenario's own deadline still applies.
func (c *Conn) ReadReplyWithin(d time.Duration) (Reply, error) {
	saved := c.timeout
	c.timeout = d
	defer func() { c.timeout = saved }()
	return c.ReadReply()
}

// Reply reads the next reply; it fails the scenario if none comes.
func (c *Conn) Reply() Reply {
	r, err := c.ReadReply()
	if err != nil {
		ginkgo.Fail(c.failure("waiting for a reply", err), 1)
	}
	return r
}

// Cmd sends a command and returns its first reply (a 1yz, if the server sends one, is returned
// as it is: read the next with Reply).
func (c *Conn) Cmd(format string, args ...any) Reply {
	line := fmt.Sprintf(format, args...)
	if err := c.WriteLine(line); err != nil {
		ginkgo.Fail(c.failure("sending "+maskSecret(line), err), 1)
	}
	r, err := c.ReadReply()
	if err != nil {
		ginkgo.Fail(c.failure("waiting for the reply to "+maskSecret(line), err), 1)
	}
	return r
}

// TryCmd is Cmd for scenarios that expect the connection may end: it returns the error.
func (c *Conn) TryCmd(format string, args ...any) (Reply, error) {
	if err := c.WriteLine(fmt.Sprintf(format, args...)); err != nil {
		return Reply{}, err
	}
	return c.ReadReply()
}

// WaitClosed waits, within the reply timeout, for the server to close the connection. It returns
// nil once the server has closed it, or an error saying what came instead.
func (c *Conn) WaitClosed() error {
	if c.closed {
		return nil
	}
	r, err := c.ReadReply()
	if err == nil {
		return fmt.Errorf("the server sent %s instead of closing the connection", r)
	}
	if errors.Is(err, ErrClosedByServer) || isReset(err) {
		return nil
	}
	return err
}

// quit ends a housekeeping session politely, ignoring what the server says.
func (c *Conn) quit() {
	if !c.closed {
		c.TryCmd("QUIT")
		c.Close()
	}
}

// LoggedIn reports whether the last login exchange on this connection completed (230).
func (c *Conn) LoggedIn() bool { return c.loggedIn }

// Close drops the connection without QUIT.
func (c *Conn) Close() {
	if c.closed {
		return
	}
	c.closed = true
	c.nc.Close()
	c.slot.release()
	c.rec.note(c.id, "connection closed by the client")
}

// Discard closes a connection the scenario gave up on before it checked anything with it (the
// default data port was taken, say, and it tries again on a new one). Its steps become the
// harness's own, like a probe's: how many attempts a run needed is no part of what the server
// replied, so baselines do not see them.
func (c *Conn) Discard() {
	c.rec.housekeeping(c.id)
	c.rec.note(c.id, "connection discarded by the harness: the scenario tries again")
	c.Close()
}

// Closed reports whether the connection is closed (by either side, as far as the client knows).
func (c *Conn) Closed() bool { return c.closed }

// failure words a transport failure for a scenario's failure message.
func (c *Conn) failure(doing string, err error) string {
	return withRequirement(fmt.Sprintf("connection #%d to %s: %s: %v\n(RFC 959 §4.2: \"every command must generate at least one reply\")", c.id, c.target.Addr(), doing, err))
}

// resolvePath applies a CWD argument to the known current directory; "" means unknown.
func resolvePath(cwd, arg string) string {
	arg = strings.TrimSpace(arg)
	switch {
	case strings.HasPrefix(arg, "/"):
		return path.Clean(arg)
	case cwd == "":
		return ""
	default:
		return path.Join(cwd, arg)
	}
}

// maskSecret hides the argument of PASS and ACCT in transcripts and messages.
func maskSecret(line string) string {
	verb, _, found := strings.Cut(line, " ")
	if found && (strings.EqualFold(verb, "PASS") || strings.EqualFold(verb, "ACCT")) {
		return verb + " ****"
	}
	return line
}

// cleanNetErr drops the "read tcp 127.0.0.1:5->127.0.0.1:6:" noise from net errors.
func cleanNetErr(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		var sys *os.SyscallError
		if errors.As(op.Err, &sys) {
			return sys.Err
		}
		return op.Err
	}
	return err
}

func isReset(err error) bool {
	s := err.Error()
	return strings.Contains(s, "connection reset") || strings.Contains(s, "broken pipe")
}
