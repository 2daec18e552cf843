package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 4217 §7: who is the TLS client on the data connection.
var _ = Describe("RFC 4217 §7 Data connection behaviour", func() {
	Scenario(Spec{
		ID:       "PROT-002",
		Title:    "Under PROT P the server is the TLS server on every kind of data connection, whichever side connects (PASV, EPSV, PORT, EPRT)",
		Commands: []string{"PBSZ", "PROT", "PASV", "EPSV", "PORT", "EPRT", "NLST"},
		Codes:    []int{200, 150, 226},
		Section:  "4217:7",
		Quote:    "For i) and ii), the FTP client MUST be the TLS client and the FTP server MUST be the TLS server.",
		Level:    Must,
		Feature:  "PROT",
	}, func(s *S) {
		c := loginProtected(s)
		tried := 0
		for _, kind := range DataKinds {
			if (kind == PASV || kind == PORT) && c.RemoteAddr().IP.To4() == nil {
				continue // PASV and PORT cannot name an IPv6 address
			}
			d, r, err := c.OpenData(kind)
			Expect(err).NotTo(HaveOccurred(), "setting up a %s data connection", kind)
			if d == nil {
				s.Note("%s refused (%s): not tried", kind, r)
				continue
			}
			t := d.Run("NLST "+s.Settings.Target.Scratch, nil, false)
			d.Close()
			expectTransferred(t, "NLST over "+string(kind)+" with TLS")
			tried++
		}
		Expect(tried).To(BeNumerically(">", 0), "no kind of data connection could be set up")
	})
})
