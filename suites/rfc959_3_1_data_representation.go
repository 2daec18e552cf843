package suites

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §3.1: representation types (ASCII, EBCDIC, image, local byte), formats and file
// structures, seen in the bytes on the data connection and in what the server stores. The
// server's own storage form is never assumed: it is learned by a round trip in TYPE I.

// text is a small text file: three lines, in the wire form of TYPE A.
var asciiText = []byte("first line\r\nsecond line\r\nthird line\r\n")

var textLines = []string{"first line", "second line", "third line"}

// lineEnd finds the line end the server stored a text with: the stored form must be the lines
// of the text, each followed by the same line end. "" when it is not.
func lineEnd(stored []byte, lines []string) string {
	for _, eol := range []string{"\n", "\r\n", "\r", "\x85"} {
		if string(stored) == strings.Join(lines, eol)+eol {
			return eol
		}
	}
	return ""
}

var _ = Describe("RFC 959 §3.1 Data representation and storage", func() {
	// ---- ASCII ----

	Scenario(Spec{
		ID:       "DATA-001",
		Title:    "An upload in TYPE A is stored in the server's own text form and comes back identical in TYPE A",
		Commands: []string{"TYPE", "STOR", "RETR"},
		Codes:    []int{200, 150, 226},
		Section:  "959:3.1.1.1",
		Also:     []string{"959:3.1"},
		Quote:    "The receiver will convert the data from the standard form to his own internal form.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("text.txt")
		storeIn(s, c, "A", p, asciiText)
		stored := getImage(s, c, p)
		eol := lineEnd(stored, textLines)
		Expect(eol).NotTo(BeEmpty(), "the server stored %q for the TYPE A upload %q: that is not the three lines with one line end each (CRLF must become the server's own line end, and nothing else may change)", stored, asciiText)
		s.Note("the server stores text with the line end %q", eol)
		setType(c, "A")
		expectSameBytes(download(s, c, p), asciiText, "RETR in TYPE A of a file stored in TYPE A (RFC 959 §3.1: \"FTP implementations must return a file identical to the original if the parameters used to store and retrieve a file are the same\")")
	})

	Scenario(Spec{
		ID:       "TYPE-007",
		Title:    "TYPE A T (Telnet format effectors) is accepted and sends the same bytes as TYPE A N",
		Commands: []string{"TYPE", "RETR"},
		Codes:    []int{200},
		Section:  "1123:4.1.2.2",
		Also:     []string{"959:3.1.1.5.2"},
		Quote:    "A host that makes no distinction between TYPE N and TYPE T SHOULD implement TYPE T to be identical to TYPE N.",
		Level:    Should,
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("text.txt")
		storeIn(s, c, "A", p, asciiText)
		nonPrint := download(s, c, p) // TYPE A is TYPE A N: Non-print is the default format
		Expect(c.Cmd("TYPE A T")).To(HaveReplyCode(200), "TYPE A T")
		expectSameBytes(download(s, c, p), nonPrint, "RETR in TYPE A T compared with TYPE A N")
	})

	Scenario(Spec{
		ID:       "TYPE-014",
		Title:    "The representation type stays in force for later transfers until TYPE changes it",
		Commands: []string{"TYPE", "STOR", "RETR"},
		Codes:    []int{200, 150, 226},
		Section:  "959:4.1.2",
		Quote:    "This implies that the server must \"remember\" the applicable default values.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("binary.bin")
		data := []byte("binary\nwith\nline feeds\r\nand CRs\r\x00\xff")
		put(s, c, p, data) // TYPE I, then STOR
		for i := 1; i <= 2; i++ {
			expectSameBytes(download(s, c, p), data, "RETR number %d after one TYPE I (no TYPE sent since)", i)
		}
	})

	Scenario(Spec{
		ID:       "TYPE-015",
		Title:    "A new session starts in TYPE A Non-print: RETR without TYPE sends the ASCII form",
		Commands: []string{"TYPE", "RETR"},
		Codes:    []int{150, 226},
		Section:  "959:4.1.2",
		Also:     []string{"959:5.1"},
		Quote:    "The default representation type is ASCII Non-print.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("text.txt")
		storeIn(s, c, "A", p, asciiText)
		fresh := s.Login()
		expectSameBytes(download(s, fresh, p), asciiText, "RETR on a new session that sent no TYPE (the default is ASCII Non-print)")
	})

	// ---- EBCDIC ----

	Scenario(Spec{
		ID:       "TYPE-009",
		Title:    "RETR in TYPE E sends the text as EBCDIC characters",
		Commands: []string{"TYPE", "RETR"},
		Codes:    []int{200, 150, 226},
		Section:  "959:3.1.1.2",
		Quote:    "For transmission, the data are represented as 8-bit EBCDIC characters.",
		Level:    Must,
		Feature:  "TYPE-E",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("text.txt")
		line := "HELLO World 0123456789."
		storeIn(s, c, "A", p, []byte(line+"\r\n"))
		setType(c, "E")
		got := download(s, c, p)
		want := ebcdicInvariant(line)
		Expect(len(got)).To(BeNumerically(">", len(want)), "RETR in TYPE E sent %q", got)
		expectSameBytes(got[:len(want)], want, "the characters %q in TYPE E (letters, digits, space and period are the same in every EBCDIC code page)", line)
	})

	// ---- local byte ----

	// Round trips: a file stored in one type and retrieved in another (or the same) comes back as
	// the representation types define.
	twoLines := append(append(ebcdicInvariant("ONE"), ebcdicNL), append(ebcdicInvariant("TWO"), ebcdicNL)...)
	localBytes := append([]byte("lone LF\n, CRLF\r\n, lone CR\r."), randomBytes(4096)...)
	eightBit := []byte("line one\nline two\r\nbinary \x00\xff\x80\r")
	for _, k := range []struct {
		id, title, section string
		also               []string
		quote              string
		level              Level
		feature            string
		storeType          string // the type of the STOR
		stored             []byte
		getType            string // the type of the RETR
		want               []byte
		what               string
	}{
		{"DATA-002", "RETR in TYPE A sends a file whose lines end in LF with CRLF line ends (NVT-ASCII)", "959:3.1.1.1", []string{"959:3.4"},
			"The sender converts the data from an internal character representation to the standard 8-bit NVT-ASCII representation (see the Telnet specification).", Must, "",
			"I", []byte(strings.Join(textLines, "\n") + "\n"), "A", asciiText,
			"RETR in TYPE A of a file stored in TYPE I with LF line ends: in NVT-ASCII every line ends in CRLF"},
		{"TYPE-010", "RETR in TYPE E ends lines with the EBCDIC new line character NL (0x15)", "959:3.1.1.2", []string{"959:3.4"},
			"End-of-line (as opposed to end-of-record--see the discussion of structure) will probably be rarely used with EBCDIC type for purposes of denoting structure, but where it is necessary the <NL> character should be used.", Should, "TYPE-E",
			"A", []byte("ONE\r\nTWO\r\n"), "E", twoLines,
			"RETR in TYPE E of two lines (each must end in NL, 0x15)"},
		{"TYPE-011", "An upload in TYPE E is stored as text: it comes back as the same ASCII text in TYPE A", "959:3.1.1.2", nil,
			"The character code is the only difference between the functional specifications of EBCDIC and ASCII types.", Must, "TYPE-E",
			"E", append(ebcdicInvariant("EBCDIC text 42."), ebcdicNL), "A", []byte("EBCDIC text 42.\r\n"),
			"RETR in TYPE A of a line stored in TYPE E"},
		{"TYPE-012", "A file stored in TYPE L 8 is retrieved identical in TYPE L 8", "959:3.1.1.4", nil,
			"This transformation must be invertible (i.e., an identical file can be retrieved if the same parameters are used) and should be well publicized by the FTP implementors.", Must, "TYPE-L8",
			"L 8", localBytes, "L 8", localBytes,
			"RETR in TYPE L 8 of a file stored in TYPE L 8"},
		{"TYPE-013", "TYPE L 8 is equivalent to TYPE I on a server with 8-bit bytes: what L 8 stored, I retrieves unchanged", "1123:4.1.2.1", nil,
			"For an 8-bit byte machine, TYPE L 8 is equivalent to IMAGE.", Should, "TYPE-L8",
			"L 8", eightBit, "I", eightBit,
			"RETR in TYPE I of a file stored in TYPE L 8"},
	} {
		commands := []string{"TYPE", "STOR", "RETR"}
		if k.storeType == "A" || k.storeType == "I" {
			commands = []string{"TYPE", "RETR"} // a plain STOR only prepares the file
		}
		Scenario(Spec{
			ID:       k.id,
			Title:    k.title,
			Commands: commands,
			Codes:    []int{200, 150, 226},
			Section:  k.section,
			Also:     k.also,
			Quote:    k.quote,
			Level:    k.level,
			Feature:  k.feature,
			Writes:   true,
		}, func(s *S) {
			c := s.Login()
			p := s.Path("round-trip")
			storeIn(s, c, k.storeType, p, k.stored)
			setType(c, k.getType)
			expectSameBytes(download(s, c, p), k.want, "%s", k.what)
		})
	}

	// ---- record structure ----

	Scenario(Spec{
		ID:       "STRU-005",
		Title:    "Records stored in STRU R come back as the same records in STRU R, each with its end-of-record mark",
		Commands: []string{"STRU", "STOR", "RETR"},
		Codes:    []int{200, 150, 226},
		Section:  "959:3.1",
		Also:     []string{"959:3.1.2.2", "959:3.4"},
		Quote:    "Conversely, FTP implementations must return a file identical to the original if the parameters used to store and retrieve a file are the same.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("records.txt")
		records := [][]byte{[]byte("first record"), []byte(""), []byte("third record, after an empty one")}
		setType(c, "A")
		recordStructure(c)
		expectTransferred(c.Store(kindFor(s, c), encodeRecordStream(records), "STOR %s", p), "STOR in STRU R")
		raw := download(s, c, p)
		f, err := decodeRecordStream(raw)
		Expect(err).NotTo(HaveOccurred(), "RETR in STRU R sent % X", head(raw, 64))
		Expect(f.EOF).To(BeTrue(), "RETR in STRU R must end with the EOF code (0xFF 0x02 or 0xFF 0x03)")
		Expect(f.EORs).To(Equal(len(records)), "end-of-record marks: RFC 959 §3.4: \"all the end-of-record markers (EOR) are explicit, including the final one\"")
		Expect(f.Records).To(Equal(records), "the records retrieved in STRU R")
	})

	Scenario(Spec{
		ID:       "STRU-006",
		Title:    "RETR in STRU R (stream mode) marks record ends and the end of file with the two-byte control codes",
		Commands: []string{"STRU", "RETR"},
		Codes:    []int{200, 150, 226},
		Section:  "959:3.4.1",
		Also:     []string{"959:3.4"},
		Quote:    "In a record structured file EOR and EOF will each be indicated by a two-byte control code.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("text.txt")
		setType(c, "A")
		expectTransferred(c.Store(kindFor(s, c), asciiText, "STOR %s", p), "STOR in TYPE A, STRU F")
		recordStructure(c)
		raw := download(s, c, p)
		f, err := decodeRecordStream(raw)
		Expect(err).NotTo(HaveOccurred(), "RETR in STRU R sent % X", head(raw, 64))
		Expect(f.EOF).To(BeTrue(), "RETR in STRU R sent % X: no EOF code (0xFF 0x02 or 0xFF 0x03) at the end", raw[max(0, len(raw)-8):])
		Expect(f.EORs).To(BeNumerically(">", 0), "RETR in STRU R of a three-line text sent no end-of-record code (0xFF 0x01 or 0xFF 0x03)")
	})

	Scenario(Spec{
		ID:       "STRU-007",
		Title:    "In STRU R (stream mode) a data byte 0xFF is sent doubled, so that it is not taken for a control code",
		Commands: []string{"STRU", "STOR", "RETR"},
		Codes:    []int{200, 150, 226},
		Section:  "959:3.4.1",
		Quote:    "If a byte of all ones was intended to be sent as data, it should be repeated in the second byte of the control code.",
		Level:    Should,
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		p := s.Path("records.bin")
		records := [][]byte{[]byte("a\xffb"), []byte("\xff\x01\xff\x02"), []byte("\xff")}
		setType(c, "I")
		recordStructure(c)
		expectTransferred(c.Store(kindFor(s, c), encodeRecordStream(records), "STOR %s", p), "STOR in TYPE I, STRU R, with 0xFF data bytes doubled")
		raw := download(s, c, p)
		f, err := decodeRecordStream(raw)
		Expect(err).NotTo(HaveOccurred(), "RETR in STRU R sent % X", head(raw, 64))
		Expect(f.Records).To(Equal(records), "records with 0xFF data bytes, retrieved in STRU R (wire % X)", head(raw, 64))
	})

	// ---- page structure ----

	Scenario(Spec{
		ID:        "STRU-008",
		Title:     "Where page structure is offered, RETR in STRU P sends pages in RFC 959's format, ending with a last page (type 0)",
		Commands:  []string{"STRU", "RETR"},
		Codes:     []int{200, 150, 226},
		Section:   "1123:4.1.2.3",
		Also:      []string{"959:3.1.2.3", "959:appendix-1"},
		Quote:     "However, if a host system does need to implement FTP for \"random access\" or \"holey\" files, it MUST use the defined page structure format rather than define a new private FTP format.",
		Level:     Must,
		Condition: CondPageStructure,
	}, func(s *S) {
		cond := s.Condition(CondPageStructure)
		Expect(cond.Path).NotTo(BeEmpty(), "the page-structure condition must name a file (path)")
		c := loginOn(s, cond)
		setType(c, "I")
		whole := download(s, c, cond.Path)
		Expect(c.Cmd("STRU P")).To(HaveReplyCode(200))
		raw := download(s, c, cond.Path)
		pages, err := decodePages(raw)
		Expect(err).NotTo(HaveOccurred(), "RETR %s in STRU P sent % X…", cond.Path, head(raw, 32))
		var data []byte
		for i, pg := range pages[:len(pages)-1] {
			Expect(pg.Type).To(BeElementOf(1, 2, 3), "page %d has type %d; RFC 959 §3.1.2.3 defines 0 to 3", i+1, pg.Type)
			if pg.Type == 1 {
				Expect(pg.HeaderLength).To(Equal(4), "page %d is a simple page: \"The header length must be 4.\"", i+1)
			}
			if pg.Type == 3 {
				Expect(pg.HeaderLength).To(Equal(5), "page %d is an access controlled page: \"The header length must be 5.\"", i+1)
			}
			if pg.Type != 2 {
				data = append(data, pg.Data...)
			}
		}
		expectSameBytes(data, whole, "the data of the pages, compared with the file retrieved in STRU F")
	})

	Scenario(Spec{
		ID:        "STRU-009",
		Title:     "An upload in STRU P with a page of a type the server does not know ends with 551",
		Commands:  []string{"STRU", "STOR"},
		Codes:     []int{551},
		Section:   "959:4.2.1",
		Also:      []string{"959:3.1.2.3", "959:5.4"},
		Quote:     "551 Requested action aborted. Page type unknown.",
		Level:     Must,
		Condition: CondPageStructure,
		Writes:    true,
	}, func(s *S) {
		cond := s.Condition(CondPageStructure)
		c := loginOn(s, cond)
		p := s.PathOn(cond.Target, "pages.dat")
		setType(c, "I")
		Expect(c.Cmd("STRU P")).To(HaveReplyCode(200))
		// A page of type 9: RFC 959 §3.1.2.3 defines the types 0 to 3 only.
		t := c.Store(kindFor(s, c), []byte("\x04\x01\x02\x09hi\x04\x02\x00\x00"), "STOR %s", p)
		Expect(t).To(HaveReplyCode(551, 451), "an upload with a page of unknown type (9) must not succeed")
		s.Prefer(t.Final(), 551)
	})
})

// recordStructure sends STRU R and skips the scenario when the server refuses it: RFC 1123
// §4.1.2.13 requires record structure only of hosts whose file systems have records (STRU-002
// judges the refusal itself).
func recordStructure(c *Conn) {
	r := c.Cmd("STRU R")
	if r.Code == 504 || r.Code == 500 || r.Code == 501 || r.Code == 502 {
		Skip(fmt.Sprintf("not offered: STRU R answered %s (RFC 1123 §4.1.2.13: record structure is required only where the file system has records)", r))
	}
	ExpectWithOffset(1, r).To(HaveReplyCode(200), "STRU R")
}
