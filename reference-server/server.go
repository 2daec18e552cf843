// Package refserver is ftpconform's reference FTP server: RFC 959 in full, with RFC 1123 §4.1's
// corrections and the extensions the suite checks, every reply code of the seed table reachable
// through configuration, and a fault layer that breaks chosen rules on purpose.
//
// It shares no code with the harness, so that the suite judges it independently.
package refserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Server is one FTP server: a listener, its sessions and its file tree.
type Server struct {
	cfg      Config
	log      *slog.Logger
	table    commands
	faults   faultSet
	users    map[string]*User
	rootDir  string
	root     *os.Root
	mounts   map[string]string // SMNT name → absolute host directory
	pasvLo   int
	pasvHi   int
	policy   policy
	busy     busyFiles
	nextPasv atomic.Int64
	tlsConf  *tls.Config // certificate and versions; each session clones it (tls.go)

	mu         sync.Mutex
	ln         net.Listener
	implicitLn net.Listener // implicit TLS (Config.ImplicitListen); nil when none
	sessions   map[*session]struct{}
	nextID     uint64
	serving    bool

	stopping  chan struct{} // closed when Shutdown starts
	hardStop  chan struct{} // closed when Shutdown's context ends: abort what is left
	stopOnce  sync.Once
	hardOnce  sync.Once
	wg        sync.WaitGroup
	serveDone chan struct{}
}

// New checks the configuration and prepares a server. It opens Root, creates missing user
// homes and reads the users file; nothing listens until Listen or Serve.
func New(cfg Config, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	faults, err := newFaultSet(cfg.Faults)
	if err != nil {
		return nil, err
	}
	if cfg.UsersFile != "" {
		more, err := LoadUsers(cfg.UsersFile)
		if err != nil {
			return nil, fmt.Errorf("users_file: %v", err)
		}
		cfg.Users = append(cfg.Users, more...)
		if err := cfg.check(); err != nil {
			return nil, err
		}
	}
	rootDir, err := filepath.Abs(cfg.Root)
	if err != nil {
		return nil, fmt.Errorf("root: %v", err)
	}
	if fi, err := os.Stat(rootDir); err != nil {
		return nil, fmt.Errorf("root: %v", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("root: %s is not a directory", rootDir)
	}
	root, err := os.OpenRoot(rootDir)
	if err != nil {
		return nil, fmt.Errorf("root: %v", err)
	}
	s := &Server{
		cfg:       cfg,
		log:       log,
		faults:    faults,
		users:     map[string]*User{},
		rootDir:   rootDir,
		root:      root,
		mounts:    map[string]string{},
		sessions:  map[*session]struct{}{},
		stopping:  make(chan struct{}),
		hardStop:  make(chan struct{}),
		serveDone: make(chan struct{}),
		policy:    newPolicy(&cfg),
	}
	s.pasvLo, s.pasvHi, _ = parsePortRange(cfg.PassivePorts)
	s.table = buildCommands()
	if len(cfg.Mounts) == 0 {
		// Without file systems to mount SMNT is not implemented at this site: 502 to every
		// form of it (RFC 959 §4.2's general rules), and HELP says so.
		s.table["SMNT"].handler = nil
	}
	for _, f := range faults.tableHooks {
		f(s.table)
	}
	for _, step := range []func() error{s.addUsers, s.resolveMounts, s.setupTLS} {
		if err := step(); err != nil {
			root.Close()
			return nil, err
		}
	}
	return s, nil
}

// addUsers indexes the users by name and makes their homes under Root.
func (s *Server) addUsers() error {
	for i := range s.cfg.Users {
		u := s.cfg.Users[i]
		if u.Home != "/" {
			if err := s.root.MkdirAll(rel(u.Home), 0o755); err != nil {
				return fmt.Errorf("user %q: home %s: %v", u.Name, u.Home, err)
			}
		}
		s.users[u.Name] = &u
	}
	return nil
}

// resolveMounts makes the SMNT mounts absolute; each must be a directory.
func (s *Server) resolveMounts() error {
	for name, dir := range s.cfg.Mounts {
		abs, err := filepath.Abs(dir)
		if err == nil {
			var fi os.FileInfo
			if fi, err = os.Stat(abs); err == nil && !fi.IsDir() {
				err = errors.New("not a directory")
			}
		}
		if err != nil {
			return fmt.Errorf("mounts: %q: %v", name, err)
		}
		s.mounts[name] = abs
	}
	return nil
}

// Listen binds the configured address, so that Addr is known before Serve.
func (s *Server) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isStopping() {
		return errors.New("server is shut down")
	}
	if s.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return err
	}
	if s.cfg.ImplicitListen != "" {
		iln, err := net.Listen("tcp", s.cfg.ImplicitListen)
		if err != nil {
			ln.Close()
			return fmt.Errorf("implicit_listen: %w", err)
		}
		s.implicitLn = iln
	}
	s.ln = ln
	return nil
}

// ImplicitAddr is the address of the implicit TLS listener; nil when there is none.
func (s *Server) ImplicitAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.implicitLn == nil {
		return nil
	}
	return s.implicitLn.Addr()
}

// Addr is the address the server listens on; nil before Listen.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Serve accepts connections until Shutdown, one goroutine per session. It listens first if
// Listen was not called. It returns nil after Shutdown.
func (s *Server) Serve() error {
	if err := s.Listen(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.serving {
		s.mu.Unlock()
		return errors.New("server is already serving")
	}
	s.serving = true
	ln, iln := s.ln, s.implicitLn
	s.mu.Unlock()
	defer close(s.serveDone)
	s.log.Info("listening", "addr", ln.Addr().String(), "root", s.rootDir)
	if iln == nil {
		return s.acceptLoop(ln, nil)
	}
	s.log.Info("listening for implicit TLS", "addr", iln.Addr().String())
	implicitDone := make(chan error, 1)
	go func() { implicitDone <- s.acceptLoop(iln, s.wrapImplicit) }()
	err := s.acceptLoop(ln, nil)
	if err != nil {
		iln.Close()
	}
	if ierr := <-implicitDone; err == nil {
		err = ierr
	}
	return err
}

// acceptLoop accepts connections on ln until Shutdown; wrap, when set, wraps each one first
// (implicit TLS).
func (s *Server) acceptLoop(ln net.Listener, wrap func(net.Conn) net.Conn) error {
	var delay time.Duration
	for {
		conn, err := ln.Accept()
		if err != nil {
			select {
			case <-s.stopping:
				return nil
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscall.EMFILE) {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		if wrap != nil {
			conn = wrap(conn)
		}
		s.accept(conn)
	}
}

// accept starts a session for conn, or refuses it when the server is full.
func (s *Server) accept(conn net.Conn) {
	s.mu.Lock()
	select {
	case <-s.stopping:
		s.mu.Unlock()
		conn.Close()
		return
	default:
	}
	if s.cfg.MaxConnections > 0 && len(s.sessions) >= s.cfg.MaxConnections {
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.log.Info("connection refused: limit reached", "remote", conn.RemoteAddr().String(), "limit", s.cfg.MaxConnections)
			_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
			r := newReply(codeNotAvailable, []string{fmt.Sprintf("Too many connections (limit %d), try again later.", s.cfg.MaxConnections)})
			s.faults.rewrite(greeting, &r)
			_, _ = conn.Write(r.format())
			closeGracefully(conn)
		}()
		return
	}
	s.nextID++
	sess := newSession(s, conn, s.nextID)
	s.sessions[sess] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		sess.run()
		s.mu.Lock()
		delete(s.sessions, sess)
		s.mu.Unlock()
	}()
}

// Shutdown stops accepting, lets transfers in flight finish while ctx allows and aborts the rest
// (426), then sends 421 to every client and closes its connection. It returns ctx's error when
// it had to abort transfers.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stopOnce.Do(func() {
		close(s.stopping)
		s.mu.Lock()
		if s.ln != nil {
			s.ln.Close()
		}
		if s.implicitLn != nil {
			s.implicitLn.Close()
		}
		s.mu.Unlock()
	})
	s.mu.Lock()
	for sess := range s.sessions {
		sess.wake()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
		s.hardOnce.Do(func() { close(s.hardStop) })
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			// A client that reads nothing cannot hold the server: cut it off.
			s.mu.Lock()
			for sess := range s.sessions {
				sess.conn.Close()
			}
			s.mu.Unlock()
			<-done
		}
	}
	s.mu.Lock()
	serving := s.serving
	s.mu.Unlock()
	if serving {
		<-s.serveDone
	}
	s.root.Close()
	return err
}

func (s *Server) isStopping() bool {
	select {
	case <-s.stopping:
		return true
	default:
		return false
	}
}

// lingerTime bounds how long a closing connection waits for the client to close its side.
const lingerTime = 500 * time.Millisecond

// closeGracefully closes a TCP connection after the peer has had the chance to read what was
// written: a close with unread input would reset the connection and could destroy the reply.
// A TLS connection's CloseWrite sends close_notify.
func closeGracefully(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
		_ = c.SetReadDeadline(time.Now().Add(lingerTime))
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				break
			}
		}
	}
	c.Close()
}
