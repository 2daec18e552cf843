package suites

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strings"

	. "github.com/onsi/gomega"

	. "github.com/ftpconform/ftpconform/harness"
)

// Helpers every scenario file may use: replies, data to send and compare, and transfers over
// the harness's data connections. Steps that only prepare what a scenario judges say "(setting
// up)" in their failure messages, so that a reader knows the sentence under test was not reached.

// setupStep words a preparation step for a failure message.
func setupStep(format string, args ...any) string {
	return "(setting up) " + fmt.Sprintf(format, args...)
}

// PathOf reads the quoted directory name of a 257 reply, undoing quote doubling
// (RFC 959 appendix II). It returns "" when the reply has no quoted name.
func PathOf(r Reply) string {
	text := r.Text()
	start := strings.IndexByte(text, '"')
	if start < 0 {
		return ""
	}
	var b strings.Builder
	for i := start + 1; i < len(text); i++ {
		if text[i] != '"' {
			b.WriteByte(text[i])
			continue
		}
		if i+1 < len(text) && text[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		return b.String()
	}
	return ""
}

// quotedPath is a path as a 257 reply must show it: in double quotes, each quote doubled
// (RFC 959 appendix II).
func quotedPath(p string) string { return `"` + strings.ReplaceAll(p, `"`, `""`) + `"` }

// loginOn logs in where a condition points: its endpoint, user, password and account.
func loginOn(s *S, rc ResolvedCondition) *Conn {
	return s.LoginAs(rc.Target, rc.Target.User, rc.Target.Password, rc.Account)
}

// loginAgain logs in as the target's user on c, which has logged out or never logged in (after
// REIN, AUTH or HOST), and expects the login to complete; when says when, for the message.
func loginAgain(s *S, c *Conn, when string) {
	t := s.Settings.Target
	ExpectWithOffset(1, c.Login(t.User, t.Password, "")).To(Succeed(), "logging in %s", when)
}

// mkdir creates dir with MKD and expects 257.
func mkdir(c *Conn, dir string) {
	ExpectWithOffset(1, c.Cmd("MKD %s", dir)).To(HaveReplyCode(257), setupStep("MKD %s", dir))
}

// ---- data to send and compare ----

// randomBytes returns n random bytes: content no server could produce by accident.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// fingerprint describes content for messages without printing megabytes.
func fingerprint(b []byte) string {
	sum := sha256.Sum256(b)
	return fmt.Sprintf("%d bytes, sha256 %x", len(b), sum[:8])
}

// head is the start of b, for messages.
func head(b []byte, n int) []byte { return b[:min(len(b), n)] }

// diffBytes describes how got differs from want: "" when they are equal; otherwise both
// fingerprints and the first differing offset, so that a failure on megabytes stays short.
func diffBytes(got, want []byte) string {
	if bytes.Equal(got, want) {
		return ""
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	at := fmt.Sprintf("first difference at offset %d: ", i)
	switch {
	case i == len(got):
		at += fmt.Sprintf("got ends there, want continues with % X", head(want[i:], 8))
	case i == len(want):
		at += fmt.Sprintf("got has extra bytes % X", head(got[i:], 8))
	default:
		at += fmt.Sprintf("got % X, want % X", head(got[i:], 8), head(want[i:], 8))
	}
	return fmt.Sprintf("got %s; want %s; %s", fingerprint(got), fingerprint(want), at)
}

// expectSameBytes fails the scenario when got is not want, describing the difference.
func expectSameBytes(got, want []byte, what string, args ...any) {
	d := diffBytes(got, want)
	ExpectWithOffset(1, d).To(BeEmpty(), "%s: %s", fmt.Sprintf(what, args...), d)
}

// ---- transfers over the harness's data connections ----

// kindFor is the data connection a scenario uses when the kind is not what it checks: passive,
// or active with --active; the RFC 2428 forms on IPv6, where PASV and PORT cannot work.
func kindFor(s *S, c *Conn) DataKind {
	v4 := c.RemoteAddr().IP.To4() != nil
	switch {
	case s.Settings.Active && v4:
		return PORT
	case s.Settings.Active:
		return EPRT
	case v4:
		return PASV
	default:
		return EPSV
	}
}

// openData sets up a data connection of the given kind. A refusal or an unusable setup reply
// fails the scenario with its requirement.
func openData(c *Conn, kind DataKind) *Data {
	d, r, err := c.OpenData(kind)
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "setting up a %s data connection", kind)
	ExpectWithOffset(1, d).NotTo(BeNil(), "%s was refused with %s", kind, r)
	return d
}

// dataFor sets up a data connection of the run's kind (kindFor) for a transfer the scenario
// runs step by step (Data.Start); it is closed when the scenario ends.
func dataFor(s *S, c *Conn) *Data {
	d := openData(c, kindFor(s, c))
	s.Defer(d.Close)
	return d
}

// expectTransferred checks the replies of a transfer that must succeed: a 125 or 150, the data
// connection without error, then 226 or 250 (RFC 959 §5.4).
func expectTransferred(t Transfer, what string) {
	ExpectWithOffset(1, t.First()).To(HaveReplyCode(125, 150), "%s: the transfer must start with 125 or 150", what)
	ExpectWithOffset(1, t.DataErr).NotTo(HaveOccurred(), "%s: the data connection", what)
	ExpectWithOffset(1, t).To(HaveReplyCode(226, 250), "%s: the transfer must end with 226 or 250", what)
}

// setType sends TYPE and requires 200.
func setType(c *Conn, typ string) {
	ExpectWithOffset(1, c.Cmd("TYPE %s", typ)).To(HaveReplyCode(200), "TYPE %s", typ)
}

// typeImage sends TYPE I, so that files move byte for byte (RFC 959 §3.1.1.3).
func typeImage(c *Conn) {
	ExpectWithOffset(1, c.Cmd("TYPE I")).To(HaveReplyCode(200), setupStep("TYPE I"))
}

// upload stores data as p with STOR in the current type and expects the transfer to complete.
func upload(s *S, c *Conn, p string, data []byte) {
	t := c.Store(kindFor(s, c), data, "STOR %s", p)
	ExpectWithOffset(1, t.First()).To(HaveReplyCode(125, 150), setupStep("STOR %s", p))
	ExpectWithOffset(1, t.DataErr).NotTo(HaveOccurred(), setupStep("STOR %s: the data connection", p))
	ExpectWithOffset(1, t).To(HaveReplyCode(226, 250), setupStep("STOR %s", p))
}

// storeIn stores data as p with STOR in TYPE typ, which stays in force, and expects the transfer
// to complete.
func storeIn(s *S, c *Conn, typ, p string, data []byte) {
	setType(c, typ)
	expectTransferred(c.Store(kindFor(s, c), data, "STOR %s", p), "STOR in TYPE "+typ)
}

// put stores data at p in TYPE I (the type is left at I).
func put(s *S, c *Conn, p string, data []byte) {
	typeImage(c)
	upload(s, c, p, data)
}

// retrieveFile runs RETR p in the current type and returns the transfer unjudged.
func retrieveFile(s *S, c *Conn, p string) Transfer { return c.Retrieve(kindFor(s, c), "RETR %s", p) }

// download retrieves p in the current type and expects the transfer to complete; it returns
// the bytes.
func download(s *S, c *Conn, p string) []byte {
	t := retrieveFile(s, c, p)
	ExpectWithOffset(1, t.First()).To(HaveReplyCode(125, 150), "RETR %s", p)
	ExpectWithOffset(1, t.DataErr).NotTo(HaveOccurred(), "RETR %s: the data connection", p)
	ExpectWithOffset(1, t).To(HaveReplyCode(226, 250), "RETR %s", p)
	return t.Data
}

// getImage retrieves p in TYPE I: the server's own storage form.
func getImage(s *S, c *Conn, p string) []byte {
	typeImage(c)
	return download(s, c, p)
}

// expectGone expects p to be unretrievable: RETR is refused, or at least does not complete.
func expectGone(s *S, c *Conn, p, why string) {
	t := retrieveFile(s, c, p)
	ExpectWithOffset(1, t.Final().Class()).To(BeNumerically(">=", 4), "RETR %s answered %s, so the file is still there: %s", p, t.Final(), why)
}

// finalReplies reads the replies that follow a 1yz until the completion; 110 restart-marker
// replies are collected on the way.
func finalReplies(c *Conn, first Reply) (marks []Reply, final Reply) {
	final = first
	for final.Class() == 1 {
		final = c.Reply()
		if final.Code == 110 {
			marks = append(marks, final)
		}
	}
	return marks, final
}

// expectRefused fails unless r is a negative reply (4yz or 5yz): the command was not carried out,
// nor begun (1yz), nor taken as the first of a sequence (3yz).
func expectRefused(r Reply, what string) {
	ExpectWithOffset(1, r).NotTo(BePositivePreliminary(), what)
	ExpectWithOffset(1, r).NotTo(BePositiveCompletion(), what)
	ExpectWithOffset(1, r).NotTo(BePositiveIntermediate(), what)
}

// workingDir asks PWD and returns the directory it names. A reply that is not 257, or a 257
// without the quoted name that RFC 959 Appendix II defines, fails with a message saying so.
func workingDir(c *Conn) string {
	r := c.Cmd("PWD")
	ExpectWithOffset(1, r).To(HaveReplyCode(257), "PWD answers 257 with the current directory")
	p := PathOf(r)
	ExpectWithOffset(1, p).NotTo(BeEmpty(), "PWD's 257 reply must give the directory in double quotes (RFC 959 Appendix II: 257<space>\"<directory-name>\"<space><commentary>); it was %s", r)
	return p
}
