package suites

import (
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// RFC 2428 §2, §3 as data-connection kinds: EPSV's 229 names a port that works, EPRT's 200
// makes the server connect there. The extension's own rules (EPSV ALL, 522, the reply's exact
// form) have their scenarios with the extensions (EPSV-, EPRT- IDs).
var _ = Describe("RFC 2428 EPSV and EPRT as data connections", func() {
	for _, k := range []struct {
		id       string
		kind     DataKind
		title    string
		code     int
		section  string
		quote    string
		transfer string
	}{
		{"DATA-040", EPSV, "EPSV answers 229 with the port in (|||port|), and a transfer runs over that port", 229, "2428:3",
			"The response code for entering passive mode using an extended address MUST be 229.", "LIST over the port EPSV named"},
		{"DATA-041", EPRT, "EPRT with the client's address is accepted with 200, and the server connects there for the transfer", 200, "2428:2",
			"Upon receipt of a valid EPRT command, the server MUST return a code of 200 (Command OK).", "LIST after EPRT"},
	} {
		Scenario(Spec{
			ID:       k.id,
			Title:    k.title,
			Commands: []string{string(k.kind), "LIST"},
			Codes:    []int{k.code, 150, 226},
			Section:  k.section,
			Quote:    k.quote,
			Level:    Must,
			Feature:  string(k.kind),
		}, func(s *S) {
			c := s.Login()
			d := openData(c, k.kind)
			defer d.Close()
			Expect(d.Setup).To(HaveReplyCode(k.code))
			expectTransferred(d.Run("LIST", nil, false), k.transfer)
		})
	}
})
