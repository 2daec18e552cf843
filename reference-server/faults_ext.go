package refserver

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Faults of the extensions other than TLS: FEAT and OPTS (RFC 2389), EPRT and EPSV (RFC 2428),
// SIZE, MDTM, TVFS, MLST and MLSD (RFC 3659), UTF-8 pathnames and LANG (RFC 2640), HOST
// (RFC 7151), LPRT and LPSV (RFC 1639) and MODE Z (draft-preston-ftpext-deflate). Each breaks one
// rule that a scenario of suites/rfc2389_*.go, rfc2428_*.go, rfc3659_*.go, rfc2640_*.go,
// rfc7151_*.go, rfc1639_*.go or deflate_*.go checks.

// Names of the faults that act through a named check in the server's code.
const (
	faultOptsMLSTIgnored      = "opts-mlst-ignored"       // mlst.go, chosenFacts
	faultOptsMLSTUnknown501   = "opts-mlst-unknown-501"   // mlst.go, optsMLST
	faultOptsMLSTLenient      = "opts-mlst-lenient"       // mlst.go, optsMLST
	faultFeatMLSTStatic       = "feat-mlst-static"        // mlst.go, mlstFeatLine
	faultMLSTFactUnterminated = "mlst-fact-unterminated"  // mlst.go, entryLine
	faultMLSTBasename         = "mlst-basename"           // mlst.go, cmdMLST
	faultMLSTDirAsFile        = "mlst-dir-as-file"        // mlst.go, cmdMLST
	faultMLSTNoArgEmpty       = "mlst-noarg-empty-name"   // mlst.go, cmdMLST
	faultMLSDLeadingSpace     = "mlsd-leading-space"      // mlst.go, cmdMLSD
	faultMLSDListsFile        = "mlsd-lists-file"         // mlst.go, cmdMLSD
	faultMLSDUsesType         = "mlsd-uses-type"          // mlst.go, cmdMLSD
	faultMLSDNoArgRoot        = "mlsd-noarg-root"         // mlst.go, cmdMLSD
	faultMLSDCdirAlways       = "mlsd-cdir-always"        // mlst.go, cmdMLSD
	faultFeatLangBare         = "feat-lang-bare"          // lang.go, langFeatLine
	faultFeatLangStarWrong    = "feat-lang-star-wrong"    // lang.go, langFeatLine
	faultLangAcceptsAny       = "lang-accepts-any"        // lang.go, cmdLANG
	faultLangMalformed504     = "lang-malformed-504"      // lang.go, cmdLANG
	faultHostLiteralRefused   = "host-literal-refused"    // host.go, cmdHOST
	faultHostAnyLiteral       = "host-any-literal"        // host.go, cmdHOST
	faultHostPort504          = "host-port-504"           // host.go, cmdHOST
	faultHostAfterLogin       = "host-after-login"        // host.go, cmdHOST
	faultHostUnknown220       = "host-unknown-220"        // host.go, cmdHOST
	faultHostFirstWins        = "host-second-refused"     // host.go, cmdHOST
	faultHostMalformed504     = "host-malformed-504"      // host.go, cmdHOST
	faultEPSVAllIgnored       = "epsv-all-ignored"        // datachan.go, cmdEPSV
	faultLPRTFamily501        = "lprt-family-501"         // lprt.go, cmdLPRT
	faultLPSVPortSwapped      = "lpsv-port-bytes-swapped" // lprt.go, cmdLPSV
	faultLPRTPortSwapped      = "lprt-port-bytes-swapped" // lprt.go, cmdLPRT
)

func init() { registerFaults(extFaults...) }

// faultySwap is the port with its two bytes swapped (lpsv-port-bytes-swapped,
// lprt-port-bytes-swapped); where both bytes are the same, the port next to it, so that the
// fault always names another port.
func faultySwap(port int) int {
	if swapped := port&0xFF<<8 | port>>8; swapped != port {
		return swapped
	}
	return port ^ 1
}

var extFaults = []Fault{
	// FEAT (RFC 2389 §3).
	{
		Name: "feat-no-indent", Group: "feat", RFC: "2389:3.2", Commands: []string{"FEAT"},
		Description: "FEAT's feature lines do not start with a space",
		reply: featLines(func(lines []string) []string {
			for i := range lines {
				lines[i] = strings.TrimLeft(lines[i], " ")
			}
			return lines
		}),
	},
	{
		Name: "feat-end-text", Group: "feat", RFC: "2389:3.2", Commands: []string{"FEAT"},
		Description: `FEAT's feature listing ends with "211 End of the feature list." instead of "211 End"`,
		reply: func(cmd string, r *wireReply) {
			if cmd == "FEAT" && r.code == codeSystemStatus && len(r.lines) > 1 {
				r.lines[len(r.lines)-1] = "End of the feature list."
			}
		},
	},
	{
		Name: "feat-omits-size-mdtm", Group: "feat", RFC: "2389:3.2", Commands: []string{"FEAT", "SIZE", "MDTM"},
		Description: "FEAT leaves out SIZE and MDTM, which the server implements",
		reply:       featDrop("SIZE", "MDTM"),
	},
	{
		Name: "feat-takes-argument", Group: "feat", RFC: "2389:3.2", Commands: []string{"FEAT"},
		Description: "FEAT with a parameter answers the feature listing instead of 501",
		table:       func(t commands) { t["FEAT"].arg = argOptional },
	},
	{
		Name: "feat-needs-login", Group: "feat", RFC: "7151:3.2.3", Commands: []string{"FEAT"},
		Description: "FEAT before login answers 530",
		table:       func(t commands) { t["FEAT"].login = true },
	},
	// OPTS (RFC 2389 §4; RFC 3659 §7.9).
	{
		Name: "opts-accepts-anything", Group: "opts", RFC: "2389:4", Commands: []string{"OPTS"},
		Description: "OPTS for a command that has no options answers 200",
		table: intercept([]string{"OPTS"}, func(s *session, arg string) bool {
			if name, _, _ := strings.Cut(arg, " "); optsTargets[strings.ToUpper(name)] != nil {
				return false
			}
			s.reply(codeOK, "OPTS noted.")
			return true
		}),
	},
	{
		Name: "opts-utf8-refused", Group: "opts", RFC: "2389:4", Commands: []string{"OPTS"},
		Description: "OPTS UTF8 ON answers 501 although FEAT lists UTF8",
		table: intercept([]string{"OPTS"}, func(s *session, arg string) bool {
			if name, _, _ := strings.Cut(arg, " "); !strings.EqualFold(name, "UTF8") {
				return false
			}
			s.reply(codeBadArguments, "OPTS UTF8: not supported.")
			return true
		}),
	},
	{
		Name: "opts-mlst-reply-empty", Group: "opts", RFC: "3659:7.9.1", Commands: []string{"OPTS"},
		Description: `OPTS MLST answers "200 MLST OPTS" without the facts it chose`,
		reply: func(cmd string, r *wireReply) {
			if cmd == "OPTS" && r.code == codeOK && strings.HasPrefix(r.lines[0], "MLST OPTS") {
				r.lines[0] = "MLST OPTS"
			}
		},
	},
	{
		Name: faultOptsMLSTIgnored, Group: "opts", RFC: "3659:7.9", Commands: []string{"OPTS", "MLST", "MLSD"}, check: true,
		Description: "OPTS MLST answers 200 but MLST and MLSD go on returning the default facts",
	},
	{
		Name: faultOptsMLSTUnknown501, Group: "opts", RFC: "3659:7.9", Commands: []string{"OPTS"}, check: true,
		Description: "OPTS MLST naming a fact the server does not support answers 501 instead of leaving it out",
	},
	{
		Name: faultOptsMLSTLenient, Group: "opts", RFC: "3659:7.9.2", Commands: []string{"OPTS"}, check: true,
		Description: "OPTS MLST with a space inside the fact list is accepted (200) instead of refused with 501",
	},
	{
		Name: faultFeatMLSTStatic, Group: "opts", RFC: "3659:7.8", Commands: []string{"FEAT", "OPTS"}, check: true,
		Description: "FEAT's MLST line keeps marking the default facts after OPTS MLST chose others",
	},
	// MLST and MLSD (RFC 3659 §7).
	{
		Name: "mlst-single-line", Group: "mlst", RFC: "3659:7.2", Commands: []string{"MLST"},
		Description: `MLST answers a single-line "250 facts pathname" instead of the 250- … 250 control response`,
		reply: func(cmd string, r *wireReply) {
			if cmd == "MLST" && r.code == codeFileActionOK && len(r.lines) == 3 {
				r.lines = []string{strings.TrimPrefix(r.lines[1], " ")}
			}
		},
	},
	{
		Name: faultMLSTFactUnterminated, Group: "mlst", RFC: "3659:7.2", Commands: []string{"MLST", "MLSD"}, check: true,
		Description: `MLST and MLSD leave out the ";" after the last fact ("type=file;size=3 name")`,
	},
	{
		Name: faultMLSTBasename, Group: "mlst", RFC: "3659:7.3.1", Commands: []string{"MLST"}, check: true,
		Description: "MLST names the entry by its last component, neither the name asked for nor the fully qualified TVFS path",
	},
	{
		Name: faultMLSTDirAsFile, Group: "mlst", RFC: "3659:7.5.1", Commands: []string{"MLST"}, check: true,
		Description: "MLST of a directory says type=file",
	},
	{
		Name: "mlsx-missing-501", Group: "mlst", RFC: "3659:7.2.1", Commands: []string{"MLST", "MLSD"},
		Description: "MLST and MLSD of a name that does not exist answer 501 instead of 550",
		reply:       recode([]string{"MLST", "MLSD"}, []int{codeFileUnavailable}, codeBadArguments),
	},
	{
		Name: faultMLSTNoArgEmpty, Group: "mlst", RFC: "3659:7.3.1", Commands: []string{"MLST"}, check: true,
		Description: "MLST without an argument gives an empty name instead of the current directory's fully qualified path",
	},
	{
		Name: faultMLSDLeadingSpace, Group: "mlst", RFC: "3659:7.2", Commands: []string{"MLSD"}, check: true,
		Description: "MLSD's lines on the data connection start with a space, as MLST's do on the control connection",
	},
	{
		Name: faultMLSDListsFile, Group: "mlst", RFC: "3659:7.2.1", Commands: []string{"MLSD"}, check: true,
		Description: "MLSD of a file lists the file (150, 226) instead of answering 501",
	},
	{
		Name: faultMLSDUsesType, Group: "mlst", RFC: "3659:7.2", Commands: []string{"MLSD"}, check: true,
		Description: "MLSD sends its listing in the session's TYPE and MODE instead of as TYPE L 8, MODE S",
	},
	{
		Name: faultMLSDNoArgRoot, Group: "mlst", RFC: "3659:7.1", Commands: []string{"MLSD"}, check: true,
		Description: "MLSD without an argument lists the root instead of the current directory",
	},
	{
		Name: faultMLSDCdirAlways, Group: "mlst", RFC: "3659:7.5.1.2", Commands: []string{"MLSD", "OPTS"}, check: true,
		Description: "MLSD sends its cdir entry even when the type fact is not chosen",
	},
	// SIZE and MDTM (RFC 3659 §3, §4).
	{
		Name: "size-text", Group: "file-status", RFC: "3659:4.1", Commands: []string{"SIZE"},
		Description: `SIZE answers "213 File size: n" instead of "213 n"`,
		reply: func(cmd string, r *wireReply) {
			if cmd == "SIZE" && r.code == codeFileStatus {
				r.lines[0] = "File size: " + r.lines[0]
			}
		},
	},
	{
		Name: "size-ignores-type", Group: "file-status", RFC: "3659:4", Commands: []string{"SIZE"},
		Description: "SIZE gives the stored size whatever the TYPE: in TYPE A without the extra CR of each line",
		table:       withParams([]string{"SIZE"}, func(p *xferParams) { p.typ = typeImage }),
	},
	{
		Name: "size-mdtm-missing-450", Group: "file-status", RFC: "3659:4.2", Commands: []string{"SIZE", "MDTM"},
		Description: "SIZE and MDTM of a missing file or of a directory answer 450 instead of 550",
		reply:       recode([]string{"SIZE", "MDTM"}, []int{codeFileUnavailable}, codeFileBusy),
	},
	{
		Name: "size-mdtm-bare-550", Group: "file-status", RFC: "3659:4.2", Commands: []string{"SIZE", "MDTM"},
		Description: "SIZE and MDTM without a pathname take the current directory and answer 550 instead of 501",
		table: func(t commands) {
			for _, n := range []string{"SIZE", "MDTM"} {
				t[n].arg = argOptional
			}
		},
	},
	{
		Name: "mdtm-iso-format", Group: "file-status", RFC: "3659:3.1", Commands: []string{"MDTM"},
		Description: `MDTM answers "213 2024-01-31 12:00:00" instead of "213 20240131120000"`,
		reply:       mdtmRewrite(func(t time.Time) string { return t.Format("2006-01-02 15:04:05") }),
	},
	{
		Name: "mdtm-hour-ahead", Group: "file-status", RFC: "3659:2.3", Commands: []string{"MDTM"},
		Description: "MDTM gives the modification time one hour late (a time zone other than UTC)",
		reply:       mdtmRewrite(func(t time.Time) string { return t.Add(time.Hour).Format("20060102150405") }),
	},
	// Pathnames: TVFS (RFC 3659 §6), UTF-8 and spaces (RFC 2640 §3).
	{
		Name: "tvfs-absolute-as-relative", Group: "paths", RFC: "3659:6.2", Commands: []string{"SIZE", "MDTM", "MLST"},
		Description: "SIZE, MDTM and MLST take a fully qualified pathname as relative to the current directory",
		table: before([]string{"SIZE", "MDTM", "MLST"}, func(_ *session, arg string) string {
			if strings.HasPrefix(arg, "/") {
				arg = "." + arg
			}
			return arg
		}),
	},
	{
		Name: "utf8-names-mangled", Group: "paths", RFC: "2640:3.1", Commands: []string{"STOR"},
		Description: "STOR replaces every non-ASCII character of a pathname with '_'",
		table: before([]string{"STOR"}, func(_ *session, arg string) string {
			return strings.Map(func(r rune) rune {
				if r > 0x7F {
					return '_'
				}
				return r
			}, arg)
		}),
	},
	{
		Name: "pathname-spaces-trimmed", Group: "paths", RFC: "2640:3.1", Commands: []string{"STOR"},
		Description: "STOR drops the spaces at the start of a pathname",
		table:       before([]string{"STOR"}, func(_ *session, arg string) string { return strings.TrimLeft(arg, " ") }),
	},
	// LANG (RFC 2640 §4).
	{
		Name: faultFeatLangBare, Group: "lang", RFC: "2640:4.3", Commands: []string{"FEAT", "LANG"}, check: true,
		Description: `FEAT's LANG line has no language tag ("LANG")`,
	},
	{
		Name: faultFeatLangStarWrong, Group: "lang", RFC: "2640:4.3", Commands: []string{"FEAT", "LANG"}, check: true,
		Description: `FEAT's LANG line marks FR as the current language ("LANG EN;FR*") while replies are English`,
	},
	{
		Name: "lang-refuses-listed", Group: "lang", RFC: "2640:4.2", Commands: []string{"LANG"},
		Description: "LANG answers 504 for every tag, those FEAT lists and none included",
		reply:       recode([]string{"LANG"}, []int{codeOK}, codeParamNotImpl),
	},
	{
		Name: faultLangAcceptsAny, Group: "lang", RFC: "2640:4.2", Commands: []string{"LANG"}, check: true,
		Description: "LANG answers 200 for a language the server does not have",
	},
	{
		Name: faultLangMalformed504, Group: "lang", RFC: "2640:4.2", Commands: []string{"LANG"}, check: true,
		Description: "LANG with an argument that is not a language tag answers 504 instead of 501",
	},
	// HOST (RFC 7151).
	{
		Name: faultHostLiteralRefused, Group: "host", RFC: "7151:3.1", Commands: []string{"HOST"}, check: true,
		Description: "HOST with the server's own address literal answers 504",
	},
	{
		Name: faultHostAnyLiteral, Group: "host", RFC: "7151:3.1", Commands: []string{"HOST"}, check: true,
		Description: "HOST with an address literal that is not the server's answers 220 instead of 504",
	},
	{
		Name: faultHostPort504, Group: "host", RFC: "7151:3.1", Commands: []string{"HOST"}, check: true,
		Description: "HOST with a port (192.0.2.1:2112) answers 504 instead of 501",
	},
	{
		Name: faultHostAfterLogin, Group: "host", RFC: "7151:3", Commands: []string{"HOST"}, check: true,
		Description: "HOST after login answers 220 instead of 503",
	},
	{
		Name: faultHostUnknown220, Group: "host", RFC: "7151:3.2", Commands: []string{"HOST"}, check: true,
		Description: "HOST with an unknown host name answers 220 instead of 504",
	},
	{
		Name: faultHostFirstWins, Group: "host", RFC: "7151:3", Commands: []string{"HOST"}, check: true,
		Description: "a second HOST before login answers 503 instead of replacing the first",
	},
	{
		Name: faultHostMalformed504, Group: "host", RFC: "7151:3.3", Commands: []string{"HOST"}, check: true,
		Description: "HOST with a name that is not a hostname answers 504 instead of 501",
	},
	{
		Name: "host-refusal-breaks-login", Group: "host", RFC: "7151:3.3", Commands: []string{"HOST", "USER"},
		Description: "after a refused HOST, USER answers 503 instead of the server ignoring the HOST",
		table: intercept([]string{"USER"}, func(s *session, _ string) bool {
			if !s.ext.hostRefused {
				return false
			}
			s.reply(codeBadSequence, "Send a HOST that this server knows first.")
			return true
		}),
	},
	// EPRT and EPSV (RFC 2428).
	{
		Name: "eprt-200-as-250", Group: "data-connection", RFC: "2428:2", Commands: []string{"EPRT"},
		Description: "EPRT answers 250 instead of 200",
		reply:       recode([]string{"EPRT"}, []int{codeOK}, codeFileActionOK),
	},
	{
		Name: "eprt-malformed-200", Group: "data-connection", RFC: "2428:2", Commands: []string{"EPRT"},
		Description: "EPRT with a malformed argument (or an address it refuses) answers 200 instead of 501",
		reply:       recode([]string{"EPRT"}, []int{codeBadArguments}, codeOK),
	},
	{
		Name: "eprt-522-without-protocols", Group: "data-connection", RFC: "2428:2", Commands: []string{"EPRT", "EPSV"},
		Description: `522 says "Network protocol not supported." without the list of the protocols the server supports`,
		reply: func(cmd string, r *wireReply) {
			if (cmd == "EPRT" || cmd == "EPSV") && r.code == codeBadProtocol {
				r.lines = []string{"Network protocol not supported."}
			}
		},
	},
	{
		Name: faultEPSVAllIgnored, Group: "data-connection", RFC: "2428:3", Commands: []string{"EPSV", "PORT", "PASV", "EPRT", "LPRT", "LPSV"}, check: true,
		Description: "after EPSV ALL, PORT, PASV, EPRT, LPRT and LPSV are still accepted",
	},
	{
		Name: "epsv-reply-malformed", Group: "data-connection", RFC: "2428:3", Commands: []string{"EPSV"},
		Description: `EPSV answers "(||port|)", two delimiters before the port instead of three`,
		reply: func(cmd string, r *wireReply) {
			if cmd == "EPSV" && r.code == codeExtendedPassive {
				r.lines[0] = strings.Replace(r.lines[0], "(|||", "(||", 1)
			}
		},
	},
	{
		Name: "epsv-own-family-refused", Group: "data-connection", RFC: "2428:3", Commands: []string{"EPSV"},
		Description: "EPSV naming the control connection's own protocol (EPSV 1 on IPv4) answers 522",
		table: intercept([]string{"EPSV"}, func(s *session, arg string) bool {
			own := family(ipOf(s.conn.LocalAddr()))
			if strings.TrimSpace(arg) != strconv.Itoa(own) {
				return false
			}
			s.reply(codeBadProtocol, "Network protocol not supported, use (%d)", 3-own)
			return true
		}),
	},
	// MODE Z (draft-preston-ftpext-deflate).
	{
		Name: "mode-z-200-as-250", Group: "deflate", RFC: "deflate:3.4", Commands: []string{"MODE"},
		Description: "MODE Z answers 250 instead of 200",
		reply: func(cmd string, r *wireReply) {
			if cmd == "MODE" && r.code == codeOK && strings.Contains(r.lines[0], "Deflate") {
				r.code = codeFileActionOK
			}
		},
	},
	{
		Name: "mode-z-retr-plain", Group: "deflate", RFC: "deflate:3.3.1", Commands: []string{"RETR"},
		Description: "RETR in MODE Z sends the file uncompressed, without a ZLIB stream",
		table:       streamModeFor([]string{"RETR"}),
	},
	{
		Name: "mode-z-list-plain", Group: "deflate", RFC: "deflate:3.1", Commands: []string{"LIST", "NLST"},
		Description: "LIST and NLST in MODE Z send the listing uncompressed",
		table:       streamModeFor([]string{"LIST", "NLST"}),
	},
	{
		Name: "mode-z-store-raw", Group: "deflate", RFC: "deflate:3.2", Commands: []string{"STOR", "APPE"},
		Description: "STOR and APPE in MODE Z store the compressed bytes as they come, and a ZLIB stream cut short as a complete file",
		table:       streamModeFor([]string{"STOR", "APPE"}),
	},
	{
		Name: "opts-mode-z-250", Group: "deflate", RFC: "deflate:3.6", Commands: []string{"OPTS"},
		Description: "OPTS MODE Z answers 250 instead of 200 when it accepts the options",
		reply: func(cmd string, r *wireReply) {
			if cmd == "OPTS" && r.code == codeOK && strings.HasPrefix(r.lines[0], "MODE Z") {
				r.code = codeFileActionOK
			}
		},
	},
	{
		Name: "opts-mode-z-accepts-any", Group: "deflate", RFC: "deflate:3.6", Commands: []string{"OPTS"},
		Description: "OPTS MODE Z answers 200 to options it does not have",
		table: intercept([]string{"OPTS"}, func(s *session, arg string) bool {
			if !strings.HasPrefix(strings.ToUpper(arg), "MODE Z") {
				return false
			}
			s.reply(codeOK, "MODE Z options set.")
			return true
		}),
	},
	{
		Name: "feat-omits-mode-z", Group: "deflate", RFC: "deflate:3.5", Commands: []string{"FEAT", "MODE"},
		Description: `FEAT leaves out "MODE Z", which the server implements`,
		reply:       featDrop("MODE Z"),
	},
	// LPRT and LPSV (RFC 1639).
	{
		Name: faultLPSVPortSwapped, Group: "data-connection", RFC: "1639:3", Commands: []string{"LPSV"}, check: true,
		Description: "LPSV's 228 gives the port's two bytes in the wrong order (the next port where they are the same)",
	},
	{
		Name: faultLPRTPortSwapped, Group: "data-connection", RFC: "1639:2", Commands: []string{"LPRT"}, check: true,
		Description: "LPRT reads the port's two bytes in the wrong order (the next port where they are the same), so the server connects to another port",
	},
	{
		Name: faultLPRTFamily501, Group: "data-connection", RFC: "1639:4", Commands: []string{"LPRT"}, check: true,
		Description: "LPRT with an address family the server does not support answers 501 instead of 521",
	},
	{
		Name: "lprt-malformed-200", Group: "data-connection", RFC: "1639:4", Commands: []string{"LPRT"},
		Description: "LPRT with a malformed long address answers 200 instead of 501",
		reply:       recode([]string{"LPRT"}, []int{codeBadArguments}, codeOK),
	},
}

// featLines is a reply hook that rewrites the feature lines of a FEAT listing.
func featLines(rewrite func(lines []string) []string) func(string, *wireReply) {
	return func(cmd string, r *wireReply) {
		if cmd != "FEAT" || r.code != codeSystemStatus || len(r.lines) < 3 {
			return
		}
		n := len(r.lines)
		mid := rewrite(slices.Clone(r.lines[1 : n-1]))
		r.lines = slices.Concat(r.lines[:1], mid, r.lines[n-1:])
	}
}

// featDrop is a reply hook that leaves the named features out of FEAT.
func featDrop(names ...string) func(string, *wireReply) {
	return featLines(func(lines []string) []string {
		return slices.DeleteFunc(lines, func(l string) bool {
			return slices.Contains(names, strings.TrimSpace(l))
		})
	})
}

var mdtmValue = regexp.MustCompile(`^\d{14}$`)

// mdtmRewrite is a reply hook that reformats MDTM's time-val.
func mdtmRewrite(format func(time.Time) string) func(string, *wireReply) {
	return func(cmd string, r *wireReply) {
		if cmd != "MDTM" || r.code != codeFileStatus || !mdtmValue.MatchString(r.lines[0]) {
			return
		}
		if t, err := time.Parse("20060102150405", r.lines[0]); err == nil {
			r.lines[0] = format(t)
		}
	}
}

// streamModeFor is a table hook that runs the named commands in stream mode when the session is
// in MODE Z.
func streamModeFor(names []string) func(t commands) {
	return withParams(names, func(p *xferParams) {
		if p.mode == modeDeflate {
			p.mode = modeStream
		}
	})
}
