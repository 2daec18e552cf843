package harness

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ftpconform/ftpconform/rfc"
)

// The general rules hold for every reply of every scenario, whatever the scenario asserts.
// Their levels follow RFC 1123 §4.1.2.11: the grammar and the meaning of the first digit are
// MUST; the exact code is SHOULD, since "a server-FTP MAY use a different reply code when
// needed, as long as the general rules of Section 4.2 are followed".

// transferVerbs may answer with a 1yz: they open a data connection (RFC 959 §5.4, RFC 3659 §7.2).
var transferVerbs = []string{"RETR", "STOR", "STOU", "APPE", "LIST", "NLST", "MLSD"}

// checkReply records the findings one reply gives rise to. p is the command it answers (nil
// for a reply nobody asked for).
func checkReply(c *Conn, p *pending, r Reply) {
	if c.rec.isHousekeeping(c.id) {
		return // the harness's own probes: scenarios about those commands judge them
	}
	for _, v := range r.Violations {
		c.rec.finding(Finding{Level: Must, Section: "959:4.2", Message: "reply grammar: " + v})
	}
	if p == nil {
		if r.Code != 421 {
			c.rec.finding(Finding{Level: Should, Section: "959:4.2", Message: fmt.Sprintf("reply %s arrived when no command was waiting for one", r)})
		}
		return
	}
	if r.Class() == 1 && !preliminaryAllowed(p) {
		c.rec.finding(Finding{Level: Must, Section: "959:5.4", Message: fmt.Sprintf(
			"%s is a positive preliminary (1yz) reply to %s, a command that starts no data transfer; RFC 959 §5.4 allows 1yz only for RETR, STOR, STOU, APPE, LIST, NLST (and 120 for REIN and the greeting)",
			r, p.line)})
	}
	line := strings.TrimSpace(p.verb + " " + p.arg)
	if !rfc.Allows(line, r.Code, nil) && !genericallyAllowed(p, r.Code) {
		c.rec.finding(Finding{Level: Should, Section: "959:5.4", Message: fmt.Sprintf(
			"%d is not among the replies the RFCs list for %s (%s); RFC 1123 §4.1.2.11 lets a server use a different code when needed, so this is a warning",
			r.Code, p.verb, codesText(rfc.Allowed(line, nil)))})
	}
}

func preliminaryAllowed(p *pending) bool {
	switch p.verb {
	case "<connect>", "REIN":
		return true
	}
	return slices.Contains(transferVerbs, p.verb)
}

// genericallyAllowed holds the codes RFC 959 §4.2 allows for any command: 421 when the service
// shuts down, 500 for a command not recognised, 502 for one not implemented (outside the §5.1
// minimum), 202 for one superfluous at this site; and 534 to a login refused by policy.
func genericallyAllowed(p *pending, code int) bool {
	if code/100 == 2 && !namesSuccess(p) {
		return true // the RFC names no success reply for this command: any 2yz fits §4.2.1
	}
	switch code {
	case 421, 500:
		return true
	case 502:
		return !minimumVerb(p.verb)
	case 202:
		return !slices.Contains(transferVerbs, p.verb)
	case 534:
		// RFC 2228 §3 recommends 534 for refusals "for policy reasons": a server that demands
		// TLS refuses a cleartext login so (RFC 4217 servers answer 530 or 534).
		return p.verb == "USER" || p.verb == "PASS"
	}
	return false
}

// namesSuccess reports whether the reply table gives the command (in its most specific form:
// "EPSV ALL" rather than "EPSV") a completion code. RFC 2428 gives EPSV ALL none, RFC 1639 gives
// LPRT none; servers then choose, and any positive completion is right.
func namesSuccess(p *pending) bool {
	key := p.verb
	if word, _, _ := strings.Cut(strings.TrimSpace(p.arg), " "); word != "" && len(rfc.RowsFor(p.verb+" "+strings.ToUpper(word))) > 0 {
		key = p.verb + " " + strings.ToUpper(word)
	}
	rows := rfc.RowsFor(key)
	if len(rows) == 0 {
		return true // unknown to the table: judged by 500/502 above
	}
	for _, r := range rows {
		if len(r.Completion) > 0 {
			return true
		}
	}
	return false
}

// minimumVerb reports whether verb belongs to RFC 959 §5.1's minimum implementation.
func minimumVerb(verb string) bool {
	for _, v := range rfc.Verbs() {
		if v.Name == verb {
			return v.Minimum
		}
	}
	return false
}

// codesText shows a code list compactly.
func codesText(codes []string) string {
	if len(codes) == 0 {
		return "none: the RFCs do not define this command"
	}
	return strings.Join(codes, " ")
}
