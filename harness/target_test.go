package harness

import (
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	good := []struct {
		in   string
		want Target
	}{
		{"ftp://127.0.0.1", Target{Host: "127.0.0.1", Port: 21, User: "anonymous", Scratch: "/"}},
		{"ftp://u:p%40ss@127.0.0.1:2121/scratch/dir/", Target{Host: "127.0.0.1", Port: 2121, User: "u", Password: "p@ss", Scratch: "/scratch/dir"}},
		{"ftps://u@[::1]:990/x", Target{Host: "::1", Port: 990, User: "u", Scratch: "/x", TLS: TLSImplicit}},
		{"FTP://localhost:21/a/../b", Target{Host: "localhost", Port: 21, User: "anonymous", Scratch: "/b"}},
	}
	for _, g := range good {
		got, err := ParseTarget(g.in)
		if err != nil || got != g.want {
			t.Errorf("ParseTarget(%q) = %+v, %v; want %+v", g.in, got, err, g.want)
		}
	}
	bad := map[string]string{
		"":                         "empty",
		"127.0.0.1:21":             "scheme",
		"http://127.0.0.1":         `scheme "http"`,
		"ftp://":                   "no host",
		"ftp://127.0.0.1:99999":    "port",
		"ftp://127.0.0.1:abc":      "malformed",
		"ftp://127.0.0.1:":         "empty port",
		"ftp:127.0.0.1":            "two slashes",
		"ftp://:pw@127.0.0.1":      "empty user",
		"ftp://127.0.0.1/?x=1":     "query",
		"ftp://127.0.0.1/%0d%0aRM": "control character",
		"ftp://u:p@127.0.0.1:21/%": "malformed",
	}
	for in, want := range bad {
		_, err := ParseTarget(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseTarget(%q) error = %v, want one mentioning %q", in, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseTarget(%q) error spans lines: %q", in, err)
		}
	}
}

func TestTargetStringHidesPassword(t *testing.T) {
	tg, _ := ParseTarget("ftp://u:secret@127.0.0.1:2121/s")
	if s := tg.String(); strings.Contains(s, "secret") || !strings.Contains(s, "127.0.0.1:2121") {
		t.Errorf("String() = %q", s)
	}
}
