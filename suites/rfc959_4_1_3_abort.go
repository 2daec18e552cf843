package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// RFC 959 §4.1.3: ABOR, with no transfer in progress and during one (with the Telnet IP and
// Synch sequence that §4.1.3 tells clients to send first).
//
// The ABOR scenarios declare no Feature: its probe is ABOR itself, and a server that leaves ABOR
// unanswered must fail here, with the sentence it breaks, not in the probe. s.Offered judges the
// reply instead.
var _ = Describe("RFC 959 §4.1.3 FTP service commands: ABOR", func() {
	Scenario(Spec{
		ID:       "ABOR-001",
		Title:    "ABOR with no transfer in progress is answered 226 (or 225 when a data connection stays open)",
		Commands: []string{"ABOR"},
		Codes:    []int{226, 225},
		Section:  "959:4.1.3",
		Quote:    "In the first case, the server closes the data connection (if it is open) and responds with a 226 reply, indicating that the abort command was successfully processed.",
		Level:    Must,
	}, func(s *S) {
		c := s.Login()
		r, err := c.TryCmd("ABOR")
		Expect(err).NotTo(HaveOccurred(), "ABOR must be answered")
		s.Offered("ABOR", r)
		Expect(r).To(HaveReplyCode(226, 225))
		s.Prefer(r, 226)
	})

	Scenario(Spec{
		ID:       "ABOR-003",
		Title:    "ABOR after a completed transfer is answered 226 and the control connection stays open",
		Commands: []string{"ABOR", "NOOP"},
		Codes:    []int{226, 200},
		Section:  "959:4.1.3",
		Quote:    "The control connection is not to be closed by the server, but the data connection must be closed.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		p := s.Path("done.bin")
		data := randomBytes(1000)
		c := s.Login()
		put(s, c, p, data)
		r, err := c.TryCmd("ABOR")
		Expect(err).NotTo(HaveOccurred(), "ABOR must be answered")
		s.Offered("ABOR", r)
		Expect(r).To(HaveReplyCode(226, 225))
		r, err = c.TryCmd("NOOP")
		Expect(err).NotTo(HaveOccurred(), "after ABOR the control connection must stay open")
		Expect(r).To(HaveReplyCode(200))
		expectSameBytes(download(s, c, p), data, "ABOR after a completed transfer takes no action")
	})

	// ABOR during a transfer in each direction, after the Telnet IP and Synch.
	for _, k := range []struct {
		id, verb, title, quote string
		start                  func(s *S, c *Conn) (closed func() error)
		what                   string
	}{
		{"ABOR-002", "RETR", "ABOR during a download, after Telnet IP and Synch: the transfer ends with 426, then ABOR gets 226, and the data connection is closed",
			"In the second case, the server aborts the FTP service in progress and closes the data connection, returning a 426 reply to indicate that the service request terminated abnormally. The server then sends a 226 reply, indicating that the abort command was successfully processed.",
			func(s *S, c *Conn) func() error {
				d, data := liveDownload(s, c, "aborted-download.bin")
				const first = 64 << 10
				readAtLeast(s, d.NetConn(), first)
				return trickle(s, d.NetConn(), len(data)-first)
			}, "the download was under way (150 sent, the client had read 64 KiB of a larger file and reads on, slowly)"},
		{"ABOR-004", "STOR", "ABOR during an upload, after Telnet IP and Synch: the transfer ends with 426, then ABOR gets 226, and the data connection is closed",
			"In the second case, the server aborts the FTP service in progress and closes the data connection, returning a 426 reply to indicate that the service request terminated abnormally. The server then sends a 226 reply, indicating that the abort command was successfully processed.",
			func(s *S, c *Conn) func() error {
				d := liveUpload(s, c, "aborted-upload.bin")
				return func() error { return closedByServer(s, d.NetConn()) }
			},
			"the upload was under way (150 sent, its data connection open, 16 MiB sent)"},
	} {
		Scenario(Spec{
			ID:       k.id,
			Title:    k.title,
			Commands: []string{"ABOR", k.verb},
			Codes:    []int{426, 226},
			Section:  "959:4.1.3",
			Quote:    k.quote,
			Level:    Must,
			Writes:   true,
		}, func(s *S) {
			c := s.Login()
			closed := k.start(s, c)
			sendIPSynch(c)
			c.Send("ABOR")
			transferEnd, err := c.ReadReply()
			Expect(err).NotTo(HaveOccurred(), "after ABOR, %s must end with a reply", k.verb)
			Expect(transferEnd).To(HaveReplyCode(426), "%s: %s must end with 426 before ABOR's own reply", k.what, k.verb)
			aborted, err := c.ReadReply()
			Expect(err).NotTo(HaveOccurred(), "ABOR itself must be answered, after the 426")
			s.Offered("ABOR", aborted)
			Expect(aborted).To(HaveReplyCode(226, 225))
			s.Prefer(aborted, 226)
			Expect(closed()).To(Succeed(), "the server must close the data connection of the aborted %s", k.verb)
		})
	}
})
