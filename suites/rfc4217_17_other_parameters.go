package suites

import (
	. "github.com/onsi/ginkgo/v2"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 4217 §17: the AUTH parameter.
var _ = Describe("RFC 4217 §17 Other parameters", func() {
	Scenario(Spec{
		ID:       "AUTH-003",
		Title:    "AUTH TLS-C is accepted as a synonym of AUTH TLS (234)",
		Commands: []string{"AUTH"},
		Codes:    []int{234},
		Section:  "4217:17",
		Quote:    "To maintain backward compatibility with older versions of this document, the server SHOULD accept 'TLS-C' as a synonym for 'TLS'.",
		Level:    Should,
		Feature:  "AUTH-TLS",
	}, func(s *S) {
		expectAuthTLS(s, "TLS-C", "TLS-C is the older name of TLS")
	})
})
