package refserver

import (
	"strconv"
	"strings"
)

// Representation types, formats, structures and modes (RFC 959 §3.1, §3.4).
const (
	typeASCII  = 'A'
	typeEBCDIC = 'E'
	typeImage  = 'I'
	typeLocal  = 'L' // only with byte size 8, which is TYPE I

	formNonPrint = 'N'
	formTelnet   = 'T'
	formASA      = 'C'

	struFile   = 'F'
	struRecord = 'R'
	struPage   = 'P'

	modeStream     = 'S'
	modeBlock      = 'B'
	modeCompressed = 'C'
	modeDeflate    = 'Z' // draft-preston-ftpext-deflate (deflate.go)
)

// xferParams are the transfer parameters of a session (RFC 959 §3).
type xferParams struct {
	typ  byte // A, E, I, L (L is always byte size 8)
	form byte // N, T or C for A and E
	stru byte
	mode byte
	// level is MODE Z's compression level, 1 to 9, set by OPTS MODE Z LEVEL; 0: the default.
	level int
}

// defaultParams are RFC 959 §5.1's defaults: TYPE A N, STRU F, MODE S.
var defaultParams = xferParams{typ: typeASCII, form: formNonPrint, stru: struFile, mode: modeStream}

// typeName describes the type for replies and STAT.
func (p xferParams) typeName() string {
	switch p.typ {
	case typeASCII:
		return "ASCII " + formName(p.form)
	case typeEBCDIC:
		return "EBCDIC " + formName(p.form)
	case typeLocal:
		return "LOCAL 8"
	default:
		return "BINARY"
	}
}

func formName(f byte) string {
	switch f {
	case formTelnet:
		return "Telnet format effectors"
	case formASA:
		return "ASA carriage control"
	default:
		return "Non-print"
	}
}

func struName(s byte) string {
	switch s {
	case struRecord:
		return "Record"
	case struPage:
		return "Page"
	default:
		return "File"
	}
}

func modeName(m byte) string {
	switch m {
	case modeBlock:
		return "Block"
	case modeCompressed:
		return "Compressed"
	case modeDeflate:
		return "Deflate"
	default:
		return "Stream"
	}
}

// singleLetter reads an argument that must be one letter; ok is false for anything else,
// which is a syntax error (501).
func singleLetter(arg string) (byte, bool) {
	if len(arg) != 1 {
		return 0, false
	}
	c := arg[0] &^ 0x20 // upper case
	if c < 'A' || c > 'Z' {
		return 0, false
	}
	return c, true
}

// TYPE (RFC 959 §4.1.2, §3.1.1): A and E with the N, T and C formats, I, and L 8. An unknown or
// unsupported type, form or byte size is 504; anything that is not the grammar is 501.
func cmdTYPE(s *session, arg string) {
	f := strings.Split(arg, " ")
	if len(f) > 2 {
		s.reply(codeBadArguments, "TYPE: too many arguments: %s.", s.srv.table["TYPE"].syntax)
		return
	}
	t, ok := singleLetter(f[0])
	if !ok {
		s.reply(codeBadArguments, "TYPE: %q is not a type code.", sanitizeName(f[0]))
		return
	}
	p := s.params
	switch t {
	case typeASCII, typeEBCDIC:
		form := byte(formNonPrint)
		if len(f) == 2 {
			if form, ok = singleLetter(f[1]); !ok {
				s.reply(codeBadArguments, "TYPE: %q is not a format code.", sanitizeName(f[1]))
				return
			}
			if form != formNonPrint && form != formTelnet && form != formASA {
				s.reply(codeParamNotImpl, "TYPE %c %c: unknown format (N, T or C).", t, form)
				return
			}
		}
		p.typ, p.form = t, form
	case typeImage:
		if len(f) == 2 {
			s.reply(codeBadArguments, "TYPE I takes no format.")
			return
		}
		p.typ = typeImage
	case typeLocal:
		if len(f) != 2 {
			s.reply(codeBadArguments, "TYPE L needs a byte size: TYPE L 8.")
			return
		}
		n, err := strconv.Atoi(f[1])
		if err != nil || n < 1 || n > 255 {
			s.reply(codeBadArguments, "TYPE L: %q is not a byte size.", sanitizeName(f[1]))
			return
		}
		if n != 8 {
			s.reply(codeParamNotImpl, "TYPE L %d: only byte size 8 is supported.", n)
			return
		}
		p.typ = typeLocal
	default:
		s.reply(codeParamNotImpl, "TYPE %c: unknown type (A, E, I or L 8).", t)
		return
	}
	s.params = p
	s.reply(codeOK, "Type set to %s.", p.typeName())
}

// STRU (RFC 959 §4.1.2, §3.1.2): F and R; P only where page structure is configured.
func cmdSTRU(s *session, arg string) {
	st, ok := singleLetter(arg)
	switch {
	case !ok:
		s.reply(codeBadArguments, "STRU: %q is not a structure code.", sanitizeName(arg))
	case st == struFile || st == struRecord:
		s.params.stru = st
		s.reply(codeOK, "Structure set to %s.", struName(st))
	case st == struPage && s.srv.cfg.PageStructure:
		s.params.stru = st
		s.reply(codeOK, "Structure set to Page.")
	case st == struPage:
		s.reply(codeParamNotImpl, "STRU P: page structure is not offered here.")
	default:
		s.reply(codeParamNotImpl, "STRU %c: unknown structure (F, R or P).", st)
	}
}

// MODE (RFC 959 §4.1.2, §3.4): S, B and C.
func cmdMODE(s *session, arg string) {
	m, ok := singleLetter(arg)
	switch {
	case !ok:
		s.reply(codeBadArguments, "MODE: %q is not a mode code.", sanitizeName(arg))
	case m == modeStream || m == modeBlock || m == modeCompressed || m == modeDeflate:
		if m != s.params.mode {
			// A connection kept open for block mode has no meaning in another mode.
			s.mu.Lock()
			if s.data.conn != nil {
				s.data.close()
			}
			s.mu.Unlock()
		}
		s.params.mode = m
		s.reply(codeOK, "Mode set to %s.", modeName(m))
	default:
		s.reply(codeParamNotImpl, "MODE %c: unknown mode (S, B or C).", m)
	}
}

// ALLO (RFC 959 §4.1.3): 202 where no allocation is needed; 200 where a storage budget or
// quota applies and the request fits it.
func cmdALLO(s *session, arg string) {
	f := strings.Split(arg, " ")
	n, err := strconv.ParseInt(f[0], 10, 64)
	switch {
	case err != nil || n < 0:
		s.reply(codeBadArguments, "ALLO: %q is not a byte count.", sanitizeName(f[0]))
		return
	case len(f) == 3 && strings.EqualFold(f[1], "R"):
		if r, err := strconv.ParseInt(f[2], 10, 64); err != nil || r < 0 {
			s.reply(codeBadArguments, "ALLO: %q is not a record or page size.", sanitizeName(f[2]))
			return
		}
	case len(f) != 1:
		s.reply(codeBadArguments, "ALLO: expected %s.", s.srv.table["ALLO"].syntax)
		return
	}
	if s.srv.cfg.StorageBudget == 0 && s.user.Quota == 0 {
		s.reply(codeSuperfluous, "ALLO not needed: no storage allocation here.")
		return
	}
	room, _, err := s.room("/", 0)
	if err != nil || room < n {
		s.reply(codeOK, "ALLO noted; only %d bytes are free, uploads beyond will be refused.", max(room, 0))
		return
	}
	s.reply(codeOK, "ALLO %d bytes: there is room.", n)
}
