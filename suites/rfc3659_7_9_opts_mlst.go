package suites

import (
	"slices"
	"strings"

	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// RFC 3659 §7.8, §7.9: the facts MLST and MLSD return, chosen with OPTS MLST and shown by FEAT.

// twoFacts picks two facts the target supports, preferring size and modify, for scenarios that
// choose facts; it skips when the MLST feature line names fewer than two.
func twoFacts(s *S) []string {
	supported := mlstFeatFacts(s)
	var out []string
	for _, f := range []string{"size", "modify", "perm", "unique", "type"} {
		if slices.Contains(supported, f) && len(out) < 2 {
			out = append(out, f)
		}
	}
	if len(out) < 2 {
		Skip("FEAT's MLST line names fewer than two standard facts: " + strings.Join(supported, ";"))
	}
	return out
}

// loginWithFact logs in and chooses, with OPTS MLST, one fact the target supports (size or modify
// preferably); it returns the connection and the fact.
func loginWithFact(s *S) (*Conn, string) {
	f := twoFacts(s)[0]
	c := s.Login()
	ExpectWithOffset(1, c.Cmd("OPTS MLST %s;", f)).To(HaveReplyCode(200), setupStep("OPTS MLST %s;", f))
	return c, f
}

// factsOf are the lower-case fact names of an entry, sorted.
func factsOf(e mlsxEntry) []string {
	var out []string
	for f := range e.Facts {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// optsMLSTFacts reads the facts of an OPTS MLST reply: mlst-opt-resp = "MLST OPTS" [ SP 1*( factname ";" ) ].
func optsMLSTFacts(r Reply) []string {
	text := r.Text()
	ExpectWithOffset(1, strings.ToUpper(text)).To(HavePrefix("MLST OPTS"),
		`the reply to OPTS MLST is "200 MLST OPTS" and the facts (mlst-opt-resp, RFC 3659 §7.9.1); got %s`, r)
	list := strings.TrimSpace(text[len("MLST OPTS"):])
	var out []string
	for _, f := range strings.Split(list, ";") {
		if f != "" {
			out = append(out, strings.ToLower(f))
		}
	}
	slices.Sort(out)
	return out
}

var _ = Describe("RFC 3659 §7.9 OPTS parameters for MLST", func() {
	Scenario(Spec{
		ID:       "OPTS-003",
		Title:    `OPTS MLST with facts the server supports answers "200 MLST OPTS" naming exactly those facts`,
		Commands: []string{"OPTS"},
		Codes:    []int{200},
		Section:  "3659:7.9.1",
		Quote:    "The facts named in the response are those that the server will now include in MLST (and MLSD) response, after the processing of the \"OPTS MLST\" command.",
		Level:    Must,
		Feature:  "MLST",
	}, func(s *S) {
		facts := twoFacts(s)
		c := s.Login()
		r := c.Cmd("OPTS MLST %s;%s;", facts[0], facts[1])
		Expect(r).To(HaveReplyCode(200))
		want := slices.Clone(facts)
		slices.Sort(want)
		Expect(optsMLSTFacts(r)).To(Equal(want), "OPTS MLST %s;%s; answered %s", facts[0], facts[1], r)
	})

	Scenario(Spec{
		ID:       "OPTS-004",
		Title:    "After OPTS MLST, MLST returns no fact that was not chosen",
		Commands: []string{"OPTS", "MLST"},
		Codes:    []int{200, 250},
		Section:  "3659:7.9",
		Quote:    "Facts not included in the \"OPTS MLST\" command MUST NOT be returned by the server.",
		Level:    Must,
		Feature:  "MLST",
		Writes:   true,
	}, func(s *S) {
		c, chosen := loginWithFact(s)
		upload(s, c, s.Path("chosen.txt"), []byte("x"))
		e := mlstEntries(c.Cmd("MLST %s", s.Path("chosen.txt")))[0]
		for _, f := range factsOf(e) {
			Expect(f).To(Equal(chosen), "only %s was chosen, but MLST returned %q", chosen, e.Line)
		}
	})

	Scenario(Spec{
		ID:       "OPTS-005",
		Title:    "OPTS MLST naming facts the server does not support is no error: 200, and they are left out",
		Commands: []string{"OPTS"},
		Codes:    []int{200},
		Section:  "3659:7.9",
		Quote:    "Facts requested that are not supported, or that are inappropriate to the file or directory being listed should simply be omitted from the MLSx output. This is not an error.",
		Level:    Must,
		Feature:  "MLST",
	}, func(s *S) {
		facts := twoFacts(s)[:1]
		c := s.Login()
		r := c.Cmd("OPTS MLST %s;x.ftpconform-unknown;", facts[0])
		Expect(r).To(HaveReplyCode(200))
		Expect(optsMLSTFacts(r)).To(Equal(facts), "the unsupported fact is left out of the reply (RFC 3659 §7.9.1)")
	})

	Scenario(Spec{
		ID:       "OPTS-006",
		Title:    "After OPTS MLST with no facts, MLST's entry line is two spaces and the name",
		Commands: []string{"OPTS", "MLST"},
		Codes:    []int{200, 250},
		Section:  "3659:7.9",
		Also:     []string{"2389:4"},
		Quote:    "That is, the first character of the output line will be a space, (or two characters will be spaces when the line is returned over the control connection) and the file name will start immediately thereafter.",
		Level:    Must,
		Feature:  "MLST",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		upload(s, c, s.Path("bare.txt"), []byte("x"))
		Expect(c.Cmd("OPTS MLST")).To(HaveReplyCode(200),
			`OPTS MLST without facts is in the grammar (mlst-opts = "OPTS" SP "MLST" [ SP 1*( factname ";" ) ], RFC 3659 §7.9), and RFC 2389 §4: "An "opts-good" response (200 reply) MUST be sent when the command-name specified in the OPTS command is recognized, and the command-options, if any, are recognized, and appropriate."`)
		r := c.Cmd("MLST %s", s.Path("bare.txt"))
		Expect(r).To(HaveReplyCode(250))
		Expect(len(r.Lines)).To(BeNumerically(">=", 3), "MLST's control-response (RFC 3659 §7.2): %s", r)
		Expect(r.Lines[1]).To(MatchRegexp(`^  [^ ]`), "no facts chosen: the entry line is two spaces, then the name")
		Expect(strings.TrimPrefix(r.Lines[1], "  ")).To(HaveSuffix("bare.txt"), "the entry line %q names the file MLST asked for", r.Lines[1])
	})

	Scenario(Spec{
		ID:       "OPTS-007",
		Title:    `After OPTS MLST, FEAT's MLST line marks with "*" exactly the facts chosen`,
		Commands: []string{"OPTS", "FEAT"},
		Codes:    []int{200, 211},
		Section:  "3659:7.8",
		Quote:    "After that, subsequent FEAT commands will return the asterisk to show the facts selected by the most recent \"OPTS MLST\".",
		Level:    Must,
		Feature:  "MLST",
	}, func(s *S) {
		c, chosen := loginWithFact(s)
		r := c.Cmd("FEAT")
		Expect(r).To(HaveReplyCode(211))
		params, ok := featLine(featureLines(r), "MLST")
		Expect(ok).To(BeTrue(), "FEAT no longer lists MLST:\n%s", strings.Join(r.Lines, "\n"))
		var starred []string
		for _, f := range strings.Split(params, ";") {
			if name, ok := strings.CutSuffix(f, "*"); ok {
				starred = append(starred, strings.ToLower(name))
			}
		}
		Expect(starred).To(Equal([]string{chosen}), "FEAT's MLST line %q after OPTS MLST %s;", params, chosen)
	})

	Scenario(Spec{
		ID:       "OPTS-008",
		Title:    "OPTS MLST with a space in the fact list is refused (501), and the facts chosen before stay",
		Commands: []string{"OPTS", "MLST"},
		Codes:    []int{200, 501, 250},
		Section:  "3659:7.9.2",
		Quote:    "The server-FTP sends an error response and completely ignores the request, leaving the fact set selected as it had been previously.",
		Level:    Should,
		Feature:  "MLST",
		Writes:   true,
	}, func(s *S) {
		c, chosen := loginWithFact(s)
		upload(s, c, s.Path("kept.txt"), []byte("x"))
		r := c.Cmd("OPTS MLST fish cakes;")
		expectRefused(r, "a space cannot appear in the fact list: OPTS MLST must get an error response")
		s.Prefer(r, 501)
		e := mlstEntries(c.Cmd("MLST %s", s.Path("kept.txt")))[0]
		Expect(factsOf(e)).To(Equal([]string{chosen}), "the refused OPTS MLST must leave %s chosen: %q", chosen, e.Line)
	})
})
