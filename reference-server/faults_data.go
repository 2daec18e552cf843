package refserver

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Faults of data connections, transfer parameters and data representation (RFC 959 §3,
// §4.1.2; RFC 2428; RFC 2577 §3). Most are table faults: a wrapper around a command's
// handler. Those that change the bytes on the data connection set dataSetup.wrap before the
// transfer command runs, so that the transfer's data goes through one of the connections of
// faults_wire.go.

// Names of the faults that act through a named check in the server's code.
const (
	faultDefaultPortOtherAddress = "default-port-other-address" // datachan.go, openData
	faultPASVWrongPort           = "pasv-wrong-port"            // datachan.go, passive
)

func init() { registerFaults(dataFaults...) }

var dataFaults = []Fault{
	// Data connections (RFC 959 §3.2, §4.1.2; RFC 2428; RFC 2577 §3).
	{
		Name: "port-ignored", Group: "data-connection", RFC: "959:4.1.2", Commands: []string{"PORT", "EPRT"},
		Description: "PORT and EPRT answer 200, but the server connects to the default data port (the client's control port) instead",
		table: after([]string{"PORT", "EPRT"}, func(s *session, _ string) {
			s.mu.Lock()
			s.data.addr = nil
			s.mu.Unlock()
		}),
	},
	{
		Name: "default-port-refused", Group: "data-connection", RFC: "959:3.2", Commands: transferCommands,
		Description: "a transfer with no PORT or PASV before it is refused with 425 instead of using the default data ports",
		table: intercept(transferCommands, func(s *session, _ string) bool {
			s.mu.Lock()
			none := s.data.empty()
			s.mu.Unlock()
			if !none {
				return false
			}
			s.reply(codeCantOpenData, "Can't open data connection: send PORT or PASV first.")
			return true
		}),
	},
	{
		Name: faultDefaultPortOtherAddress, Group: "data-connection", RFC: "1123:4.1.2.12", Commands: transferCommands, check: true,
		Description: "the data connection to the default data port comes from another local address (127.0.0.2) than the control connection's",
	},
	{
		Name: "port-malformed-accepted", Group: "data-connection", RFC: "959:4.1.2", Commands: []string{"PORT"},
		Description: "PORT with a malformed argument (not six numbers from 0 to 255) is answered 200",
		table: intercept([]string{"PORT"}, func(s *session, arg string) bool {
			if _, _, err := portAddress(arg); err == nil {
				return false
			}
			s.setData(dataSetup{})
			s.reply(codeOK, "PORT command successful.")
			return true
		}),
	},
	{
		Name: "port-any-address", Group: "data-connection", RFC: "2577:3", Commands: []string{"PORT", "EPRT"},
		Description: "PORT and EPRT naming another host or a port below 1024 are answered 200 (the server still never connects there)",
		table: intercept([]string{"PORT", "EPRT"}, func(s *session, arg string) bool {
			ip, port, err := portAddress(arg)
			if s.current == "EPRT" {
				ip, port, err = eprtAddress(arg)
			}
			if err != nil || (s.clientAddress(ip).Equal(ipOf(s.conn.RemoteAddr())) && port >= 1024) {
				return false
			}
			s.setData(dataSetup{}) // answered 200, but nothing is ever sent there
			s.reply(codeOK, "%s command successful.", s.current)
			return true
		}),
	},
	{
		Name: "pasv-sticky", Group: "data-connection", RFC: "959:4.1.2", Commands: []string{"PORT", "EPRT"},
		Description: "PORT or EPRT after PASV answers 200 but the server keeps listening on the passive port",
		table: intercept([]string{"PORT", "EPRT"}, func(s *session, _ string) bool {
			s.mu.Lock()
			listening := s.data.ln != nil
			s.mu.Unlock()
			if !listening {
				return false
			}
			s.reply(codeOK, "%s command successful.", s.current)
			return true
		}),
	},
	{
		Name: "port-sticky", Group: "data-connection", RFC: "959:4.1.2", Commands: []string{"PASV", "EPSV"},
		Description: "PASV or EPSV after PORT names a port, but the server closes it again and connects to the PORT address",
		table: wrapTable([]string{"PASV", "EPSV"}, func(h handler) handler {
			return func(s *session, arg string) {
				s.mu.Lock()
				old := s.data
				s.mu.Unlock()
				h(s, arg)
				if old.addr != nil {
					s.setData(dataSetup{addr: old.addr})
				}
			}
		}),
	},
	{
		Name: faultPASVWrongPort, Group: "data-connection", RFC: "959:4.1.2", Commands: []string{"PASV", "EPSV"}, check: true,
		Description: "PASV and EPSV name a port one above the one the server listens on",
	},
	{
		Name: "pasv-other-address", Group: "data-connection", RFC: "959:4.1.2", Commands: []string{"PASV"},
		Description: "PASV names the address 192.0.2.1, not the server's address on the control connection",
		reply: func(cmd string, r *wireReply) {
			if cmd == "PASV" && r.code == codePassive {
				r.lines[0] = faultPasvNumbers.ReplaceAllString(r.lines[0], "192,0,2,1,$5,$6")
			}
		},
	},
	{
		Name: "pasv-227-malformed", Group: "data-connection", RFC: "959:4.1.2", Commands: []string{"PASV"},
		Description: "PASV answers 227 with the address as 127.0.0.1:port instead of h1,h2,h3,h4,p1,p2",
		reply: func(cmd string, r *wireReply) {
			if cmd != "PASV" || r.code != codePassive {
				return
			}
			if m := faultPasvNumbers.FindStringSubmatch(r.lines[0]); m != nil {
				p1, _ := strconv.Atoi(m[5])
				p2, _ := strconv.Atoi(m[6])
				r.lines[0] = fmt.Sprintf("Entering Passive Mode (%s.%s.%s.%s:%d).", m[1], m[2], m[3], m[4], p1<<8|p2)
			}
		},
	},
	{
		Name: "reply-125-as-150", Group: "data-connection", RFC: "959:4.2.1", Commands: transferCommands,
		Description: "a transfer over a data connection that is already open is announced with 150 instead of 125",
		reply: func(cmd string, r *wireReply) {
			if slices.Contains(transferCommands, cmd) && r.code == codeAlreadyOpen {
				r.code = codeFileStatusOK
				r.lines[0] = "File status okay; about to open data connection."
			}
		},
	},
	{
		Name: "cant-open-data-226", Group: "data-connection", RFC: "959:5.4", Commands: transferCommands,
		Description: "a transfer whose data connection cannot be opened ends with 226 instead of 425",
		reply: func(cmd string, r *wireReply) {
			if slices.Contains(transferCommands, cmd) && r.code == codeCantOpenData {
				r.code = codeClosingData
				r.lines = []string{"Transfer complete."}
			}
		},
	},
	{
		Name: "abor-225-as-226", Group: "data-connection", RFC: "959:4.2.1", Commands: []string{"ABOR"},
		Description: "ABOR with a kept-open idle data connection answers 226 (closing) but leaves the connection open",
		reply:       recode([]string{"ABOR"}, []int{codeDataOpen}, codeClosingData),
	},
	{
		Name: "kept-data-survives-port", Group: "data-connection", RFC: "959:3.2", Commands: []string{"PASV", "EPSV", "PORT", "EPRT"},
		Description: "a data connection kept open after a block-mode transfer stays open when PASV, EPSV, PORT or EPRT changes the port",
		table: before([]string{"PASV", "EPSV", "PORT", "EPRT"}, func(s *session, arg string) string {
			s.mu.Lock()
			kept := s.data.conn
			s.data.conn = nil
			s.mu.Unlock()
			if kept != nil {
				time.AfterFunc(faultLeftOpenFor, func() { kept.Close() })
			}
			return arg
		}),
	},

	// Representation types (RFC 959 §3.1.1, §4.1.2; RFC 1123 §4.1.2.1, §4.1.2.2).
	typeRefusalFault("type-a-refused", "TYPE A is answered 504", "959:3.1.1.1", func(f []string) bool { return len(f) == 1 && strings.EqualFold(f[0], "A") }, codeParamNotImpl),
	typeRefusalFault("type-i-refused", "TYPE I is answered 504", "1123:4.1.2.1", func(f []string) bool { return len(f) == 1 && strings.EqualFold(f[0], "I") }, codeParamNotImpl),
	typeRefusalFault("type-l8-refused", "TYPE L 8 is answered 504", "1123:4.1.2.1", func(f []string) bool { return len(f) == 2 && strings.EqualFold(f[0], "L") && f[1] == "8" }, codeParamNotImpl),
	typeRefusalFault("type-format-refused", "TYPE A or E with a format parameter (N, T, C) is answered 501", "959:3.1.1.5", func(f []string) bool {
		return len(f) == 2 && (strings.EqualFold(f[0], "A") || strings.EqualFold(f[0], "E"))
	}, codeBadArguments),
	unassignedAccepted("type-unknown-accepted", "representation", "TYPE", "Type", "AEIL"),
	{
		Name: "type-l-no-size-accepted", Group: "representation", RFC: "959:3.1.1.4", Commands: []string{"TYPE"},
		Description: "TYPE L without its byte size is answered 200 (taken as L 8)",
		table: before([]string{"TYPE"}, func(_ *session, arg string) string {
			if strings.EqualFold(strings.TrimSpace(arg), "L") {
				return "L 8"
			}
			return arg
		}),
	},
	typeAsFault("type-a-no-conversion", "TYPE A transfers send and store the bytes unchanged: no CRLF conversion in either direction", "959:3.1.1.1",
		[]string{"RETR", "STOR", "STOU", "APPE"}, typeASCII, typeImage),
	typeAsFault("type-a-stor-unconverted", "uploads in TYPE A are stored with the CRLF line ends of the wire; downloads still convert", "959:3.1.1.1",
		[]string{"STOR", "STOU", "APPE"}, typeASCII, typeImage),
	typeAsFault("type-e-untranslated", "TYPE E transfers send and store ASCII bytes unchanged, not EBCDIC", "959:3.1.1.2",
		[]string{"RETR", "STOR", "STOU", "APPE"}, typeEBCDIC, typeImage),
	typeAsFault("type-l8-as-ascii", "TYPE L 8 transfers are converted like TYPE A (CRLF line ends)", "959:3.1.1.4",
		[]string{"RETR", "STOR", "STOU", "APPE"}, typeLocal, typeASCII),
	{
		Name: "type-forgotten", Group: "representation", RFC: "959:4.1.2", Commands: transferCommands,
		Description: "the representation type returns to ASCII Non-print after every transfer",
		table: after(transferCommands, func(s *session, _ string) {
			s.params.typ, s.params.form = typeASCII, formNonPrint
		}),
	},
	{
		Name: "default-type-image", Group: "representation", RFC: "959:4.1.2", Commands: []string{"PASS", "TYPE"},
		Description: "a session starts in TYPE I instead of the default ASCII Non-print",
		table: after([]string{"PASS"}, func(s *session, _ string) {
			if s.loggedIn {
				s.params.typ = typeImage
			}
		}),
	},
	retrRewriteFault("type-e-crlf", "RETR in TYPE E ends lines with EBCDIC CR LF (0x0D 0x25) instead of NL (0x15)", "959:3.1.1.2",
		func(p xferParams) func([]byte) []byte {
			if p.typ != typeEBCDIC {
				return nil
			}
			return func(in []byte) []byte {
				var out []byte
				for _, b := range in {
					if b == ebcdicNL {
						out = append(out, 0x0D, 0x25)
					} else {
						out = append(out, b)
					}
				}
				return out
			}
		}),

	// Data integrity (RFC 959 §3.1, §3.1.1.3, §3.4.1).
	{
		Name: "retr-byte-flipped", Group: "transfer-data", RFC: "959:3.1.1.3", Commands: []string{"RETR"},
		Description: "RETR flips the bits of the last byte it sends",
		table: dataConnWrap([]string{"RETR"}, func(xferParams) func(net.Conn) net.Conn {
			return func(c net.Conn) net.Conn { return &faultLastByteConn{Conn: c, flip: true} }
		}),
	},
	{
		Name: "retr-truncated-64k", Group: "transfer-data", RFC: "959:3.1", Commands: []string{"RETR"},
		Description: "RETR sends at most the first 65536 bytes, then closes the data connection and answers 226",
		table: dataConnWrap([]string{"RETR"}, func(xferParams) func(net.Conn) net.Conn {
			return func(c net.Conn) net.Conn { return &faultCapConn{Conn: c, left: 65536} }
		}),
	},
	{
		Name: "stor-last-byte-lost", Group: "transfer-data", RFC: "959:3.1", Commands: storeCommands,
		Description: "uploads lose the last byte that arrives on the data connection",
		table: dataConnWrap(storeCommands, func(xferParams) func(net.Conn) net.Conn {
			return func(c net.Conn) net.Conn { return &faultHoldBackConn{Conn: c} }
		}),
	},
	retrRewriteFault("stream-ff-escaped", "RETR in stream mode with file structure doubles every 0xFF byte, as if it were record structure", "959:3.4.1",
		func(p xferParams) func([]byte) []byte {
			if p.mode != modeStream || p.stru != struFile {
				return nil
			}
			return func(in []byte) []byte {
				out := make([]byte, 0, len(in))
				for _, b := range in {
					if b == streamEscape {
						out = append(out, streamEscape)
					}
					out = append(out, b)
				}
				return out
			}
		}),

	// File structures (RFC 959 §3.1.2, §3.4.1; RFC 1123 §4.1.2.3).
	{
		Name: "stru-refused", Group: "structure", RFC: "959:3.1.2.2", Commands: []string{"STRU"},
		Description: "STRU F and STRU R are answered 504",
		table: intercept([]string{"STRU"}, func(s *session, arg string) bool {
			a := strings.ToUpper(strings.TrimSpace(arg))
			if a != "F" && a != "R" {
				return false
			}
			s.reply(codeParamNotImpl, "STRU %s not implemented.", a)
			return true
		}),
	},
	{
		Name: "stru-p-accepted", Group: "structure", RFC: "1123:4.1.2.3", Commands: []string{"STRU"},
		Description: "STRU P is answered 200 where page structure is not configured (transfers stay file-structured)",
		table: intercept([]string{"STRU"}, func(s *session, arg string) bool {
			if !strings.EqualFold(strings.TrimSpace(arg), "P") || s.srv.cfg.PageStructure {
				return false
			}
			s.reply(codeOK, "Structure set to Page.")
			return true
		}),
	},
	unassignedAccepted("stru-unknown-accepted", "structure", "STRU", "Structure", "FRP"),
	retrRewriteFault("stru-r-no-eor", "RETR in record structure (stream mode) sends no end-of-record codes (0xFF 0x01)", "959:3.4.1",
		faultRecordRewrite(func(code byte) []byte {
			switch code {
			case 1:
				return nil
			case 3:
				return []byte{streamEscape, 2}
			}
			return []byte{streamEscape, code}
		})),
	retrRewriteFault("stru-r-no-eof", "RETR in record structure (stream mode) sends no end-of-file code (0xFF 0x02)", "959:3.4.1",
		faultRecordRewrite(func(code byte) []byte {
			switch code {
			case 2:
				return nil
			case 3:
				return []byte{streamEscape, 1}
			}
			return []byte{streamEscape, code}
		})),
	retrRewriteFault("stru-r-ff-unescaped", "RETR in record structure (stream mode) sends a data byte 0xFF alone, not doubled", "959:3.4.1",
		faultRecordRewrite(func(code byte) []byte {
			if code == streamEscape {
				return []byte{streamEscape}
			}
			return []byte{streamEscape, code}
		})),
	retrRewriteFault("stru-p-no-last-page", "RETR in page structure sends no last page (type 0)", "1123:4.1.2.3",
		func(p xferParams) func([]byte) []byte {
			if p.stru != struPage || p.mode != modeStream {
				return nil
			}
			return faultDropLastPage()
		}),
	{
		Name: "page-type-ignored", Group: "structure", RFC: "959:4.2.1", Commands: []string{"STOR", "APPE"},
		Description: "an upload in page structure with a page of unknown type ends with 226 instead of 551",
		reply: func(cmd string, r *wireReply) {
			if (cmd == "STOR" || cmd == "APPE") && r.code == codePageTypeUnknown {
				r.code = codeClosingData
				r.lines = []string{"Transfer complete."}
			}
		},
	},

	// Transmission modes and restart (RFC 959 §3.4, §3.5).
	{
		Name: "mode-s-ignored", Group: "mode", RFC: "959:4.1.2", Commands: []string{"MODE"},
		Description: "MODE S is answered 200 but the mode set before (block, compressed) stays",
		table: intercept([]string{"MODE"}, func(s *session, arg string) bool {
			if !strings.EqualFold(strings.TrimSpace(arg), "S") {
				return false
			}
			s.reply(codeOK, "Mode set to Stream.")
			return true
		}),
	},
	unassignedAccepted("mode-unknown-accepted", "mode", "MODE", "Mode", "SBCZ"),
	retrRewriteFault("mode-b-bad-eof", "RETR in block mode never sets the EOF descriptor (64): the last block looks like any other", "959:3.4.2",
		faultBlockRewrite(descEOF)),
	retrRewriteFault("mode-b-eor-dropped", "RETR in block mode never sets the EOR descriptor (128)", "959:3.4.2",
		faultBlockRewrite(descEOR)),
	retrRewriteFault("mode-c-no-eof", "RETR in compressed mode ends without the EOF escape (0x00 0x40)", "959:3.4.3",
		faultCompressedRewrite(false)),
	retrRewriteFault("mode-c-wrong-filler", "RETR in compressed mode sends filler strings as replicated zero bytes, whatever the type", "959:3.4.3",
		faultCompressedRewrite(true)),
	{
		Name: "mode-b-226-left-open", Group: "mode", RFC: "959:5.2", Commands: []string{"RETR"},
		Description: "RETR in block or compressed mode answers 226 (closing) but leaves the data connection open",
		table: dataConnWrap([]string{"RETR"}, func(p xferParams) func(net.Conn) net.Conn {
			if p.mode != modeBlock && p.mode != modeCompressed {
				return nil
			}
			return func(c net.Conn) net.Conn { return &faultLeftOpenConn{Conn: c} }
		}),
	},
	{
		Name: "mark-110-format", Group: "mode", RFC: "959:4.2.1", Commands: []string{"STOR", "APPE"},
		Description: "110 restart marker replies read \"Restart marker yyyy at mmmm\" instead of \"MARK yyyy = mmmm\"",
		reply: func(_ string, r *wireReply) {
			if r.code == codeRestartMarker {
				var y, m string
				if _, err := fmt.Sscanf(r.lines[0], "MARK %s = %s", &y, &m); err == nil {
					r.lines[0] = fmt.Sprintf("Restart marker %s at %s", y, m)
				}
			}
		},
	},
	{
		Name: "rest-marker-ignored", Group: "mode", RFC: "959:3.5", Commands: []string{"REST"},
		Description: "REST in block or compressed mode is answered 350 but the next transfer starts from the beginning",
		table: intercept([]string{"REST"}, func(s *session, arg string) bool {
			if s.params.mode == modeStream {
				return false
			}
			s.reply(codePending, "Restarting at %s. Send RETR or STOR.", sanitizeName(arg))
			return true
		}),
	},
}

var faultPasvNumbers = regexp.MustCompile(`(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)`)

// dataConnWrap makes a table hook that has the data connection of the named transfer commands
// wrapped, when pick returns a wrapper for the session's transfer parameters.
func dataConnWrap(names []string, pick func(p xferParams) func(net.Conn) net.Conn) func(t commands) {
	return wrapTable(names, func(h handler) handler {
		return func(s *session, arg string) {
			w := pick(s.params)
			s.mu.Lock()
			s.data.wrap = w
			s.mu.Unlock()
			h(s, arg)
			s.mu.Lock()
			s.data.wrap = nil // the transfer took its setup; a refused command leaves none behind
			s.mu.Unlock()
		}
	})
}

// retrRewriteFault is a RETR fault that rewrites the bytes sent, when rewrite returns a function
// for the session's transfer parameters.
func retrRewriteFault(name, description, rfc string, rewrite func(p xferParams) func([]byte) []byte) Fault {
	return Fault{
		Name: name, Group: "transfer-data", RFC: rfc, Commands: []string{"RETR"}, Description: description,
		table: dataConnWrap([]string{"RETR"}, func(p xferParams) func(net.Conn) net.Conn {
			f := rewrite(p)
			if f == nil {
				return nil
			}
			return func(c net.Conn) net.Conn { return &faultRewriteConn{Conn: c, rewrite: f} }
		}),
	}
}

// typeRefusalFault is a TYPE fault answering code to the arguments match picks.
func typeRefusalFault(name, description, rfc string, match func(fields []string) bool, code int) Fault {
	return Fault{
		Name: name, Group: "representation", RFC: rfc, Commands: []string{"TYPE"}, Description: description,
		table: intercept([]string{"TYPE"}, func(s *session, arg string) bool {
			if !match(strings.Fields(arg)) {
				return false
			}
			s.reply(code, "TYPE %s refused.", sanitizeName(arg))
			return true
		}),
	}
}

// unassignedAccepted is a fault that answers 200 to verb with a one-letter code RFC 959 does not
// assign (RFC 959 §4.1.2: "The following codes are assigned"); assigned lists those it does.
func unassignedAccepted(name, group, verb, what, assigned string) Fault {
	return Fault{
		Name: name, Group: group, RFC: "959:4.1.2", Commands: []string{verb},
		Description: fmt.Sprintf("%s with a code RFC 959 does not assign (none of %s) is answered 200", verb, assigned),
		table: intercept([]string{verb}, func(s *session, arg string) bool {
			c, ok := singleLetter(strings.Fields(arg + " x")[0])
			if !ok || strings.ContainsRune(assigned, rune(c)) {
				return false
			}
			s.reply(codeOK, "%s set to %c.", what, c)
			return true
		}),
	}
}

// typeAsFault is a fault that runs the named transfer commands in type to instead of type from.
func typeAsFault(name, description, rfc string, names []string, from, to byte) Fault {
	return Fault{
		Name: name, Group: "representation", RFC: rfc, Commands: append([]string{"TYPE"}, names...), Description: description,
		table: withParams(names, func(p *xferParams) {
			if p.typ == from {
				p.typ = to
			}
		}),
	}
}
