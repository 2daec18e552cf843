package suites

import (
	"bytes"
	"regexp"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §3.3-§3.5: stream, block and compressed mode, restart markers (110 and REST), and a
// data connection kept open between block-mode transfers (125, 225, 250). Block and
// compressed data are decoded here, from the RFC's definitions (data_helpers.go).

// runsOfBytes is data with runs that compressed mode can replicate, and zero runs it can send
// as filler in TYPE I.
func runsOfBytes() []byte {
	var b []byte
	b = append(b, "abc"...)
	b = append(b, bytes.Repeat([]byte{0}, 200)...)
	b = append(b, bytes.Repeat([]byte{'x'}, 100)...)
	b = append(b, randomBytes(300)...)
	b = append(b, bytes.Repeat([]byte{0xFF}, 70)...)
	b = append(b, 0, 1, 0, 0, 2)
	return b
}

// compressedRetrieve sends RETR p in compressed mode over a new data connection and decodes the
// data up to the EOF escape, with filler as the byte filler strings stand for.
func compressedRetrieve(s *S, c *Conn, p string, filler byte) framed {
	d := dataFor(s, c)
	first := begin(d, "RETR %s", p)
	f, err := decodeCompressed(readerOf(s, d.NetConn()), filler)
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "RETR in compressed mode (filler 0x%02X)", filler)
	_, final := finalReplies(c, first)
	ExpectWithOffset(1, final).To(HaveReplyCode(226, 250))
	return f
}

// storeFramed uploads wire, data framed for the transmission mode, in TYPE I, and expects the
// file then retrieved in stream mode to be data.
func storeFramed(s *S, c *Conn, mode, p string, wire, data []byte) {
	setType(c, "I")
	ExpectWithOffset(1, c.Cmd("MODE %s", mode)).To(HaveReplyCode(200))
	_, final := storeRaw(s, c, dataFor(s, c), "STOR "+p, wire)
	ExpectWithOffset(1, final).To(HaveReplyCode(226, 250), "STOR in MODE %s", mode)
	ExpectWithOffset(1, c.Cmd("MODE S")).To(HaveReplyCode(200))
	expectSameBytes(getImage(s, c, p), data, "the file stored from MODE %s data, retrieved in stream mode", mode)
}

// needMarks skips the scenario when an upload with restart markers drew no 110 reply: restart
// markers are for servers that implement the restart procedure.
func needMarks(marks []Reply) {
	if len(marks) == 0 {
		Skip("no 110 reply: the server does not return restart markers (RFC 959 §3.5: \"if it implements the restart procedure\")")
	}
}

// keptOpen logs in to the server of the keep-data condition and runs NLST in block mode over a
// new data connection, which that server keeps open (250). It skips the scenario when the server
// closed the connection (226) instead.
func keptOpen(s *S) (*Conn, *Data) {
	cond := s.Condition(CondKeepData)
	c := loginOn(s, cond)
	ExpectWithOffset(1, c.Cmd("MODE B")).To(HaveReplyCode(200))
	d := dataFor(s, c)
	_, final := blockRetrieve(s, c, d, "NLST")
	if final.Code == 226 {
		ExpectWithOffset(1, closedByServer(s, d.NetConn())).To(Succeed(), "226 means \"Closing data connection\"")
		Skip("the server closed the data connection after the block-mode transfer (226): nothing was kept open")
	}
	ExpectWithOffset(1, final).To(HaveReplyCode(250))
	return c, d
}

var markReply = regexp.MustCompile(`^MARK (\S+) = (\S+)$`)

var _ = Describe("RFC 959 §3.4 Transmission modes", func() {
	Scenario(Spec{
		ID:       "MODE-001",
		Title:    "MODE S is accepted (200) and puts stream mode back in force after MODE B",
		Commands: []string{"MODE", "RETR"},
		Codes:    []int{200, 150, 226},
		Section:  "959:4.1.2",
		Also:     []string{"959:5.1", "959:3.4.1"},
		Quote:    "The default value is the last specified value, or if no value has been specified, the standard default value is as stated here.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("stream.bin")
		data := randomBytes(1000)
		put(s, c, p, data)
		if r := c.Cmd("MODE B"); r.Code != 200 {
			s.Note("MODE B answered %s: only MODE S itself is checked", r)
		}
		Expect(c.Cmd("MODE S")).To(HaveReplyCode(200))
		expectSameBytes(download(s, c, p), data, "RETR after MODE S: the bytes themselves, closed by the end of the connection")
	})

	Scenario(Spec{
		ID:       "MODE-014",
		Title:    "In stream mode with file structure every byte is data: 0xFF and what follows it travel unchanged",
		Commands: []string{"STOR", "RETR"},
		Codes:    []int{150, 226},
		Section:  "959:3.4.1",
		Quote:    "If the structure is a file structure, the EOF is indicated by the sending host closing the data connection and all bytes are data bytes.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("escapes.bin")
		data := []byte("\xff\x01\xff\x02\xff\x03\xff\xffdata\xff")
		put(s, c, p, data)
		expectSameBytes(download(s, c, p), data, "RETR in stream mode, file structure, of bytes that look like record-structure escapes")
	})

	// ---- block mode ----

	Scenario(Spec{
		ID:       "MODE-003",
		Title:    "RETR in MODE B sends the file as blocks with 3-byte headers, the last one marked EOF (64)",
		Commands: []string{"MODE", "RETR"},
		Codes:    []int{200, 150, 226, 250},
		Section:  "959:3.4",
		Also:     []string{"959:3.4.2", "959:3.3"},
		Quote:    "All data transfers must be completed with an end-of-file (EOF) which may be explicitly stated or implied by the closing of the data connection.",
		Level:    Must,
		Feature:  "MODE-B",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("blocks.bin")
		data := randomBytes(2*64<<10 + 3)
		put(s, c, p, data)
		Expect(c.Cmd("MODE B")).To(HaveReplyCode(200))
		f, final := blockRetrieve(s, c, dataFor(s, c), "RETR "+p)
		Expect(f.EOF).To(BeTrue())
		expectSameBytes(f.Data, data, "the data of the blocks (restart markers apart)")
		s.Note("%d restart markers, final reply %s", len(f.Markers), final)
	})

	Scenario(Spec{
		ID:       "MODE-004",
		Title:    "STOR in MODE B: blocks of any size, an empty one included, and an EOF block store the data byte for byte",
		Commands: []string{"MODE", "STOR", "RETR"},
		Codes:    []int{200, 150, 226, 250},
		Section:  "959:3.4.2",
		Quote:    "The count field indicates the total length of the data block in bytes, thus marking the beginning of the next data block (there are no filler bits).",
		Level:    Must,
		Feature:  "MODE-B",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("blocks.bin")
		data := randomBytes(64<<10 + 1000 + 77)
		var e blockEncoder
		e.data(data[:1000], 1000)
		e.block(0, nil)
		e.data(data[1000:], 0xFFFF)
		e.eof()
		storeFramed(s, c, "B", p, e.out, data)
	})

	Scenario(Spec{
		ID:       "MODE-005",
		Title:    "Records stored in MODE B with STRU R come back as the same records, each block ending a record flagged EOR (128)",
		Commands: []string{"MODE", "STRU", "STOR", "RETR"},
		Codes:    []int{200, 150, 226, 250},
		Section:  "959:3.4.2",
		Also:     []string{"959:3.1", "959:3.4"},
		Quote:    "Record structures are allowed in this mode, and any representation type may be used.",
		Level:    Must,
		Feature:  "MODE-B",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("records.txt")
		records := [][]byte{[]byte("alpha"), []byte("beta gamma"), []byte(""), []byte("delta")}
		var e blockEncoder
		for i, r := range records {
			desc := byte(descEOR)
			if i == len(records)-1 {
				desc |= descEOF
			}
			e.block(desc, r)
		}
		setType(c, "A")
		recordStructure(c)
		Expect(c.Cmd("MODE B")).To(HaveReplyCode(200))
		_, final := storeRaw(s, c, dataFor(s, c), "STOR "+p, e.out)
		Expect(final).To(HaveReplyCode(226, 250), "STOR of records in block mode")
		f, _ := blockRetrieve(s, c, dataFor(s, c), "RETR "+p)
		Expect(f.EORs).To(Equal(len(records)), "blocks flagged EOR: RFC 959 §3.4: \"all the end-of-record markers (EOR) are explicit, including the final one\"")
		Expect(f.Records).To(Equal(records), "the records retrieved in block mode")
	})

	Scenario(Spec{
		ID:       "MODE-015",
		Title:    "A block-mode RETR that ends with 226 has closed its data connection: EOF was in the data, the close is at once",
		Commands: []string{"MODE", "RETR"},
		Codes:    []int{226},
		Section:  "959:5.2",
		Also:     []string{"959:3.2", "959:4.2.1"},
		Quote:    "If the data connection is to be closed following a data transfer where closing the connection is not required to indicate the end-of-file, the server must do so immediately.",
		Level:    Must,
		Feature:  "MODE-B",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("closed.bin")
		put(s, c, p, randomBytes(3000))
		Expect(c.Cmd("MODE B")).To(HaveReplyCode(200))
		d := dataFor(s, c)
		_, final := blockRetrieve(s, c, d, "RETR "+p)
		if final.Code == 250 {
			s.Note("the server kept the data connection open (250): a server option (RFC 959 §3.2)")
			return
		}
		Expect(closedByServer(s, d.NetConn())).To(Succeed(), "the transfer ended with %s", final)
	})

	// ---- compressed mode ----

	Scenario(Spec{
		ID:       "MODE-006",
		Title:    "RETR in MODE C sends byte strings, replicated bytes and filler strings that decode to the file, ending with the EOF escape",
		Commands: []string{"MODE", "RETR"},
		Codes:    []int{200, 150, 226, 250},
		Section:  "959:3.4.3",
		Also:     []string{"959:3.4"},
		Quote:    "The escape sequence is a double byte, the first of which is the escape byte (all zeros) and the second of which contains descriptor codes as defined in Block mode.",
		Level:    Must,
		Feature:  "MODE-C",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("runs.bin")
		data := runsOfBytes()
		put(s, c, p, data)
		Expect(c.Cmd("MODE C")).To(HaveReplyCode(200))
		f := compressedRetrieve(s, c, p, 0) // TYPE I: the filler is the zero byte
		expectSameBytes(f.Data, data, "the data decoded from compressed mode")
	})

	Scenario(Spec{
		ID:       "MODE-007",
		Title:    "In MODE C with TYPE A the filler byte is the space: filler strings decode to spaces",
		Commands: []string{"MODE", "TYPE", "RETR"},
		Codes:    []int{200, 150, 226, 250},
		Section:  "959:3.4.3",
		Quote:    "If the type is ASCII or EBCDIC the filler byte is <SP> (Space, ASCII code 32, EBCDIC code 64).",
		Level:    Must,
		Feature:  "MODE-C",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("columns.txt")
		text := []byte("name" + string(bytes.Repeat([]byte{' '}, 40)) + "value\r\n" + "x" + string(bytes.Repeat([]byte{' '}, 70)) + "y\r\n")
		storeIn(s, c, "A", p, text)
		Expect(c.Cmd("MODE C")).To(HaveReplyCode(200))
		f := compressedRetrieve(s, c, p, ' ')
		expectSameBytes(f.Data, text, "the text decoded from compressed mode with the space as filler")
	})

	Scenario(Spec{
		ID:       "MODE-008",
		Title:    "STOR in MODE C: byte strings, replicated bytes and filler strings are stored as the bytes they stand for",
		Commands: []string{"MODE", "STOR", "RETR"},
		Codes:    []int{200, 150, 226, 250},
		Section:  "959:3.4.3",
		Quote:    "To compress a string of n replications of the data byte d, the following 2 bytes are sent:",
		Level:    Must,
		Feature:  "MODE-C",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("runs.bin")
		data := runsOfBytes()
		e := compressedEncoder{filler: 0}
		e.data(data)
		e.eof()
		storeFramed(s, c, "C", p, e.out, data)
	})

	// ---- restart (RFC 959 §3.5) ----

	Scenario(Spec{
		ID:       "MODE-009",
		Title:    "A restart marker received in MODE B is answered with a 110 reply reading exactly MARK yyyy = mmmm",
		Commands: []string{"MODE", "STOR"},
		Codes:    []int{110, 226},
		Section:  "959:4.2.1",
		Also:     []string{"959:3.5", "959:3.4.2"},
		Quote:    "In this case, the text is exact and not left to the particular implementation; it must read: MARK yyyy = mmmm",
		Level:    Must,
		Feature:  "MODE-B",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("marked.bin")
		var e blockEncoder
		e.data([]byte("hello "), 100)
		e.marker("M1")
		e.data([]byte("world"), 100)
		e.eof()
		setType(c, "I")
		Expect(c.Cmd("MODE B")).To(HaveReplyCode(200))
		marks, final := storeRaw(s, c, dataFor(s, c), "STOR "+p, e.out)
		Expect(final).To(HaveReplyCode(226, 250))
		needMarks(marks)
		for _, m := range marks {
			Expect(m.Text()).To(MatchRegexp(markReply.String()), "the text of the 110 reply")
			got := markReply.FindStringSubmatch(m.Text())
			Expect(got[1]).To(Equal("M1"), "yyyy is the user-process data stream marker: the client sent M1")
		}
	})

	Scenario(Spec{
		ID:       "MODE-010",
		Title:    "After a failed MODE B upload, REST with the server's marker from the 110 reply and STOR of the rest complete the file",
		Commands: []string{"MODE", "STOR", "REST"},
		Codes:    []int{110, 350, 426, 226},
		Section:  "959:3.5",
		Also:     []string{"959:4.1.3", "959:3.4"},
		Quote:    "In the event of a system failure, the user or controller process restarts the server at the last server marker by sending a restart command with server's marker code as its argument.",
		Level:    Must,
		Feature:  "MODE-B",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("restarted.bin")
		part1, part2 := randomBytes(5000), randomBytes(7000)
		var e blockEncoder
		e.data(part1, 4096)
		e.marker("R1")
		// The connection is closed here, without EOF: a failure in the middle of the file.
		setType(c, "I")
		Expect(c.Cmd("MODE B")).To(HaveReplyCode(200))
		marks, final := storeRaw(s, c, dataFor(s, c), "STOR "+p, e.out)
		Expect(final).NotTo(BePositiveCompletion(), "the block-mode data ended without EOF: RFC 959 §3.4: \"All data transfers must be completed with an end-of-file (EOF)\"")
		needMarks(marks)
		last := marks[len(marks)-1].Text()
		Expect(last).To(MatchRegexp(markReply.String()), "the text of the 110 reply")
		m := markReply.FindStringSubmatch(last)
		r := c.Cmd("REST %s", m[2])
		s.Offered("REST", r)
		Expect(r).To(HaveReplyCode(350), "REST with the server's marker %s", m[2])
		var rest blockEncoder
		rest.data(part2, 4096)
		rest.eof()
		_, final = storeRaw(s, c, dataFor(s, c), "STOR "+p, rest.out)
		Expect(final).To(HaveReplyCode(226, 250), "STOR after REST %s", m[2])
		Expect(c.Cmd("MODE S")).To(HaveReplyCode(200))
		expectSameBytes(getImage(s, c, p), append(part1, part2...), "the file after the restarted upload (the part before the marker, then the rest)")
	})

	Scenario(Spec{
		ID:       "MODE-011",
		Title:    "REST with a restart marker the server sent during a MODE B RETR resumes the file at that marker",
		Commands: []string{"MODE", "REST", "RETR"},
		Codes:    []int{350, 150, 226},
		Section:  "959:4.1.3",
		Also:     []string{"959:3.5", "959:3.4.2"},
		Quote:    "This command does not cause file transfer but skips over the file to the specified data checkpoint.",
		Level:    Must,
		Feature:  "MODE-B",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("markers.bin")
		data := randomBytes(40 << 10)
		put(s, c, p, data)
		Expect(c.Cmd("MODE B")).To(HaveReplyCode(200))
		f, _ := blockRetrieve(s, c, dataFor(s, c), "RETR "+p)
		expectSameBytes(f.Data, data, "RETR in block mode")
		var mk *marker
		for i := range f.Markers {
			if f.Markers[i].Offset > 0 && f.Markers[i].Offset < len(data) {
				mk = &f.Markers[i]
			}
		}
		if mk == nil {
			Skip("the server sent no restart marker inside the file: there is no marker to restart from")
		}
		r := c.Cmd("REST %s", mk.Text)
		s.Offered("REST", r)
		Expect(r).To(HaveReplyCode(350), "REST with the marker %q the server sent after %d bytes", mk.Text, mk.Offset)
		again, _ := blockRetrieve(s, c, dataFor(s, c), "RETR "+p)
		expectSameBytes(again.Data, data[mk.Offset:], "RETR after REST %s (the marker came after %d bytes of data)", mk.Text, mk.Offset)
	})

	// ---- a data connection kept open (RFC 959 §3.3, §5.2) ----

	Scenario(Spec{
		ID:        "MODE-012",
		Title:     "A block-mode data connection kept open (250) carries the next transfer, announced with 125",
		Commands:  []string{"MODE", "NLST"},
		Codes:     []int{250, 125},
		Section:   "959:5.2",
		Also:      []string{"959:3.3", "959:4.2.1"},
		Quote:     "(or if the connection is left open, a \"file transfer completed\" reply (250) and the user-PI should wait for one of these replies before issuing a new transfer command).",
		Level:     Must,
		Feature:   "MODE-B",
		Condition: CondKeepData,
	}, func(s *S) {
		c, d := keptOpen(s)
		second := d.Start("NLST")
		Expect(second).To(HaveReplyCode(125), "the data connection is still open from the previous transfer (RFC 959 §4.2.1: \"125 Data connection already open; transfer starting.\")")
		f, err := decodeBlocks(readerOf(s, d.NetConn()))
		Expect(err).NotTo(HaveOccurred(), "the second NLST on the kept-open connection")
		Expect(f.EOF).To(BeTrue())
		_, final := finalReplies(c, second)
		Expect(final).To(HaveReplyCode(226, 250))
	})

	Scenario(Spec{
		ID:        "MODE-013",
		Title:     "ABOR with an idle data connection kept open answers 225 and keeps it, or 226 and closes it",
		Commands:  []string{"MODE", "NLST", "ABOR"},
		Codes:     []int{225, 226},
		Section:   "959:4.2.1",
		Also:      []string{"959:4.1.3", "959:5.4"},
		Quote:     "225 Data connection open; no transfer in progress.",
		Level:     Must,
		Feature:   "MODE-B",
		Condition: CondKeepData,
	}, func(s *S) {
		c, d := keptOpen(s)
		r := c.Cmd("ABOR")
		Expect(r).To(HaveReplyCode(225, 226))
		if r.Code == 226 {
			Expect(closedByServer(s, d.NetConn())).To(Succeed(), "ABOR answered 226, \"Closing data connection\": the idle data connection must be closed")
			return
		}
		next := d.Start("NLST")
		Expect(next).To(HaveReplyCode(125), "ABOR answered 225, \"Data connection open\": the next transfer uses that connection")
		f, err := decodeBlocks(readerOf(s, d.NetConn()))
		Expect(err).NotTo(HaveOccurred(), "NLST on the connection ABOR kept open")
		Expect(f.EOF).To(BeTrue())
		finalReplies(c, next)
	})

	Scenario(Spec{
		ID:        "MODE-016",
		Title:     "A data connection kept open after a block-mode transfer is closed when PASV changes the port",
		Commands:  []string{"MODE", "NLST", "PASV"},
		Codes:     []int{250, 227},
		Section:   "959:3.2",
		Also:      []string{"959:3.3"},
		Quote:     "The server MUST close the data connection under the following conditions:",
		Level:     Must,
		Feature:   "MODE-B",
		Condition: CondKeepData,
	}, func(s *S) {
		c, kept := keptOpen(s)
		kind := PASV
		if c.RemoteAddr().IP.To4() == nil {
			kind = EPSV
		}
		next := openData(c, kind) // "3. The port specification is changed by a command from the user."
		s.Defer(next.Close)
		Expect(closedByServer(s, kept.NetConn())).To(Succeed(), "%s changed the port specification: the kept-open data connection must be closed", next.Kind)
		_, final := blockRetrieve(s, c, next, "NLST")
		Expect(final).To(HaveReplyCode(226, 250), "NLST over the new data connection")
	})
})
