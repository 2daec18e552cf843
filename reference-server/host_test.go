package refserver

import (
	"strings"
	"testing"
)

func TestHost(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.VirtualHosts = []VirtualHost{{Name: "ftp.example.com", Root: "/vhosts/example", Banner: "Welcome to example.\nSecond line."}}
	})
	c, _ := dial(t, ts.addr)
	c.run([]step{
		{"HOST 127.0.0.1", 220, ""},
		{"HOST 192.0.2.1", 504, ""},
		{"HOST [::1]", 504, ""}, // not this connection's address
		{"HOST 127.0.0.1:2112", 501, ""},
		{"HOST [2001:db8::1]:2112", 501, ""},
		{"HOST ::1", 501, ""},
		{"HOST bad_name!", 501, ""},
		{"HOST -bad.example", 501, ""},
		{"HOST  ftp.example.com", 501, ""}, // one space only (RFC 2640 §3.1)
		{"HOST", 501, ""},
		{"HOST unknown.invalid", 504, ""},
		{"HOST FTP.Example.COM", 220, "Welcome to example."},
	})
	c.run([]step{{"USER " + testUser, 331, ""}, {"PASS " + testPassword, 230, ""}, {"HOST ftp.example.com", 503, ""}})
	c.upload("STOR f", []byte("on the virtual host"))
	c.expectRead(226)
	if got := ts.read(t, "vhosts/example/f"); got != "on the virtual host" {
		t.Fatalf("stored on the virtual host: %q", got)
	}
	// REIN forgets the virtual host (RFC 7151 §3.2.1): the next login is on the default host.
	c.run([]step{{"REIN", 220, ""}, {"USER " + testUser, 331, ""}, {"PASS " + testPassword, 230, ""}, {"SIZE f", 550, ""}, {"SIZE vhosts/example/f", 213, ""}})
	// A refused HOST leaves the session as if none had been sent (RFC 7151 §3.3 a).
	d, _ := dial(t, ts.addr)
	d.run([]step{{"HOST ftp.example.com", 220, ""}, {"HOST nope.example.com", 504, ""}, {"USER " + testUser, 331, ""}, {"PASS " + testPassword, 230, ""}, {"SIZE vhosts/example/f", 213, ""}})
	// The multi-line banner is the 220.
	e, _ := dial(t, ts.addr)
	if r := e.expect("HOST ftp.example.com", 220); len(r.lines) != 2 || !strings.HasPrefix(r.raw, "220-") {
		t.Fatalf("HOST's 220: %q", r.raw)
	}
}

func TestHostnameGrammar(t *testing.T) {
	for arg, want := range map[string]hostKind{
		"ftp.example.com": hostDomain, "a": hostDomain, "xn--e1afmkfd.com": hostDomain, "1.2.3": hostDomain,
		"192.0.2.1": hostLiteral, "[2001:db8::c000:201]": hostLiteral, "[::192.0.2.1]": hostLiteral,
		"192.0.2.1:2112": hostMalformed, "[2001:db8::1]:2112": hostMalformed, "2001:db8::1": hostMalformed,
		"[192.0.2.1]": hostMalformed, "a..b": hostMalformed, "a.b.": hostMalformed, "a_b": hostMalformed,
		"-a": hostMalformed, "a-": hostMalformed, strings.Repeat("a", 64): hostMalformed, "": hostMalformed,
	} {
		if got, _ := parseHostname(arg); got != want {
			t.Errorf("parseHostname(%q) = %d, want %d", arg, got, want)
		}
	}
}

func TestVirtualHostConfig(t *testing.T) {
	for _, hosts := range [][]VirtualHost{
		{{Name: "bad name"}},
		{{Name: "a.example"}, {Name: "A.example"}},
	} {
		cfg := Config{Root: t.TempDir(), VirtualHosts: hosts}
		if err := cfg.check(); err == nil {
			t.Errorf("%v accepted", hosts)
		}
	}
	cfg, err := ParseConfig([]byte(`{"root": "/srv", "virtual_hosts": [{"name": "ftp.example.com", "root": "example", "banner": "hi"}]}`))
	if err != nil || cfg.check() != nil || cfg.VirtualHosts[0].Root != "/example" {
		t.Fatalf("%+v %v", cfg.VirtualHosts, err)
	}
}
