package embedded

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ftpconform/ftpconform/harness"
)

// startTLS sends AUTH TLS and continues over TLS.
func (c *conn) startTLS(conf *tls.Config) {
	c.t.Helper()
	c.cmd("AUTH TLS", "234")
	tc := tls.Client(c.c, conf)
	_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("TLS handshake: %v", err)
	}
	_ = tc.SetDeadline(time.Time{})
	c.c, c.r = tc, bufio.NewReader(tc)
}

// loginTLS logs in to a condition's target over explicit TLS.
func loginTLS(t *testing.T, cond harness.Condition, conf *tls.Config) *conn {
	t.Helper()
	u, _ := url.Parse(cond.Target)
	c := dial(t, u.Host)
	c.expect("220")
	c.startTLS(conf)
	c.cmd("USER "+cond.User, "331")
	c.cmd("PASS "+cond.Password, "230")
	return c
}

func tlsConfig() *tls.Config {
	return &tls.Config{ServerName: "localhost", InsecureSkipVerify: true, ClientSessionCache: tls.NewLRUClientSessionCache(4)}
}

// tlsConditionTests prove the TLS conditions real; TestEveryConditionIsReal runs them.
var tlsConditionTests = map[harness.ConditionName]func(t *testing.T, c harness.Condition){
	harness.CondTLSRequired: func(t *testing.T, c harness.Condition) {
		u, _ := url.Parse(c.Target)
		d := dial(t, u.Host)
		d.expect("220")
		d.cmd("USER "+c.User, "530")
		loginTLS(t, c, tlsConfig()).cmd("NOOP", "200")
	},
	harness.CondProtPrivate: func(t *testing.T, c harness.Condition) {
		d := loginTLS(t, c, tlsConfig())
		d.pasvData()
		d.cmd("LIST", "521")
	},
	harness.CondTLSSessionReuse: func(t *testing.T, c harness.Condition) {
		d := loginTLS(t, c, tlsConfig())
		d.cmd("PBSZ 0", "200")
		d.cmd("PROT P", "200")
		data := d.pasvData()
		d.cmd("LIST", "150")
		tc := tls.Client(data, &tls.Config{InsecureSkipVerify: true}) // a session of its own
		_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
		_ = tc.Handshake()
		io.Copy(io.Discard, tc)
		d.expect("522")
	},
}

// With TLS: implicit, every target URL is ftps:// and speaks TLS from the first byte.
func TestStartImplicitTLS(t *testing.T) {
	inst, err := Start(Options{TLS: harness.TLSImplicit})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Stop(context.Background()) })
	targets := []string{inst.Target}
	for _, c := range inst.TargetConfig.Conditions {
		if c.Target != "" {
			targets = append(targets, c.Target)
		}
	}
	for _, target := range targets {
		if !strings.HasPrefix(target, "ftps://") {
			t.Fatalf("target %q is not ftps://", target)
		}
		tt, err := harness.ParseTarget(target)
		if err != nil {
			t.Fatal(err)
		}
		nc, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", tt.Addr(), tlsConfig())
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		t.Cleanup(func() { nc.Close() })
		c := &conn{t: t, c: nc, r: bufio.NewReader(nc)}
		if code, _ := c.read(); code != "220" && code != "120" {
			t.Fatalf("%s: greeting %s", target, code)
		}
	}
}
