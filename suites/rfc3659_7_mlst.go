package suites

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 3659 §7: MLST and MLSD, listings for machine processing. The entry grammar of §7.2 and
// §7.4 is checked exactly; the facts' values where §7.5 defines them.

// mlsxEntry is one entry of an MLST or MLSD response: entry = [ facts ] SP pathname.
type mlsxEntry struct {
	Line  string
	Facts map[string]string // by lower-case name (§7.5: "Fact names are case-insensitive")
	Name  string
}

// Type is the type fact, lower case ("" without one).
func (e mlsxEntry) Type() string { return strings.ToLower(e.Facts["type"]) }

// rchar is RFC 3659 §2.1's RCHAR; SCHAR adds "=".
const rchars = `A-Za-z0-9,.:!@#$%^&()\-_+?/\\'"`

var (
	factPattern  = regexp.MustCompile(`^[` + rchars + `]+=[` + rchars + `=]*$`)
	timeVal      = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?$`)
	digitsOnly   = regexp.MustCompile(`^\d+$`)
	permLetters  = regexp.MustCompile(`^[acdeflmprwACDEFLMPRW]*$`)
	tokenPattern = regexp.MustCompile(`^[` + rchars + `]+$`)
)

// parseMLSx reads an entry and checks it against §7.2's grammar and the values §7.5 defines.
func parseMLSx(line string) (mlsxEntry, error) {
	e := mlsxEntry{Line: line, Facts: map[string]string{}}
	facts, name, ok := strings.Cut(line, " ")
	if !ok {
		return e, fmt.Errorf("entry %q has no space before the pathname (entry = [ facts ] SP pathname)", line)
	}
	e.Name = name
	if facts == "" {
		return e, nil
	}
	if !strings.HasSuffix(facts, ";") {
		return e, fmt.Errorf("entry %q: the facts %q do not end with \";\" (facts = 1*( fact \";\" ))", line, facts)
	}
	for _, f := range strings.Split(strings.TrimSuffix(facts, ";"), ";") {
		if !factPattern.MatchString(f) {
			return e, fmt.Errorf("entry %q: %q is not a fact (factname \"=\" value, RCHARs only)", line, f)
		}
		n, v, _ := strings.Cut(f, "=")
		e.Facts[strings.ToLower(n)] = v
	}
	return e, checkFactValues(e)
}

// checkFactValues checks the values of the facts §7.5 gives a syntax.
func checkFactValues(e mlsxEntry) error {
	for name, v := range e.Facts {
		bad := ""
		switch name {
		case "type":
			switch t := strings.ToLower(v); {
			case t == "file", t == "cdir", t == "pdir", t == "dir":
			case strings.HasPrefix(t, "os.") && strings.Contains(t, "="):
			default:
				bad = `"file", "cdir", "pdir", "dir" or OS.name=type (§7.5.1)`
			}
		case "size":
			if !digitsOnly.MatchString(v) {
				bad = "1*DIGIT (§7.5.7)"
			}
		case "modify", "create":
			if err := checkTimeVal(v); err != nil {
				bad = err.Error()
			}
		case "perm":
			if !permLetters.MatchString(v) {
				bad = `letters from "acdeflmprw" (§7.5.5)`
			}
		case "unique", "lang", "charset":
			if !tokenPattern.MatchString(v) {
				bad = "a token, 1*RCHAR (§2.1)"
			}
		}
		if bad != "" {
			return fmt.Errorf("entry %q: the %s fact %q is not %s", e.Line, name, v, bad)
		}
	}
	return nil
}

// checkTimeVal checks time-val = 14DIGIT [ "." 1*DIGIT ] and its ranges (RFC 3659 §2.3).
func checkTimeVal(v string) error {
	m := timeVal.FindStringSubmatch(v)
	if m == nil {
		return fmt.Errorf("a time-val, YYYYMMDDHHMMSS[.sss] (§2.3)")
	}
	n := func(i int) int { x, _ := strconv.Atoi(m[i]); return x }
	switch {
	case n(1) < 1000, n(2) < 1 || n(2) > 12, n(3) < 1 || n(3) > 31, n(4) > 23, n(5) > 59, n(6) > 60:
		return fmt.Errorf("a time-val within the ranges of §2.3 (year 1000-9999, month 01-12, day 01-31, hour 00-23, minute 00-59, second 00-60)")
	}
	return nil
}

// mlstEntries reads an MLST reply: 250- … 250 with the entries on the lines between, each
// after one space. It fails the scenario when the reply breaks §7.2's control-response.
func mlstEntries(r Reply) []mlsxEntry {
	ExpectWithOffset(1, r).To(HaveReplyCode(250))
	ExpectWithOffset(1, len(r.Lines)).To(BeNumerically(">=", 3),
		"MLST must answer with a multi-line control-response: \"250-\", 1*( SP entry CRLF ), \"250 \" (RFC 3659 §7.2); got %s", r)
	var out []mlsxEntry
	for _, l := range r.Lines[1 : len(r.Lines)-1] {
		ExpectWithOffset(1, l).To(HavePrefix(" "), "each MLST entry line starts with one space (RFC 3659 §7.2): %q", l)
		e, err := parseMLSx(l[1:])
		ExpectWithOffset(1, err).NotTo(HaveOccurred(), "MLST's entry (RFC 3659 §7.2, §7.4, §7.5)")
		out = append(out, e)
	}
	return out
}

// mlsdEntries lists dir with MLSD ("" for the current directory) and parses the data lines.
func mlsdEntries(s *S, c *Conn, dir string) []mlsxEntry {
	cmd := strings.TrimSpace("MLSD " + dir)
	t := listing(s, c, "%s", cmd)
	expectTransferred(t, cmd)
	ExpectWithOffset(1, bareLF(t.Data)).To(BeFalse(), "%s: every entry ends in CRLF (data-response = *( entry CRLF ), RFC 3659 §7.2): %q", cmd, head(t.Data, 200))
	var out []mlsxEntry
	for _, l := range listLines(t.Data) {
		e, err := parseMLSx(l)
		ExpectWithOffset(1, err).NotTo(HaveOccurred(), "an entry of %s (RFC 3659 §7.2, §7.4, §7.5)", cmd)
		out = append(out, e)
	}
	return out
}

// contents are the entries of a listing that are not the listed directory or its parent.
func contents(entries []mlsxEntry) []mlsxEntry {
	return slices.DeleteFunc(slices.Clone(entries), func(e mlsxEntry) bool { return e.Type() == "cdir" || e.Type() == "pdir" })
}

// names are the last components of the entries' names, sorted.
func names(entries []mlsxEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, path.Base(e.Name))
	}
	slices.Sort(out)
	return out
}

var _ = Describe("RFC 3659 §7 Listings for Machine Processing (MLST and MLSD)", func() {
	Scenario(Spec{
		ID:       "MLST-001",
		Title:    "MLST of a file answers a multi-line 250 holding one entry, on a line that starts with a space",
		Commands: []string{"MLST"},
		Codes:    []int{250},
		Section:  "3659:7.2",
		Quote:    "If the parameter is valid, then for an MLST command, the server-PI will send the first (leading) line of the control response, the entry for the pathname given, or the current directory if no pathname was provided, and the terminating line.",
		Level:    Must,
		Feature:  "MLST",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		put(s, c, s.Path("entry.txt"), []byte("twelve bytes"))
		entries := mlstEntries(c.Cmd("MLST %s", s.Path("entry.txt")))
		for _, e := range entries[1:] {
			// More entries only for a file with several types, each with the same pathname.
			Expect(e.Name).To(Equal(entries[0].Name), "MLST sent more than one entry, and not for the same pathname (RFC 3659 §7.2)")
		}
	})

	Scenario(Spec{
		ID:       "MLST-002",
		Title:    "MLST's facts follow the grammar: fact=value; each, no space among them, then one space and the name; type=file for a file",
		Commands: []string{"MLST"},
		Codes:    []int{250},
		Section:  "3659:7.2",
		Also:     []string{"3659:7.4", "3659:7.5"},
		Quote:    "No spaces are permitted in the facts, any other spaces in the response are to be treated as being a part of the pathname.",
		Level:    Must,
		Feature:  "MLST",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		data := []byte("twelve bytes")
		put(s, c, s.Path("facts.txt"), data)
		e := mlstEntries(c.Cmd("MLST %s", s.Path("facts.txt")))[0]
		Expect(path.Base(e.Name)).To(Equal("facts.txt"), "the entry names the file asked for (RFC 3659 §7.3.1); %q", e.Line)
		if t, ok := e.Facts["type"]; ok {
			Expect(strings.ToLower(t)).To(Equal("file"), "type fact of a plain file (RFC 3659 §7.5.1.1): %q", e.Line)
		}
		if size, ok := e.Facts["size"]; ok {
			s.Should(size == strconv.Itoa(len(data)), "3659:7.5.7", "the size fact is %s for a file of %d octets stored in TYPE I", size, len(data))
		}
	})

	Scenario(Spec{
		ID:       "MLST-003",
		Title:    "MLST names the entry as asked, or by its fully qualified path where TVFS is supported",
		Commands: []string{"MLST"},
		Codes:    []int{250},
		Section:  "3659:7.3.1",
		Quote:    "The file name returned in the MLST response should be the same name as was specified in the MLST command, or, where TVFS is supported, a fully qualified TVFS path naming the same file.",
		Level:    Should,
		Feature:  "MLST",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		mkdir(c, s.Path("sub"))
		put(s, c, s.Path("sub/named.txt"), []byte("x"))
		chdir(c, s.Scratch())
		e := mlstEntries(c.Cmd("MLST sub/named.txt"))[0]
		Expect(e.Name).To(BeElementOf("sub/named.txt", s.Path("sub/named.txt")),
			"MLST sub/named.txt (in %s) named the entry %q", s.Scratch(), e.Name)
	})

	Scenario(Spec{
		ID:       "MLST-004",
		Title:    "MLST of a directory gives it the type dir",
		Commands: []string{"MLST"},
		Codes:    []int{250},
		Section:  "3659:7.5.1",
		Quote:    "The type fact given specifies information about the object listed on the same line of the MLST response.",
		Level:    Must,
		Feature:  "MLST",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		mkdir(c, s.Path("adir"))
		e := mlstEntries(c.Cmd("MLST %s", s.Path("adir")))[0]
		if _, ok := e.Facts["type"]; !ok {
			Skip("MLST returns no type fact by default (RFC 3659 §7.5.10 only recommends it): " + e.Line)
		}
		Expect(e.Type()).To(BeElementOf("dir", "cdir"), "MLST of the directory %s: %q", s.Path("adir"), e.Line)
	})

	Scenario(Spec{
		ID:       "MLST-005",
		Title:    "MLST and MLSD of a name that does not exist are refused, preferably with 550",
		Commands: []string{"MLST", "MLSD"},
		Codes:    []int{550, 501},
		Section:  "3659:7.2.1",
		Quote:    "Giving a name that does not exist, or for which access permission (to obtain directory information as requested) is not granted will elicit a 550 reply.",
		Level:    Must,
		Feature:  "MLST",
	}, func(s *S) {
		// §7.2.1 opens with "Many of the 4xy and 5xy responses defined in section 4.2 of STD 9,
		// RFC 959 [3] are possible in response to the MLST and MLSD commands": a refusal with
		// another code (pyftpdlib's "501 No such directory.") is allowed; 550 is the one named.
		c := s.Login()
		missing := missingPath(s)
		r := c.Cmd("MLST %s", missing)
		expectRefused(r, "MLST of a name that does not exist")
		s.Prefer(r, 550)
		r = listing(s, c, "MLSD %s", missing).First()
		expectRefused(r, "MLSD of a name that does not exist")
		s.Prefer(r, 550)
	})

	Scenario(Spec{
		ID:       "MLST-006",
		Title:    "MLST without an argument describes the current directory, named by its fully qualified path where TVFS is supported",
		Commands: []string{"MLST"},
		Codes:    []int{250},
		Section:  "3659:7.3.1",
		Quote:    "Where TVFS is supported, a fully qualified pathname of the current directory SHOULD be returned.",
		Level:    Should,
		Feature:  "MLST",
		Writes:   true,
	}, func(s *S) {
		s.Require("TVFS")
		c := s.Login()
		chdir(c, s.Scratch())
		e := mlstEntries(c.Cmd("MLST"))[0]
		Expect(e.Name).To(Equal(s.Scratch()), "MLST in %s named the entry %q", s.Scratch(), e.Name)
	})

	Scenario(Spec{
		ID:       "MLSD-001",
		Title:    "MLSD of a directory lists its contents on the data connection, an entry a line, with names not qualified",
		Commands: []string{"MLSD"},
		Codes:    []int{150, 226},
		Section:  "3659:7.1",
		Also:     []string{"3659:7.3.1"},
		Quote:    "If a directory name is given then MLSD must return a listing of the contents of the named directory, otherwise it issues a 501 reply, and does not open a data connection.",
		Level:    Must,
		Feature:  "MLST",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		put(s, c, s.Path("one.txt"), []byte("123"))
		mkdir(c, s.Path("two dir"))
		entries := contents(mlsdEntries(s, c, s.Scratch()))
		Expect(names(entries)).To(Equal([]string{"one.txt", "two dir"}), "MLSD %s", s.Scratch())
		for _, e := range entries {
			s.Should(!strings.Contains(e.Name, "/"), "3659:7.3.1", "MLSD named an entry %q: names SHOULD be unqualified", e.Name)
			want := map[string]string{"one.txt": "file", "two dir": "dir"}[path.Base(e.Name)]
			if t := e.Type(); t != "" {
				Expect(t).To(Equal(want), "type fact of %q", e.Line)
			}
		}
	})

	Scenario(Spec{
		ID:       "MLSD-002",
		Title:    "MLSD of a file is refused, preferably with 501, and opens no data connection",
		Commands: []string{"MLSD"},
		Codes:    []int{501, 550},
		Section:  "3659:7.2.1",
		Quote:    "Giving a pathname that exists but is not a directory as the argument to a MLSD command generates a 501 reply.",
		Level:    Must,
		Feature:  "MLST",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		upload(s, c, s.Path("plain.txt"), []byte("x"))
		// The refusal is what MLSD-001's "otherwise it issues a 501 reply, and does not open a
		// data connection" requires; the code is a preference, since §7.2.1 allows "Many of the
		// 4xy and 5xy responses" of RFC 959 (ProFTPD and Pure-FTPd answer 550).
		r := listing(s, c, "MLSD %s", s.Path("plain.txt")).First()
		expectRefused(r, "MLSD of a file, which is no directory")
		s.Prefer(r, 501)
	})

	Scenario(Spec{
		ID:       "MLSD-003",
		Title:    "MLSD sends the same bytes in TYPE A as in TYPE I (as if TYPE L 8), and leaves TYPE A in force",
		Commands: []string{"MLSD", "TYPE"},
		Codes:    []int{150, 226},
		Section:  "3659:7.2",
		Quote:    "The data connection opened for a MLSD response shall be a connection as if the \"TYPE L 8\", \"MODE S\", and \"STRU F\" commands had been given, whatever FTP transfer type, mode and structure had actually been set, and without causing those settings to be altered for future commands.",
		Level:    Must,
		Feature:  "MLST",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		put(s, c, s.Path("lines.txt"), []byte("one\ntwo\n"))
		upload(s, c, s.Path("ünïcødé.txt"), []byte("x"))
		image := listing(s, c, "MLSD %s", s.Scratch())
		Expect(image).To(HaveReplyCode(226, 250), setupStep("MLSD in TYPE I"))
		Expect(c.Cmd("TYPE A")).To(HaveReplyCode(200), setupStep("TYPE A"))
		ascii := listing(s, c, "MLSD %s", s.Scratch())
		Expect(ascii).To(HaveReplyCode(226, 250), "MLSD in TYPE A")
		expectSameBytes(ascii.Data, image.Data, "MLSD in TYPE A (TYPE I's listing is the reference)")
		got := download(s, c, s.Path("lines.txt"))
		Expect(string(got)).To(Equal("one\r\ntwo\r\n"), "after MLSD, TYPE A must still be in force: RETR sends CRLF line ends")
	})

	Scenario(Spec{
		ID:       "MLSD-004",
		Title:    "MLSD without an argument lists the current directory",
		Commands: []string{"MLSD"},
		Codes:    []int{150, 226},
		Section:  "3659:7.1",
		Quote:    "If no argument is given then MLSD must return a listing of the contents of the current working directory, and MLST must return a listing giving information about the current working directory itself.",
		Level:    Must,
		Feature:  "MLST",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		upload(s, c, s.Path("here.txt"), []byte("x"))
		chdir(c, s.Scratch())
		Expect(names(contents(mlsdEntries(s, c, "")))).To(Equal([]string{"here.txt"}), "MLSD in %s", s.Scratch())
	})

	Scenario(Spec{
		ID:       "MLSD-005",
		Title:    "MLSD sends no cdir entry when the type fact is not chosen: every entry is a name in the directory",
		Commands: []string{"MLSD", "OPTS"},
		Codes:    []int{150, 226},
		Section:  "3659:7.5.1.2",
		Quote:    "It MUST NOT be included if the type fact is not included, or there would be no way for the user-PI to distinguish the name of the directory from an entry in the directory.",
		Level:    Must,
		Feature:  "MLST",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		upload(s, c, s.Path("only.txt"), []byte("x"))
		fact := "size"
		if !slices.Contains(mlstFeatFacts(s), "size") {
			fact = "modify"
		}
		Expect(c.Cmd("OPTS MLST %s;", fact)).To(HaveReplyCode(200), setupStep("OPTS MLST %s;", fact))
		entries := mlsdEntries(s, c, s.Scratch())
		Expect(names(entries)).To(Equal([]string{"only.txt"}), "MLSD %s after OPTS MLST %s; (no type fact)", s.Scratch(), fact)
	})
})

// missingPath names an entry that does not exist: a random name in the scratch root.
func missingPath(s *S) string {
	return path.Join(s.Settings.Target.Scratch, fmt.Sprintf("ftpconform-missing-%x", randomBytes(6)))
}

// mlstFeatFacts are the fact names of the target's FEAT MLST line, lower case, without "*".
func mlstFeatFacts(s *S) []string {
	var out []string
	for _, f := range strings.Split(featParams(s, "MLST"), ";") {
		if f = strings.ToLower(strings.TrimSuffix(f, "*")); f != "" {
			out = append(out, f)
		}
	}
	return out
}
