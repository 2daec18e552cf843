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
	Scenario(Spec{
		ID:       "DATA-040",
		Title:    "EPSV answers 229 with the port in (|||port|), and a transfer runs over that port",
		Commands: []string{"EPSV", "LIST"},
		Codes:    []int{229, 150, 226},
		Section:  "2428:3",
		Quote:    "The response code for entering passive mode using an extended address MUST be 229.",
		Level:    Must,
		Feature:  "EPSV",
	}, func(s *S) {
		c := s.Login()
		d := openData(c, EPSV)
		defer d.Close()
		Expect(d.Setup).To(HaveReplyCode(229))
		expectTransferred(d.Run("LIST", nil, false), "LIST over the port EPSV named")
	})

	Scenario(Spec{
		ID:       "DATA-041",
		Title:    "EPRT with the client's address is accepted with 200, and the server connects there for the transfer",
		Commands: []string{"EPRT", "LIST"},
		Codes:    []int{200, 150, 226},
		Section:  "2428:2",
		Quote:    "Upon receipt of a valid EPRT command, the server MUST return a code of 200 (Command OK).",
		Level:    Must,
		Feature:  "EPRT",
	}, func(s *S) {
		c := s.Login()
		d := openData(c, EPRT)
		defer d.Close()
		Expect(d.Setup).To(HaveReplyCode(200))
		expectTransferred(d.Run("LIST", nil, false), "LIST after EPRT")
	})
})
