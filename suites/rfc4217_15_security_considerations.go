package suites

import (
	. "github.com/onsi/ginkgo/v2"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 4217 §15: the certificates of the control and data connections.
var _ = Describe("RFC 4217 §15 Security considerations", func() {
	Scenario(Spec{
		ID:       "TLS-008",
		Title:    "The data connections present the control connection's certificate",
		Commands: []string{"PROT", "NLST"},
		Codes:    []int{226},
		Section:  "4217:15.1.1",
		Quote:    "It is strongly recommended that the certificate used for server authentication of Data connections be the same certificate as that used for the corresponding Control connection.",
		Level:    Should,
		Feature:  "PROT",
	}, func(s *S) {
		c := loginProtected(s)
		// The harness compares the certificates of every TLS data connection with the control
		// connection's, and reports a difference against this section.
		listScratchRoot(s, c, "NLST under PROT P")
	})
})
