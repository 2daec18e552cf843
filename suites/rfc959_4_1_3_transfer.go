package suites

import (
	"bytes"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §4.1.3: the commands that move files (RETR, STOR, STOU, APPE, ALLO) and the replies
// of their transfers (§4.2.1, §5.4).
var _ = Describe("RFC 959 §4.1.3 FTP service commands: transfers", func() {
	Scenario(Spec{
		ID:       "RETR-001",
		Title:    "RETR sends a copy of the file over the data connection, byte for byte, between 150 (or 125) and 226 (or 250)",
		Commands: []string{"RETR", "STOR"},
		Codes:    []int{125, 150, 226, 250},
		Section:  "959:4.1.3",
		Quote:    "This command causes the server-DTP to transfer a copy of the file, specified in the pathname, to the server- or user-DTP at the other end of the data connection.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		p := s.Path("copy.bin")
		data := randomBytes(70_000) // more than 64 KiB: a buffer boundary on many servers
		c := s.Login()
		put(s, c, p, data)
		t := retrieveFile(s, c, p)
		Expect(t.First()).To(HaveReplyCode(125, 150))
		Expect(t.DataErr).NotTo(HaveOccurred(), "the data connection of RETR")
		Expect(t).To(HaveReplyCode(226, 250))
		expectSameBytes(t.Data, data, "RETR must send the file as it was stored")
	})

	Scenario(Spec{
		ID:       "RETR-002",
		Title:    "RETR leaves the file as it was: a second RETR sends the same bytes",
		Commands: []string{"RETR"},
		Codes:    []int{226, 250},
		Section:  "959:4.1.3",
		Quote:    "The status and contents of the file at the server site shall be unaffected.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		p := s.Path("unaffected.bin")
		data := randomBytes(5000)
		c := s.Login()
		put(s, c, p, data)
		expectSameBytes(download(s, c, p), data, "the first RETR")
		expectSameBytes(download(s, c, p), data, "after a RETR, the file must still hold what was stored")
	})

	Scenario(Spec{
		ID:       "RETR-003",
		Title:    "RETR of a file that does not exist is refused with 550 (or 450), and no transfer completes",
		Commands: []string{"RETR"},
		Codes:    []int{550, 450},
		Section:  "959:4.2.1",
		Quote:    "550 Requested action not taken. File unavailable (e.g., file not found, no access).",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		p := s.Path("no-such-file")
		c := s.Login()
		t := retrieveFile(s, c, p)
		Expect(t).To(HaveReplyCode(550, 450), "RETR of a missing file")
		s.Prefer(t.Final(), 550)
	})

	Scenario(Spec{
		ID:       "RETR-004",
		Title:    "RETR of a directory is refused with 550 (or 450): a directory is not a file to copy",
		Commands: []string{"RETR", "MKD"},
		Codes:    []int{550, 450},
		Section:  "959:4.2.1",
		Quote:    "550 Requested action not taken. File unavailable (e.g., file not found, no access).",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		dir := s.Path("a-directory")
		c := s.Login()
		Expect(c.Cmd("MKD %s", dir)).To(HaveReplyCode(257), setupStep("MKD %s", dir))
		t := retrieveFile(s, c, dir)
		Expect(t).To(HaveReplyCode(550, 450), "RETR of a directory")
		s.Prefer(t.Final(), 550)
	})

	Scenario(Spec{
		ID:       "STOR-001",
		Title:    "STOR of a new name creates the file with the data sent",
		Commands: []string{"STOR", "RETR"},
		Codes:    []int{125, 150, 226, 250},
		Section:  "959:4.1.3",
		Quote:    "A new file is created at the server site if the file specified in the pathname does not already exist.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		p := s.Path("new.bin")
		data := randomBytes(4000)
		c := s.Login()
		typeImage(c)
		t := c.Store(kindFor(s, c), data, "STOR %s", p)
		Expect(t.First()).To(HaveReplyCode(125, 150))
		Expect(t).To(HaveReplyCode(226, 250))
		expectSameBytes(download(s, c, p), data, "the new file must hold the data STOR sent")
	})

	Scenario(Spec{
		ID:       "STOR-002",
		Title:    "STOR onto an existing file replaces its contents: nothing of the old file remains",
		Commands: []string{"STOR", "RETR"},
		Codes:    []int{226, 250},
		Section:  "959:4.1.3",
		Quote:    "If the file specified in the pathname exists at the server site, then its contents shall be replaced by the data being transferred.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		p := s.Path("replaced.bin")
		old, data := randomBytes(6000), randomBytes(100)
		c := s.Login()
		put(s, c, p, old)
		t := c.Store(kindFor(s, c), data, "STOR %s", p)
		Expect(t).To(HaveReplyCode(226, 250))
		got := download(s, c, p)
		expectSameBytes(got, data, "after STOR onto %s (%s), the file must hold only the new data", p, fingerprint(old))
	})

	Scenario(Spec{
		ID:       "STOR-003",
		Title:    "STOR answers 226 (or 250) only once the whole upload is stored: a RETR right after it returns every byte",
		Commands: []string{"STOR", "RETR"},
		Codes:    []int{226, 250},
		Section:  "959:4.2",
		Also:     []string{"959:4.1.3"},
		Quote:    "The requested action has been successfully completed.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		p := s.Path("large.bin")
		data := randomBytes(3 << 20)
		c := s.Login()
		typeImage(c)
		t := c.Store(kindFor(s, c), data, "STOR %s", p)
		Expect(t.DataErr).NotTo(HaveOccurred(), "sending %s", fingerprint(data))
		Expect(t).To(HaveReplyCode(226, 250))
		expectSameBytes(download(s, c, p), data, "the 226 said the upload was complete")
	})

	Scenario(Spec{
		ID:        "STOR-004",
		Title:     "a user who needs an account to store files gets 532 for STOR until ACCT is given; then STOR completes",
		Commands:  []string{"STOR", "ACCT"},
		Codes:     []int{532, 226, 250},
		Section:   "959:4.2.1",
		Quote:     "532 Need account for storing files.",
		Level:     Must,
		Writes:    true,
		Condition: CondAccountStore,
	}, func(s *S) {
		rc := s.Condition(CondAccountStore)
		p := s.PathOn(rc.Target, "needs-account.bin")
		data := randomBytes(1000)
		c := loginOn(s, rc)
		typeImage(c)
		t := c.Store(kindFor(s, c), data, "STOR %s", p)
		Expect(t).To(HaveReplyCode(532), "STOR before ACCT, by a user who needs an account to store")
		Expect(c.Cmd("ACCT %s", rc.Account)).To(HaveReplyCode(202, 230), setupStep("ACCT"))
		t = c.Store(kindFor(s, c), data, "STOR %s", p)
		Expect(t).To(HaveReplyCode(226, 250), "STOR after ACCT")
		expectSameBytes(download(s, c, p), data, "the data")
	})

	Scenario(Spec{
		ID:        "STOR-005",
		Title:     "STOR of a file name the server does not allow is refused with 553, and no file is made",
		Commands:  []string{"STOR"},
		Codes:     []int{553},
		Section:   "959:4.2.1",
		Quote:     "553 Requested action not taken. File name not allowed.",
		Level:     Must,
		Writes:    true,
		Condition: CondRefusedName,
	}, func(s *S) {
		rc := s.Condition(CondRefusedName)
		p := s.Path(rc.Name)
		c := s.Login()
		typeImage(c)
		t := c.Store(kindFor(s, c), []byte("refused\n"), "STOR %s", p)
		Expect(t).To(BePermanentNegative(), "STOR of the refused name %s", rc.Name)
		s.Prefer(t.Final(), 553)
		expectGone(s, c, p, "a refused STOR must not create the file")
	})

	// Transfers that a server state a client cannot create makes fail, each with its reply.
	for _, k := range []struct {
		id, title string
		cond      ConditionName
		verb      string
		codes     []int // checked, for the labels
		code      int   // the refusal that fits best
		quote     string
		also      []string
		transient bool                           // the reply must be 4yz, not only negative
		size      func(rc ResolvedCondition) int // bytes to upload (STOR)
	}{
		{"RETR-005", "RETR of a busy file is refused with 450, a transient error", CondBusyFile, "RETR", []int{450}, 450,
			"450 Requested file action not taken. File unavailable (e.g., file busy).", nil, true, nil},
		{"RETR-006", "a download that a local error interrupts ends with 451, never with 226", CondIOError, "RETR", []int{150, 451}, 451,
			"451 Requested action aborted. Local error in processing.", []string{"959:5.4"}, true, nil},
		{"STOR-006", "an upload beyond the user's storage allocation ends with 552, never with 226", CondQuota, "STOR", []int{552}, 552,
			"552 Requested file action aborted. Exceeded storage allocation (for current directory or dataset).", nil, false,
			func(rc ResolvedCondition) int {
				Expect(rc.Limit).To(BeNumerically(">", 0), setupStep("the quota condition gives no limit"))
				return int(rc.Limit) + 64<<10
			}},
		{"STOR-007", "STOR on a server without storage room is refused with 452, never answered 226", CondDiskFull, "STOR", []int{452}, 452,
			"452 Requested action not taken. Insufficient storage space in system.", nil, false,
			func(ResolvedCondition) int { return 64 << 10 }},
	} {
		Scenario(Spec{
			ID:        k.id,
			Title:     k.title,
			Commands:  []string{k.verb},
			Codes:     k.codes,
			Section:   "959:4.2.1",
			Also:      k.also,
			Quote:     k.quote,
			Level:     Must,
			Condition: k.cond,
			Writes:    k.verb == "STOR",
		}, func(s *S) {
			rc := s.Condition(k.cond)
			var t Transfer
			if k.verb == "RETR" {
				if rc.Path == "" {
					Skip(fmt.Sprintf("the %s condition names no path to retrieve", k.cond))
				}
				c := loginOn(s, rc)
				typeImage(c)
				t = retrieveFile(s, c, rc.Path)
			} else {
				p := s.PathOn(rc.Target, "refused-upload.bin")
				c := loginOn(s, rc)
				typeImage(c)
				t = c.Store(kindFor(s, c), randomBytes(k.size(rc)), "STOR %s", p)
			}
			Expect(t.Final().Class()).To(BeNumerically(">=", 4), "%s under the %s condition: got %s", k.verb, k.cond, t.Final())
			if k.transient {
				Expect(t).To(BeTransientNegative(), "%s under the %s condition", k.verb, k.cond)
			}
			s.Prefer(t.Final(), k.code)
		})
	}

	Scenario(Spec{
		ID:       "STOU-001",
		Title:    "STOU stores under a name no file of the directory had: existing files are never replaced, two STOU make two files",
		Commands: []string{"STOU", "STOR", "NLST"},
		Codes:    []int{125, 150, 226, 250},
		Section:  "959:4.1.3",
		Quote:    "This command behaves like STOR except that the resultant file is to be created in the current directory under a name unique to that directory.",
		Level:    Must,
		Feature:  "STOU",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		typeImage(c)
		chdir(c, dir)
		existing := map[string][]byte{"stou": randomBytes(300), "file": randomBytes(300), "file.1": randomBytes(300)}
		for name, data := range existing {
			upload(s, c, name, data)
		}
		before := nlstNames(s, c, "")
		first, second := randomBytes(1000), randomBytes(1000)
		t := c.Store(kindFor(s, c), first, "STOU")
		s.Offered("STOU", t.First())
		Expect(t).To(HaveReplyCode(226, 250), "the first STOU")
		afterFirst := nlstNames(s, c, "")
		newFirst := newNames(before, afterFirst)
		Expect(newFirst).To(HaveLen(1), "STOU must create one new file; before: %v, after: %v", before, afterFirst)
		t = c.Store(kindFor(s, c), second, "STOU")
		Expect(t).To(HaveReplyCode(226, 250), "the second STOU")
		newSecond := newNames(afterFirst, nlstNames(s, c, ""))
		Expect(newSecond).To(HaveLen(1), "a second STOU must create a second new file, not reuse %s", newFirst[0])
		for name, data := range existing {
			expectSameBytes(download(s, c, name), data, "STOU must not replace the existing file %s", name)
		}
		expectSameBytes(download(s, c, newFirst[0]), first, "the first STOU's file %s", newFirst[0])
		expectSameBytes(download(s, c, newSecond[0]), second, "the second STOU's file %s", newSecond[0])
	})

	Scenario(Spec{
		ID:       "STOU-003",
		Title:    "STOU's completion reply names the file it stored (RFC 959; RFC 1123 §4.1.2.9 moved the duty to the 1yz)",
		Commands: []string{"STOU"},
		Codes:    []int{226, 250},
		Section:  "959:4.1.3",
		Also:     []string{"1123:4.1.2.9"},
		Quote:    "The 250 Transfer Started response must include the name generated.",
		Level:    Should,
		Feature:  "STOU",
		Writes:   true,
	}, func(s *S) {
		dir := s.Scratch()
		c := s.Login()
		typeImage(c)
		chdir(c, dir)
		before := nlstNames(s, c, "")
		t := c.Store(kindFor(s, c), []byte("unique\n"), "STOU")
		s.Offered("STOU", t.First())
		Expect(t).To(HaveReplyCode(226, 250))
		created := newNames(before, nlstNames(s, c, ""))
		Expect(created).To(HaveLen(1), setupStep("finding the file STOU made"))
		Expect(t.Final().Text()).To(ContainSubstring(created[0]), "the completion reply of STOU should name %s", created[0])
	})

	Scenario(Spec{
		ID:       "APPE-001",
		Title:    "APPE of a name that does not exist creates the file with the data sent",
		Commands: []string{"APPE", "RETR"},
		Codes:    []int{125, 150, 226, 250},
		Section:  "959:4.1.3",
		Quote:    "otherwise the file specified in the pathname shall be created at the server site.",
		Level:    Must,
		Feature:  "APPE",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("appended-new.bin")
		data := randomBytes(2000)
		c := s.Login()
		typeImage(c)
		t := c.Store(kindFor(s, c), data, "APPE %s", p)
		Expect(t.First()).To(HaveReplyCode(125, 150), "APPE of a new name")
		Expect(t).To(HaveReplyCode(226, 250))
		expectSameBytes(download(s, c, p), data, "APPE must create the file")
	})

	Scenario(Spec{
		ID:       "APPE-002",
		Title:    "APPE onto an existing file appends the data: the old contents stay, followed by the new",
		Commands: []string{"APPE", "STOR", "RETR"},
		Codes:    []int{226, 250},
		Section:  "959:4.1.3",
		Quote:    "If the file specified in the pathname exists at the server site, then the data shall be appended to that file",
		Level:    Must,
		Feature:  "APPE",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("appended.bin")
		old, more := randomBytes(3000), randomBytes(1500)
		c := s.Login()
		put(s, c, p, old)
		t := c.Store(kindFor(s, c), more, "APPE %s", p)
		s.Declined(t.First(), 450, 451, 452)
		Expect(t).To(HaveReplyCode(226, 250))
		want := append(bytes.Clone(old), more...)
		expectSameBytes(download(s, c, p), want, "the file must hold the old %s followed by the appended %s", fingerprint(old), fingerprint(more))
	})

	Scenario(Spec{
		ID:       "ALLO-001",
		Title:    "ALLO with a byte count is accepted (200, or 202 where it is not needed) and the STOR after it works as usual",
		Commands: []string{"ALLO", "STOR"},
		Codes:    []int{200, 202},
		Section:  "959:4.1.3",
		Quote:    "The ALLO command should be treated as a NOOP (no operation) by those servers which do not require that the maximum size of the file be declared beforehand",
		Level:    Should,
		Feature:  "ALLO",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("allocated.bin")
		data := randomBytes(4096)
		c := s.Login()
		typeImage(c)
		Expect(c.Cmd("ALLO %d", len(data))).To(HaveReplyCode(200, 202))
		upload(s, c, p, data)
		expectSameBytes(download(s, c, p), data, "the data")
	})

	Scenario(Spec{
		ID:       "ALLO-002",
		Title:    "ALLO with a record or page size after <SP> R <SP> is accepted (200 or 202)",
		Commands: []string{"ALLO"},
		Codes:    []int{200, 202},
		Section:  "959:4.1.3",
		Quote:    "This second argument is optional, but when present should be separated from the first by the three Telnet characters <SP> R <SP>.",
		Level:    Should,
		Feature:  "ALLO",
	}, func(s *S) {
		c := s.Login()
		Expect(c.Cmd("ALLO 4096 R 512")).To(HaveReplyCode(200, 202))
	})

	Scenario(Spec{
		ID:       "TRANSFER-004",
		Title:    "a stream-mode download, whose end the server marks by closing the data connection, ends with 226 (closing), not 250 (left open)",
		Commands: []string{"RETR"},
		Codes:    []int{226},
		Section:  "959:5.2",
		Also:     []string{"959:3.4.1", "959:4.2.1"},
		Quote:    "To prevent a race condition here, the server sends a reply (226) after closing the data connection (or if the connection is left open, a \"file transfer completed\" reply (250) and the user-PI should wait for one of these replies before issuing a new transfer command).",
		Level:    Should,
		Writes:   true,
	}, func(s *S) {
		p := s.Path("closed.bin")
		c := s.Login()
		put(s, c, p, randomBytes(2000))
		t := retrieveFile(s, c, p)
		expectTransferred(t, "RETR "+p)
		Expect(t).To(HaveReplyCode(226), "in stream mode the server closed the data connection to mark the end of the file (RFC 959 §3.4.1)")
	})

	// A transfer whose data connection the client resets while it is under way, in each direction.
	for _, k := range []struct {
		id, verb, title string
		also            []string
		start           func(s *S, c *Conn) *Data
		why             string
	}{
		{"TRANSFER-002", "RETR", "a download whose data connection the client breaks ends with 426 (or 451), never with 226", []string{"959:4.2.1"},
			func(s *S, c *Conn) *Data {
				d, _ := liveDownload(s, c, "broken.bin")
				readAtLeast(s, d.NetConn(), 64<<10)
				return d
			}, "the download was cut after 64 KiB of a larger file; 226 would say the transfer succeeded"},
		{"TRANSFER-003", "STOR", "an upload whose data connection the client resets ends with 426 (or 451), never with 226", []string{"959:4.2.1", "959:3.4.1"},
			func(s *S, c *Conn) *Data { return liveUpload(s, c, "reset-upload.bin") },
			"the upload's data connection was reset, not closed: 226 would say the file was stored whole"},
	} {
		Scenario(Spec{
			ID:       k.id,
			Title:    k.title,
			Commands: []string{k.verb},
			Codes:    []int{426, 451},
			Section:  "959:5.4",
			Also:     k.also,
			Quote:    "a server may substitute text in the replies, but the meaning and action implied by the code numbers and by the specific command reply sequence cannot be altered.",
			Level:    Must,
			Writes:   true,
		}, func(s *S) {
			c := s.Login()
			d := k.start(s, c)
			resetData(d.NetConn())
			s.Note("the client reset the data connection of %s", k.verb)
			r := c.Reply()
			Expect(r).To(BeTransientNegative(), k.why)
			s.Prefer(r, 426)
		})
	}
})
