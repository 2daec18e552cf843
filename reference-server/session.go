package refserver

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

// session is one control connection. Its goroutine reads and dispatches commands; a transfer
// runs in a goroutine of its own, so that ABOR and STAT are read while it runs.
type session struct {
	srv  *Server
	id   uint64
	conn net.Conn
	r    *cmdReader
	log  *slog.Logger
	wmu  sync.Mutex // one reply at a time

	// Command sequencing; owned by the session goroutine.
	current  string // the command being handled, for logs and faults
	lastCode int    // the last code answered to it
	prevOK   string // the previous command, when its reply was positive (2yz, 3yz)
	quit     bool   // close after this command

	// Login state (RFC 959 §4.1.1).
	pendingUser string // name given to USER, waiting for PASS
	user        *User  // password accepted
	needAcct    bool   // PASS answered 332: ACCT completes the login
	loggedIn    bool
	acctGiven   bool // ACCT accepted: stores allowed for AccountStore users
	failures    int

	// File system state.
	fs         *os.Root // the mounted file system: the user's home or an SMNT mount
	fsHome     bool     // fs is the home, under the server's Root (policies apply)
	home       string   // the home, relative to Root: "/", "/homes/q"
	mount      string   // the SMNT name when fs is a mount
	cwd        string   // virtual working directory, always absolute and clean
	renameFrom string   // virtual path accepted by RNFR

	// Transfer parameters (RFC 959 §3).
	params  xferParams
	rest    *int64 // REST offset waiting for the next command
	restArg *int64 // REST offset for the command being handled

	// Data connection (RFC 959 §3.2); guarded by mu because a finished transfer hands a
	// kept-open connection back.
	mu      sync.Mutex
	data    dataSetup
	epsvAll bool // EPSV ALL: other data connection commands refused (RFC 2428 §3)

	xfer *transfer     // the transfer in progress, if any
	idle time.Duration // idle timeout; 0: none

	tls tlsState // FTP over TLS (tls.go)
	ext extState // what HOST and OPTS MLST chose (feat.go)
}

func newSession(srv *Server, conn net.Conn, id uint64) *session {
	s := &session{
		srv:    srv,
		id:     id,
		conn:   conn,
		r:      newCmdReader(conn),
		params: defaultParams,
		idle:   srv.cfg.IdleTimeout.D(),
	}
	s.log = srv.log.With("session", id, "remote", conn.RemoteAddr().String())
	return s
}

// errStopping ends the read loop when the server shuts down.
var errStopping = errors.New("server shutting down")

func (s *session) run() {
	defer s.cleanup()
	if !s.beginImplicitTLS() {
		return
	}
	setOOBInline(s.conn, s.log)
	s.log.Info("connected")
	if !s.greet() {
		s.closeForShutdown()
		return
	}
	for {
		line, err := s.readCommand()
		if err != nil {
			if s.readFailed(err) {
				continue
			}
			return
		}
		s.dispatch(line)
		if s.quit {
			return
		}
	}
}

// greet sends 220, after 120 and the start delay when one is configured. It returns false
// when the server shuts down meanwhile.
func (s *session) greet() bool {
	if !s.startDelay(greeting) {
		return false
	}
	banner := s.srv.cfg.Banner
	if banner == "" {
		banner = "ftpconform reference server ready."
	}
	s.writeReply(greeting, codeReady, strings.Split(banner, "\n")...)
	return true
}

// The replies that answer no command answer these, in logs and for faults: the greeting (and
// the refusal of a connection beyond the limit), the idle timeout's 421, the shutdown's 421.
const (
	greeting     = "<connect>"
	idleTimeout  = "<idle>"
	shuttingDown = "<shutdown>"
)

// startDelay sends "120 Service ready in nnn minutes" and waits the configured start delay,
// when there is one, before the 220 of the greeting or of REIN, which returns a session to the
// state of a new connection (RFC 959 §4.1.1). cmd is what the replies answer. It returns false
// when the server shuts down meanwhile.
func (s *session) startDelay(cmd string) bool {
	d := s.srv.cfg.StartDelay.D()
	if d <= 0 {
		return true
	}
	minutes := int(math.Ceil(d.Minutes()))
	s.writeReply(cmd, codeServiceReadyIn, fmt.Sprintf("Service ready in %d minutes (starting up, %s left).", minutes, d))
	if cmd == greeting && s.srv.faults.has(faultGreeting120Twice) {
		s.writeReply(cmd, codeServiceReadyIn, fmt.Sprintf("Service ready in %d minutes.", minutes))
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.srv.stopping:
		return false
	}
}

// readCommand waits for the next command line, within the idle timeout.
func (s *session) readCommand() (string, error) {
	var deadline time.Time
	if s.idle > 0 && !s.srv.faults.has(faultIdleTimeoutOff) {
		deadline = time.Now().Add(s.idle)
	}
	_ = s.conn.SetReadDeadline(deadline)
	// Shutdown sets a deadline in the past after marking the server stopping; checking after
	// setting ours means one of the two always wins.
	if s.srv.isStopping() {
		return "", errStopping
	}
	line, err := s.r.readLine()
	if err == nil && s.srv.faults.has(faultPipelineDropped) {
		_, _ = s.r.br.Discard(s.r.br.Buffered())
	}
	return line, err
}

// wake interrupts a blocked read, so that the session notices a shutdown.
func (s *session) wake() { _ = s.conn.SetReadDeadline(time.Now()) }

// readFailed handles an error from readCommand; it returns true to keep reading.
func (s *session) readFailed(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, errLineTooLong):
		s.current = ""
		s.reply(codeUnknownCommand, "Command line too long (more than %d bytes).", maxCommandLine)
		if s.srv.faults.has(faultLongLineTwice) {
			s.reply(codeUnknownCommand, "Command not understood.")
		}
		s.prevOK = ""
		return true
	case errors.Is(err, errStopping), s.srv.isStopping():
		s.closeForShutdown()
		return false
	case errors.As(err, &ne) && ne.Timeout():
		if s.transferActive() {
			return true // the control connection is quiet while data flows
		}
		s.writeReply(idleTimeout, codeNotAvailable, fmt.Sprintf("Idle timeout (%s): closing control connection.", s.idle))
		s.log.Info("idle timeout", "after", s.idle.String())
		s.quit = true // close gracefully, so that the 421 is read
		return false
	case errors.Is(err, io.EOF):
		s.log.Info("client closed the control connection")
	default:
		s.log.Info("control connection failed", "err", err)
	}
	s.abortTransfer()
	return false
}

// closeForShutdown lets a transfer finish while the server allows it, then says 421.
func (s *session) closeForShutdown() {
	s.waitTransfer()
	s.writeReply(shuttingDown, codeNotAvailable, "Server shutting down, closing control connection.")
	s.quit = true // close gracefully, so that the 421 is read
}

// dispatch runs one command line through the command table.
func (s *session) dispatch(line string) {
	name, arg, _ := strings.Cut(line, " ")
	upper := strings.ToUpper(name)
	if s.srv.faults.has(faultCaseSensitive) {
		upper = name
	}
	s.logCommand(upper, arg)
	c := s.srv.table[upper]
	if c == nil {
		s.current = upper
		s.reply(codeUnknownCommand, "%s: command not understood.", sanitizeName(name))
		s.prevOK, s.rest, s.renameFrom = "", nil, ""
		return
	}
	if !c.concurrent {
		s.waitTransfer() // RFC 959 §4.1.1: QUIT and REIN too close only after the transfer's reply
	}
	s.current, s.lastCode = upper, 0
	s.restArg = nil
	switch {
	case c.usesRest:
		s.restArg, s.rest = s.rest, nil
	case !c.keepsRest:
		s.rest = nil
	}
	if s.precheck(c, arg) {
		c.handler(s, arg)
	}
	if upper != "RNFR" {
		s.renameFrom = ""
	}
	if s.lastCode >= 200 && s.lastCode < 400 {
		s.prevOK = upper
	} else {
		s.prevOK = ""
	}
}

// logCommand writes the command to the log, never a password or an account.
func (s *session) logCommand(name, arg string) {
	if (name == "PASS" || name == "ACCT") && arg != "" {
		arg = "****"
	}
	s.log.Info("command", "cmd", name, "arg", arg)
}

// sanitizeName keeps a name the client sent (a command, an argument) printable and short in
// the reply.
func sanitizeName(n string) string {
	if len(n) > 32 {
		n = n[:32] + "..."
	}
	return printableName(n)
}

// printableName keeps a name readable in reply text: control characters become "?".
func printableName(n string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, n)
}

// transferActive reports whether a transfer is still running, and forgets a finished one.
// A transfer whose final reply is being written counts as finished once that reply is out,
// so that a reply to the caller's command always comes after it.
func (s *session) transferActive() bool {
	if s.xfer == nil {
		return false
	}
	if s.xfer.finished.Load() {
		<-s.xfer.done
		s.xfer = nil
		return false
	}
	return true
}

// abortTransfer aborts the transfer in progress, if any, and waits for its final reply (426).
func (s *session) abortTransfer() {
	if s.transferActive() {
		s.xfer.abort()
		<-s.xfer.done
		s.xfer = nil
	}
}

// waitTransfer waits until the transfer in progress has sent its final reply.
func (s *session) waitTransfer() {
	if s.xfer == nil {
		return
	}
	select {
	case <-s.xfer.done:
	case <-s.srv.hardStop:
		s.xfer.abort()
		<-s.xfer.done
	}
	s.xfer = nil
}

// cleanup releases everything the session holds.
func (s *session) cleanup() {
	s.abortTransfer()
	s.mu.Lock()
	s.data.close()
	s.mu.Unlock()
	s.setFS(nil, false, "")
	if s.quit {
		// After 221 or 421: the client may still be sending; closing with unread input would
		// reset the connection and could destroy the reply.
		closeGracefully(s.conn)
	} else {
		s.conn.Close()
	}
	s.log.Info("disconnected")
}

// setFS switches the mounted file system, closing the previous one.
func (s *session) setFS(fs *os.Root, home bool, mount string) {
	if s.fs != nil {
		s.fs.Close()
	}
	s.fs, s.fsHome, s.mount, s.cwd = fs, home, mount, "/"
}
