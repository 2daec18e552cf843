package suites

import (
	"time"

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
		ID:       "ABOR-002",
		Title:    "ABOR during a download, after Telnet IP and Synch: the transfer ends with 426, then ABOR gets 226, and the data connection is closed",
		Commands: []string{"ABOR", "RETR"},
		Codes:    []int{426, 226},
		Section:  "959:4.1.3",
		Quote:    "In the second case, the server aborts the FTP service in progress and closes the data connection, returning a 426 reply to indicate that the service request terminated abnormally. The server then sends a 226 reply, indicating that the abort command was successfully processed.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		p := s.Path("aborted-download.bin")
		c := s.Login()
		typeImage(c)
		upload(s, c, p, randomData(liveSize))
		nc, first := startLive(s, c, "RETR %s", p)
		Expect(first).To(HaveReplyCode(125, 150), setupStep("RETR %s", p))
		readAtLeast(s, nc, 64<<10)
		sendIPSynch(s, c)
		c.Send("ABOR")
		transferEnd, err := c.ReadReply()
		Expect(err).NotTo(HaveOccurred(), "after ABOR, the download must end with a reply")
		Expect(transferEnd).To(HaveReplyCode(426), "the download of %d bytes was under way (the client had read 64 KiB); its reply after ABOR", liveSize)
		aborted, err := c.ReadReply()
		Expect(err).NotTo(HaveOccurred(), "ABOR itself must be answered, after the 426")
		s.Offered("ABOR", aborted)
		Expect(aborted).To(HaveReplyCode(226, 225))
		s.Prefer(aborted, 226)
		_, closed := closedWithin(nc, time.Until(s.Deadline()))
		Expect(closed).To(BeTrue(), "the server must close the data connection of the aborted download")
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
		data := randomData(1000)
		c := s.Login()
		typeImage(c)
		upload(s, c, p, data)
		r, err := c.TryCmd("ABOR")
		Expect(err).NotTo(HaveOccurred(), "ABOR must be answered")
		s.Offered("ABOR", r)
		Expect(r).To(HaveReplyCode(226, 225))
		r, err = c.TryCmd("NOOP")
		Expect(err).NotTo(HaveOccurred(), "after ABOR the control connection must stay open")
		Expect(r).To(HaveReplyCode(200))
		Expect(fingerprint(download(s, c, p))).To(Equal(fingerprint(data)), "ABOR after a completed transfer takes no action")
	})

	Scenario(Spec{
		ID:       "ABOR-004",
		Title:    "ABOR during an upload, after Telnet IP and Synch: the transfer ends with 426, then ABOR gets 226",
		Commands: []string{"ABOR", "STOR"},
		Codes:    []int{426, 226},
		Section:  "959:4.1.3",
		Quote:    "In the second case, the server aborts the FTP service in progress and closes the data connection, returning a 426 reply to indicate that the service request terminated abnormally.",
		Level:    Must,
		Writes:   true,
	}, func(s *S) {
		p := s.Path("aborted-upload.bin")
		c := s.Login()
		typeImage(c)
		nc, first := startLive(s, c, "STOR %s", p)
		Expect(first).To(HaveReplyCode(125, 150), setupStep("STOR %s", p))
		_, err := nc.Write(randomData(64 << 10))
		Expect(err).NotTo(HaveOccurred(), setupStep("sending the first 64 KiB"))
		s.Note("64 KiB sent; the data connection stays open, so the upload is under way")
		sendIPSynch(s, c)
		c.Send("ABOR")
		transferEnd, err := c.ReadReply()
		Expect(err).NotTo(HaveOccurred(), "after ABOR, the upload must end with a reply")
		Expect(transferEnd).To(HaveReplyCode(426), "the upload was under way (150 sent, its data connection open, 64 KiB sent): STOR must end with 426 before ABOR's own reply")
		aborted, err := c.ReadReply()
		Expect(err).NotTo(HaveOccurred(), "ABOR itself must be answered, after the 426")
		s.Offered("ABOR", aborted)
		Expect(aborted).To(HaveReplyCode(226, 225))
		s.Prefer(aborted, 226)
	})
})
