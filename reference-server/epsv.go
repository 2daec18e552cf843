package refserver

import "strings"

// RFC 2428 §3: EPSV ALL. The text gives the command no reply code of its own; this server treats
// it as what it is, an EPSV: it enters extended passive mode and answers 229, and from then on
// refuses every other data connection setup command (PORT, PASV, EPRT, LPRT, LPSV: 501).
// Every other form of EPSV is cmdEPSV's.
func cmdEPSVWithAll(s *session, arg string) {
	if !strings.EqualFold(strings.TrimSpace(arg), "ALL") {
		cmdEPSV(s, arg)
		return
	}
	if !s.srv.faults.has(faultEPSVAllIgnored) {
		s.epsvAll = true
	}
	port, ok := s.passive()
	if !ok {
		return
	}
	s.reply(codeExtendedPassive, "EPSV ALL: only EPSV from now on. Entering Extended Passive Mode (|||%d|)", port)
}
