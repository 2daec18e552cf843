package suites

import (
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// RFC 2640 §3: pathnames are UTF-8, 8-bit clean, and begin right after the command's one space.
var _ = Describe("RFC 2640 §3 Pathnames", func() {
	Scenario(Spec{
		ID:       "UTF8-001",
		Title:    "A file stored under a non-ASCII UTF-8 name is listed by NLST with the same bytes and retrieved by that name",
		Commands: []string{"STOR", "NLST", "RETR"},
		Codes:    []int{226},
		Section:  "2640:3.1",
		Also:     []string{"2640:3.2"},
		Quote:    "Conforming clients and servers MUST support UTF-8 for the transfer and receipt of pathnames.",
		Level:    Must,
		Feature:  "UTF8",
		Writes:   true,
	}, func(s *S) {
		const name = "ünïcødé-日本語-€.txt"
		c := s.Login()
		data := []byte("stored under a UTF-8 name")
		put(s, c, s.Path(name), data)
		Expect(nlstNames(s, c, s.Scratch())).To(ContainElement(name), "NLST %s must give the name's UTF-8 bytes back", s.Scratch())
		expectSameBytes(download(s, c, s.Path(name)), data, "RETR by the UTF-8 name")
	})

	Scenario(Spec{
		ID:       "PATHNAME-001",
		Title:    "Spaces after the one space that follows the command belong to the pathname: STOR \"  name\" makes \"  name\"",
		Commands: []string{"STOR", "NLST"},
		Codes:    []int{226},
		Section:  "2640:3.1",
		Quote:    "There MUST be only one <SP> between a ftp command and the pathname. Implementations MUST assume <SP> characters following the initial <SP> as part of the pathname.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		const name = "  two leading spaces"
		c := s.Login()
		chdir(c, s.Scratch())
		upload(s, c, name, []byte("x"))
		got := nlstNames(s, c, "")
		Expect(got).To(ContainElement(name), "STOR %q must make a file of that name, with its leading spaces; NLST gives %q", name, got)
	})
})
