package refserver

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults of data connections, transfer parameters and data representation (RFC 959 §3,
// §4.1.2; RFC 2428; RFC 2577 §3). Most are table faults: a wrapper around a command's
// handler. Those that change the bytes on the data connection set dataSetup.wrap before the
// transfer command runs, so that openData hands the transfer a connection that rewrites what
// passes through it.

// faultDefaultPortOtherAddress acts in datachan.go, connectData.
const faultDefaultPortOtherAddress = "default-port-other-address"

func init() { registerFaults(dataFaults...) }

// dataXferCommands open a data connection.
var dataXferCommands = []string{"RETR", "STOR", "STOU", "APPE", "LIST", "NLST"}

var dataFaults = []Fault{
	// Data connections (RFC 959 §3.2, §4.1.2; RFC 2428; RFC 2577 §3).
	{
		Name: "port-ignored", Group: "data-connection", RFC: "959:4.1.2", Commands: []string{"PORT", "EPRT"},
		Description: "PORT and EPRT answer 200, but the server connects to the default data port (the client's control port) instead",
		table: wrapTable([]string{"PORT", "EPRT"}, func(h handler) handler {
			return func(s *session, arg string) {
				h(s, arg)
				s.mu.Lock()
				s.data.addr = nil
				s.mu.Unlock()
			}
		}),
	},
	{
		Name: "default-port-refused", Group: "data-connection", RFC: "959:3.2", Commands: dataXferCommands,
		Description: "a transfer with no PORT or PASV before it is refused with 425 instead of using the default data ports",
		table: wrapTable(dataXferCommands, func(h handler) handler {
			return func(s *session, arg string) {
				s.mu.Lock()
				none := s.data.ln == nil && s.data.addr == nil && s.data.conn == nil
				s.mu.Unlock()
				if none {
					s.reply(codeCantOpenData, "Can't open data connection: send PORT or PASV first.")
					return
				}
				h(s, arg)
			}
		}),
	},
	{
		Name: faultDefaultPortOtherAddress, Group: "data-connection", RFC: "1123:4.1.2.12", Commands: dataXferCommands, check: true,
		Description: "the data connection to the default data port comes from another local address (127.0.0.2) than the control connection's",
	},
	{
		Name: "port-malformed-accepted", Group: "data-connection", RFC: "959:4.1.2", Commands: []string{"PORT"},
		Description: "PORT with a malformed argument (not six numbers from 0 to 255) is answered 200",
		table: wrapTable([]string{"PORT"}, func(h handler) handler {
			return func(s *session, arg string) {
				if _, _, err := portAddress(arg); err != nil {
					s.setData(dataSetup{})
					s.reply(codeOK, "PORT command successful.")
					return
				}
				h(s, arg)
			}
		}),
	},
	{
		Name: "port-any-address", Group: "data-connection", RFC: "2577:3", Commands: []string{"PORT", "EPRT"},
		Description: "PORT and EPRT naming another host or a port below 1024 are answered 200 (the server still never connects there)",
		table: wrapTable([]string{"PORT", "EPRT"}, func(h handler) handler {
			return func(s *session, arg string) {
				ip, port, err := portAddress(arg)
				if s.current == "EPRT" {
					ip, port, err = eprtAddress(arg)
				}
				if err == nil && (!s.clientAddress(ip).Equal(ipOf(s.conn.RemoteAddr())) || port < 1024) {
					s.setData(dataSetup{}) // answered 200, but nothing is ever sent there
					s.reply(codeOK, "%s command successful.", s.current)
					return
				}
				h(s, arg)
			}
		}),
	},
	{
		Name: "pasv-sticky", Group: "data-connection", RFC: "959:4.1.2", Commands: []string{"PORT", "EPRT"},
		Description: "PORT or EPRT after PASV answers 200 but the server keeps listening on the passive port",
		table: wrapTable([]string{"PORT", "EPRT"}, func(h handler) handler {
			return func(s *session, arg string) {
				s.mu.Lock()
				listening := s.data.ln != nil
				s.mu.Unlock()
				if listening {
					s.reply(codeOK, "%s command successful.", s.current)
					return
				}
				h(s, arg)
			}
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
		Name: "reply-125-as-150", Group: "data-connection", RFC: "959:4.2.1", Commands: dataXferCommands,
		Description: "a transfer over a data connection that is already open is announced with 150 instead of 125",
		reply: func(cmd string, r *wireReply) {
			if isDataXferCommand(cmd) && r.code == codeAlreadyOpen {
				r.code = codeFileStatusOK
				r.lines[0] = "File status okay; about to open data connection."
			}
		},
	},
	{
		Name: "cant-open-data-226", Group: "data-connection", RFC: "959:5.4", Commands: dataXferCommands,
		Description: "a transfer whose data connection cannot be opened ends with 226 instead of 425",
		reply: func(cmd string, r *wireReply) {
			if isDataXferCommand(cmd) && r.code == codeCantOpenData {
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
		table: wrapTable([]string{"TYPE"}, func(h handler) handler {
			return func(s *session, arg string) {
				if strings.EqualFold(strings.TrimSpace(arg), "L") {
					h(s, "L 8")
					return
				}
				h(s, arg)
			}
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
		Name: "type-forgotten", Group: "representation", RFC: "959:4.1.2", Commands: dataXferCommands,
		Description: "the representation type returns to ASCII Non-print after every transfer",
		table: wrapTable(dataXferCommands, func(h handler) handler {
			return func(s *session, arg string) {
				h(s, arg)
				s.params.typ, s.params.form = typeASCII, formNonPrint
			}
		}),
	},
	{
		Name: "default-type-image", Group: "representation", RFC: "959:4.1.2", Commands: []string{"PASS", "TYPE"},
		Description: "a session starts in TYPE I instead of the default ASCII Non-print",
		table: wrapTable([]string{"PASS"}, func(h handler) handler {
			return func(s *session, arg string) {
				h(s, arg)
				if s.loggedIn {
					s.params.typ = typeImage
				}
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
		Name: "stor-last-byte-lost", Group: "transfer-data", RFC: "959:3.1", Commands: []string{"STOR", "STOU", "APPE"},
		Description: "uploads lose the last byte that arrives on the data connection",
		table: dataConnWrap([]string{"STOR", "STOU", "APPE"}, func(xferParams) func(net.Conn) net.Conn {
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
		table: wrapTable([]string{"STRU"}, func(h handler) handler {
			return func(s *session, arg string) {
				if a := strings.ToUpper(strings.TrimSpace(arg)); a == "F" || a == "R" {
					s.reply(codeParamNotImpl, "STRU %s not implemented.", a)
					return
				}
				h(s, arg)
			}
		}),
	},
	{
		Name: "stru-p-accepted", Group: "structure", RFC: "1123:4.1.2.3", Commands: []string{"STRU"},
		Description: "STRU P is answered 200 where page structure is not configured (transfers stay file-structured)",
		table: wrapTable([]string{"STRU"}, func(h handler) handler {
			return func(s *session, arg string) {
				if strings.EqualFold(strings.TrimSpace(arg), "P") && !s.srv.cfg.PageStructure {
					s.reply(codeOK, "Structure set to Page.")
					return
				}
				h(s, arg)
			}
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
		table: wrapTable([]string{"MODE"}, func(h handler) handler {
			return func(s *session, arg string) {
				if strings.EqualFold(strings.TrimSpace(arg), "S") {
					s.reply(codeOK, "Mode set to Stream.")
					return
				}
				h(s, arg)
			}
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
		Name: "kept-data-survives-port", Group: "data-connection", RFC: "959:3.2", Commands: []string{"PASV", "EPSV", "PORT", "EPRT"},
		Description: "a data connection kept open after a block-mode transfer stays open when PASV, EPSV, PORT or EPRT changes the port",
		table: wrapTable([]string{"PASV", "EPSV", "PORT", "EPRT"}, func(h handler) handler {
			return func(s *session, arg string) {
				s.mu.Lock()
				kept := s.data.conn
				s.data.conn = nil
				s.mu.Unlock()
				if kept != nil {
					time.AfterFunc(faultLeftOpenFor, func() { kept.Close() })
				}
				h(s, arg)
			}
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
		table: wrapTable([]string{"REST"}, func(h handler) handler {
			return func(s *session, arg string) {
				if s.params.mode == modeStream {
					h(s, arg)
					return
				}
				s.reply(codePending, "Restarting at %s. Send RETR or STOR.", sanitizeName(arg))
			}
		}),
	},
}

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

// retrRewriteFault is a RETR fault that rewrites the bytes sent, when rewrite returns a function for
// the session's transfer parameters.
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
		table: wrapTable([]string{"TYPE"}, func(h handler) handler {
			return func(s *session, arg string) {
				if match(strings.Fields(arg)) {
					s.reply(code, "TYPE %s refused.", sanitizeName(arg))
					return
				}
				h(s, arg)
			}
		}),
	}
}

// unassignedAccepted is a fault that answers 200 to verb with a one-letter code RFC 959 does not
// assign (RFC 959 §4.1.2: "The following codes are assigned"); assigned lists those it does.
func unassignedAccepted(name, group, verb, what, assigned string) Fault {
	return Fault{
		Name: name, Group: group, RFC: "959:4.1.2", Commands: []string{verb},
		Description: fmt.Sprintf("%s with a code RFC 959 does not assign (none of %s) is answered 200", verb, assigned),
		table: wrapTable([]string{verb}, func(h handler) handler {
			return func(s *session, arg string) {
				if c, ok := singleLetter(strings.Fields(arg + " x")[0]); ok && !strings.ContainsRune(assigned, rune(c)) {
					s.reply(codeOK, "%s set to %c.", what, c)
					return
				}
				h(s, arg)
			}
		}),
	}
}

// typeAsFault is a fault that runs the named transfer commands in type to instead of type from.
func typeAsFault(name, description, rfc string, names []string, from, to byte) Fault {
	return Fault{
		Name: name, Group: "representation", RFC: rfc, Commands: append([]string{"TYPE"}, names...), Description: description,
		table: wrapTable(names, func(h handler) handler {
			return func(s *session, arg string) {
				if s.params.typ != from {
					h(s, arg)
					return
				}
				s.params.typ = to
				h(s, arg) // the transfer copies the parameters before the handler returns
				s.params.typ = from
			}
		}),
	}
}

func isDataXferCommand(cmd string) bool {
	for _, c := range dataXferCommands {
		if c == cmd {
			return true
		}
	}
	return false
}

var faultPasvNumbers = regexp.MustCompile(`(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)`)

// faultRewriteConn passes what a transfer writes through a rewriting function.
type faultRewriteConn struct {
	net.Conn
	rewrite func([]byte) []byte
}

func (c *faultRewriteConn) Write(p []byte) (int, error) {
	if _, err := c.Conn.Write(c.rewrite(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// faultLastByteConn holds back the last byte written; at Close it sends it with its bits flipped
// (flip) or drops it.
type faultLastByteConn struct {
	net.Conn
	flip bool
	held []byte
}

func (c *faultLastByteConn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	out := append(c.held, p[:len(p)-1]...)
	if _, err := c.Conn.Write(out); err != nil {
		return 0, err
	}
	c.held = []byte{p[len(p)-1]}
	return len(p), nil
}

func (c *faultLastByteConn) Close() error {
	if len(c.held) == 1 && c.flip {
		_, _ = c.Conn.Write([]byte{^c.held[0]})
	}
	c.held = nil
	return c.Conn.Close()
}

// faultLeftOpenFor is how long the faults that leave a data connection open keep it: long
// enough for any client to notice, short enough not to leak connections.
const faultLeftOpenFor = 30 * time.Second

// faultLeftOpenConn does not close the data connection when the transfer closes it; it closes
// it only after faultLeftOpenFor.
type faultLeftOpenConn struct {
	net.Conn
	once sync.Once
}

func (c *faultLeftOpenConn) Close() error {
	c.once.Do(func() { time.AfterFunc(faultLeftOpenFor, func() { c.Conn.Close() }) })
	return nil
}

// faultCapConn sends at most left bytes and pretends to have sent the rest.
type faultCapConn struct {
	net.Conn
	left int
}

func (c *faultCapConn) Write(p []byte) (int, error) {
	n := min(len(p), c.left)
	if n > 0 {
		if _, err := c.Conn.Write(p[:n]); err != nil {
			return 0, err
		}
		c.left -= n
	}
	return len(p), nil
}

// faultHoldBackConn delivers what it reads one byte late, and drops the last byte at the end.
type faultHoldBackConn struct {
	net.Conn
	held    byte
	hasHeld bool
	buf     []byte
}

func (c *faultHoldBackConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if cap(c.buf) < len(p) {
		c.buf = make([]byte, len(p))
	}
	for {
		n, err := c.Conn.Read(c.buf[:len(p)])
		if n > 0 {
			all := c.buf[:n]
			out := 0
			if c.hasHeld {
				p[0] = c.held
				out = 1
			}
			out += copy(p[out:], all[:n-1])
			c.held, c.hasHeld = all[n-1], true
			if out > 0 || err != nil {
				return out, err
			}
			continue
		}
		return 0, err
	}
}

// faultRecordRewrite rewrites the two-byte control codes of record structure in stream mode
// (RFC 959 §3.4.1): code is the byte after 0xFF; the function returns what to send instead.
func faultRecordRewrite(code func(byte) []byte) func(p xferParams) func([]byte) []byte {
	return func(p xferParams) func([]byte) []byte {
		if p.stru != struRecord || p.mode != modeStream {
			return nil
		}
		escaped := false
		return func(in []byte) []byte {
			out := make([]byte, 0, len(in))
			for _, b := range in {
				switch {
				case escaped:
					escaped = false
					out = append(out, code(b)...)
				case b == streamEscape:
					escaped = true
				default:
					out = append(out, b)
				}
			}
			return out
		}
	}
}

// faultBlockRewrite clears a descriptor bit in every block header of block mode (RFC 959 §3.4.2).
func faultBlockRewrite(bit byte) func(p xferParams) func([]byte) []byte {
	return func(p xferParams) func([]byte) []byte {
		if p.mode != modeBlock {
			return nil
		}
		var hdr []byte
		left := 0
		return func(in []byte) []byte {
			out := make([]byte, 0, len(in))
			for _, b := range in {
				if left > 0 {
					out = append(out, b)
					left--
					continue
				}
				hdr = append(hdr, b)
				if len(hdr) == 3 {
					hdr[0] &^= bit
					out = append(out, hdr...)
					left = int(hdr[1])<<8 | int(hdr[2])
					hdr = hdr[:0]
				}
			}
			return out
		}
	}
}

// faultCompressedRewrite rewrites compressed mode (RFC 959 §3.4.3): either filler strings become
// replicated zero bytes (wrongFiller), or the EOF escape is dropped.
func faultCompressedRewrite(wrongFiller bool) func(p xferParams) func([]byte) []byte {
	return func(p xferParams) func([]byte) []byte {
		if p.mode != modeCompressed {
			return nil
		}
		const (
			start = iota
			inString
			replicated
			escape
		)
		state, left := start, 0
		return func(in []byte) []byte {
			out := make([]byte, 0, len(in))
			for _, b := range in {
				switch state {
				case inString:
					out = append(out, b)
					if left--; left == 0 {
						state = start
					}
				case replicated:
					out = append(out, b)
					state = start
				case escape:
					state = start
					d := b
					if !wrongFiller && d&descEOF != 0 {
						if d &^= descEOF; d == 0 {
							continue
						}
					}
					out = append(out, 0, d)
				default:
					switch {
					case b == 0:
						state = escape
					case b&0x80 == 0:
						out = append(out, b)
						state, left = inString, int(b)
					case b&0xC0 == 0x80:
						out = append(out, b)
						state = replicated
					case wrongFiller:
						out = append(out, 0x80|(b&0x3F), 0)
					default:
						out = append(out, b)
					}
				}
			}
			return out
		}
	}
}

// faultDropLastPage removes the last page (type 0) from page structure in stream mode
// (RFC 959 §3.1.2.3): each page is a header (its length first) and its data.
func faultDropLastPage() func([]byte) []byte {
	var hdr []byte
	left := 0
	return func(in []byte) []byte {
		out := make([]byte, 0, len(in))
		for _, b := range in {
			if left > 0 {
				out = append(out, b)
				left--
				continue
			}
			hdr = append(hdr, b)
			if len(hdr) < 4 || len(hdr) < int(hdr[0]) {
				continue
			}
			if hdr[3] != 0 {
				out = append(out, hdr...)
				left = int(hdr[2])
			}
			hdr = hdr[:0]
		}
		return out
	}
}
