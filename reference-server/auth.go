package refserver

import (
	"crypto/subtle"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// checkPassword compares a password with a user's, plain or bcrypt, in constant time.
func (u *User) checkPassword(given string) bool {
	if u.Anonymous {
		return true
	}
	if isBcrypt(u.Password) {
		return bcrypt.CompareHashAndPassword([]byte(u.Password), []byte(given)) == nil
	}
	return subtle.ConstantTimeCompare([]byte(u.Password), []byte(given)) == 1
}

// checkAccount compares an account with a user's, in constant time.
func (u *User) checkAccount(given string) bool {
	return subtle.ConstantTimeCompare([]byte(u.Account), []byte(given)) == 1
}

func isBcrypt(p string) bool {
	return strings.HasPrefix(p, "$2a$") || strings.HasPrefix(p, "$2b$") || strings.HasPrefix(p, "$2y$")
}

// USER (RFC 959 §4.1.1) starts a login; it may be sent again to change user. An unknown name
// gets 331 too, so that a client cannot find out which names exist (RFC 2577 §7).
func cmdUSER(s *session, arg string) {
	s.logout()
	s.pendingUser = arg
	if u := s.srv.users[arg]; u != nil && u.Anonymous {
		s.reply(codeNeedPassword, "Anonymous login okay, send your e-mail address as password.")
		return
	}
	s.reply(codeNeedPassword, "Password required for %s.", sanitizeName(arg))
}

// PASS (RFC 959 §4.1.1) must follow USER (the table's sequence rule gives 503 otherwise).
func cmdPASS(s *session, arg string) {
	u := s.srv.users[s.pendingUser]
	s.pendingUser = ""
	if u == nil || !u.checkPassword(arg) {
		s.loginFailed("Login incorrect.")
		return
	}
	s.user = u
	if u.AccountLogin {
		s.needAcct = true
		s.reply(codeNeedAccount, "Need account for login: send ACCT.")
		return
	}
	s.completeLogin()
}

// ACCT (RFC 959 §4.1.1) completes a login that needs an account, or allows stores for a user
// who needs one for them. Elsewhere it is superfluous (202).
func cmdACCT(s *session, arg string) {
	switch {
	case s.user == nil:
		s.reply(codeBadSequence, "Log in with USER and PASS first.")
	case s.needAcct:
		if !s.user.checkAccount(arg) {
			s.needAcct, s.user = false, nil
			s.loginFailed("Account incorrect.")
			return
		}
		s.needAcct, s.acctGiven = false, true
		s.completeLogin()
	case s.user.AccountStore && !s.acctGiven:
		if !s.user.checkAccount(arg) {
			s.loginFailed("Account incorrect.")
			return
		}
		s.acctGiven = true
		s.reply(codeLoggedIn, "Account accepted: storing allowed.")
	default:
		s.reply(codeSuperfluous, "No account needed.")
	}
}

// loginFailed answers 530 after the configured delay, and closes the connection with 421 after
// too many failures.
func (s *session) loginFailed(msg string) {
	s.failures++
	if d := s.srv.cfg.LoginFailDelay.D(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-s.srv.stopping:
			t.Stop()
		}
	}
	if limit := s.srv.cfg.MaxLoginFailures; limit > 0 && s.failures >= limit {
		s.reply(codeNotAvailable, "Too many failed logins, closing control connection.")
		s.quit = true
		return
	}
	s.reply(codeNotLoggedIn, "%s", msg)
}

// completeLogin opens the user's home and answers 230.
func (s *session) completeLogin() {
	u := s.user
	home := s.hostHome(u.Home) // under the virtual host HOST chose (host.go)
	fs, err := s.srv.root.OpenRoot(rel(home))
	if err != nil {
		s.log.Warn("cannot open home", "user", u.Name, "home", u.Home, "err", err)
		s.user = nil
		s.reply(codeNotLoggedIn, "Cannot open your home directory.")
		return
	}
	s.loggedIn, s.home = true, home
	s.setFS(fs, true, "")
	s.log.Info("logged in", "user", u.Name)
	if u.Anonymous {
		s.reply(codeLoggedIn, "Anonymous user logged in, read-only access.")
		return
	}
	s.reply(codeLoggedIn, "User %s logged in.", u.Name)
}

// logout forgets the login and everything that came with it.
func (s *session) logout() {
	s.pendingUser, s.user, s.needAcct, s.loggedIn, s.acctGiven = "", nil, false, false, false
	s.setFS(nil, false, "")
	s.home, s.renameFrom = "", ""
}

// REIN (RFC 959 §4.1.1) flushes the login and the transfer parameters; a transfer in
// progress has already finished (dispatch waits for it), as the RFC asks. The session is then
// as a new connection is: with a start delay configured, 120 comes first (§5.4: "REIN 120 220").
func cmdREIN(s *session, _ string) {
	s.reinitialize()
	s.ext = extState{} // RFC 7151 §3.2.1: REIN resets HOST; OPTS MLST too (feat.go)
	s.idle = s.srv.cfg.IdleTimeout.D()
	if !s.startDelay(s.current) {
		s.closeForShutdown()
		return
	}
	s.reply(codeReady, "Service ready for new user.")
	s.tlsAfterREIN() // RFC 4217 §13: the 220 went out protected; now TLS ends (tls_control.go)
}

// reinitialize flushes the login and the transfer parameters: for REIN, and for AUTH, after
// which RFC 4217 §4.2 resets them "almost as if a REIN command was issued".
func (s *session) reinitialize() {
	s.logout()
	s.params = defaultParams
	s.rest = nil
	s.mu.Lock()
	s.data.close()
	s.epsvAll = false
	s.mu.Unlock()
}

// QUIT (RFC 959 §4.1.1): 221, then close, after the reply of a transfer in progress.
func cmdQUIT(s *session, _ string) {
	s.reply(codeClosing, "Goodbye.")
	s.quit = true
}
