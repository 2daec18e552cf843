package refserver

import (
	"net"
	"path"
	"strings"
)

// RFC 7151: HOST names the virtual host a client wants, before it logs in. The virtual hosts are
// Config.VirtualHosts; each serves a directory under Root, in which the users' homes are taken.
// The server's own address literal names the default host, which serves Root itself.

// hostKind is what a HOST argument is, by the grammar of RFC 7151 §3.1.
type hostKind int

const (
	hostMalformed hostKind = iota // not a hostname; or a port was added (501)
	hostLiteral                   // IPv4address or "[" IPv6address "]"
	hostDomain                    // domain
)

// parseHostname reads a HOST argument: "ftp.example.com", "192.0.2.1", "[2001:db8::1]". The
// argument is taken as it is: "There MUST be only one <SP>" (RFC 2640 §3.1).
func parseHostname(arg string) (hostKind, net.IP) {
	if strings.HasPrefix(arg, "[") {
		inner, ok := strings.CutSuffix(arg[1:], "]")
		ip := net.ParseIP(inner)
		if !ok || ip == nil || !strings.Contains(inner, ":") {
			return hostMalformed, nil // "[…]:2112" ends up here too
		}
		return hostLiteral, ip
	}
	if ip := net.ParseIP(arg); ip != nil {
		if ip.To4() == nil || strings.Contains(arg, ":") {
			return hostMalformed, nil // an IPv6 literal must be in brackets
		}
		return hostLiteral, ip
	}
	if !validDomain(arg) {
		return hostMalformed, nil
	}
	return hostDomain, nil
}

// validDomain checks domain = sub-domain *("." sub-domain), sub-domain = let-dig [ldh-str],
// with the lengths of RFC 1034 §3.1 (labels of 63 octets, names of 253).
func validDomain(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i] | 0x20
			if !(c >= 'a' && c <= 'z' || label[i] >= '0' && label[i] <= '9' || label[i] == '-') {
				return false
			}
		}
	}
	return true
}

// virtualHost finds a configured virtual host by name, ignoring case (RFC 7151 §3.1: "treated
// as a case-independent string").
func (srv *Server) virtualHost(name string) *VirtualHost {
	for i := range srv.cfg.VirtualHosts {
		if strings.EqualFold(srv.cfg.VirtualHosts[i].Name, name) {
			return &srv.cfg.VirtualHosts[i]
		}
	}
	return nil
}

// HOST (RFC 7151 §3): 220 when the name is a virtual host of this server or its own address
// literal; 504 for an unknown name or another address; 501 for what is not a hostname (a port
// included); 503 after login. A refused HOST leaves the session as if none had been sent.
func cmdHOST(s *session, arg string) {
	f := s.srv.faults
	if (s.loggedIn || s.user != nil) && !f.has(faultHostAfterLogin) {
		s.reply(codeBadSequence, "HOST must come before the login (RFC 7151 §3).")
		return
	}
	if f.has(faultHostFirstWins) && s.ext.hostTried {
		s.reply(codeBadSequence, "HOST was already given.")
		return
	}
	s.ext.hostTried = true
	s.ext.host, s.ext.hostRefused = nil, true
	kind, ip := parseHostname(arg)
	if f.has(faultHostPort504) && kind == hostMalformed && strings.Contains(arg, ":") {
		kind = hostDomain
	}
	switch kind {
	case hostMalformed:
		if f.has(faultHostMalformed504) {
			s.reply(codeParamNotImpl, "%s: unknown host.", sanitizeName(arg))
			return
		}
		s.reply(codeBadArguments, "HOST: %q is not a hostname (no port, IPv6 in brackets).", sanitizeName(arg))
	case hostLiteral:
		accept := ip.Equal(ipOf(s.conn.LocalAddr()))
		switch {
		case f.has(faultHostLiteralRefused):
			accept = false
		case f.has(faultHostAnyLiteral):
			accept = true
		}
		if !accept {
			s.reply(codeParamNotImpl, "%s is not this server's address.", ip)
			return
		}
		s.ext.hostRefused = false
		s.replyLines(codeReady, s.hostBanner(nil)...)
	default:
		vh := s.srv.virtualHost(arg)
		if vh == nil && !f.has(faultHostUnknown220) {
			s.reply(codeParamNotImpl, "%s: unknown virtual host.", sanitizeName(arg))
			return
		}
		s.ext.host, s.ext.hostRefused = vh, false
		s.replyLines(codeReady, s.hostBanner(vh)...)
	}
}

// hostBanner is the welcome of a virtual host, which RFC 7151 §3 suggests HOST's 220 carries.
func (s *session) hostBanner(vh *VirtualHost) []string {
	switch {
	case vh != nil && vh.Banner != "":
		return strings.Split(vh.Banner, "\n")
	case vh != nil:
		return []string{"Virtual host " + vh.Name + " ready."}
	case s.srv.cfg.Banner != "":
		return strings.Split(s.srv.cfg.Banner, "\n")
	}
	return []string{"ftpconform reference server ready."}
}

// hostHome is where a user's home is on the chosen virtual host, relative to Root. The
// directory is made when missing, as the server does for homes under Root at start.
func (s *session) hostHome(home string) string {
	vh := s.ext.host
	if vh == nil {
		return home
	}
	h := path.Join(vh.Root, home)
	if err := s.srv.root.MkdirAll(rel(h), 0o755); err != nil {
		s.log.Warn("cannot make the home on the virtual host", "host", vh.Name, "home", h, "err", err)
	}
	return h
}
