package suites

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §4.1.1: USER, PASS, ACCT, CWD, CDUP, SMNT, REIN, QUIT.
var _ = Describe("RFC 959 §4.1.1 Access control commands", func() {
	Scenario(Spec{
		ID:       "USER-001",
		Title:    "USER for a user with a password asks for it with 331",
		Commands: []string{"USER"},
		Codes:    []int{331},
		Section:  "959:4.1.1",
		Quote:    "Additional identification information in the form of a password and/or an account command may also be required by some servers.",
		Level:    Must,
	}, func(s *S) {
		c := s.Dial()
		r := c.Cmd("USER %s", s.Settings.Target.User)
		if s.Settings.Target.Password == "" {
			Expect(r).To(HaveReplyCode(230, 331, 332))
			return
		}
		Expect(r).To(HaveReplyCode(331))
	})

	Scenario(Spec{
		ID:       "PASS-001",
		Title:    "PASS with the right password after USER completes the login with 230",
		Commands: []string{"USER", "PASS"},
		Codes:    []int{230},
		Section:  "959:4.1.1",
		Quote:    "This command must be immediately preceded by the user name command, and, for some sites, completes the user's identification for access control.",
		Level:    Must,
	}, func(s *S) {
		c := s.Dial()
		Expect(c.Cmd("USER %s", s.Settings.Target.User)).To(HaveReplyCode(331))
		Expect(c.Cmd("PASS %s", s.Settings.Target.Password)).To(HaveReplyCode(230))
	})

	Scenario(Spec{
		ID:          "PASS-002",
		Title:       "PASS with a wrong password is refused with 530",
		Commands:    []string{"USER", "PASS"},
		Codes:       []int{530},
		Section:     "959:5.4",
		Also:        []string{"959:4.2.2"},
		Quote:       "These must be strictly adhered to; a server may substitute text in the replies, but the meaning and action implied by the code numbers and by the specific command reply sequence cannot be altered.",
		Level:       Must,
		Slow:        true,
		FailsLogins: true,
	}, func(s *S) {
		c := s.Dial()
		Expect(c.Cmd("USER %s", s.Settings.Target.User)).To(HaveReplyCode(331))
		r, err := c.TryCmd("PASS %s", wrongPassword(s.Settings.Target.Password))
		if err != nil {
			// RFC 2577 §5 lets a server close the connection after failed logins (421 first).
			Expect(err).To(MatchError(ErrClosedByServer))
			return
		}
		Expect(r).To(HaveReplyCode(530, 421))
		if r.Code == 421 {
			return
		}
		// CWD's §5.4 row lists 530, so the refusal is within the table whatever the server says.
		Expect(c.Cmd("CWD %s", s.Settings.Target.Scratch)).NotTo(BePositiveCompletion(), "after a refused login no command that needs it may succeed")
	})

	Scenario(Spec{
		ID:       "PASS-003",
		Title:    "PASS without a preceding USER is a bad sequence of commands (503)",
		Commands: []string{"PASS"},
		Codes:    []int{503},
		Section:  "959:4.1.1",
		Quote:    "This command must be immediately preceded by the user name command",
		Level:    Must,
	}, func(s *S) {
		c := s.Dial()
		r := c.Cmd("PASS %s", s.Settings.Target.Password)
		Expect(r).To(HaveReplyCode(503, 530))
		s.Prefer(r, 503)
	})

	Scenario(Spec{
		ID:       "CWD-001",
		Title:    "CWD to an existing directory answers 250 and changes the working directory",
		Commands: []string{"CWD", "PWD"},
		Codes:    []int{250, 257},
		Section:  "959:4.1.1",
		Quote:    "This command allows the user to work with a different directory or dataset for file storage or retrieval without altering his login or accounting information.",
		Level:    Must,
		Feature:  "CWD",
		Writes:   true,
	}, func(s *S) {
		changesDirectory(s, "CWD")
	})

	Scenario(Spec{
		ID:       "CWD-002",
		Title:    "CWD to a directory that does not exist is refused with 550",
		Commands: []string{"CWD"},
		Codes:    []int{550},
		Section:  "959:5.4",
		Quote:    "These must be strictly adhered to; a server may substitute text in the replies, but the meaning and action implied by the code numbers and by the specific command reply sequence cannot be altered.",
		Level:    Must,
		Feature:  "CWD",
		Writes:   true,
	}, func(s *S) {
		missing := s.Path("no-such-directory")
		c := s.Login()
		r := c.Cmd("CWD %s", missing)
		Expect(r).To(BePermanentNegative())
		s.Prefer(r, 550)
	})

	Scenario(Spec{
		ID:       "CDUP-001",
		Title:    "CDUP goes to the parent directory and answers 200 (or 250, CWD's code)",
		Commands: []string{"CDUP", "CWD", "PWD"},
		Codes:    []int{200, 250},
		Section:  "959:appendix-2",
		Quote:    "The reply codes for CDUP be identical to the reply codes of CWD.",
		Level:    Must,
		Feature:  "CDUP",
		Writes:   true,
	}, func(s *S) {
		// §5.4 lists 200; appendix II says CDUP's codes are CWD's (250). Both are right.
		goesUp(s, "CDUP")
	})

	Scenario(Spec{
		ID:       "QUIT-001",
		Title:    "QUIT is answered with 221 and the server closes the control connection",
		Commands: []string{"QUIT"},
		Codes:    []int{221},
		Section:  "959:4.1.1",
		Quote:    "This command terminates a USER and if file transfer is not in progress, the server closes the control connection.",
		Level:    Must,
	}, func(s *S) {
		quits(s.Login())
	})

	// Commands before login (RFC 959 §4.1.1, the login diagram of §6).

	Scenario(Spec{
		ID:       "LOGIN-001",
		Title:    "before login, CWD and CDUP are refused (530): the file system needs the user's identification",
		Commands: []string{"CWD", "CDUP"},
		Codes:    []int{530},
		Section:  "959:4.1.1",
		Also:     []string{"959:5.4", "959:6"},
		Quote:    "The user identification is that which is required by the server for access to its file system.",
		Level:    Must,
	}, func(s *S) {
		c := s.Dial()
		for _, line := range []string{"CWD " + s.Settings.Target.Scratch, "CDUP"} {
			r := c.Cmd("%s", line)
			expectRefused(r, line+" before login")
			s.Prefer(r, 530)
		}
	})

	Scenario(Spec{
		ID:       "LOGIN-002",
		Title:    "before login, MKD, DELE and RNFR are refused (530) and change nothing",
		Commands: []string{"MKD", "DELE", "RNFR", "RMD", "RETR"},
		Codes:    []int{530, 226, 550},
		Section:  "959:4.1.1",
		Also:     []string{"959:5.4", "959:6"},
		Quote:    "The user identification is that which is required by the server for access to its file system.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		keep, made := s.Path("keep.txt"), s.Path("made-before-login")
		owner := s.Login()
		put(s, owner, keep, typeSampleData)
		c := s.Dial()
		for _, line := range []string{"MKD " + made, "DELE " + keep, "RNFR " + keep} {
			r := c.Cmd("%s", line)
			expectRefused(r, line+" before login")
			s.Prefer(r, 530)
		}
		expectSameBytes(download(s, owner, keep), typeSampleData, "the file that DELE and RNFR named before login")
		Expect(owner.Cmd("RMD %s", made)).NotTo(BePositiveCompletion(), "MKD before login must not have made the directory")
	})

	// Transfers before login, in both directions.
	for _, k := range []struct {
		id, title string
		commands  []string
		lines     func(p, dir string) []string
		upload    []byte // the data of an upload; nil: downloads of a file that exists
	}{
		{"LOGIN-003", "before login, RETR and NLST transfer nothing: they are refused (530)", []string{"RETR", "NLST", "PASV"},
			func(p, dir string) []string { return []string{"RETR " + p, "NLST " + dir} }, nil},
		{"LOGIN-005", "before login, STOR stores nothing: it is refused (530)", []string{"STOR", "PASV", "RETR"},
			func(p, _ string) []string { return []string{"STOR " + p} }, randomBytes(1000)},
	} {
		Scenario(Spec{
			ID:       k.id,
			Title:    k.title,
			Commands: k.commands,
			Codes:    []int{530},
			Section:  "959:4.1.1",
			Also:     []string{"959:5.4", "959:6"},
			Quote:    "The user identification is that which is required by the server for access to its file system.",
			Level:    Must,
			Writes:   true,
		}, func(s *S) {
			p := s.Path("before-login.bin")
			owner := s.Login()
			if k.upload == nil {
				put(s, owner, p, typeSampleData)
			}
			c := s.Dial()
			for _, line := range k.lines(p, s.Scratch()) {
				r := transferBeforeLogin(s, c, line, k.upload)
				expectRefused(r, line+" before login")
				s.Prefer(r, 530)
			}
			if k.upload != nil {
				expectGone(s, owner, p, "STOR before login must not have stored the file")
			}
		})
	}

	Scenario(Spec{
		ID:       "LOGIN-004",
		Title:    "before login, PWD reports no working directory (never 257); its §5.4 row has no 530, so 550 fits",
		Commands: []string{"PWD"},
		Codes:    []int{550},
		Section:  "959:4.1.1",
		Also:     []string{"959:5.4", "1123:4.1.2.11"},
		Quote:    "The user identification is that which is required by the server for access to its file system.",
		Level:    Must,
	}, func(s *S) {
		c := s.Dial()
		r := c.Cmd("PWD")
		expectRefused(r, "PWD before login")
		// The general rules judge the code against PWD's row (257 500 501 502 421 550): 530, what
		// many servers answer, is a SHOULD-level warning there.
		s.Prefer(r, 550, 530)
	})

	Scenario(Spec{
		ID:       "ACCT-005",
		Title:    "ACCT before USER logs nobody in: never 230, preferably 503 (bad sequence)",
		Commands: []string{"ACCT", "CWD"},
		Codes:    []int{503, 530},
		Section:  "959:5.4",
		Also:     []string{"959:4.1.1", "959:6"},
		Quote:    "These must be strictly adhered to; a server may substitute text in the replies, but the meaning and action implied by the code numbers and by the specific command reply sequence cannot be altered.",
		Level:    Must,
	}, func(s *S) {
		c := s.Dial()
		r := c.Cmd("ACCT ftpconform")
		Expect(r).NotTo(HaveReplyCode(230), "230 means \"User logged in\", and no user has been named")
		Expect(r).To(HaveReplyCode(202, 500, 501, 502, 503, 530))
		s.Prefer(r, 503)
		cwd := c.Cmd("CWD %s", s.Settings.Target.Scratch)
		Expect(cwd).NotTo(BePositiveCompletion(), "ACCT alone logged nobody in")
	})

	// USER (RFC 959 §4.1.1): a new USER at any point.

	Scenario(Spec{
		ID:       "USER-004",
		Title:    "a new USER in a logged-in session flushes the login: commands that need one are refused until it completes",
		Commands: []string{"USER", "CWD"},
		Codes:    []int{331, 250, 530},
		Section:  "959:4.1.1",
		Also:     []string{"959:6"},
		Quote:    "Servers may allow a new USER command to be entered at any point in order to change the access control and/or accounting information. This has the effect of flushing any user, password, and account information already supplied and beginning the login sequence again.",
		Level:    Must,
		Feature:  "CWD",
	}, func(s *S) {
		t := s.Settings.Target
		c := s.Login()
		Expect(c.Cmd("CWD %s", t.Scratch)).To(HaveReplyCode(250), "logged in, the scratch root is reachable")
		r := c.Cmd("USER %s", t.User)
		if r.Class() == 5 {
			s.Note("the server does not allow a new USER while logged in (%s); RFC 959 §4.1.1 lets it refuse", r)
			return
		}
		Expect(r).To(HaveReplyCode(331, 332, 230))
		if r.Code == 230 {
			return // a user without a password: the new login is already complete
		}
		cwd := c.Cmd("CWD %s", t.Scratch)
		Expect(cwd).NotTo(BePositiveCompletion(), "after a new USER (answered %s) the old login is flushed until PASS completes the new one", r)
		s.Prefer(cwd, 530)
	})

	Scenario(Spec{
		ID:       "USER-005",
		Title:    "a new USER leaves the transfer parameters unchanged (TYPE I stays TYPE I)",
		Commands: []string{"USER", "PASS", "TYPE", "RETR"},
		Codes:    []int{230, 200, 226},
		Section:  "959:4.1.1",
		Quote:    "All transfer parameters are unchanged and any file transfer in progress is completed under the old access control parameters.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		t := s.Settings.Target
		c := s.Login()
		sample := storeTypeSample(s, c, s.Path("lines.txt"))
		Expect(c.Cmd("TYPE I")).To(HaveReplyCode(200))
		if r := c.Cmd("USER %s", t.User); r.Class() == 5 {
			s.Note("the server does not allow a new USER while logged in (%s); RFC 959 §4.1.1 lets it refuse", r)
			return
		} else if r.Code == 331 {
			Expect(c.Cmd("PASS %s", t.Password)).To(HaveReplyCode(230, 202))
		}
		got := c.Retrieve(kindFor(s, c), "RETR %s", sample.path)
		Expect(got).To(HaveReplyCode(226, 250))
		Expect(sample.typeOf(got.Data)).To(Equal("I"), "TYPE I was set before the new USER; the transfer parameters must be unchanged")
	})

	Scenario(Spec{
		ID:       "USER-006",
		Title:    "USER sent during a transfer lets the transfer complete (226, every byte) under the old login",
		Commands: []string{"USER", "RETR"},
		Codes:    []int{226, 250, 331},
		Section:  "959:4.1.1",
		Quote:    "All transfer parameters are unchanged and any file transfer in progress is completed under the old access control parameters.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		t := s.Settings.Target
		commandDuringRetrieve(s, fmt.Sprintf("USER %s", t.User), true, func(_ *Conn, r Reply) {
			Expect(r).NotTo(BePositivePreliminary())
		})
	})

	// ACCT (RFC 959 §4.1.1) with a user who needs an account for login.

	Scenario(Spec{
		ID:        "ACCT-001",
		Title:     "a user who needs an account for login gets 332 to PASS, and ACCT completes the login with 230",
		Commands:  []string{"USER", "PASS", "ACCT"},
		Codes:     []int{331, 332, 230},
		Section:   "959:4.1.1",
		Also:      []string{"959:6"},
		Quote:     "when account information is required for login, the response to a successful PASSword command is reply code 332.",
		Level:     Must,
		Condition: CondAccountLogin,
	}, func(s *S) {
		rc := s.Condition(CondAccountLogin)
		c := s.DialTarget(rc.Target)
		accountRequested(c, rc)
		Expect(c.Cmd("ACCT %s", rc.Account)).To(HaveReplyCode(230))
	})

	Scenario(Spec{
		ID:        "ACCT-002",
		Title:     "after 332 (need account) the login is held in abeyance: commands that need it are refused until ACCT",
		Commands:  []string{"USER", "PASS", "CWD"},
		Codes:     []int{332, 530},
		Section:   "959:4.2",
		Also:      []string{"959:4.1.1", "959:6"},
		Quote:     "The command has been accepted, but the requested action is being held in abeyance, pending receipt of further information.",
		Level:     Must,
		Condition: CondAccountLogin,
	}, func(s *S) {
		rc := s.Condition(CondAccountLogin)
		c := s.DialTarget(rc.Target)
		accountRequested(c, rc)
		r := c.Cmd("CWD /")
		Expect(r).NotTo(BePositiveCompletion(), "the login waits for ACCT; until then the user is not logged in")
		s.Prefer(r, 530)
	})

	// CWD and CDUP (RFC 959 §4.1.1, appendix II, RFC 1123 §4.1.3.1).

	Scenario(Spec{
		ID:       "CWD-004",
		Title:    "XCWD, the experimental form of CWD, changes the working directory as CWD does",
		Commands: []string{"XCWD", "PWD"},
		Codes:    []int{250, 257},
		Section:  "1123:4.1.3.1",
		Also:     []string{"959:4.1.1"},
		Quote:    "All FTP implementations SHOULD recognize both forms of these commands, by simply equating them with extra entries in the command lookup table.",
		Level:    Should,
		Feature:  "CWD",
		Writes:   true,
	}, func(s *S) {
		changesDirectory(s, "XCWD")
	})

	Scenario(Spec{
		ID:       "CDUP-002",
		Title:    "XCUP, the experimental form of CDUP, goes to the parent directory as CDUP does",
		Commands: []string{"XCUP", "CWD", "PWD"},
		Codes:    []int{200, 250},
		Section:  "1123:4.1.3.1",
		Also:     []string{"959:4.1.1", "959:appendix-2"},
		Quote:    "All FTP implementations SHOULD recognize both forms of these commands, by simply equating them with extra entries in the command lookup table.",
		Level:    Should,
		Feature:  "CDUP",
		Writes:   true,
	}, func(s *S) {
		goesUp(s, "XCUP")
	})

	Scenario(Spec{
		ID:       "CWD-005",
		Title:    "CWD to a plain file is refused (550) and the working directory stays",
		Commands: []string{"CWD", "STOR", "PWD"},
		Codes:    []int{550, 257},
		Section:  "959:5.4",
		Also:     []string{"959:4.1.1"},
		Quote:    "These must be strictly adhered to; a server may substitute text in the replies, but the meaning and action implied by the code numbers and by the specific command reply sequence cannot be altered.",
		Level:    Must,
		Feature:  "CWD",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		put(s, c, s.Path("file.txt"), []byte("not a directory\n"))
		Expect(c.Cmd("CWD %s", dir)).To(HaveReplyCode(250))
		r := c.Cmd("CWD %s", s.Path("file.txt"))
		Expect(r).To(BePermanentNegative(), "a plain file is not a directory to change to")
		s.Prefer(r, 550)
		Expect(workingDir(c)).To(Equal(dir), "a refused CWD leaves the working directory where it was")
	})

	Scenario(Spec{
		ID:       "CWD-006",
		Title:    "CWD with a relative pathname goes to a subdirectory of the current working directory",
		Commands: []string{"CWD", "MKD", "PWD"},
		Codes:    []int{250, 257},
		Section:  "959:appendix-2",
		Also:     []string{"959:4.1.1"},
		Quote:    "If it is a \"relative\" pathname (i.e., a pathname which is interpreted relative to the current directory), the user would need to be in the same current directory in order to reach the subdirectory.",
		Level:    Must,
		Feature:  "CWD",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		Expect(c.Cmd("MKD %s", s.Path("a"))).To(HaveReplyCode(257))
		Expect(c.Cmd("MKD %s", s.Path("a/b"))).To(HaveReplyCode(257))
		Expect(c.Cmd("CWD %s", dir)).To(HaveReplyCode(250))
		Expect(c.Cmd("CWD a")).To(HaveReplyCode(250))
		Expect(workingDir(c)).To(Equal(s.Path("a")))
		Expect(c.Cmd("CWD b")).To(HaveReplyCode(250))
		Expect(workingDir(c)).To(Equal(s.Path("a/b")))
	})

	Scenario(Spec{
		ID:       "CWD-007",
		Title:    "CWD leaves the transfer parameters unchanged (TYPE I stays TYPE I)",
		Commands: []string{"CWD", "TYPE", "RETR"},
		Codes:    []int{250, 200, 226},
		Section:  "959:4.1.1",
		Quote:    "This command allows the user to work with a different directory or dataset for file storage or retrieval without altering his login or accounting information. Transfer parameters are similarly unchanged.",
		Level:    Must,
		Feature:  "CWD",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		sample := storeTypeSample(s, c, s.Path("lines.txt"))
		Expect(c.Cmd("TYPE I")).To(HaveReplyCode(200))
		Expect(c.Cmd("CWD %s", s.Scratch())).To(HaveReplyCode(250))
		got := c.Retrieve(kindFor(s, c), "RETR %s", sample.path)
		Expect(got).To(HaveReplyCode(226, 250))
		Expect(sample.typeOf(got.Data)).To(Equal("I"), "TYPE I was set before CWD; transfer parameters are unchanged by CWD")
	})

	// SMNT (RFC 959 §4.1.1).

	Scenario(Spec{
		ID:        "SMNT-001",
		Title:     "SMNT of a file system the server offers mounts it (250)",
		Commands:  []string{"SMNT"},
		Codes:     []int{250, 202},
		Section:   "959:4.1.1",
		Also:      []string{"959:5.4"},
		Quote:     "This command allows the user to mount a different file system data structure without altering his login or accounting information.",
		Level:     Must,
		Condition: CondMount,
	}, func(s *S) {
		rc := s.Condition(CondMount)
		c := loginOn(s, rc)
		r := c.Cmd("SMNT %s", rc.Path)
		Expect(r).To(HaveReplyCode(250, 202))
		s.Prefer(r, 250)
	})

	Scenario(Spec{
		ID:        "SMNT-002",
		Title:     "after SMNT the user is still logged in: a listing of the mounted file system succeeds",
		Commands:  []string{"SMNT", "LIST"},
		Codes:     []int{250, 226},
		Section:   "959:4.1.1",
		Quote:     "This command allows the user to mount a different file system data structure without altering his login or accounting information. Transfer parameters are similarly unchanged.",
		Level:     Must,
		Condition: CondMount,
	}, func(s *S) {
		rc := s.Condition(CondMount)
		c := loginOn(s, rc)
		Expect(c.Cmd("SMNT %s", rc.Path)).To(HaveReplyCode(250, 202))
		Expect(c.Retrieve(kindFor(s, c), "LIST")).To(HaveReplyCode(226, 250), "the login survives SMNT")
	})

	Scenario(Spec{
		ID:       "SMNT-003",
		Title:    "SMNT of a file system that does not exist is refused (550)",
		Commands: []string{"SMNT"},
		Codes:    []int{550},
		Section:  "959:5.4",
		Also:     []string{"959:4.1.1"},
		Quote:    "These must be strictly adhered to; a server may substitute text in the replies, but the meaning and action implied by the code numbers and by the specific command reply sequence cannot be altered.",
		Level:    Must,
		Feature:  "SMNT",
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("SMNT /ftpconform-no-such-file-system-%d", time.Now().UnixNano())
		Expect(r).NotTo(BePositiveCompletion(), "nothing was mounted")
		Expect(r).To(BePermanentNegative())
		s.Prefer(r, 550)
	})

	// REIN (RFC 959 §4.1.1).

	Scenario(Spec{
		ID:       "REIN-001",
		Title:    "REIN answers 220 and ends the login; a new USER and PASS log in again",
		Commands: []string{"REIN", "CWD", "USER", "PASS"},
		Codes:    []int{220, 120, 530, 230},
		Section:  "959:4.1.1",
		Also:     []string{"959:5.4"},
		Quote:    "This command terminates a USER, flushing all I/O and account information, except to allow any transfer in progress to be completed.",
		Level:    Must,
		Feature:  "REIN",
	}, func(s *S) {
		t := s.Settings.Target
		c := s.Login()
		reinitialize(c)
		r := c.Cmd("CWD %s", t.Scratch)
		Expect(r).NotTo(BePositiveCompletion(), "REIN flushed the login; commands that need one are refused")
		s.Prefer(r, 530)
		Expect(c.Login(t.User, t.Password, "")).To(Succeed(), "a USER command may be expected to follow REIN")
	})

	Scenario(Spec{
		ID:       "REIN-002",
		Title:    "REIN resets the transfer parameters to their defaults (TYPE A after TYPE I)",
		Commands: []string{"REIN", "TYPE", "RETR"},
		Codes:    []int{220, 200, 226},
		Section:  "959:4.1.1",
		Also:     []string{"959:5.1"},
		Quote:    "All parameters are reset to the default settings and the control connection is left open.",
		Level:    Must,
		Feature:  "REIN",
		Writes:   true,
	}, func(s *S) {
		t := s.Settings.Target
		c := s.Login()
		sample := storeTypeSample(s, c, s.Path("lines.txt"))
		Expect(c.Cmd("TYPE I")).To(HaveReplyCode(200))
		reinitialize(c)
		Expect(c.Login(t.User, t.Password, "")).To(Succeed())
		got := c.Retrieve(kindFor(s, c), "RETR %s", sample.path)
		Expect(got).To(HaveReplyCode(226, 250))
		Expect(sample.typeOf(got.Data)).To(Equal("A"), "after REIN the type is the default, ASCII (RFC 959 §5.1)")
	})

	Scenario(Spec{
		ID:       "REIN-003",
		Title:    "REIN sent during a transfer lets the transfer complete (226, every byte) and answers 220",
		Commands: []string{"REIN", "RETR"},
		Codes:    []int{226, 250, 220},
		Section:  "959:4.1.1",
		Quote:    "This command terminates a USER, flushing all I/O and account information, except to allow any transfer in progress to be completed.",
		Level:    Must,
		Feature:  "REIN",
		Writes:   true,
	}, func(s *S) {
		commandDuringRetrieve(s, "REIN", true, func(_ *Conn, r Reply) {
			Expect(r).To(HaveReplyCode(220), "REIN's §5.4 row: 120 then 220, or 220")
		})
	})

	// QUIT (RFC 959 §4.1.1).

	Scenario(Spec{
		ID:       "QUIT-002",
		Title:    "QUIT before login is answered 221 and the server closes the control connection",
		Commands: []string{"QUIT"},
		Codes:    []int{221},
		Section:  "959:4.1.1",
		Also:     []string{"959:5.2"},
		Quote:    "This command terminates a USER and if file transfer is not in progress, the server closes the control connection.",
		Level:    Must,
	}, func(s *S) {
		quits(s.Dial())
	})

	Scenario(Spec{
		ID:       "QUIT-003",
		Title:    "QUIT sent during a transfer: the transfer completes (226, every byte), QUIT gets 221, then the server closes",
		Commands: []string{"QUIT", "RETR"},
		Codes:    []int{226, 250, 221},
		Section:  "959:4.1.1",
		Also:     []string{"959:5.2"},
		Quote:    "If file transfer is in progress, the connection will remain open for result response and the server will then close it.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		commandDuringRetrieve(s, "QUIT", false, func(c *Conn, r Reply) {
			Expect(r).To(HaveReplyCode(221))
			Expect(c.WaitClosed()).To(Succeed(), "after the transfer's reply and 221 the server closes the control connection")
		})
	})
})

// changesDirectory checks CWD or its X-form: 250, and PWD then names the new directory.
func changesDirectory(s *S, verb string) {
	dir := s.Scratch()
	c := s.Login()
	Expect(c.Cmd("%s %s", verb, dir)).To(HaveReplyCode(250))
	Expect(workingDir(c)).To(Equal(dir))
}

// goesUp checks CDUP or its X-form: 200 (or 250, CWD's code), and PWD then names the parent.
func goesUp(s *S, verb string) {
	dir := s.Scratch()
	c := s.Login()
	Expect(c.Cmd("MKD %s", s.Path("child"))).To(HaveReplyCode(257))
	Expect(c.Cmd("CWD %s", s.Path("child"))).To(HaveReplyCode(250))
	Expect(c.Cmd("%s", verb)).To(HaveReplyCode(200, 250))
	Expect(workingDir(c)).To(Equal(dir))
}

// quits sends QUIT on c: 221, then the server closes the control connection.
func quits(c *Conn) {
	Expect(c.Cmd("QUIT")).To(HaveReplyCode(221))
	Expect(c.WaitClosed()).To(Succeed(), "the server must close the control connection after QUIT")
}

// accountRequested runs USER and PASS for a user who needs an account for login, up to the 332
// that asks for it: after PASS (RFC 959 §4.1.1), or already after USER (its §5.4 row has 332).
func accountRequested(c *Conn, rc ResolvedCondition) {
	r := c.Cmd("USER %s", rc.Target.User)
	Expect(r).To(HaveReplyCode(331, 332))
	if r.Code == 331 {
		Expect(c.Cmd("PASS %s", rc.Target.Password)).To(HaveReplyCode(332))
	}
}

// reinitialize sends REIN and reads its 220, after an optional 120 (RFC 959 §5.4).
func reinitialize(c *Conn) {
	r := c.Cmd("REIN")
	Expect(r).To(HaveReplyCode(120, 220), "REIN's §5.4 row: 120 then 220, or 220")
	if r.Code == 120 {
		Expect(c.Reply()).To(HaveReplyCode(220))
	}
}

// typeSample is a file whose bytes differ between TYPE A and TYPE I: lines that end in a bare LF
// come back with CRLF in TYPE A (NVT-ASCII, RFC 959 §3.1.1.1). It shows which type is in effect.
type typeSample struct {
	path         string
	image, ascii []byte
}

var typeSampleData = []byte("first line\nsecond line\nthird line\n")

// storeTypeSample stores the sample at p in TYPE I and reads it back in both types. It skips the
// scenario when the server sends the same bytes in both (then the type cannot be observed).
func storeTypeSample(s *S, c *Conn, p string) typeSample {
	put(s, c, p, typeSampleData)
	image := download(s, c, p)
	setType(c, "A")
	ascii := download(s, c, p)
	if bytes.Equal(image, ascii) {
		Skip("the server sends the same bytes in TYPE A and TYPE I, so which type is in effect cannot be observed")
	}
	return typeSample{path: p, image: image, ascii: ascii}
}

// typeOf names the type in which data was sent: "I", "A", or what arrived.
func (t typeSample) typeOf(data []byte) string {
	switch {
	case bytes.Equal(data, t.image):
		return "I"
	case bytes.Equal(data, t.ascii):
		return "A"
	}
	return fmt.Sprintf("neither (%q)", data)
}

// transferBeforeLogin tries a transfer command on a connection that has not logged in: the data
// connection set-up first (refused, as a rule), then the command, with upload as its data (nil
// for a download). It returns the reply that decides whether anything was transferred: the
// refusal, or the command's first reply.
func transferBeforeLogin(s *S, c *Conn, line string, upload []byte) Reply {
	d, r := c.Data(kindFor(s, c))
	if d == nil {
		s.Note("the data connection set-up before login was refused (%s)", r)
		return c.Cmd("%s", line)
	}
	defer d.Close()
	return d.Run(line, upload, upload != nil).First()
}

// commandDuringRetrieve starts the download of a big file, sends line while the transfer is in
// progress (the client reads nothing until then), reads the whole file and then the two
// replies: the transfer must complete (226 or 250, every byte) and line gets its own reply, which
// check judges. RFC 959 §4.1.1 asks this of USER, REIN and QUIT. queued says whether line's reply
// should come after the transfer's: RFC 959 §4.2 says servers "should queue any commands that
// arrive while a preceding command is in progress", but names QUIT among the commands that may
// be sent during a transfer, and lets the server answer it at once and close after the transfer.
func commandDuringRetrieve(s *S, line string, queued bool, check func(c *Conn, r Reply)) {
	c := s.Login()
	d, data := liveDownload(s, c, "big.bin")
	c.Send("%s", line)
	got := readRest(s, d.NetConn())
	var transfer, answer *Reply
	answeredFirst := false
	for range 3 {
		if transfer != nil && answer != nil {
			break
		}
		r, err := c.ReadReply()
		Expect(err).NotTo(HaveOccurred(), "both the transfer in progress and %s must be answered", line)
		switch {
		case transfer == nil && slices.Contains([]int{226, 250, 425, 426, 451}, r.Code):
			transfer = &r
		case r.Class() == 1: // REIN's 120 before its 220
		default:
			answer = &r
			answeredFirst = transfer == nil
		}
	}
	Expect(transfer).NotTo(BeNil(), "the transfer in progress when %s arrived must end with its own reply", line)
	Expect(*transfer).To(HaveReplyCode(226, 250), "the transfer in progress when %s arrived must complete", line)
	expectSameBytes(got, data, "the download in progress when %s arrived", line)
	Expect(answer).NotTo(BeNil(), "%s must be answered", line)
	if answeredFirst {
		s.Note("%s was answered (%s) before the transfer's reply", line, answer)
	}
	if queued {
		s.Should(!answeredFirst, "959:4.2", "%s was answered (%s) before the transfer in progress ended; server-FTP processes should queue any commands that arrive while a preceding command is in progress", line, answer)
	}
	check(c, *answer)
}
