package suites

import (
	"bytes"
	"compress/zlib"
	"io"
	"strings"

	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"

	. "github.com/onsi/ginkgo/v2"
)

// draft-preston-ftpext-deflate §3: MODE Z, the deflate transmission mode. Every data transfer
// in MODE Z is one ZLIB stream (RFC 1950) of what stream mode would send.

// compressible is data that deflate shrinks a lot, so that a plain transfer cannot pass for a
// compressed one.
var compressible = bytes.Repeat([]byte("MODE Z sends a ZLIB stream of this line.\n"), 2000)

// zlibStream checks that b is a ZLIB stream as RFC 1950 §2.2 defines it (CMF with compression
// method 8, FLG making CMF*256+FLG a multiple of 31, the deflate data, the ADLER32 trailer) and
// returns what it inflates to.
func zlibStream(b []byte, what string) []byte {
	ExpectWithOffset(1, len(b)).To(BeNumerically(">=", 6), "%s: %d octets cannot be a ZLIB stream (CMF, FLG, data, ADLER32)", what, len(b))
	cmf, flg := b[0], b[1]
	ExpectWithOffset(1, cmf&0x0F).To(BeEquivalentTo(8), "%s: the CMF octet 0x%02X does not name compression method 8, deflate (RFC 1950 §2.2); the data starts %q", what, cmf, head(b, 16))
	ExpectWithOffset(1, (uint(cmf)<<8|uint(flg))%31).To(BeZero(), "%s: CMF 0x%02X FLG 0x%02X fail the FCHECK of RFC 1950 §2.2", what, cmf, flg)
	zr, err := zlib.NewReader(bytes.NewReader(b))
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "%s: ZLIB header", what)
	out, err := io.ReadAll(zr)
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "%s: the ZLIB stream must inflate to its end, ADLER32 included", what)
	return out
}

// deflate makes the ZLIB stream a client sends in MODE Z.
func deflate(p []byte) []byte {
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	zw.Write(p)
	zw.Close()
	return b.Bytes()
}

// modeZ sends MODE Z and expects 200.
func modeZ(c *Conn) {
	ExpectWithOffset(1, c.Cmd("MODE Z")).To(HaveReplyCode(200), setupStep("MODE Z"))
}

// loginInModeZ logs in and sets TYPE I and MODE Z, for the uploads of a ZLIB stream.
func loginInModeZ(s *S) *Conn {
	c := s.Login()
	typeImage(c)
	modeZ(c)
	return c
}

// retrieveDeflated retrieves p, which holds compressible, in MODE Z and expects a ZLIB stream of
// it; it returns the data as it came over the data connection.
func retrieveDeflated(s *S, c *Conn, p, what string) []byte {
	modeZ(c)
	wire := download(s, c, p)
	expectSameBytes(zlibStream(wire, what), compressible, "%s, inflated", what)
	return wire
}

var _ = Describe("draft-preston-ftpext-deflate §3 Deflate Transmission Mode", func() {
	Scenario(Spec{
		ID:       "DEFLATE-001",
		Title:    "MODE Z is accepted with 200",
		Commands: []string{"MODE"},
		Codes:    []int{200},
		Section:  "deflate:3.4",
		Quote:    "A \"mode-good\" response (200 reply) MUST be sent when the \"Z\" parameter is recognized and the current compression settings are appropriate.",
		Level:    Must,
		Feature:  "MODE-Z",
	}, func(s *S) {
		c := s.Login()
		Expect(c.Cmd("MODE Z")).To(HaveReplyCode(200))
	})

	Scenario(Spec{
		ID:       "DEFLATE-002",
		Title:    "RETR in MODE Z sends a ZLIB stream (method 8, header and ADLER32) that inflates to the file",
		Commands: []string{"MODE", "RETR"},
		Codes:    []int{200, 150, 226},
		Section:  "deflate:3.3.1",
		Quote:    "By default, compliant FTP processes MUST support compression method 8 and transmit the CMF, FLG and ADLER32 information in the data stream.",
		Level:    Must,
		Feature:  "MODE-Z",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		put(s, c, s.Path("plain.txt"), compressible)
		wire := retrieveDeflated(s, c, s.Path("plain.txt"), "RETR in MODE Z")
		Expect(len(wire)).To(BeNumerically("<", len(compressible)), "RETR in MODE Z sent %d octets for a file of %d that deflate shrinks", len(wire), len(compressible))
	})

	Scenario(Spec{
		ID:       "DEFLATE-003",
		Title:    "STOR in MODE Z inflates the ZLIB stream: the file stored is the uncompressed data",
		Commands: []string{"MODE", "STOR"},
		Codes:    []int{200, 150, 226},
		Section:  "deflate:3.2",
		Quote:    "Since there is no fixed compression format, both FTP hosts MUST process data until the compression engine reports an end-of-file (EOF) state or data error.",
		Level:    Must,
		Feature:  "MODE-Z",
		Writes:   true,
	}, func(s *S) {
		c := loginInModeZ(s)
		upload(s, c, s.Path("inflated.txt"), deflate(compressible))
		Expect(c.Cmd("MODE S")).To(HaveReplyCode(200), setupStep("MODE S"))
		expectSameBytes(download(s, c, s.Path("inflated.txt")), compressible, "the file STOR in MODE Z stored, retrieved in MODE S")
	})

	Scenario(Spec{
		ID:       "DEFLATE-004",
		Title:    "STOR in MODE Z of a ZLIB stream cut short does not complete: the closed connection is no end of file",
		Commands: []string{"MODE", "STOR"},
		Codes:    []int{426, 451},
		Section:  "deflate:3.2",
		Quote:    "Closing the data connection is not a sufficient method to end transfers because there may be pending information.",
		Level:    Must,
		Feature:  "MODE-Z",
		Writes:   true,
	}, func(s *S) {
		c := loginInModeZ(s)
		whole := deflate(randomBytes(64 << 10)) // random data: the stream is as long as the data
		t := c.Store(kindFor(s, c), whole[:len(whole)/2], "STOR %s", s.Path("cut.bin"))
		Expect(t.First()).To(HaveReplyCode(125, 150), setupStep("STOR in MODE Z"))
		expectRefused(t.Final(), "half a ZLIB stream, then the data connection closed: the transfer must not be reported complete")
	})

	Scenario(Spec{
		ID:       "DEFLATE-005",
		Title:    "OPTS MODE Z with an option the server does not have is rejected (501)",
		Commands: []string{"OPTS"},
		Codes:    []int{501},
		Section:  "deflate:3.6",
		Quote:    "If the server encounters an invalid or unsupported opt-name or opt-value the OPTS request will be rejected.",
		Level:    Must,
		Feature:  "MODE-Z",
	}, func(s *S) {
		c := s.Login()
		r := c.Cmd("OPTS MODE Z FTPCONFORMNOSUCHOPTION 1")
		expectRefused(r, "an unsupported opt-name must be rejected")
		s.Prefer(r, 501) // "Otherwise, a negative (501) response should be sent."
	})

	Scenario(Spec{
		ID:       "DEFLATE-006",
		Title:    "OPTS MODE Z LEVEL 9 answers 200 (or 501 where levels cannot be chosen), and MODE Z transfers stay ZLIB streams",
		Commands: []string{"OPTS", "MODE", "RETR"},
		Codes:    []int{200, 501},
		Section:  "deflate:3.6",
		Also:     []string{"deflate:3.6.1.3"},
		Quote:    "If the server-FTP process accepts an OPTS request, it MUST respond with a positive (200) reply. Otherwise, a negative (501) response should be sent.",
		Level:    Must,
		Feature:  "MODE-Z",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		put(s, c, s.Path("level.txt"), compressible)
		r := c.Cmd("OPTS MODE Z LEVEL 9")
		Expect(r).To(HaveReplyCode(200, 501))
		if r.Code == 501 {
			s.Note("the server does not let clients choose the level: %s", r)
		}
		retrieveDeflated(s, c, s.Path("level.txt"), "RETR in MODE Z after OPTS MODE Z LEVEL 9")
	})

	Scenario(Spec{
		ID:       "DEFLATE-007",
		Title:    "In MODE Z listings are compressed too: NLST sends a ZLIB stream of the names",
		Commands: []string{"MODE", "NLST"},
		Codes:    []int{200, 150, 226},
		Section:  "deflate:3.1",
		Quote:    "If the server-FTP process accepts the request, then deflate transmission mode will be used for all data transfers until the client switches to another mode.",
		Level:    Must,
		Feature:  "MODE-Z",
		Writes:   true,
	}, func(s *S) {
		c := s.Login()
		upload(s, c, s.Path("listed.txt"), []byte("x"))
		modeZ(c)
		t := listing(s, c, "NLST %s", s.Scratch())
		expectTransferred(t, "NLST in MODE Z")
		names := string(zlibStream(t.Data, "NLST in MODE Z"))
		Expect(names).To(ContainSubstring("listed.txt"), "the inflated NLST data %q", names)
	})

	Scenario(Spec{
		ID:       "DEFLATE-008",
		Title:    `A server that accepts MODE Z lists "MODE Z" in FEAT`,
		Commands: []string{"FEAT", "MODE"},
		Codes:    []int{211},
		Section:  "deflate:3.5",
		Quote:    "If the server-FTP process supports the feature (FEAT) command specified in RFC 2389 [4], then it MUST include a \"MODE Z\" feature line.",
		Level:    Must,
		Feature:  "MODE-Z",
	}, func(s *S) {
		s.Require("FEAT")
		lines := featureLines(featReply(s))
		_, ok := featLine(lines, "MODE Z")
		Expect(ok).To(BeTrue(), "FEAT does not list MODE Z:\n%s", strings.Join(lines, "\n"))
	})
})
