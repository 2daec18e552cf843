package refserver

import (
	"slices"
	"strings"
)

// Faults of FTP over TLS (RFC 2228's security commands as RFC 4217 uses them, and RFC 2577 §6):
// AUTH, PBSZ, PROT, CCC, ADAT, MIC/CONF/ENC, TLS on the data connections, REIN, and the policies
// of RFC 4217 §10. Each breaks one rule that a scenario of suites/rfc2228_*.go, rfc4217_*.go or
// rfc2577_6_*.go checks.

// Names of the faults that act through a named check in tls.go, tls_control.go and tls_data.go.
const (
	faultAuthKeepsLogin      = "auth-keeps-login"          // startControlTLS
	faultAuthKeepsParams     = "auth-keeps-parameters"     // startControlTLS
	faultTLSFailSilent       = "tls-failure-silent"        // startControlTLS
	faultPBSZBeforeAuth      = "pbsz-before-auth"          // cmdPBSZ
	faultProtPClear          = "prot-p-clear-data"         // dataTLS
	faultProtActiveClient    = "prot-active-tls-client"    // dataTLS, secureData
	faultProtCIgnored        = "prot-c-ignored"            // cmdPROT
	faultProtWithoutPBSZ     = "prot-without-pbsz"         // cmdPROT
	faultProtDefaultPrivate  = "prot-default-private"      // startControlTLS, beginImplicitTLS
	faultREINKeepsProt       = "rein-keeps-prot"           // tlsAfterREIN
	faultREINKeepsTLS        = "rein-keeps-tls"            // tlsAfterREIN
	faultCCCClearAccepted    = "ccc-clear-accepted"        // cmdCCC
	faultCCCKeepsTLS         = "ccc-keeps-tls"             // cmdCCC
	faultCCCAcceptsProt      = "ccc-accepts-prot"          // cmdCCC
	faultDataTLSFailure226   = "data-tls-failure-226"      // secureData
	faultSessionReuse425     = "session-reuse-refusal-425" // secureData
	faultDataOtherCert       = "data-other-certificate"    // dataTLS
	faultTLSLoginNotRequired = "tls-login-not-required"    // setupTLS
)

// The commands that open a data connection, whose TLS the data faults change: the transfers and
// MLSD.
var tlsDataCommands = append(slices.Clone(transferCommands), "MLSD")

func init() { registerFaults(tlsFaults...) }

var tlsFaults = []Fault{
	// AUTH (RFC 2228 §3, RFC 4217 §4, §17).
	{
		Name: "auth-tls-334", Group: "security", RFC: "4217:4.2", Commands: []string{"AUTH"},
		Description: "AUTH TLS is answered 334 (ADAT to follow) instead of 234",
		reply: func(cmd string, r *wireReply) {
			if cmd == "AUTH" && r.code == codeSecurityDone {
				r.code = 334
			}
		},
	},
	{
		Name: "auth-unknown-accepted", Group: "security", RFC: "2228:3", Commands: []string{"AUTH"},
		Description: "AUTH with a mechanism the server does not know is answered 234 and starts TLS",
		table:       before([]string{"AUTH"}, func(*session, string) string { return "TLS" }),
	},
	{
		Name: "auth-tls-c-refused", Group: "security", RFC: "4217:17", Commands: []string{"AUTH"},
		Description: "AUTH TLS-C, the synonym of TLS, is refused with 504",
		table: intercept([]string{"AUTH"}, func(s *session, arg string) bool {
			if !strings.EqualFold(strings.TrimSpace(arg), "TLS-C") {
				return false
			}
			s.reply(codeParamNotImpl, "Unknown security mechanism.")
			return true
		}),
	},
	{
		Name: "auth-case-sensitive", Group: "security", RFC: "2228:3", Commands: []string{"AUTH"},
		Description: "AUTH takes the mechanism name case-sensitively: AUTH tls is refused with 504",
		table: intercept([]string{"AUTH"}, func(s *session, arg string) bool {
			if arg == strings.ToUpper(arg) {
				return false
			}
			s.reply(codeParamNotImpl, "Unknown security mechanism.")
			return true
		}),
	},
	{
		Name: faultAuthKeepsLogin, Group: "security", RFC: "2228:3", Commands: []string{"AUTH", "USER", "PASS"}, check: true,
		Description: "AUTH TLS after a login keeps the user logged in, without asking for USER and PASS again",
	},
	{
		Name: faultAuthKeepsParams, Group: "security", RFC: "4217:4.2", Commands: []string{"AUTH", "TYPE", "CWD"}, check: true,
		Description: "AUTH TLS keeps the transfer parameters (TYPE, STRU, MODE, data port) instead of resetting them",
	},
	{
		Name: faultTLSFailSilent, Group: "security", RFC: "4217:10.1", Commands: []string{"AUTH"}, check: true,
		Description: "when the client does not start TLS after 234, the connection is closed without the unprotected 421",
	},
	{
		Name: "auth-not-offered", Group: "security", RFC: "2577:6", Commands: []string{"AUTH", "PBSZ", "PROT", "CCC", "FEAT"},
		Description: "the server offers no TLS: AUTH, PBSZ, PROT and CCC are not implemented (502)",
		table: func(t commands) {
			for _, n := range []string{"AUTH", "PBSZ", "PROT", "CCC"} {
				t[n].handler = nil
			}
		},
	},
	{
		Name: "feat-without-pbsz-prot", Group: "security", RFC: "4217:6", Commands: []string{"FEAT", "PBSZ", "PROT"},
		Description: "FEAT does not list PBSZ and PROT, which the server supports",
		reply: func(cmd string, r *wireReply) {
			if cmd == "FEAT" && r.code == codeSystemStatus {
				r.lines = slices.DeleteFunc(r.lines, func(l string) bool { return l == " PBSZ" || l == " PROT" })
			}
		},
	},
	// PBSZ (RFC 2228 §3, RFC 4217 §9).
	{
		Name: "pbsz-zero-refused", Group: "security", RFC: "4217:9", Commands: []string{"PBSZ"},
		Description: "PBSZ 0 is refused with 501, as RFC 2228's grammar (1 to 2^32-1) would have it",
		table: intercept([]string{"PBSZ"}, func(s *session, arg string) bool {
			if strings.TrimSpace(arg) != "0" {
				return false
			}
			s.reply(codeBadArguments, "PBSZ: the size must be 1 to 4294967295.")
			return true
		}),
	},
	{
		Name: "pbsz-no-size", Group: "security", RFC: "2228:3", Commands: []string{"PBSZ"},
		Description: "PBSZ with a size too large for TLS is answered 200 without PBSZ=0, the size to use",
		reply: func(cmd string, r *wireReply) {
			if cmd == "PBSZ" && r.code == codeOK {
				r.lines = []string{"Protection buffer size accepted."}
			}
		},
	},
	{
		Name: faultPBSZBeforeAuth, Group: "security", RFC: "2228:3", Commands: []string{"PBSZ", "PROT"}, check: true,
		Description: "PBSZ is accepted (200) on a control connection without TLS",
	},
	{
		Name: "pbsz-lenient", Group: "security", RFC: "2228:3", Commands: []string{"PBSZ"},
		Description: "PBSZ accepts an argument that is not a 32-bit decimal number (200)",
		table:       before([]string{"PBSZ"}, func(*session, string) string { return "0" }),
	},
	// PROT (RFC 2228 §3, RFC 4217 §7, §9).
	{
		Name: faultProtPClear, Group: "security", RFC: "4217:9", Commands: append([]string{"PROT"}, tlsDataCommands...), check: true,
		Description: "PROT P is accepted, but the data connections go without TLS",
	},
	{
		Name: faultProtActiveClient, Group: "security", RFC: "4217:7", Commands: []string{"PROT", "PORT", "EPRT"}, check: true,
		Description: "on a data connection the server opens itself (PORT, EPRT) it acts as the TLS client",
	},
	{
		Name: faultProtCIgnored, Group: "security", RFC: "4217:9", Commands: append([]string{"PROT"}, tlsDataCommands...), check: true,
		Description: "PROT C is answered 200, but the data connections keep TLS",
	},
	{
		Name: "prot-s-accepted", Group: "security", RFC: "2228:3", Commands: []string{"PROT"},
		Description: "PROT S and PROT E, levels TLS does not have, are accepted (200)",
		table: intercept([]string{"PROT"}, func(s *session, arg string) bool {
			l := strings.ToUpper(strings.TrimSpace(arg))
			if (l != "S" && l != "E") || !s.tls.pbsz {
				return false
			}
			s.reply(codeOK, "Protection level %s.", l)
			return true
		}),
	},
	{
		Name: "prot-unknown-accepted", Group: "security", RFC: "2228:3", Commands: []string{"PROT"},
		Description: "PROT with a level RFC 2228 does not define is accepted (200)",
		table: intercept([]string{"PROT"}, func(s *session, arg string) bool {
			l := strings.ToUpper(strings.TrimSpace(arg))
			if strings.Contains("CSEP", l) || !s.tls.pbsz {
				return false
			}
			s.reply(codeOK, "Protection level %s.", l)
			return true
		}),
	},
	{
		Name: faultProtWithoutPBSZ, Group: "security", RFC: "4217:9", Commands: []string{"PROT"}, check: true,
		Description: "PROT is accepted without a preceding PBSZ, on a clear control connection too",
	},
	{
		Name: faultProtDefaultPrivate, Group: "security", RFC: "4217:9", Commands: append([]string{"AUTH", "PBSZ"}, tlsDataCommands...), check: true,
		Description: "after AUTH TLS the data connections use TLS before any PROT P: the initial level is not Clear",
	},
	{
		Name: faultREINKeepsProt, Group: "security", RFC: "4217:9", Commands: append([]string{"REIN"}, tlsDataCommands...), check: true,
		Description: "REIN keeps the protection level PROT P instead of returning to Clear",
	},
	{
		Name: "prot-refusal-550", Group: "security", RFC: "4217:10.2", Commands: tlsDataCommands,
		Description: "a transfer refused for its protection level is answered 550 instead of 521",
		reply:       recode(tlsDataCommands, []int{codeProtSetting}, codeFileUnavailable),
	},
	// CCC (RFC 2228 §3, RFC 4217 §5).
	{
		Name: faultCCCClearAccepted, Group: "security", RFC: "2228:3", Commands: []string{"CCC"}, check: true,
		Description: "CCC on a control connection without TLS is answered 200 instead of 533",
	},
	{
		Name: faultCCCKeepsTLS, Group: "security", RFC: "4217:5", Commands: []string{"CCC"}, check: true,
		Description: "CCC is answered 200, but the control connection keeps TLS",
	},
	{
		Name: faultCCCAcceptsProt, Group: "security", RFC: "4217:5", Commands: []string{"CCC", "PBSZ", "PROT"}, check: true,
		Description: "after CCC, PBSZ and PROT are still accepted",
	},
	// ADAT, MIC, CONF, ENC (RFC 2228 §3).
	{
		Name: "adat-accepted", Group: "security", RFC: "2228:3", Commands: []string{"ADAT"},
		Description: "ADAT is answered 235 (security data exchange complete) although AUTH TLS exchanges no security data",
		table: func(t commands) {
			t["ADAT"].handler = func(s *session, _ string) { s.reply(235, "ADAT accepted.") }
		},
	},
	{
		Name: "mic-executed", Group: "security", RFC: "2228:3", Commands: []string{"MIC", "CONF", "ENC"},
		Description: "MIC, CONF and ENC are carried out (200) without a security data exchange",
		table: func(t commands) {
			for _, n := range []string{"MIC", "CONF", "ENC"} {
				t[n].handler = func(s *session, _ string) { s.reply(codeOK, "Command okay.") }
			}
		},
	},
	// REIN (RFC 4217 §13).
	{
		Name: faultREINKeepsTLS, Group: "security", RFC: "4217:13", Commands: []string{"REIN"}, check: true,
		Description: "REIN on a TLS control connection keeps TLS instead of clearing it",
	},
	// TLS on the data connection and the server's policies (RFC 4217 §10, §15).
	{
		Name: faultDataTLSFailure226, Group: "security", RFC: "4217:10.2", Commands: tlsDataCommands, check: true,
		Description: "a transfer whose data connection fails the TLS negotiation ends with 226 instead of 522",
	},
	{
		Name: faultSessionReuse425, Group: "security", RFC: "4217:10.2", Commands: tlsDataCommands, check: true,
		Description: "a data connection refused for not resuming the control connection's TLS session gets 425 instead of 522",
	},
	{
		Name: faultDataOtherCert, Group: "security", RFC: "4217:15.1.1", Commands: tlsDataCommands, check: true,
		Description: "data connections present another certificate than the control connection",
	},
	{
		Name: faultTLSLoginNotRequired, Group: "security", RFC: "4217:10.1", Commands: []string{"USER", "PASS"}, check: true,
		Description: "require_tls is not enforced: a login without TLS succeeds",
	},
}
