package embedded

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpconform/ftpconform/harness"
)

// conn is a minimal FTP control connection for these tests (the harness is not used here:
// only its types are).
type conn struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return &conn{t: t, c: c, r: bufio.NewReader(c)}
}

// read returns the code and last line of the next reply.
func (c *conn) read() (string, string) {
	c.t.Helper()
	_ = c.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			c.t.Fatalf("read: %v", err)
		}
		if len(line) >= 4 && line[3] == ' ' {
			return line[:3], strings.TrimSpace(line[4:])
		}
	}
}

func (c *conn) cmd(line, want string) {
	c.t.Helper()
	if _, err := c.c.Write([]byte(line + "\r\n")); err != nil {
		c.t.Fatal(err)
	}
	if code, text := c.read(); code != want {
		c.t.Fatalf("%s: got %s %s, want %s", line, code, text, want)
	}
}

// loginURL connects to a target URL and logs in with its credentials.
func loginURL(t *testing.T, target string) *conn {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, u.Host)
	if code, text := c.read(); code != "220" {
		t.Fatalf("greeting %s %s", code, text)
	}
	pw, _ := u.User.Password()
	c.cmd("USER "+u.User.Username(), "331")
	c.cmd("PASS "+pw, "230")
	return c
}

func TestStartMainOnly(t *testing.T) {
	inst, err := Start(Options{MainOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(inst.Target, "ftp://ftpconform:") || !strings.HasSuffix(inst.Target, "/") {
		t.Fatalf("target %q", inst.Target)
	}
	c := loginURL(t, inst.Target)
	c.cmd("MKD scratch", "257")
	c.cmd("QUIT", "221")
	if err := inst.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(inst.Root); !os.IsNotExist(err) {
		t.Fatalf("root not removed: %v", err)
	}
	if err := inst.Stop(context.Background()); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}

func TestStartRejectsForeignHost(t *testing.T) {
	if _, err := Start(Options{Host: "192.0.2.1"}); err == nil {
		t.Fatal("a non-loopback host was accepted")
	}
}

func TestStartUnknownFault(t *testing.T) {
	if _, err := Start(Options{Faults: []string{"no-such-fault"}}); err == nil || !strings.Contains(err.Error(), "no-such-fault") {
		t.Fatalf("got %v", err)
	}
}

// pasvData sends PASV and connects to the port it names, on the control connection's peer.
func (c *conn) pasvData() net.Conn {
	c.t.Helper()
	if _, err := c.c.Write([]byte("PASV\r\n")); err != nil {
		c.t.Fatal(err)
	}
	code, text := c.read()
	if code != "227" {
		c.t.Fatalf("PASV: %s %s", code, text)
	}
	f := strings.Split(text[strings.Index(text, "(")+1:strings.Index(text, ")")], ",")
	p1, _ := strconv.Atoi(f[4])
	p2, _ := strconv.Atoi(f[5])
	host, _, _ := net.SplitHostPort(c.c.RemoteAddr().String())
	d, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(p1*256+p2)), 5*time.Second)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { d.Close() })
	return d
}

func (c *conn) expect(want string) {
	c.t.Helper()
	if code, text := c.read(); code != want {
		c.t.Fatalf("got %s %s, want %s", code, text, want)
	}
}

// login logs in to a condition's own target, or as its user on the main target.
func login(t *testing.T, inst *Instance, cond harness.Condition) *conn {
	t.Helper()
	target := cond.Target
	if target == "" {
		u, _ := url.Parse(inst.Target)
		u.User = url.UserPassword(cond.User, cond.Password)
		if cond.User == "" {
			u, _ = url.Parse(inst.Target)
		}
		target = u.String()
	}
	return loginURL(t, target)
}

// Every condition the TargetConfig describes must really produce its reply.
func TestEveryConditionIsReal(t *testing.T) {
	inst, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := inst.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	all := []harness.ConditionName{harness.CondStartDelay, harness.CondAccountLogin, harness.CondAccountStore,
		harness.CondDiskFull, harness.CondQuota, harness.CondBusyFile, harness.CondRefusedName, harness.CondReadOnlyDir,
		harness.CondConnectionLimit, harness.CondLoginLimit, harness.CondIdleTimeout, harness.CondIOError, harness.CondPageStructure, harness.CondMount,
		harness.CondAnnounceOpen, harness.CondKeepData,
		harness.CondTLSRequired, harness.CondProtPrivate, harness.CondTLSSessionReuse}
	if len(inst.TargetConfig.Conditions) != len(all) {
		t.Fatalf("%d conditions described, want %d", len(inst.TargetConfig.Conditions), len(all))
	}
	b, err := json.Marshal(inst.TargetConfig)
	if err != nil {
		t.Fatal(err)
	}
	var back harness.TargetConfig
	if err := json.Unmarshal(b, &back); err != nil || len(back.Conditions) != len(all) {
		t.Fatalf("JSON round trip: %v", err)
	}
	cond := func(n harness.ConditionName) harness.Condition {
		c, ok := inst.TargetConfig.Conditions[n]
		if !ok {
			t.Fatalf("%s not described", n)
		}
		return c
	}
	tests := map[harness.ConditionName]func(t *testing.T, c harness.Condition){
		harness.CondStartDelay: func(t *testing.T, c harness.Condition) {
			u, _ := url.Parse(c.Target)
			d := dial(t, u.Host)
			d.expect("120")
			d.expect("220")
		},
		harness.CondAccountLogin: func(t *testing.T, c harness.Condition) {
			u, _ := url.Parse(inst.Target)
			d := dial(t, u.Host)
			d.expect("220")
			d.cmd("USER "+c.User, "331")
			d.cmd("PASS "+c.Password, "332")
			d.cmd("ACCT "+c.Account, "230")
		},
		harness.CondAccountStore: func(t *testing.T, c harness.Condition) {
			d := login(t, inst, c)
			d.cmd("STOR f", "532")
			d.cmd("ACCT "+c.Account, "230")
			d.cmd("MKD ok", "257")
		},
		harness.CondDiskFull: func(t *testing.T, c harness.Condition) {
			d := login(t, inst, c)
			d.cmd("STOR f", "452")
		},
		harness.CondQuota: func(t *testing.T, c harness.Condition) {
			d := login(t, inst, c)
			data := d.pasvData()
			d.cmd("STOR big", "150")
			data.Write(make([]byte, c.Limit+1))
			data.Close()
			d.expect("552")
		},
		harness.CondBusyFile: func(t *testing.T, c harness.Condition) {
			d := login(t, inst, c)
			d.cmd("RETR "+c.Path, "450")
		},
		harness.CondRefusedName: func(t *testing.T, c harness.Condition) {
			d := login(t, inst, c)
			d.cmd("STOR "+c.Name, "553")
		},
		harness.CondReadOnlyDir: func(t *testing.T, c harness.Condition) {
			d := login(t, inst, c)
			d.cmd("MKD "+c.Path+"/x", "550")
			d.cmd("DELE "+c.Path+"/README", "550")
		},
		harness.CondConnectionLimit: func(t *testing.T, c harness.Condition) {
			for i := int64(0); i < c.Limit; i++ {
				login(t, inst, c)
			}
			u, _ := url.Parse(c.Target)
			dial(t, u.Host).expect("421")
		},
		harness.CondLoginLimit: func(t *testing.T, c harness.Condition) {
			u, _ := url.Parse(c.Target)
			d := dial(t, u.Host)
			d.expect("220")
			for i := int64(1); i < c.Limit; i++ {
				d.cmd("USER "+c.User, "331")
				d.cmd("PASS wrong", "530")
			}
			d.cmd("USER "+c.User, "331")
			d.cmd("PASS wrong", "421") // the limit: closing
			if line, err := d.r.ReadString('\n'); err == nil {
				t.Fatalf("after 421 the connection is still open: %q", line)
			}
			loginURL(t, c.Target) // a new connection logs in
		},
		harness.CondIdleTimeout: func(t *testing.T, c harness.Condition) {
			d := login(t, inst, c)
			d.expect("421") // after c.Seconds of silence
		},
		harness.CondIOError: func(t *testing.T, c harness.Condition) {
			d := login(t, inst, c)
			data := d.pasvData()
			d.cmd("RETR "+c.Path, "150")
			io.Copy(io.Discard, data)
			d.expect("451")
		},
		harness.CondPageStructure: func(t *testing.T, c harness.Condition) {
			d := login(t, inst, c)
			d.cmd("STRU P", "200")
			d.cmd("APPE "+c.Path, "551")
		},
		harness.CondMount: func(t *testing.T, c harness.Condition) {
			d := login(t, inst, c)
			d.cmd("SMNT "+c.Path, "250")
			d.cmd("SIZE README", "213")
		},
		harness.CondAnnounceOpen: func(t *testing.T, c harness.Condition) {
			d := login(t, inst, c)
			data := d.pasvData()
			d.cmd("LIST", "125") // the client connected before LIST: already open
			io.Copy(io.Discard, data)
			d.expect("226")
		},
		harness.CondKeepData: func(t *testing.T, c harness.Condition) {
			d := login(t, inst, c)
			d.cmd("MODE B", "200")
			data := d.pasvData()
			d.cmd("LIST", "150")
			readBlocks(t, data)
			d.expect("250") // not 226: the data connection stays open
			d.cmd("NLST", "125")
			readBlocks(t, data)
			d.expect("250")
			d.cmd("ABOR", "225")
		},
	}
	for name, test := range tlsConditionTests {
		tests[name] = test
	}
	for _, name := range all {
		c := cond(name)
		t.Run(string(name), func(t *testing.T) {
			t.Parallel()
			tests[name](t, c)
		})
	}
}

// readBlocks reads block-mode data (RFC 959 §3.4.2) up to the block that ends the file.
func readBlocks(t *testing.T, r io.Reader) {
	t.Helper()
	for {
		var hdr [3]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			t.Fatalf("block header: %v", err)
		}
		if _, err := io.CopyN(io.Discard, r, int64(hdr[1])<<8|int64(hdr[2])); err != nil {
			t.Fatalf("block data: %v", err)
		}
		if hdr[0]&64 != 0 {
			return
		}
	}
}

func TestMainServerSendsRestartMarkers(t *testing.T) {
	inst, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Stop(context.Background())
	if err := os.WriteFile(inst.Root+"/big", make([]byte, 2*restartMarkers), 0o644); err != nil {
		t.Fatal(err)
	}
	d := loginURL(t, inst.Target)
	d.cmd("TYPE I", "200")
	d.cmd("MODE B", "200")
	data := d.pasvData()
	d.cmd("RETR big", "150")
	var markers []string
	for {
		var hdr [3]byte
		if _, err := io.ReadFull(data, hdr[:]); err != nil {
			t.Fatal(err)
		}
		p := make([]byte, int(hdr[1])<<8|int(hdr[2]))
		if _, err := io.ReadFull(data, p); err != nil {
			t.Fatal(err)
		}
		if hdr[0]&16 != 0 {
			markers = append(markers, string(p))
		}
		if hdr[0]&64 != 0 {
			break
		}
	}
	d.expect("226")
	if want := []string{strconv.Itoa(restartMarkers), strconv.Itoa(2 * restartMarkers)}; strings.Join(markers, ",") != strings.Join(want, ",") {
		t.Fatalf("markers %q, want %q", markers, want)
	}
}

func TestFaultsReachEveryInstance(t *testing.T) {
	inst, err := Start(Options{Faults: []string{"pwd-unquoted"}})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Stop(context.Background())
	for _, target := range []string{inst.Target, inst.TargetConfig.Conditions[harness.CondDiskFull].Target} {
		d := loginURL(t, target)
		if _, err := d.c.Write([]byte("PWD\r\n")); err != nil {
			t.Fatal(err)
		}
		if code, text := d.read(); code != "257" || strings.HasPrefix(text, `"`) {
			t.Errorf("%s: PWD %s %s", target, code, text)
		}
	}
}

func TestStartOnIPv6Loopback(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	} else {
		ln.Close()
	}
	inst, err := Start(Options{Host: "::1", MainOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Stop(context.Background())
	if !strings.Contains(inst.Target, "@[::1]:") {
		t.Fatalf("target %q", inst.Target)
	}
	c := loginURL(t, inst.Target)
	c.cmd("EPSV 2", "229")
	c.cmd("EPSV 1", "522")
	c.cmd("PASV", "502")
	c.cmd("EPRT |2|::1|5000|", "200")
}
