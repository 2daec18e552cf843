package harness

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

// fakeServer accepts one connection on loopback and runs script on it: a stand-in for servers
// that misbehave in ways no real server can be asked to.
func fakeServer(t *testing.T, script func(c net.Conn, r *bufio.Reader)) Target {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		script(c, bufio.NewReader(c))
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
	})
	a := ln.Addr().(*net.TCPAddr)
	return Target{Host: "127.0.0.1", Port: a.Port, User: "u", Password: "p", Scratch: "/"}
}

func dialTest(t *testing.T, tg Target, timeout time.Duration) (*Conn, *recorder) {
	t.Helper()
	rec := newRecorder()
	c, _, err := dialConn(tg, 1, rec, timeout, time.Time{})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(c.Close)
	return c, rec
}

func TestGreetingWith120(t *testing.T) {
	tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
		c.Write([]byte("120 Ready in 1 minute\r\n220 Ready\r\n"))
		r.ReadString('\n')
	})
	rec := newRecorder()
	c, greeting, err := dialConn(tg, 1, rec, time.Second, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if len(greeting) != 2 || greeting[0].Code != 120 || greeting[1].Code != 220 {
		t.Fatalf("greeting = %v", greeting)
	}
	if _, f, _ := rec.snapshot(); len(f) != 0 {
		t.Errorf("findings for a correct greeting: %v", f)
	}
}

func TestReplyDeadlineIsForTheWholeReply(t *testing.T) {
	// A server that trickles a byte at a time must not stretch the deadline.
	stop := make(chan struct{})
	tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
		c.Write([]byte("220 hi\r\n"))
		r.ReadString('\n')
		for _, b := range []byte("200 a very slow reply that never ends") {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			if _, err := c.Write([]byte{b}); err != nil {
				return
			}
		}
	})
	defer close(stop)
	c, _ := dialTest(t, tg, 300*time.Millisecond)
	_, err := c.TryCmd("NOOP")
	if err == nil || !strings.Contains(err.Error(), "no complete reply within") || !strings.Contains(err.Error(), `received only "200`) {
		t.Fatalf("err = %v", err)
	}
	if !c.Closed() {
		t.Error("the connection should be closed after a broken reply")
	}
}

func TestServerClosesMidReply(t *testing.T) {
	tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
		c.Write([]byte("220 hi\r\n"))
		r.ReadString('\n')
		c.Write([]byte("211-Features\r\n MDTM\r\n"))
	})
	c, _ := dialTest(t, tg, 2*time.Second)
	_, err := c.TryCmd("FEAT")
	if err == nil || !strings.Contains(err.Error(), "middle of a reply") {
		t.Fatalf("err = %v", err)
	}
}

func TestServerClosesBetweenReplies(t *testing.T) {
	tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
		c.Write([]byte("220 hi\r\n"))
		r.ReadString('\n')
		c.Write([]byte("221 bye\r\n"))
	})
	c, _ := dialTest(t, tg, 2*time.Second)
	if r, err := c.TryCmd("QUIT"); err != nil || r.Code != 221 {
		t.Fatalf("QUIT: %v %v", r, err)
	}
	if err := c.WaitClosed(); err != nil {
		t.Fatalf("WaitClosed: %v", err)
	}
}

func TestGeneralRuleFindings(t *testing.T) {
	tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
		c.Write([]byte("220 hi\r\n"))
		r.ReadString('\n') // NOOP
		c.Write([]byte("150 what transfer?\r\n200 ok\n"))
		r.ReadString('\n') // PWD
		c.Write([]byte("530 not logged in\r\n"))
		r.ReadString('\n')
	})
	c, rec := dialTest(t, tg, 2*time.Second)
	c.TryCmd("NOOP")
	c.ReadReply()
	c.TryCmd("PWD")
	_, findings, steps := rec.snapshot()
	var must, should int
	for _, f := range findings {
		switch f.Level {
		case Must:
			must++
		case Should:
			should++
		}
	}
	// 150 to NOOP (MUST), bare LF (MUST); 150 not listed for NOOP and 530 not listed for PWD (SHOULD).
	if must != 2 || should != 2 {
		t.Errorf("findings: %+v", findings)
	}
	if len(steps) != 3 || steps[1].Command != "NOOP" || len(steps[1].Codes) != 2 {
		t.Errorf("steps: %+v", steps)
	}
}

func TestUnreachableTargetFailsFast(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	_, err := Probe(Target{Host: "127.0.0.1", Port: port}, 2*time.Second)
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("Probe of a closed port: %v", err)
	}
}

func TestSecretsAreMasked(t *testing.T) {
	tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
		c.Write([]byte("220 hi\r\n"))
		r.ReadString('\n')
		c.Write([]byte("230 in\r\n"))
	})
	c, rec := dialTest(t, tg, 2*time.Second)
	c.TryCmd("PASS hunter2")
	lines, _, _ := rec.snapshot()
	if strings.Contains(lines.String(), "hunter2") {
		t.Errorf("the password is in the transcript:\n%s", lines)
	}
}

func TestParseEPSV(t *testing.T) {
	for in, want := range map[string]int{
		"Entering Extended Passive Mode (|||6446|)": 6446,
		"ok (!!!1024!)": 1024,
	} {
		if got, err := ParseEPSV(in); err != nil || got != want {
			t.Errorf("ParseEPSV(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"(|||0|)", "(||6446|)", "(|!|6446|)", "no parens", "(|||70000|)"} {
		if _, err := ParseEPSV(in); err == nil {
			t.Errorf("ParseEPSV(%q) accepted", in)
		}
	}
}

// The arguments of the active-mode commands, each in its RFC's own form.
func TestActiveArguments(t *testing.T) {
	v4, v6 := net.ParseIP("127.0.0.2"), net.ParseIP("::1")
	for _, c := range []struct{ got, want string }{
		{PortArgument(v4, 6000), "127,0,0,2,23,112"},
		{EprtArgument(v4, 6000), "|1|127.0.0.2|6000|"},
		{EprtArgument(v6, 6000), "|2|::1|6000|"},
		{LprtArgument(v4, 6000), "4,4,127,0,0,2,2,23,112"},
		{LprtArgument(v6, 6000), "6,16,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,23,112"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestReplyToACommandSentDuringATransfer(t *testing.T) {
	tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
		c.Write([]byte("220 hi\r\n"))
		r.ReadString('\n') // RETR
		c.Write([]byte("150 opening\r\n"))
		r.ReadString('\n') // QUIT, answered before the transfer ends
		c.Write([]byte("221 bye\r\n226 done\r\n"))
	})
	c, rec := dialTest(t, tg, 2*time.Second)
	c.TryCmd("RETR f")
	c.WriteLine("QUIT")
	quit, _ := c.ReadReply()
	done, _ := c.ReadReply()
	if quit.Command != "QUIT" || done.Command != "RETR f" {
		t.Errorf("221 answered %q, 226 answered %q", quit.Command, done.Command)
	}
	if _, findings, _ := rec.snapshot(); len(findings) != 0 {
		t.Errorf("findings: %+v", findings)
	}
}

func TestSendPipelined(t *testing.T) {
	tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
		c.Write([]byte("220 hi\r\n"))
		r.ReadString('\n')
		r.ReadString('\n')
		c.Write([]byte("200 a\r\n215 UNIX\r\n"))
	})
	c, rec := dialTest(t, tg, 2*time.Second)
	c.SendPipelined("NOOP", "SYST")
	a, _ := c.ReadReply()
	b, _ := c.ReadReply()
	if a.Command != "NOOP" || b.Command != "SYST" {
		t.Errorf("replies answered %q and %q", a.Command, b.Command)
	}
	lines, _, _ := rec.snapshot()
	if s := lines.String(); !strings.Contains(s, "C> NOOP") || !strings.Contains(s, "C> SYST") {
		t.Errorf("transcript:\n%s", s)
	}
}

func TestListenDefaultPort(t *testing.T) {
	// Another socket of this process may share the ephemeral port (connected elsewhere, without
	// SO_REUSEADDR); a scenario then retries with a new control connection, and so does this test.
	for attempt := 0; ; attempt++ {
		tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
			c.Write([]byte("220 hi\r\n"))
			r.ReadString('\n')
		})
		c, _ := dialTest(t, tg, 2*time.Second)
		ln, err := c.ListenDefaultPort()
		if err != nil && attempt < 5 {
			continue
		}
		if err != nil {
			t.Fatalf("listening on the control connection's own port: %v", err)
		}
		defer ln.Close()
		if ln.Addr().String() != c.LocalAddr().String() {
			t.Fatalf("listening on %s, control connection from %s", ln.Addr(), c.LocalAddr())
		}
		return
	}
}

func TestAnySuccessWhereTheRFCNamesNone(t *testing.T) {
	tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
		c.Write([]byte("220 hi\r\n"))
		r.ReadString('\n')
		c.Write([]byte("200 EPSV ALL ok\r\n"))
		r.ReadString('\n')
		c.Write([]byte("200 EPSV\r\n"))
	})
	c, rec := dialTest(t, tg, 2*time.Second)
	c.TryCmd("EPSV ALL")
	if _, f, _ := rec.snapshot(); len(f) != 0 {
		t.Errorf("200 to EPSV ALL (RFC 2428 names no success code): %+v", f)
	}
	c.TryCmd("EPSV")
	if _, f, _ := rec.snapshot(); len(f) != 1 {
		t.Errorf("200 to EPSV (RFC 2428 names 229) should warn: %+v", f)
	}
}

func TestSendInterruptMarksTheDMUrgent(t *testing.T) {
	got := make(chan []byte, 1)
	tg := fakeServer(t, func(c net.Conn, r *bufio.Reader) {
		c.Write([]byte("220 hi\r\n"))
		// With SO_OOBINLINE unset, the urgent byte is left out of the normal stream: what
		// arrives inline is IAC IP IAC, then the ABOR line.
		line, _ := r.ReadString('\n')
		got <- []byte(line)
	})
	c, _ := dialTest(t, tg, 2*time.Second)
	if err := c.SendInterrupt(); err != nil {
		t.Fatal(err)
	}
	c.WriteLine("ABOR")
	if line := <-got; string(line) != "\xff\xf4\xffABOR\r\n" {
		t.Fatalf("inline bytes %q: the DM should have been urgent, not inline", line)
	}
}
