package suites

import (
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
		var lines []string
		if len(r.Lines) > 2 {
			for _, l := range r.Lines[1 : len(r.Lines)-1] {
				lines = append(lines, strings.ToUpper(strings.TrimSpace(l)))
			}
		}
		listed := func(keyword string) (string, bool) {
			for _, l := range lines {
				if l == keyword || strings.HasPrefix(l, keyword+" ") {
					return l, true
				}
			}
			return "", false
		}
		// What the server supports, learnt from harmless commands: a bare AUTH (501 when AUTH
		// exists), PBSZ 0 and PROT P (503 on a clear connection, 200 on a protected one).
		probes := map[string]string{"AUTH": "AUTH", "PBSZ": "PBSZ 0", "PROT": "PROT P"}
		for _, verb := range []string{"AUTH", "PBSZ", "PROT"} {
			p := c.Cmd("%s", probes[verb])
			if p.Code == 500 || p.Code == 502 {
				continue // not supported: nothing to advertise
			}
			line, ok := listed(verb)
			Expect(ok).To(BeTrue(), "%s answered %s, so the server supports it, but FEAT does not list it:\n%s", probes[verb], p, strings.Join(r.Lines, "\n"))
			if verb == "AUTH" {
				s.Should(strings.Contains(" "+line+" ", " TLS ") || strings.Contains(line, "TLS;") || strings.Contains(line, ";TLS"), "4217:6",
					"FEAT lists %q; RFC 4217 §6: \"the AUTH command should have a reply that identifies 'TLS' as one of the possible parameters\"", line)
			}
		}
	})
})
