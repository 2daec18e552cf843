package refserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"time"
)

// transfer is a data transfer in progress. Its goroutine sends the final reply; the session
// goroutine keeps reading commands meanwhile (ABOR, STAT).
type transfer struct {
	s        *session
	cmd      string
	path     string // virtual path, for STAT
	params   xferParams
	ctx      context.Context
	cancel   context.CancelFunc
	done     chan struct{} // closed after the final reply
	finished atomic.Bool   // the final reply is decided (and being written)
	aborted  atomic.Bool
	bytes    atomic.Int64 // file bytes moved so far
	size     int64        // file bytes expected; -1 when unknown
	started  time.Time
	kept     bool // the data connection stays open afterwards
}

// abort stops the transfer: its data connection is closed and it answers 426.
func (x *transfer) abort() {
	x.aborted.Store(true)
	x.cancel()
}

// reply sends one of the transfer's replies through the session's reply writer.
func (x *transfer) reply(code int, format string, args ...any) {
	x.s.writeReply(x.cmd, code, fmt.Sprintf(format, args...))
}

// localError marks an error of the server's own file system (451), as opposed to the data
// connection's (426).
type localError struct{ err error }

func (e localError) Error() string { return e.err.Error() }
func (e localError) Unwrap() error { return e.err }

// Errors that end an upload with their own reply.
var (
	errQuota   = errors.New("quota exceeded")           // 552
	errNoSpace = errors.New("storage budget exhausted") // 452
	errIOFault = errors.New("input/output error")       // 451, from IOErrorPaths
)

// outcome maps how a transfer ended to its final reply (RFC 959 §5.4).
func (x *transfer) outcome(err error, okText string) (int, string) {
	switch {
	case x.aborted.Load():
		return codeTransferAborted, "Connection closed; transfer aborted."
	case err == nil && x.kept:
		return codeFileActionOK, okText + " Data connection kept open."
	case err == nil:
		return codeClosingData, okText
	case errors.Is(err, errQuota):
		return codeExceededStorage, "Exceeded storage allocation (quota): transfer aborted, the bytes received so far are kept."
	case errors.Is(err, errNoSpace):
		return codeNoSpace, "Insufficient storage space: transfer aborted, the bytes received so far are kept."
	case errors.Is(err, errPageType):
		return codePageTypeUnknown, "Page type unknown: transfer aborted."
	case errors.Is(err, errIOFault):
		return codeLocalError, "Local error in processing: input/output error."
	case errors.As(err, new(localError)):
		x.s.log.Warn("transfer failed", "cmd", x.cmd, "path", x.path, "err", err)
		return codeLocalError, "Local error in processing: " + describe(err) + "."
	default:
		return codeTransferAborted, "Data connection failed: " + netErrText(err) + "; transfer aborted."
	}
}

func netErrText(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, errTruncated), errors.Is(err, errFraming):
		return err.Error()
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	default:
		return "connection lost"
	}
}

// startTransfer announces a transfer (125 when the data connection is already open, 150
// otherwise) and runs it in a goroutine of its own, which sends the final reply. move moves the
// data; it returns the error that decides that reply.
func (s *session) startTransfer(v string, size int64, announce string, okText func() string, move func(x *transfer, conn io.ReadWriter) error) (started bool) {
	if s.dataProtectionRefused() {
		return false // 521 (tls_data.go)
	}
	prot := s.dataTLS()
	s.mu.Lock()
	setup := s.data.take()
	s.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	x := &transfer{s: s, cmd: s.current, path: v, params: s.params, ctx: ctx, cancel: cancel,
		done: make(chan struct{}), size: size, started: time.Now()}
	var conn net.Conn
	if setup.conn != nil || (setup.ln != nil && s.srv.cfg.PassiveReply125) {
		c, err := s.openData(ctx, setup)
		if err != nil {
			cancel()
			s.reply(codeCantOpenData, "Can't open data connection: %s.", netErrText(err))
			return false
		}
		conn = c
		if strings.HasPrefix(announce, "FILE: ") {
			s.reply(codeAlreadyOpen, "%s", announce) // RFC 1123 §4.1.2.9: exactly "125 FILE: pppp"
		} else {
			s.reply(codeAlreadyOpen, "Data connection already open; transfer starting. %s", announce)
		}
	} else {
		s.reply(codeFileStatusOK, "%s", announce)
	}
	s.xfer = x
	go x.run(conn, setup, prot, move, okText)
	return true
}

// run opens the data connection when it is not open yet (conn nil), protects it (prot, nil for
// PROT C), moves the data and sends the final reply.
func (x *transfer) run(conn net.Conn, setup dataSetup, prot *tls.Config, move func(x *transfer, conn io.ReadWriter) error, okText func() string) {
	defer close(x.done)
	defer x.cancel()
	s := x.s
	if conn == nil {
		c, err := s.openData(x.ctx, setup)
		if err != nil {
			x.finished.Store(true)
			if x.aborted.Load() {
				x.reply(codeTransferAborted, "Transfer aborted before the data connection opened.")
			} else {
				x.reply(codeCantOpenData, "Can't open data connection: %s.", netErrText(err))
			}
			return
		}
		conn = c
	}
	if !x.secureData(&conn, prot) {
		return // 522 (tls_data.go)
	}
	if s.srv.faults.has(faultAborDataOpen) {
		conn = &leftOpenOnAbort{Conn: conn, aborted: x.aborted.Load, linger: s.srv.cfg.DataTimeout.D()}
	}
	// A data fault acts on the data, inside TLS; a kept-open connection goes to the next
	// transfer without it.
	plain := conn
	if setup.wrap != nil {
		conn = setup.wrap(conn)
	}
	stop := context.AfterFunc(x.ctx, func() { plain.Close() })
	err := move(x, deadlineConn{Conn: conn, timeout: s.srv.cfg.DataTimeout.D()})
	interrupted := !stop() || err != nil || x.aborted.Load()
	x.kept = !interrupted && s.srv.cfg.KeepDataConnection && x.params.mode != modeStream && x.keepOpen(plain)
	if !x.kept {
		conn.Close()
	}
	code, text := x.outcome(err, okText())
	s.log.Info("transfer finished", "cmd", x.cmd, "path", x.path, "bytes", x.bytes.Load(), "code", code)
	x.finished.Store(true)
	x.reply(code, "%s", text)
}

// keepOpen hands the data connection back to the session after a block or compressed mode
// transfer (keep_data_connection), unless another data connection has been set up meanwhile.
func (x *transfer) keepOpen(c net.Conn) bool {
	s := x.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.data.empty() {
		return false
	}
	s.data.conn = c
	return true
}

// ABOR (RFC 959 §4.1.3): with a transfer in progress, 426 for the transfer then 226; without
// one, 226 (the data connection closed) or 225 (a kept-open block-mode connection stays).
func cmdABOR(s *session, _ string) {
	if s.transferActive() {
		s.abortTransfer()
		s.mu.Lock()
		s.data.close()
		s.mu.Unlock()
		s.reply(codeClosingData, "ABOR command successful.")
		return
	}
	s.mu.Lock()
	kept := s.data.conn != nil && s.data.ln == nil && s.data.addr == nil
	if !kept {
		s.data.close()
	}
	s.mu.Unlock()
	if kept {
		s.reply(codeDataOpen, "No transfer in progress; data connection open.")
		return
	}
	s.reply(codeClosingData, "No transfer in progress; ABOR command successful.")
}
