package suites

import (
	"path"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// listed are the entries the listing scenarios put in their scratch directory: names no server
// invents on its own.
var listed = []string{"alpha-listed.txt", "beta-listed.bin", "gamma-listed"}

// populate fills dir with listed: two files and a directory.
func populate(s *S, c *Conn, dir string) {
	put(s, c, path.Join(dir, listed[0]), []byte("alpha\n"))
	upload(s, c, path.Join(dir, listed[1]), randomBytes(300))
	ExpectWithOffset(1, c.Cmd("MKD %s", path.Join(dir, listed[2]))).To(HaveReplyCode(257), setupStep("MKD %s", listed[2]))
}

// listOK runs a listing command, which decides whether the server offers it (RFC 959 §5.1
// makes LIST and NLST optional), and expects it to complete.
func listOK(s *S, c *Conn, format string, args ...any) Transfer {
	t := listing(s, c, format, args...)
	verb, _, _ := strings.Cut(t.First().Command, " ")
	s.Offered(verb, t.First())
	ExpectWithOffset(1, t).To(HaveReplyCode(226, 250), "%s", t.First().Command)
	return t
}

// expectNames checks that a listing mentions each name.
func expectNames(data []byte, names []string, what string) {
	for _, n := range names {
		ExpectWithOffset(1, string(data)).To(ContainSubstring(n), "%s must mention %s", what, n)
	}
}

// RFC 959 §4.1.3: LIST, NLST and STAT; RFC 1123 §4.1.2.7.
var _ = Describe("RFC 959 §4.1.3 FTP service commands: LIST, NLST, STAT", func() {
	Scenario(Spec{
		ID:       "LIST-001",
		Title:    "LIST of a directory sends, over the data connection, a list that names every file in it",
		Commands: []string{"LIST"},
		Codes:    []int{125, 150, 226, 250},
		Section:  "959:4.1.3",
		Quote:    "If the pathname specifies a directory or other group of files, the server should transfer a list of files in the specified directory.",
		Level:    Should,
		Feature:  "LIST",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		populate(s, c, dir)
		t := listOK(s, c, "LIST %s", dir)
		Expect(t.First()).To(HaveReplyCode(125, 150))
		expectNames(t.Data, listed, "LIST "+dir)
	})

	Scenario(Spec{
		ID:       "LIST-002",
		Title:    "LIST without an argument lists the current working directory",
		Commands: []string{"LIST", "CWD"},
		Codes:    []int{226, 250},
		Section:  "959:4.1.3",
		Quote:    "A null argument implies the user's current working or default directory.",
		Level:    Must,
		Feature:  "LIST",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		populate(s, c, dir)
		chdir(c, dir)
		t := listOK(s, c, "LIST")
		expectNames(t.Data, listed, "LIST in "+dir)
	})

	Scenario(Spec{
		ID:       "LIST-003",
		Title:    "LIST of a file sends a line of information on that file",
		Commands: []string{"LIST"},
		Codes:    []int{226, 250},
		Section:  "959:4.1.3",
		Quote:    "If the pathname specifies a file then the server should send current information on the file.",
		Level:    Should,
		Feature:  "LIST",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("described.txt")
		c := s.Login()
		put(s, c, p, []byte("described\n"))
		t := listOK(s, c, "LIST %s", p)
		Expect(listLines(t.Data)).NotTo(BeEmpty(), "LIST of a file")
		Expect(string(t.Data)).To(ContainSubstring("described.txt"))
	})

	Scenario(Spec{
		ID:       "LIST-004",
		Title:    "LIST of a path that does not exist is refused with 450 (or 550), not answered with an empty list and 226",
		Commands: []string{"LIST"},
		Codes:    []int{450, 550},
		Section:  "959:4.2",
		Also:     []string{"959:5.4"},
		Quote:    "The requested action has been successfully completed.",
		Level:    Should,
		Feature:  "LIST",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("no-such-directory")
		c := s.Login()
		t := listing(s, c, "LIST %s", p)
		s.Offered("LIST", t.First())
		Expect(t.Final().Class()).To(BeNumerically(">=", 4), "LIST of the missing %s answered %s", p, t.Final())
		s.Prefer(t.Final(), 450)
	})

	Scenario(Spec{
		ID:       "LIST-005",
		Title:    "LIST works over every kind of data connection the server offers (PASV, EPSV, PORT, EPRT)",
		Commands: []string{"LIST", "PASV", "EPSV", "PORT", "EPRT"},
		Codes:    []int{226, 250},
		Section:  "959:4.1.3",
		Quote:    "This command causes a list to be sent from the server to the passive DTP.",
		Level:    Must,
		Feature:  "LIST",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		populate(s, c, dir)
		tried := 0
		for _, kind := range DataKinds {
			d, r, err := c.OpenData(kind)
			switch {
			case err != nil && d == nil && r.Code == 0:
				s.Note("%s not tried: %v", kind, err)
				continue
			case err != nil:
				Expect(err).NotTo(HaveOccurred(), "setting up %s", kind)
			case d == nil:
				s.Note("%s not offered: %s", kind, r)
				continue
			}
			t := d.Run("LIST "+dir, nil, false)
			d.Close()
			s.Offered("LIST", t.First())
			Expect(t.DataErr).NotTo(HaveOccurred(), "LIST over %s: the data connection", kind)
			Expect(t).To(HaveReplyCode(226, 250), "LIST over %s", kind)
			expectNames(t.Data, listed, "LIST over "+string(kind))
			tried++
		}
		Expect(tried).To(BeNumerically(">", 0), "no kind of data connection was accepted")
	})

	Scenario(Spec{
		ID:       "LIST-006",
		Title:    "LIST in TYPE I still sends its lines with CRLF, as in TYPE A",
		Commands: []string{"LIST", "TYPE"},
		Codes:    []int{226, 250},
		Section:  "1123:4.1.2.7",
		Quote:    "The data returned by a LIST or NLST command SHOULD use an implied TYPE AN, unless the current type is EBCDIC, in which case an implied TYPE EN SHOULD be used.",
		Level:    Should,
		Feature:  "LIST",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		populate(s, c, dir) // leaves TYPE I
		t := listOK(s, c, "LIST %s", dir)
		Expect(listLines(t.Data)).NotTo(BeEmpty())
		Expect(bareLF(t.Data)).To(BeFalse(), "LIST in TYPE I sent lines ending in a bare LF: %q", head(t.Data, 200))
	})

	Scenario(Spec{
		ID:       "NLST-001",
		Title:    "NLST sends the names of the files, one per line, and nothing else",
		Commands: []string{"NLST"},
		Codes:    []int{125, 150, 226, 250},
		Section:  "959:4.1.3",
		Quote:    "The server will return a stream of names of files and no other information.",
		Level:    Must,
		Feature:  "NLST",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		populate(s, c, dir)
		Expect(c.Cmd("TYPE A")).To(HaveReplyCode(200), setupStep("TYPE A"))
		t := listOK(s, c, "NLST %s", dir)
		Expect(t.First()).To(HaveReplyCode(125, 150))
		got := nlstEntries(t.Data, dir)
		slices.Sort(got)
		Expect(got).To(Equal(listed), "NLST %s must give exactly the names (bare, or qualified with %s; \".\" and \"..\" aside), one a line; it sent %q", dir, dir, head(t.Data, 300))
		s.Should(!bareLF(t.Data), "959:3.1.1.1", "NLST in TYPE A ended lines with a bare LF, not CRLF: %q", head(t.Data, 200))
	})

	Scenario(Spec{
		ID:       "NLST-002",
		Title:    "every name NLST sends can be given to RETR as it is (\".\" and \"..\", the directory and its parent, aside)",
		Commands: []string{"NLST", "RETR"},
		Codes:    []int{226, 250},
		Section:  "1123:4.1.2.7",
		Quote:    "The data returned by an NLST command MUST contain only a simple list of legal pathnames, such that the server can use them directly as the arguments of subsequent data transfer commands for the individual files.",
		Level:    Must,
		Feature:  "NLST",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		files := map[string][]byte{"one.bin": randomBytes(200), "two words.txt": []byte("two\n")}
		c := s.Login()
		typeImage(c)
		for name, data := range files {
			upload(s, c, path.Join(dir, name), data)
		}
		chdir(c, dir)
		t := listOK(s, c, "NLST")
		var got []string
		for _, line := range listLines(t.Data) {
			if dotEntry(line) {
				s.Note("NLST listed %q, the directory itself or its parent: no file to retrieve", line)
				continue
			}
			got = append(got, line)
		}
		Expect(got).To(HaveLen(len(files)), "NLST in %s sent %q", dir, head(t.Data, 300))
		for _, line := range got {
			want, ok := files[nameOf(line)]
			Expect(ok).To(BeTrue(), "NLST sent %q, which names no file of %s", line, dir)
			tr := retrieveFile(s, c, line)
			Expect(tr).To(HaveReplyCode(226, 250), "RETR %s, a name as NLST sent it", line)
			expectSameBytes(tr.Data, want, "RETR %s", line)
		}
	})

	Scenario(Spec{
		ID:       "NLST-003",
		Title:    "NLST without an argument lists the current directory",
		Commands: []string{"NLST", "CWD"},
		Codes:    []int{226, 250},
		Section:  "959:4.1.3",
		Quote:    "a null argument implies the current directory.",
		Level:    Must,
		Feature:  "NLST",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		populate(s, c, dir)
		chdir(c, dir)
		t := listOK(s, c, "NLST")
		got := nlstEntries(t.Data, dir)
		slices.Sort(got)
		Expect(got).To(Equal(listed), "NLST in %s must list its entries (\".\" and \"..\" aside); it sent %q", dir, head(t.Data, 300))
	})

	Scenario(Spec{
		ID:       "NLST-004",
		Title:    "NLST in TYPE I still sends its names with CRLF, as in TYPE A",
		Commands: []string{"NLST", "TYPE"},
		Codes:    []int{226, 250},
		Section:  "1123:4.1.2.7",
		Quote:    "The data returned by a LIST or NLST command SHOULD use an implied TYPE AN, unless the current type is EBCDIC, in which case an implied TYPE EN SHOULD be used.",
		Level:    Should,
		Feature:  "NLST",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		populate(s, c, dir) // leaves TYPE I
		t := listOK(s, c, "NLST %s", dir)
		Expect(nlstEntries(t.Data, dir)).To(HaveLen(len(listed)), "NLST %s sent %q", dir, head(t.Data, 300))
		Expect(bareLF(t.Data)).To(BeFalse(), "NLST in TYPE I sent lines ending in a bare LF: %q", head(t.Data, 200))
	})

	Scenario(Spec{
		ID:       "STAT-001",
		Title:    "STAT without an argument is answered over the control connection with a status reply (211)",
		Commands: []string{"STAT"},
		Codes:    []int{211},
		Section:  "959:4.1.3",
		Quote:    "This command shall cause a status response to be sent over the control connection in the form of a reply.",
		Level:    Must,
	}, func(s *S) {
		// No Feature: its probe is STAT itself, and a silent STAT must fail here, not there.
		c := s.Login()
		r, err := c.TryCmd("STAT")
		Expect(err).NotTo(HaveOccurred(), "STAT must be answered")
		s.Offered("STAT", r)
		Expect(r).To(HaveReplyCode(211, 212, 213))
		s.Prefer(r, 211)
	})

	Scenario(Spec{
		ID:       "STAT-002",
		Title:    "STAT with a directory sends its listing over the control connection (212)",
		Commands: []string{"STAT"},
		Codes:    []int{212, 211, 213},
		Section:  "959:4.1.3",
		Quote:    "If the argument is a pathname, the command is analogous to the \"list\" command except that data shall be transferred over the control connection.",
		Level:    Must,
		Feature:  "STAT",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		populate(s, c, dir)
		r, err := c.TryCmd("STAT %s", dir)
		Expect(err).NotTo(HaveOccurred(), "STAT %s must be answered", dir)
		Expect(r).To(HaveReplyCode(212, 211, 213))
		s.Prefer(r, 212)
		expectNames([]byte(r.Text()), listed, "STAT "+dir)
	})

	Scenario(Spec{
		ID:       "STAT-003",
		Title:    "STAT with a file sends information on it over the control connection (213)",
		Commands: []string{"STAT"},
		Codes:    []int{213, 211, 212},
		Section:  "959:4.1.3",
		Quote:    "If the argument is a pathname, the command is analogous to the \"list\" command except that data shall be transferred over the control connection.",
		Level:    Must,
		Feature:  "STAT",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("status-of.txt")
		c := s.Login()
		put(s, c, p, []byte("status\n"))
		r, err := c.TryCmd("STAT %s", p)
		Expect(err).NotTo(HaveOccurred(), "STAT %s must be answered", p)
		Expect(r).To(HaveReplyCode(213, 211, 212))
		s.Prefer(r, 213)
		Expect(r.Text()).To(ContainSubstring("status-of.txt"))
	})

	Scenario(Spec{
		ID:       "STAT-004",
		Title:    "STAT of a path that does not exist is refused with 450, as LIST is",
		Commands: []string{"STAT"},
		Codes:    []int{450},
		Section:  "959:4.1.3",
		Also:     []string{"959:5.4"},
		Quote:    "If the argument is a pathname, the command is analogous to the \"list\" command except that data shall be transferred over the control connection.",
		Level:    Should,
		Feature:  "STAT",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("absent")
		c := s.Login()
		r, err := c.TryCmd("STAT %s", p)
		Expect(err).NotTo(HaveOccurred(), "STAT %s must be answered", p)
		Expect(r.Class()).To(BeNumerically(">=", 4), "STAT of the missing %s answered %s", p, r)
		s.Prefer(r, 450)
	})

	Scenario(Spec{
		ID:       "STAT-005",
		Title:    "STAT sent during a transfer (after Telnet IP and Synch) is answered at once with the status of the transfer, which then completes",
		Commands: []string{"STAT", "RETR"},
		Codes:    []int{211, 212, 213, 226, 250},
		Section:  "959:4.1.3",
		Also:     []string{"959:4.2", "959:5.4"},
		Quote:    "The command may be sent during a file transfer (along with the Telnet IP and Synch signals--see the Section on FTP Commands) in which case the server will respond with the status of the operation in progress, or it may be sent between file transfers.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		d, data := liveDownload(s, c, "status-during.bin")
		sendIPSynch(c)
		c.Send("STAT")
		// The client reads no data until STAT is answered: a server that keeps STAT for after the
		// transfer never answers it.
		r, err := c.ReadReply()
		Expect(err).NotTo(HaveOccurred(), "STAT during the transfer must be answered while the transfer is in progress")
		Expect(r).To(HaveReplyCode(211, 212, 213), "the status of the transfer in progress (STAT's §5.4 row); it came before the transfer's own reply")
		s.Note("STAT during the transfer: %s", r)
		got := readRest(s, d.NetConn())
		Expect(c.Reply()).To(HaveReplyCode(226, 250), "STAT does not end the transfer in progress")
		expectSameBytes(got, data, "the download during which STAT was sent")
	})
})
