package suites

import (
	"regexp"
	"strings"

	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// RFC 2640 §4: LANG, the language of the reply texts, and FEAT's LANG line.

// langTagPattern is lang-tag = Primary-tag *( "-" Sub-tag ), each 1*8ALPHA (RFC 2640 §4.2).
var langTagPattern = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z]{1,8})*$`)

// langFeat is the FEAT LANG line's lang-fact (RFC 2640 §4.3): its tags, and those marked
// current with "*" (at most one, when the server follows the RFC).
type langFeat struct {
	tags   []string // as listed, without the asterisk
	marked []string
	raw    string
}

// parseLangFeat reads the parameters of a FEAT LANG line.
func parseLangFeat(params string) langFeat {
	lf := langFeat{raw: params}
	for _, t := range strings.Split(params, ";") {
		tag, star := strings.CutSuffix(t, "*")
		lf.tags = append(lf.tags, tag)
		if star {
			lf.marked = append(lf.marked, tag)
		}
	}
	return lf
}

// langFeature reads the target's FEAT LANG line.
func langFeature(s *S) langFeat {
	params, _ := featLine(featureLines(featReply(s)), "LANG")
	return parseLangFeat(params)
}

var _ = Describe("RFC 2640 §4 Language Support", func() {
	Scenario(Spec{
		ID:       "LANG-001",
		Title:    "FEAT's LANG line lists at least one language tag, each lang-tag [\"*\"], separated by \";\", at most one marked current",
		Commands: []string{"FEAT", "LANG"},
		Codes:    []int{211},
		Section:  "2640:4.3",
		Quote:    "At least one lang-tag MUST be included with the FEAT response.",
		Level:    Must,
		Feature:  "LANG",
	}, func(s *S) {
		lf := langFeature(s)
		Expect(lf.raw).NotTo(BeEmpty(), `Lang-feat = SP "LANG" SP lang-fact CRLF: no language tag after LANG`)
		for _, tag := range lf.tags {
			Expect(tag).To(MatchRegexp(langTagPattern.String()), "FEAT LANG %s: %q is not a lang-tag (RFC 2640 §4.3)", lf.raw, tag)
		}
		Expect(len(lf.marked)).To(BeNumerically("<=", 1), "FEAT LANG %s: the asterisk marks the one current language, but %d tags carry it", lf.raw, len(lf.marked))
	})

	Scenario(Spec{
		ID:       "LANG-002",
		Title:    "LANG with a language FEAT lists answers 200",
		Commands: []string{"LANG"},
		Codes:    []int{200},
		Section:  "2640:4.2",
		Quote:    "\"lang-ok\" MUST be sent if Server-FTP supports the \"Lang\" command and can support some form of the \"lang-tag\".",
		Level:    Must,
		Feature:  "LANG",
	}, func(s *S) {
		lf := langFeature(s)
		tag := lf.tags[0]
		if len(lf.marked) > 0 {
			tag = lf.marked[0]
		}
		c := s.Dial()
		Expect(c.Cmd("LANG %s", tag)).To(HaveReplyCode(200), "FEAT LANG %s", lf.raw)
	})

	Scenario(Spec{
		ID:       "LANG-003",
		Title:    "LANG with a well-formed tag of a language the server does not have answers 504",
		Commands: []string{"LANG"},
		Codes:    []int{504},
		Section:  "2640:4.2",
		Quote:    "A 504 response SHOULD be sent if the \"Lang\" argument, while syntactically correct, is not implemented.",
		Level:    Should,
		Feature:  "LANG",
	}, func(s *S) {
		lf := langFeature(s)
		// qaa-qtz are reserved for local use (ISO 639-2): no server ships them.
		for _, t := range lf.tags {
			if strings.EqualFold(strings.Split(t, "-")[0], "qaa") {
				Skip("the server lists qaa, the scenario's unknown language: " + lf.raw)
			}
		}
		c := s.Dial()
		Expect(c.Cmd("LANG qaa")).To(HaveReplyCode(504))
	})

	Scenario(Spec{
		ID:       "LANG-004",
		Title:    "LANG with an argument that is not a language tag answers 501",
		Commands: []string{"LANG"},
		Codes:    []int{501},
		Section:  "2640:4.2",
		Quote:    "A 501 response SHOULD be sent if the argument to the \"Lang\" command is not syntactically correct.",
		Level:    Should,
		Feature:  "LANG",
	}, func(s *S) {
		c := s.Dial()
		Expect(c.Cmd("LANG en_US.UTF-8")).To(HaveReplyCode(501))
	})

	Scenario(Spec{
		ID:       "LANG-005",
		Title:    "LANG without a parameter returns to the server's default language: 200",
		Commands: []string{"LANG"},
		Codes:    []int{200},
		Section:  "2640:4.2",
		Quote:    "If omitted server-PI MUST use the server's default language.",
		Level:    Must,
		Feature:  "LANG",
	}, func(s *S) {
		c := s.Dial()
		Expect(c.Cmd("LANG")).To(HaveReplyCode(200))
	})

	Scenario(Spec{
		ID:       "LANG-006",
		Title:    "After LANG with a listed language, FEAT's asterisk, if any, marks that language",
		Commands: []string{"LANG", "FEAT"},
		Codes:    []int{200, 211},
		Section:  "2640:4.3",
		Quote:    "The OPTIONAL asterisk, when present, SHALL indicate the current lang-tag being used by server-FTP for messages and responses.",
		Level:    Must,
		Feature:  "LANG",
	}, func(s *S) {
		lf := langFeature(s)
		tag := lf.tags[0]
		c := s.Dial()
		Expect(c.Cmd("LANG %s", tag)).To(HaveReplyCode(200), setupStep("LANG %s", tag))
		r := c.Cmd("FEAT")
		Expect(r).To(HaveReplyCode(211))
		params, _ := featLine(featureLines(r), "LANG")
		for _, marked := range parseLangFeat(params).marked {
			Expect(strings.EqualFold(marked, tag)).To(BeTrue(), "after LANG %s, FEAT marks %s as current: LANG %s", tag, marked, params)
		}
	})
})
