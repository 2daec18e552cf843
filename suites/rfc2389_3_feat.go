package suites

import (
	"regexp"
	"strings"

	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// RFC 2389 §3: FEAT, the list of the extensions a server supports.

// featureLine is RFC 2389 §3.2's SP feature: one space, a feature-label of VCHARs, and
// optionally one space and the feature-parms (TCHARs).
var featureLine = regexp.MustCompile(`^ [\x21-\x7e]+( [\x20-\x7e\t]+)?$`)

// featReply asks FEAT on a new, logged-in connection.
func featReply(s *S) Reply {
	c := s.Login()
	r := c.Cmd("FEAT")
	ExpectWithOffset(1, r).To(HaveReplyCode(211), setupStep("FEAT"))
	return r
}

// featListing asks FEAT on a new, logged-in connection; ok is false when the server answered the
// single-line no-features reply, which has no feature listing to judge.
func featListing(s *S) (r Reply, ok bool) {
	r = featReply(s)
	if !r.Multiline() {
		s.Note("FEAT answered the single-line no-features reply: %s", r)
	}
	return r, r.Multiline()
}

// featureLines are the feature lines of a FEAT reply, without their leading space.
func featureLines(r Reply) []string {
	if len(r.Lines) < 3 {
		return nil
	}
	var out []string
	for _, l := range r.Lines[1 : len(r.Lines)-1] {
		out = append(out, strings.TrimPrefix(l, " "))
	}
	return out
}

// featLine finds the feature line whose label is keyword ("MLST", "REST STREAM"), case
// insensitively; ok is false when FEAT does not list it.
func featLine(lines []string, keyword string) (params string, ok bool) {
	for _, l := range lines {
		if strings.EqualFold(l, keyword) {
			return "", true
		}
		if len(l) > len(keyword) && strings.EqualFold(l[:len(keyword)], keyword) && l[len(keyword)] == ' ' {
			return l[len(keyword)+1:], true
		}
	}
	return "", false
}

// featParams are the parameters of the target's feature line for keyword ("" when none).
func featParams(s *S, keyword string) string {
	p, _ := featLine(featureLines(featReply(s)), keyword)
	return p
}

// featProbes are the extensions whose commands a logged-in client can try harmlessly, each the
// keyword of the FEAT line that must announce it: a reply other than 500 or 502 means the server
// implements it, except that MODE Z answered 501 or 504 is a mode the server does not know (RFC
// 959 §5.4: MODE's 501 and 504 refuse the parameter).
var featProbes = []string{
	"SIZE",   // RFC 3659 §4.3
	"MDTM",   // RFC 3659 §3.3
	"MLST",   // RFC 3659 §7.8
	"EPRT",   // RFC 2428 (FEAT lines per RFC 2389 §3.2)
	"EPSV",   //
	"LANG",   // RFC 2640 §4.3
	"HOST",   // RFC 7151 §3.4 (503 after login: it exists)
	"AUTH",   // RFC 4217 §6: "AUTH TLS"
	"MODE Z", // deflate draft §3.5 (RFC 1639's LPRT and LPSV have no FEAT line)
}

var _ = Describe("RFC 2389 §3 FEAT", func() {
	Scenario(Spec{
		ID:       "FEAT-001",
		Title:    "FEAT answers 211 with a feature listing whose every feature line begins with a single space",
		Commands: []string{"FEAT"},
		Codes:    []int{211},
		Section:  "2389:3.2",
		Quote:    "Note that each feature line in the feature-listing begins with a single space.",
		Level:    Must,
		Feature:  "FEAT",
	}, func(s *S) {
		r, ok := featListing(s)
		if !ok {
			return
		}
		for _, l := range r.Lines[1 : len(r.Lines)-1] {
			Expect(l).To(MatchRegexp(featureLine.String()),
				"feature line %q: SP feature-label [ SP feature-parms ] (RFC 2389 §3.2)", l)
		}
	})

	Scenario(Spec{
		ID:       "FEAT-002",
		Title:    `The feature listing ends with the line "211 End"`,
		Commands: []string{"FEAT"},
		Codes:    []int{211},
		Section:  "2389:3.2",
		Quote:    "Replies to the FEAT command MUST comply with the following syntax.",
		Level:    Must,
		Feature:  "FEAT",
	}, func(s *S) {
		r, ok := featListing(s)
		if !ok {
			return
		}
		last := r.Lines[len(r.Lines)-1]
		Expect(strings.EqualFold(last, "211 End")).To(BeTrue(),
			`the last line of a feature-listing is "211 End" (feature-listing = "211-" *TCHAR CRLF 1*( SP feature CRLF ) "211 End" CRLF); got %q`, last)
	})

	Scenario(Spec{
		ID:       "FEAT-003",
		Title:    "FEAT lists every extension the server implements (SIZE, MDTM, MLST, EPRT, EPSV, LANG, HOST, AUTH, MODE Z)",
		Commands: []string{"FEAT", "SIZE", "MDTM", "MLST", "EPRT", "EPSV", "LANG", "HOST", "AUTH", "MODE"},
		Codes:    []int{211},
		Section:  "2389:3.2",
		Quote:    "FTP implementations which support FEAT MUST include in the response to the FEAT command all properly documented FTP extensions beyond those commands and mechanisms described in RFC959 [1], including any which existed before the existence of FEAT.",
		Level:    Must,
		Feature:  "FEAT",
	}, func(s *S) {
		lines := featureLines(featReply(s))
		c := s.Login()
		for _, cmd := range featProbes {
			r := c.Cmd("%s", cmd)
			if r.Code == 500 || r.Code == 502 || cmd == "MODE Z" && (r.Code == 501 || r.Code == 504) {
				continue // not implemented: nothing to list
			}
			if cmd == "MODE Z" && r.Class() == 2 {
				c.Cmd("MODE S")
			}
			_, listed := featLine(lines, cmd)
			Expect(listed).To(BeTrue(), "%s answered %s, so the server implements it, but FEAT does not list %q:\n%s",
				cmd, r, cmd, strings.Join(lines, "\n"))
		}
	})

	Scenario(Spec{
		ID:       "FEAT-004",
		Title:    "FEAT with a parameter is a syntax error (501)",
		Commands: []string{"FEAT"},
		Codes:    []int{501},
		Section:  "2389:3.2",
		Quote:    "Errors in the command syntax, such as giving parameters, will result in a 501 reply.",
		Level:    Should,
		Feature:  "FEAT",
	}, func(s *S) {
		c := s.Login()
		Expect(c.Cmd("FEAT MLST")).To(HaveReplyCode(501))
	})

	Scenario(Spec{
		ID:       "FEAT-005",
		Title:    "FEAT works before login: it needs no authentication",
		Commands: []string{"FEAT"},
		Codes:    []int{211},
		Section:  "7151:3.2.3",
		Also:     []string{"2640:4.1"},
		Quote:    "Other commands (such as FEAT [RFC2389]) that require no authentication may have intervened.",
		Level:    Should,
		Feature:  "FEAT",
	}, func(s *S) {
		c := s.Dial()
		Expect(c.Cmd("FEAT")).To(HaveReplyCode(211))
	})
})
