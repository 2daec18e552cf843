package suites

import (
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// RFC 3659 §6: TVFS, "/"-separated pathnames, fully qualified ones valid from anywhere.
var _ = Describe("RFC 3659 §6 A Trivial Virtual File Store (TVFS)", func() {
	Scenario(Spec{
		ID:       "TVFS-001",
		Title:    "With TVFS, a fully qualified pathname names the file from any directory, and dir/name from the directory above",
		Commands: []string{"SIZE", "CWD"},
		Codes:    []int{213},
		Section:  "3659:6.2",
		Quote:    "A fully qualified pathname is valid to reference the named file or directory from any location (that is, regardless of what the current working directory may be) in the virtual file store.",
		Level:    Must,
		Feature:  "TVFS",
		Writes:   true,
	}, func(s *S) {
		s.Require("SIZE")
		c := s.Login()
		mkdir(c, s.Path("a"))
		mkdir(c, s.Path("b"))
		put(s, c, s.Path("a/file"), []byte("12345"))
		chdir(c, s.Path("b"))
		Expect(sizeOf(c, s.Path("a/file"))).To(Equal(5), "SIZE %s from %s", s.Path("a/file"), s.Path("b"))
		chdir(c, s.Scratch())
		Expect(sizeOf(c, "a/file")).To(Equal(5), "SIZE a/file from %s", s.Scratch())
	})

	Scenario(Spec{
		ID:       "TVFS-002",
		Title:    "With TVFS, nothing is above the root: CWD .. and CDUP at \"/\" leave the working directory at \"/\"",
		Commands: []string{"CWD", "CDUP", "PWD"},
		Codes:    []int{250, 200, 257},
		Section:  "3659:6.2",
		Quote:    "Fully qualified paths may, obviously, not be further extended, as, by definition, no directory contains the root directory.",
		Level:    Must,
		Feature:  "TVFS",
	}, func(s *S) {
		c := s.Login()
		for _, up := range []string{"CWD ..", "CDUP"} {
			Expect(c.Cmd("CWD /")).To(HaveReplyCode(250), setupStep("CWD /"))
			r := c.Cmd("%s", up)
			Expect(r.Class()).To(BeElementOf(2, 5), "%s at the root may stay there (2yz) or refuse to go above it (5yz); it answered %s", up, r)
			Expect(workingDir(c)).To(Equal("/"), "after %q at the root, PWD must still name the root: no directory contains it", up)
		}
	})
})
