package suites

import (
	"bytes"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 3659 §5: REST in stream mode, where the restart marker is an octet offset into the data
// stream of the next transfer.
var _ = Describe("RFC 3659 §5 Restart of interrupted transfer (REST) in stream mode", func() {
	const octets = "The numeric value gives the number of octets of the immediately-following transfer to not actually send, effectively causing the transmission to be restarted at a later point."

	Scenario(Spec{
		ID:       "REST-001",
		Title:    "REST n answers 350, and the RETR that follows sends the file from octet n",
		Commands: []string{"REST", "RETR"},
		Codes:    []int{350, 226, 250},
		Section:  "3659:5.3",
		Quote:    octets,
		Level:    Must,
		Feature:  "REST-STREAM",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("restart.bin")
		data := randomBytes(10_000)
		const n = 4321
		c := s.Login()
		put(s, c, p, data)
		t := restarted(s, c, n, nil, "RETR %s", p)
		Expect(t).To(HaveReplyCode(226, 250), "RETR after REST %d", n)
		expectSameBytes(t.Data, data[n:], "RETR after REST %d must send octets %d to %d of the file", n, n, len(data))
	})

	Scenario(Spec{
		ID:       "REST-002",
		Title:    "REST n then STOR writes the data into the file from octet n: a partial upload is completed (a refused restart breaks no MUST: a warning)",
		Commands: []string{"REST", "STOR", "RETR"},
		Codes:    []int{350, 226, 250},
		Section:  "3659:5.3",
		Quote:    "With STOR, however, the server must insert the data into the file named.",
		Level:    Must,
		Feature:  "REST-STREAM",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("resumed.bin")
		data := randomBytes(10_000)
		const n = 6000
		c := s.Login()
		put(s, c, p, data[:n])
		t := restarted(s, c, n, data[n:], "STOR %s", p)
		if t.Final().Class() >= 4 {
			// The sentence says what a restarted STOR that is carried out does. §5.3 lets the
			// transfer command report errors ("Any other errors … should be reported when the
			// following transfer command is issued"); refusing the restart breaks no sentence,
			// but a server that announces REST STREAM should complete uploads too: "another
			// command, which should be either RETR or STOR, should then follow to complete the
			// restart".
			s.Should(false, "3659:5.3", "STOR after REST %d was refused (%s): the restart of an upload is announced by REST STREAM but not carried out", n, t.Final())
			kept := getImage(s, c, p)
			s.Should(bytes.Equal(kept, data[:n]), "3659:5.3", "the refused STOR changed the file: %s", diffBytes(kept, data[:n]))
			return
		}
		Expect(t).To(HaveReplyCode(226, 250), "STOR after REST %d", n)
		expectSameBytes(download(s, c, p), data,
			"the file held the first %d octets; REST %d and STOR of the rest must complete it", n, n)
	})

	Scenario(Spec{
		ID:       "REST-003",
		Title:    "REST 0 disables the restart: the RETR that follows sends the whole file",
		Commands: []string{"REST", "RETR"},
		Codes:    []int{350, 226, 250},
		Section:  "3659:5.3",
		Quote:    "A value of zero effectively disables restart, causing the entire file to be transmitted.",
		Level:    Must,
		Feature:  "REST-STREAM",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("whole.bin")
		data := randomBytes(3000)
		c := s.Login()
		put(s, c, p, data)
		t := restarted(s, c, 0, nil, "RETR %s", p)
		Expect(t).To(HaveReplyCode(226, 250))
		expectSameBytes(t.Data, data, "RETR after REST 0 must send the entire file")
	})

	Scenario(Spec{
		ID:       "REST-004",
		Title:    "the REST offset applies to the next transfer only: a later RETR without REST sends the whole file",
		Commands: []string{"REST", "RETR"},
		Codes:    []int{350, 226, 250},
		Section:  "3659:5.3",
		Quote:    octets,
		Level:    Must,
		Feature:  "REST-STREAM",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("once.bin")
		data := randomBytes(5000)
		const n = 1000
		c := s.Login()
		put(s, c, p, data)
		t := restarted(s, c, n, nil, "RETR %s", p)
		expectSameBytes(t.Data, data[n:], "the restarted RETR")
		expectSameBytes(download(s, c, p), data, "a RETR with no REST before it must send the whole file")
	})

	Scenario(Spec{
		ID:       "REST-005",
		Title:    "REST followed by another command: an error for that command, the offset kept for the next transfer, or the offset ignored; nothing else",
		Commands: []string{"REST", "TYPE", "RETR"},
		Codes:    []int{350, 226, 250},
		Section:  "3659:5.3",
		Quote:    "The server-PI may react to a badly positioned REST command by issuing an error response to the following command, not being a restartable data transfer command, or it may save the restart value and apply it to the next data transfer command, or it may silently ignore the inappropriate restart attempt.",
		Level:    Must,
		Feature:  "REST-STREAM",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("misplaced.bin")
		data := randomBytes(5000)
		const n = 2500
		c := s.Login()
		put(s, c, p, data)
		Expect(c.Cmd("REST %d", n)).To(HaveReplyCode(350))
		// TYPE between REST and RETR, as some clients send it: any reply is allowed.
		between := c.Cmd("TYPE I")
		t := retrieveFile(s, c, p)
		Expect(t).To(HaveReplyCode(226, 250), "RETR after REST %d and TYPE I (%s)", n, between)
		outcome := ""
		switch {
		case bytes.Equal(t.Data, data):
			outcome = "the server ignored the misplaced REST"
		case bytes.Equal(t.Data, data[n:]):
			outcome = "the server kept the REST offset for the next transfer"
		}
		Expect(outcome).NotTo(BeEmpty(), "after REST %d and TYPE I (%s), RETR sent %s: neither the whole file (%s) nor the file from octet %d (%s)",
			n, between, fingerprint(t.Data), fingerprint(data), n, fingerprint(data[n:]))
		s.Note("%s (TYPE I answered %s)", outcome, between)
	})

	Scenario(Spec{
		ID:       "REST-006",
		Title:    "REST beyond the end of the file: REST answers 350 and the RETR that follows is rejected (554), not served",
		Commands: []string{"REST", "RETR"},
		Codes:    []int{350, 554, 555},
		Section:  "3659:5.3",
		Also:     []string{"1123:4.1.3.4"},
		Quote:    "Such errors will cause that transfer request to be rejected with an error indicating the invalid restart attempt.",
		Level:    Must,
		Feature:  "REST-STREAM",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("short.bin")
		data := randomBytes(1000)
		c := s.Login()
		put(s, c, p, data)
		d := dataFor(s, c)
		r := c.Cmd("REST %d", len(data)+5000)
		s.Should(r.Code == 350, "3659:5.3", "REST beyond the end of the file answered %s; RFC 3659 §5.3: errors such as an out-of-range marker \"should be reported when the following transfer command is issued\"", r)
		if r.Class() != 3 {
			return
		}
		t := d.Run("RETR "+p, nil, false)
		Expect(t.Final().Class()).To(BeNumerically(">=", 4), "RETR after REST %d, beyond the end of a file of %d bytes, answered %s", len(data)+5000, len(data), t.Final())
		s.Prefer(t.Final(), 554, 555)
	})

	Scenario(Spec{
		ID:       "REST-007",
		Title:    "REST with something other than digits is a syntax error (501) in stream mode",
		Commands: []string{"REST"},
		Codes:    []int{501},
		Section:  "3659:5.3",
		Quote:    "An error response will follow a REST command only when the server does not implement the command, or when the restart marker value is syntactically invalid for the current transfer mode (e.g., in STREAM mode, something other than one or more digits appears in the parameter to the REST command).",
		Level:    Must,
		Feature:  "REST-STREAM",
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("REST 12ab")
		Expect(r.Class()).To(BeNumerically(">=", 4), "REST 12ab answered %s", r)
		s.Prefer(r, 501)
	})

	Scenario(Spec{
		ID:       "REST-010",
		Title:    "in TYPE A, REST counts octets of the data as sent (CRLF line ends), not of the file as stored",
		Commands: []string{"REST", "RETR", "TYPE"},
		Codes:    []int{350, 226, 250},
		Section:  "3659:5.1",
		Also:     []string{"3659:5.3"},
		Quote:    "In other representation types and structures more effort will be required, but it remains always possible to determine the offset with finite, but perhaps non-negligible, effort.",
		Level:    Must,
		Feature:  "REST-STREAM",
		Writes:   true,
	}, func(s *S) {
		p := s.Path("text.txt")
		var text bytes.Buffer
		for i := range 200 {
			fmt.Fprintf(&text, "line %03d of a text file\n", i)
		}
		c := s.Login()
		put(s, c, p, text.Bytes())
		Expect(c.Cmd("TYPE A")).To(HaveReplyCode(200), setupStep("TYPE A"))
		sent := download(s, c, p)
		i := bytes.Index(sent[len(sent)/2:], []byte("\r\n"))
		if i < 0 {
			// Then the offsets of what is sent and of what is stored are the same: nothing here
			// tells them apart. DATA-002 judges the missing conversion (RFC 959 §3.1.1.1).
			Skip(fmt.Sprintf("RETR in TYPE A sent the file's LF line ends unchanged (%s), so an offset in the data sent cannot be told from one in the file stored; DATA-002 judges the conversion", fingerprint(sent)))
		}
		n := len(sent)/2 + i + 2 // the start of a line
		d := dataFor(s, c)
		r := c.Cmd("REST %d", n)
		if r.Class() != 3 {
			// Some servers refuse restarts in TYPE A; §5.3 allows an error only for a marker that
			// is not digits, so that is a deviation, but not from the rule this scenario checks.
			s.Should(false, "3659:5.3", "REST %d in TYPE A answered %s; \"An error response will follow a REST command only when the server does not implement the command, or when the restart marker value is syntactically invalid for the current transfer mode\"", n, r)
			return
		}
		t := d.Run(fmt.Sprintf("RETR %s", p), nil, false)
		if t.Final().Class() >= 4 {
			// §5.3: errors other than syntax "should be reported when the following transfer
			// command is issued. Such errors will cause that transfer request to be rejected".
			// The sentence above says the offset can always be found, not that a server must
			// restart every transfer: a refusal breaks no MUST.
			s.Should(false, "3659:5.3", "RETR in TYPE A after REST %d was refused (%s): the restart in TYPE A is not carried out", n, t.Final())
			return
		}
		Expect(t).To(HaveReplyCode(226, 250), "RETR in TYPE A after REST %d", n)
		expectSameBytes(t.Data, sent[n:],
			"in TYPE A, RETR after REST %d must send what a whole RETR sends from its octet %d: %q…", n, n, head(sent[n:], 30))
	})
})
