package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 2577 §6: encryption, which RFC 4217 provides for FTP.
var _ = Describe("RFC 2577 §6 Privacy", func() {
	Scenario(Spec{
		ID:       "TLS-009",
		Title:    "The server offers encryption: AUTH TLS is answered 234 (RFC 4217)",
		Commands: []string{"AUTH"},
		Codes:    []int{234},
		Section:  "2577:6",
		Also:     []string{"4217:4.2"},
		Quote:    "To guarantee the privacy of the information FTP transmits, a strong encryption scheme should be used whenever possible.",
		Level:    Should,
	}, func(s *S) {
		if s.Settings.Target.TLS == TLSImplicit {
			s.Note("the target speaks implicit TLS: every connection is encrypted")
			return
		}
		c := s.DialClear()
		r, err := c.Auth("TLS")
		Expect(err).NotTo(HaveOccurred(), "the TLS handshake after AUTH TLS")
		Expect(r).To(HaveReplyCode(234), "AUTH TLS: the encryption RFC 4217 defines for FTP")
	})
})
