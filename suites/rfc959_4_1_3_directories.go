package suites

import (
	"path"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §4.1.3 and appendix II: MKD, RMD, PWD; RFC 1123 §4.1.3.1: their X-forms.
var _ = Describe("RFC 959 §4.1.3 FTP service commands: MKD, RMD, PWD", func() {
	Scenario(Spec{
		ID:       "MKD-001",
		Title:    "MKD answers 257 with the absolute pathname of the new directory, in double quotes, and the directory exists",
		Commands: []string{"MKD", "CWD"},
		Codes:    []int{257},
		Section:  "959:appendix-2",
		Quote:    "The 257 reply to the MKD command must always contain the absolute pathname of the created directory.",
		Level:    Must,
		Feature:  "MKD",
		Writes:   true,
	}, func(s *S) {
		makesDirectory(s, "MKD")
	})

	Scenario(Spec{
		ID:       "MKD-002",
		Title:    "MKD of a relative name: the 257 reply gives the absolute pathname of the directory created, not the name as given",
		Commands: []string{"MKD", "CWD"},
		Codes:    []int{257},
		Section:  "959:appendix-2",
		Also:     []string{"959:4.1.3"},
		Quote:    "The 257 reply to the MKD command must always contain the absolute pathname of the created directory.",
		Level:    Must,
		Feature:  "MKD",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		chdir(c, dir)
		r := c.Cmd("MKD child")
		Expect(r).To(HaveReplyCode(257))
		got := PathOf(r)
		Expect(got).To(HavePrefix("/"), "MKD child in %s answered %s: the name in quotes must be the absolute pathname of the new directory", dir, r)
		Expect(path.Base(got)).To(Equal("child"), "MKD child answered %s: that names no directory called child", r)
		Expect(dirExists(c, got, dir)).To(BeTrue(), "MKD child answered %s, so %s must be the directory created", r, got)
	})

	Scenario(Spec{
		ID:       "MKD-006",
		Title:    "MKD of a relative name makes a subdirectory of the current working directory",
		Commands: []string{"MKD", "CWD"},
		Codes:    []int{257},
		Section:  "959:4.1.3",
		Quote:    "This command causes the directory specified in the pathname to be created as a directory (if the pathname is absolute) or as a subdirectory of the current working directory (if the pathname is relative).",
		Level:    Must,
		Feature:  "MKD",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		want := path.Join(dir, "child")
		c := s.Login()
		chdir(c, dir)
		Expect(c.Cmd("MKD child")).To(HaveReplyCode(257))
		Expect(dirExists(c, want, dir)).To(BeTrue(), "MKD child in %s must make %s", dir, want)
	})

	Scenario(Spec{
		ID:       "MKD-003",
		Title:    "MKD's 257 doubles a double quote inside the directory name (quote doubling)",
		Commands: []string{"MKD"},
		Codes:    []int{257},
		Section:  "959:appendix-2",
		Quote:    "The directory name can contain any character; embedded double-quotes should be escaped by double-quotes (the \"quote-doubling\" convention).",
		Level:    Should,
		Feature:  "MKD",
		Writes:   true,
	}, func(s *S) {
		dir := s.Path(`say "hi"`)
		c := s.Login()
		r := c.Cmd("MKD %s", dir)
		Expect(r).To(HaveReplyCode(257), setupStep("MKD of a name with double quotes"))
		Expect(r.Text()).To(HavePrefix(quotedPath(dir)), "the 257 reply should begin with the name in quotes, inner quotes doubled")
		Expect(PathOf(r)).To(Equal(dir))
	})

	Scenario(Spec{
		ID:       "MKD-004",
		Title:    "MKD of a directory that already exists is an error (550), not 257",
		Commands: []string{"MKD"},
		Codes:    []int{550},
		Section:  "959:appendix-2",
		Quote:    "The prior existence of a subdirectory with the same name is an error, and the server must return an \"access denied\" error reply in that case.",
		Level:    Must,
		Feature:  "MKD",
		Writes:   true,
	}, func(s *S) {
		dir := s.Path("twice")
		c := s.Login()
		Expect(c.Cmd("MKD %s", dir)).To(HaveReplyCode(257), setupStep("the first MKD %s", dir))
		r := c.Cmd("MKD %s", dir)
		Expect(r.Class()).To(BeNumerically(">=", 4), "MKD of the existing directory %s answered %s", dir, r)
		s.Prefer(r, 550)
	})

	Scenario(Spec{
		ID:       "RMD-001",
		Title:    "RMD of an empty directory answers 250 and the directory is gone",
		Commands: []string{"RMD", "MKD", "CWD"},
		Codes:    []int{250},
		Section:  "959:4.1.3",
		Quote:    "This command causes the directory specified in the pathname to be removed as a directory (if the pathname is absolute) or as a subdirectory of the current working directory (if the pathname is relative).",
		Level:    Must,
		Feature:  "RMD",
		Writes:   true,
	}, func(s *S) {
		removesDirectory(s, "RMD")
	})

	Scenario(Spec{
		ID:       "RMD-002",
		Title:    "RMD of a relative name removes that subdirectory of the current directory",
		Commands: []string{"RMD", "MKD", "CWD"},
		Codes:    []int{250},
		Section:  "959:4.1.3",
		Quote:    "This command causes the directory specified in the pathname to be removed as a directory (if the pathname is absolute) or as a subdirectory of the current working directory (if the pathname is relative).",
		Level:    Must,
		Feature:  "RMD",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		sub := path.Join(dir, "relative")
		c := s.Login()
		Expect(c.Cmd("MKD %s", sub)).To(HaveReplyCode(257), setupStep("MKD %s", sub))
		chdir(c, dir)
		Expect(c.Cmd("RMD relative")).To(HaveReplyCode(250))
		Expect(dirExists(c, sub, dir)).To(BeFalse(), "RMD relative in %s must remove %s", dir, sub)
	})

	Scenario(Spec{
		ID:       "RMD-003",
		Title:    "RMD of a directory that still holds a file is refused (550), and the file stays",
		Commands: []string{"RMD", "MKD", "STOR"},
		Codes:    []int{550},
		Section:  "959:4.1.3",
		Quote:    "This command causes the directory specified in the pathname to be removed as a directory",
		Level:    Should,
		Feature:  "RMD",
		Writes:   true,
	}, func(s *S) {
		dir := s.Path("full")
		file := path.Join(dir, "keep.txt")
		c := s.Login()
		typeImage(c)
		Expect(c.Cmd("MKD %s", dir)).To(HaveReplyCode(257), setupStep("MKD %s", dir))
		upload(s, c, file, []byte("keep me\n"))
		r := c.Cmd("RMD %s", dir)
		Expect(r.Class()).To(BeNumerically(">=", 4), "RMD of %s, which holds a file, answered %s", dir, r)
		s.Prefer(r, 550)
		Expect(string(download(s, c, file))).To(Equal("keep me\n"), "the file inside must stay")
	})

	Scenario(Spec{
		ID:       "RMD-004",
		Title:    "RMD of a directory that does not exist is refused with 550, as DELE of a missing file is",
		Commands: []string{"RMD"},
		Codes:    []int{550, 450},
		Section:  "959:appendix-2",
		Quote:    "The reply codes for RMD be identical to the reply codes for its file analogue, DELE.",
		Level:    Must,
		Feature:  "RMD",
		Writes:   true,
	}, func(s *S) {
		dir := s.Path("never-made")
		c := s.Login()
		r := c.Cmd("RMD %s", dir)
		Expect(r).To(HaveReplyCode(550, 450), "RMD of a missing directory")
		s.Prefer(r, 550)
	})

	Scenario(Spec{
		ID:       "PWD-001",
		Title:    "PWD answers 257 with the current directory in double quotes",
		Commands: []string{"PWD", "CWD"},
		Codes:    []int{257},
		Section:  "959:4.1.3",
		Quote:    "This command causes the name of the current working directory to be returned in the reply.",
		Level:    Must,
		Feature:  "PWD",
		Writes:   true,
	}, func(s *S) {
		printsDirectory(s, "PWD")
	})

	Scenario(Spec{
		ID:       "PWD-002",
		Title:    "PWD doubles a double quote inside the directory name, as MKD does",
		Commands: []string{"PWD", "MKD", "CWD"},
		Codes:    []int{257},
		Section:  "959:appendix-2",
		Quote:    "The directory name can contain any character; embedded double-quotes should be escaped by double-quotes (the \"quote-doubling\" convention).",
		Level:    Should,
		Feature:  "PWD",
		Writes:   true,
	}, func(s *S) {
		dir := s.Path(`a"b`)
		c := s.Login()
		Expect(c.Cmd("MKD %s", dir)).To(HaveReplyCode(257), setupStep("MKD of a name with a double quote"))
		chdir(c, dir)
		r := c.Cmd("PWD")
		Expect(r).To(HaveReplyCode(257))
		Expect(r.Text()).To(HavePrefix(quotedPath(dir)), "the 257 reply should begin with the directory in quotes, the inner quote doubled")
		Expect(PathOf(r)).To(Equal(dir))
	})
})

// RFC 1123 §4.1.3.1: the "experimental" X-forms of the directory commands.
var _ = Describe("RFC 1123 §4.1.3.1 Non-standard command verbs (directory commands)", func() {
	const quote = "All FTP implementations SHOULD recognize both forms of these commands, by simply equating them with extra entries in the command lookup table."

	Scenario(Spec{
		ID:       "XMKD-001",
		Title:    "XMKD works as MKD: 257 with the quoted pathname, and the directory exists",
		Commands: []string{"XMKD"},
		Codes:    []int{257},
		Section:  "1123:4.1.3.1",
		Quote:    quote,
		Level:    Should,
		Writes:   true,
	}, func(s *S) {
		makesDirectory(s, "XMKD")
	})

	Scenario(Spec{
		ID:       "XRMD-001",
		Title:    "XRMD works as RMD: 250, and the directory is gone",
		Commands: []string{"XRMD", "MKD"},
		Codes:    []int{250},
		Section:  "1123:4.1.3.1",
		Quote:    quote,
		Level:    Should,
		Writes:   true,
	}, func(s *S) {
		removesDirectory(s, "XRMD")
	})

	Scenario(Spec{
		ID:       "XPWD-001",
		Title:    "XPWD works as PWD: 257 with the current directory in quotes",
		Commands: []string{"XPWD", "CWD"},
		Codes:    []int{257},
		Section:  "1123:4.1.3.1",
		Quote:    quote,
		Level:    Should,
		Writes:   true,
	}, func(s *S) {
		printsDirectory(s, "XPWD")
	})
})

// makesDirectory checks MKD or its X-form: 257 with the absolute pathname of the new directory,
// in double quotes, and the directory exists.
func makesDirectory(s *S, verb string) {
	dir := s.Path("made")
	c := s.Login()
	r := c.Cmd("%s %s", verb, dir)
	Expect(r).To(HaveReplyCode(257))
	Expect(PathOf(r)).To(Equal(dir), "the 257 reply must name %s, quoted, as its absolute pathname", dir)
	Expect(dirExists(c, dir, s.Scratch())).To(BeTrue(), "%s answered 257, so %s must exist", verb, dir)
}

// removesDirectory checks RMD or its X-form: 250 for an empty directory, which is then gone.
func removesDirectory(s *S, verb string) {
	dir := s.Path("empty")
	c := s.Login()
	Expect(c.Cmd("MKD %s", dir)).To(HaveReplyCode(257), setupStep("MKD %s", dir))
	Expect(c.Cmd("%s %s", verb, dir)).To(HaveReplyCode(250))
	Expect(dirExists(c, dir, s.Scratch())).To(BeFalse(), "%s answered 250, so %s must be gone", verb, dir)
}

// printsDirectory checks PWD or its X-form: 257 with the current directory in double quotes.
func printsDirectory(s *S, verb string) {
	dir := s.Scratch()
	c := s.Login()
	chdir(c, dir)
	r := c.Cmd("%s", verb)
	Expect(r).To(HaveReplyCode(257))
	Expect(PathOf(r)).To(Equal(dir), "%s after CWD %s", verb, dir)
}
