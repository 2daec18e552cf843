package suites

import (
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 4217 §6: FEAT advertises the security commands.
var _ = Describe("RFC 4217 §6 Response to the FEAT command", func() {
	Scenario(Spec{
		ID:       "TLS-002",
		Title:    "FEAT lists AUTH (with TLS among its parameters), PBSZ and PROT, where the server supports them",
		Commands: []string{"FEAT", "AUTH", "PBSZ", "PROT"},
		Codes:    []int{211},
		Section:  "4217:6",
		Quote:    "If a server supports the FEAT command, then it MUST advertise supported AUTH, PBSZ, and PROT commands in the reply, as described in section 3.2 of [RFC-2389].",
		Level:    Must,
		Feature:  "FEAT",
	}, func(s *S) {
		c := s.Dial()
		r := c.Cmd("FEAT")
		Expect(r).To(HaveReplyCode(211), "FEAT")
		lines := featureLines(r)
		// What the server supports, learnt from harmless commands: a bare AUTH (501 when AUTH
		// exists), PBSZ 0 and PROT P (503 on a clear connection, 200 on a protected one).
		for _, probe := range []string{"AUTH", "PBSZ 0", "PROT P"} {
			p := c.Cmd("%s", probe)
			if p.Code == 500 || p.Code == 502 {
				continue // not supported: nothing to advertise
			}
			verb, _, _ := strings.Cut(probe, " ")
			params, listed := featLine(lines, verb)
			Expect(listed).To(BeTrue(), "%s answered %s, so the server supports %s, but FEAT does not list it:\n%s", probe, p, verb, strings.Join(r.Lines, "\n"))
			if verb == "AUTH" {
				mechanisms := strings.FieldsFunc(strings.ToUpper(params), func(r rune) bool { return r == ';' || r == ',' || r == ' ' })
				s.Should(slices.Contains(mechanisms, "TLS"), "4217:6",
					"FEAT lists \"AUTH %s\"; RFC 4217 §6: \"the AUTH command should have a reply that identifies 'TLS' as one of the possible parameters\"", params)
			}
		}
	})
})
